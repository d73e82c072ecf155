/**
 * Load without silent loss. PACKETS raw IPv4 UDP datagrams crafted by rawcraft
 * (`ipv4(dst=127.0.0.1)/udp(dstPort=P)/raw(size=32)`) go to a UDP socket on 127.0.0.1, sent by
 * `rawcraft send --count` and by `Transport.sendMany`; and, as whole Ethernet frames, by the link
 * transport's sendMany (libpcap) from one namespace through a veth pair to a UDP socket in
 * another (a frame injected on lo for 127.0.0.1 is dropped by Linux as a martian destination,
 * counted nowhere a test can read). The sender's count must equal what the receiver counted plus
 * what the kernel counted as dropped:
 *
 * - the receiver is udp-counter.c (compiled here with cc, nothing of rawcraft in it): it counts
 *   datagrams with recvmmsg and reads its socket's drop counter twice, from SO_RXQ_OVFL and from
 *   /proc/net/udp's `drops` column;
 * - the namespace's /proc/net/snmp (Udp InDatagrams, RcvbufErrors, InErrors) and the devices'
 *   drop counters (loopback's rx drops, the backlog queue; the veth ends' tx and rx drops) must
 *   tell the same story.
 *
 * Everything runs in a network namespace this test creates (its own 127.0.0.1 and counters, so
 * other tests' traffic on the host cannot blur them), through `ip netns exec NS node ...`.
 * 100,000 packets in `npm test`; `npm run load` sets RAWCRAFT_LOAD_PACKETS=1000000. The rates
 * are printed (context for the speed work; not asserted). Needs root: skipped without, failing
 * with CI=true.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IN_CI, buildTransportForChild, rawAccess } from './helpers.js';
import { canCreateNamespaces, nodeInNs } from './netns.js';
import { createVethPair, PAIR, type VethPair } from '../link/veth-pair.js';

const PACKETS = Number(process.env.RAWCRAFT_LOAD_PACKETS ?? 100_000);
const PAYLOAD = 32;
/** Generous: 5 k packets/s at worst (13 k/s seen on a 2-core machine at load average 20), plus start-up. */
const SEND_TIMEOUT_MS = 30_000 + PACKETS / 5;
const COUNTER_SOURCE = fileURLToPath(new URL('./udp-counter.c', import.meta.url));

/** \`send-many.mjs PORT COUNT [link SRC DST]\`: one Transport.sendMany call of COUNT datagrams. */
const SEND_MANY = `import { openTransport, ipv4 } from './src/index.js';
const [port, count] = process.argv.slice(2, 4).map(Number);
const [kind, src, dst] = process.argv.slice(4);
// The link transport sends the source as built: it must be A's address (the raw one lets the kernel fill it in).
const datagram = ipv4(kind === 'link' ? { src, dst } : { dst: '127.0.0.1' }).udp({ dstPort: port }).payload(Buffer.alloc(${PAYLOAD}));
const transport = openTransport(kind === 'link' ? { kind: 'link' } : 'raw');
const started = performance.now();
const result = await transport.sendMany(Array(count).fill(datagram));
const durationMs = performance.now() - started;
await transport.close();
console.log(JSON.stringify({ sent: result.sent, retries: result.retries, calls: result.calls, durationMs, packetsPerSecond: Math.round((result.sent * 1000) / durationMs) }));
`;

let ns: string | undefined;
/** Two namespaces joined by a veth pair, for the link transport. */
let pair: VethPair | undefined;
let linkUnavailable: string | undefined;
let built: { dir: string; cleanup: () => void } | undefined;
let counterBinary: string | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  if (!rawAccess.ok) return void (unavailable = `no raw-socket privilege: ${rawAccess.reason}`);
  const can = canCreateNamespaces();
  if (!can.ok) return void (unavailable = `cannot create network namespaces: ${can.reason}`);
  if (spawnSync('sh', ['-c', 'command -v cc']).status !== 0) return void (unavailable = 'no C compiler (cc) for udp-counter.c');
  built = await buildTransportForChild();
  writeFileSync(join(built.dir, 'send-many.mjs'), SEND_MANY);
  counterBinary = join(built.dir, 'udp-counter');
  const cc = spawnSync('cc', ['-Wall', '-O2', '-o', counterBinary, COUNTER_SOURCE], { encoding: 'utf8' });
  if (cc.status !== 0) throw new Error(`building udp-counter failed:\n${cc.stderr}`);
  ns = `rc-${process.pid.toString(36)}${randomBytes(3).toString('hex')}-load`;
  run('ip', ['netns', 'add', ns]);
  run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  if (spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libpcap\\.so"']).status !== 0) linkUnavailable = 'libpcap is not installed (apt-get install libpcap0.8)';
  pair = createVethPair();
}, 120_000);

afterAll(() => {
  if (ns) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
  pair?.remove();
  built?.cleanup();
});

function guard(ctx: { skip: (note?: string) => void }): { ns: string; dir: string } {
  if (unavailable) {
    if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
    ctx.skip(unavailable);
  }
  return { ns: ns!, dir: built!.dir };
}

function run(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/** The receiving namespace's UDP counters, and the drops of the devices on the way. */
interface Counters {
  readonly udpInDatagrams: number;
  readonly udpRcvbufErrors: number;
  readonly udpInErrors: number;
  /** Datagrams the devices on the way dropped before any socket saw them (loopback: the backlog queue). */
  readonly deviceDrops: number;
}

/** Where the datagrams go: the receiving namespace and address, and the devices that may drop them. */
interface Path {
  readonly sender: string;
  readonly receiver: string;
  readonly address: string;
  /** [namespace, device, 'rx' | 'tx'] drop counters to add up. */
  readonly drops: readonly (readonly [string, string, 'rx' | 'tx'])[];
}

function counters(path: Path): Counters {
  const snmp = run('ip', ['netns', 'exec', path.receiver, 'cat', '/proc/net/snmp']);
  const [names, values] = snmp.split('\n').filter((l) => l.startsWith('Udp:')).map((l) => l.trim().split(/\s+/));
  const udp = (name: string) => Number(values[names.indexOf(name)]);
  let deviceDrops = 0;
  for (const [namespace, device, direction] of path.drops) {
    const [link] = JSON.parse(run('ip', ['-n', namespace, '-s', '-j', 'link', 'show', 'dev', device])) as { stats64: Record<'rx' | 'tx', { dropped: number }> }[];
    deviceDrops += link.stats64[direction].dropped;
  }
  return { udpInDatagrams: udp('InDatagrams'), udpRcvbufErrors: udp('RcvbufErrors'), udpInErrors: udp('InErrors'), deviceDrops };
}

interface CounterReport {
  readonly received: number;
  readonly bytes: number;
  readonly rxqOvfl: number;
  readonly procDrops: number;
  readonly truncated: number;
}

/** udp-counter inside the namespace: `port` once bound; `finish()` closes its stdin and reads its count. */
async function startCounter(namespace: string, address: string): Promise<{ port: number; finish: () => Promise<CounterReport> }> {
  const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', namespace, counterBinary!, '0', '0', address], { stdio: 'pipe' });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  let notify = () => {};
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (text: string) => {
    partial += text;
    for (let nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n')) {
      lines.push(partial.slice(0, nl));
      partial = partial.slice(nl + 1);
    }
    notify();
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const line = async (index: number, ms: number): Promise<string> => {
    const deadline = Date.now() + ms;
    while (lines.length <= index) {
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`udp-counter said nothing more (exit ${child.exitCode}): ${stderr}`);
      }
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, 100);
      });
    }
    return lines[index];
  };
  const ready = JSON.parse(await line(0, 10_000)) as { port: number };
  return {
    port: ready.port,
    finish: async () => {
      child.stdin.end();
      const report = JSON.parse(await line(1, 30_000)) as CounterReport;
      expect(await exited, stderr).toBe(0);
      return report;
    },
  };
}

interface SenderReport {
  readonly sent: number;
  readonly failed?: number;
  readonly retries: number;
  readonly packetsPerSecond: number;
}

/** Run one sender against a fresh counter and check the accounting. */
async function account(path: Path, dir: string, label: string, sender: (port: number) => { script: string; args: string[] }): Promise<void> {
  const counter = await startCounter(path.receiver, path.address);
  const before = counters(path);
  const { script, args } = sender(counter.port);
  const child = await nodeInNs(path.sender, dir, script, args, SEND_TIMEOUT_MS);
  expect(child.status, child.stderr).toBe(0);
  const sent = JSON.parse(child.stdout.trim().split('\n').pop()!) as SenderReport;
  const got = await counter.finish();
  const after = counters(path);
  const delta = (key: keyof Counters) => after[key] - before[key];
  // Context for the speed work (issue 11), not a target.
  console.log(`${label}: ${sent.sent} packets at ${sent.packetsPerSecond} packets/s; received ${got.received}, dropped by the receiving socket ${got.rxqOvfl}, by devices ${delta('deviceDrops')}`);

  expect(sent.sent).toBe(PACKETS);
  expect(sent.failed ?? 0).toBe(0);
  // The socket's drop counter, read two ways, and the namespace's UDP counters agree.
  expect(got.procDrops).toBe(got.rxqOvfl);
  expect(delta('udpRcvbufErrors')).toBe(got.rxqOvfl);
  expect(delta('udpInErrors')).toBe(got.rxqOvfl);
  expect(delta('udpInDatagrams')).toBe(got.received + 1); // + udp-counter's end marker
  expect(got.truncated).toBe(0);
  expect(got.bytes).toBe(got.received * PAYLOAD);
  // Nothing lost silently: every datagram the sender counted was received or counted as dropped.
  expect(got.received + got.rxqOvfl + delta('deviceDrops')).toBe(sent.sent);
}

describe(`load: ${PACKETS} datagrams to a UDP socket, every one received or counted as dropped`, () => {
  const loopback = (ns: string): Path => ({ sender: ns, receiver: ns, address: '127.0.0.1', drops: [[ns, 'lo', 'rx']] });

  it('rawcraft send --count, to 127.0.0.1', async (ctx) => {
    const { ns, dir } = guard(ctx);
    await account(loopback(ns), dir, 'rawcraft send', (port) => ({
      script: join('src', 'cli', 'main.js'),
      args: ['send', `ipv4(dst=127.0.0.1)/udp(dstPort=${port})/raw(size=${PAYLOAD})`, '--count', String(PACKETS), '--json'],
    }));
  }, SEND_TIMEOUT_MS + 60_000);

  it('Transport.sendMany (raw), to 127.0.0.1', async (ctx) => {
    const { ns, dir } = guard(ctx);
    await account(loopback(ns), dir, 'Transport.sendMany (raw)', (port) => ({ script: 'send-many.mjs', args: [String(port), String(PACKETS)] }));
  }, SEND_TIMEOUT_MS + 60_000);

  it('Transport.sendMany (link: Ethernet frames through libpcap), across a veth pair', async (ctx) => {
    const { dir } = guard(ctx);
    if (linkUnavailable) {
      if (IN_CI) throw new Error(`CI=true but ${linkUnavailable}`);
      ctx.skip(linkUnavailable);
    }
    const { x, y } = pair!;
    const path: Path = { sender: x, receiver: y, address: PAIR.y4, drops: [[x, PAIR.xIf, 'tx'], [y, PAIR.yIf, 'rx'], [y, 'lo', 'rx']] };
    await account(path, dir, 'Transport.sendMany (link)', (port) => ({ script: 'send-many.mjs', args: [String(port), String(PACKETS), 'link', PAIR.x4, PAIR.y4] }));
  }, SEND_TIMEOUT_MS + 60_000);
});
