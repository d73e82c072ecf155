/**
 * Load without silent loss. PACKETS raw IPv4 UDP datagrams crafted by rawcraft
 * (`ipv4(dst=127.0.0.1)/udp(dstPort=P)/raw(size=32)`) go to a UDP socket on 127.0.0.1, sent by
 * `rawcraft send --count` and by `Transport.sendMany`. The sender's count must equal what the
 * receiver counted plus what the kernel counted as dropped:
 *
 * - the receiver is udp-counter.c (compiled here with cc, nothing of rawcraft in it): it counts
 *   datagrams with recvmmsg and reads its socket's drop counter twice, from SO_RXQ_OVFL and from
 *   /proc/net/udp's `drops` column;
 * - the namespace's /proc/net/snmp (Udp InDatagrams, RcvbufErrors, InErrors) and its loopback
 *   device's rx drops (/proc/net/dev: the backlog queue) must tell the same story.
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

const PACKETS = Number(process.env.RAWCRAFT_LOAD_PACKETS ?? 100_000);
const PAYLOAD = 32;
/** Generous: about 20 k packets/s at worst on a busy 2-core machine, plus start-up. */
const SEND_TIMEOUT_MS = 30_000 + PACKETS / 20;
const COUNTER_SOURCE = fileURLToPath(new URL('./udp-counter.c', import.meta.url));

const SEND_MANY = `import { openTransport, ipv4 } from './src/index.js';
const [port, count] = process.argv.slice(2).map(Number);
const datagram = ipv4({ dst: '127.0.0.1' }).udp({ dstPort: port }).payload(Buffer.alloc(${PAYLOAD}));
const transport = openTransport('raw');
const started = performance.now();
const result = await transport.sendMany(Array(count).fill(datagram));
const durationMs = performance.now() - started;
await transport.close();
console.log(JSON.stringify({ sent: result.sent, retries: result.retries, calls: result.calls, durationMs, packetsPerSecond: Math.round((result.sent * 1000) / durationMs) }));
`;

let ns: string | undefined;
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
}, 120_000);

afterAll(() => {
  if (ns) spawnSync('ip', ['netns', 'del', ns], { timeout: 10_000 });
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

/** The namespace's counters that can account for a UDP datagram on loopback. */
interface Counters {
  readonly udpInDatagrams: number;
  readonly udpRcvbufErrors: number;
  readonly udpInErrors: number;
  /** Loopback's rx drops: datagrams the backlog queue refused before any socket saw them. */
  readonly loRxDropped: number;
}

function counters(namespace: string): Counters {
  const text = run('ip', ['netns', 'exec', namespace, 'cat', '/proc/net/snmp', '/proc/net/dev']);
  const [names, values] = text.split('\n').filter((l) => l.startsWith('Udp:')).map((l) => l.trim().split(/\s+/));
  const udp = (name: string) => Number(values[names.indexOf(name)]);
  // /proc/net/dev: "lo: rx_bytes rx_packets rx_errs rx_drop ..."
  const lo = text.split('\n').find((l) => /^\s*lo:/.test(l))!.split(':')[1].trim().split(/\s+/).map(Number);
  return { udpInDatagrams: udp('InDatagrams'), udpRcvbufErrors: udp('RcvbufErrors'), udpInErrors: udp('InErrors'), loRxDropped: lo[3] };
}

interface CounterReport {
  readonly received: number;
  readonly bytes: number;
  readonly rxqOvfl: number;
  readonly procDrops: number;
  readonly truncated: number;
}

/** udp-counter inside the namespace: `port` once bound; `finish()` closes its stdin and reads its count. */
async function startCounter(namespace: string): Promise<{ port: number; finish: () => Promise<CounterReport> }> {
  const child: ChildProcessWithoutNullStreams = spawn('ip', ['netns', 'exec', namespace, counterBinary!, '0'], { stdio: 'pipe' });
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
async function account(namespace: string, dir: string, label: string, sender: (port: number) => { script: string; args: string[] }): Promise<void> {
  const counter = await startCounter(namespace);
  const before = counters(namespace);
  const { script, args } = sender(counter.port);
  const child = await nodeInNs(namespace, dir, script, args, SEND_TIMEOUT_MS);
  expect(child.status, child.stderr).toBe(0);
  const sent = JSON.parse(child.stdout.trim().split('\n').pop()!) as SenderReport;
  const got = await counter.finish();
  const after = counters(namespace);
  const delta = (key: keyof Counters) => after[key] - before[key];
  // Context for the speed work (issue 11), not a target.
  console.log(`${label}: ${sent.sent} packets at ${sent.packetsPerSecond} packets/s; received ${got.received}, dropped by the receiving socket ${got.rxqOvfl}, by loopback ${delta('loRxDropped')}`);

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
  expect(got.received + got.rxqOvfl + delta('loRxDropped')).toBe(sent.sent);
}

describe(`load: ${PACKETS} datagrams to a UDP socket on 127.0.0.1, every one received or counted as dropped`, () => {
  it('rawcraft send --count', async (ctx) => {
    const { ns, dir } = guard(ctx);
    await account(ns, dir, 'rawcraft send', (port) => ({
      script: join('src', 'cli', 'main.js'),
      args: ['send', `ipv4(dst=127.0.0.1)/udp(dstPort=${port})/raw(size=${PAYLOAD})`, '--count', String(PACKETS), '--json'],
    }));
  }, SEND_TIMEOUT_MS + 60_000);

  it('Transport.sendMany', async (ctx) => {
    const { ns, dir } = guard(ctx);
    await account(ns, dir, 'Transport.sendMany', (port) => ({ script: 'send-many.mjs', args: [String(port), String(PACKETS)] }));
  }, SEND_TIMEOUT_MS + 60_000);
});
