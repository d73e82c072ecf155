/**
 * `rawcraft sr` across network namespaces this test creates (A — R — B, netns.ts), never the
 * host's network. In B a TCP listener on one port, another port closed; on R a blackhole route
 * (198.18.3.0/24: nothing answers) and a prohibit route (198.18.4.0/24: R answers with an ICMP
 * unreachable). `sr` runs inside A as `ip netns exec A node dist/src/cli/main.js sr ...`; the
 * kernels of B and R give the answers. Needs root: skipped without, failing with CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createSocket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, cli } from '../expr/run-cli.js';
import { IN_CI, rawAccess } from '../transport/helpers.js';
import { ADDR, canCreateNamespaces, createTopology, nodeInNs, type Topology } from '../transport/netns.js';

const OPEN = 47811;
const CLOSED = 47812;
const BLACKHOLE = '198.18.3.1';
const PROHIBITED = '198.18.4.1';

let topo: Topology | undefined;
let listener: ChildProcess | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  if (!rawAccess.ok) return void (unavailable = `no raw-socket privilege: ${rawAccess.reason}`);
  const ns = canCreateNamespaces();
  if (!ns.ok) return void (unavailable = `cannot create network namespaces: ${ns.reason}`);
  topo = createTopology();
  for (const [route, net] of [['blackhole', '198.18.3.0/24'], ['prohibit', '198.18.4.0/24']]) {
    const r = spawnSync('ip', ['-n', topo.r, 'route', 'add', route, net], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip route add ${route} ${net}: ${r.stderr}`);
  }
  const script = `require('net').createServer((s) => s.destroy()).listen(${OPEN}, '::', () => console.log('ready'))`;
  listener = spawn('ip', ['netns', 'exec', topo.b, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    listener!.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    listener!.on('exit', (code) => reject(new Error(`listener exited with ${code}`)));
  });
}, 60_000);

afterAll(() => {
  listener?.kill();
  topo?.remove();
});

function guard(ctx: { skip: (note?: string) => void }): void {
  if (unavailable === undefined) return;
  if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
  ctx.skip(unavailable);
}

describe('rawcraft sr', () => {
  it('TCP SYNs: open (SYN-ACK), closed (RST), filtered (no answer; ICMP unreachable), with the pairs', async (ctx) => {
    guard(ctx);
    const expr = `ipv4(src=${ADDR.a4},dst=(${ADDR.b4}|${BLACKHOLE}|${PROHIBITED}))/tcp(srcPort=40123,dstPort=(${OPEN}|${CLOSED}),flags=[syn])`;
    const r = await nodeInNs(topo!.a, ROOT, CLI, ['sr', expr, '--timeout', '1', '--retry', '1', '--json'], 60_000);
    expect(r.status, r.stderr).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const ports = events.filter((e) => e.event === 'port').map((e) => `${e.address} ${e.port} ${e.state} ${e.reason}`);
    expect(ports).toEqual([
      `${ADDR.b4} ${OPEN} open syn-ack`,
      `${ADDR.b4} ${CLOSED} closed rst`,
      `${BLACKHOLE} ${OPEN} filtered no-response`,
      `${BLACKHOLE} ${CLOSED} filtered no-response`,
      `${PROHIBITED} ${OPEN} filtered icmp destination-unreachable code 13`,
      `${PROHIBITED} ${CLOSED} filtered icmp destination-unreachable code 13`,
    ]);
    const answered = events.filter((e) => e.event === 'answered');
    expect(answered.map((e) => e.index)).toEqual([0, 1, 4, 5]);
    expect(answered[0]).toMatchObject({ kind: 'reply', answer: expect.stringMatching(new RegExp(`^tcp ${OPEN} > 40123 \\[.*SYN.*\\].* from ${ADDR.b4.replace(/\./g, '\\.')}$`)) });
    expect(answered[2]).toMatchObject({ kind: 'icmp-error', answer: expect.stringMatching(/^icmp destination-unreachable code 13 .*from 198\.18\.1\.1$/) });
    expect(events.filter((e) => e.event === 'unanswered').map((e) => [e.index, e.attempts])).toEqual([[2, 2], [3, 2]]);
    expect(events.at(-1)).toMatchObject({ event: 'summary', sent: 6, answered: 4, unanswered: 2, retry: 1, timeoutMs: 1000 });
  }, 60_000);

  it('IPv6 TCP SYNs, the source left out (the route\'s): open and closed, the answers read from IPv6 raw sockets', async (ctx) => {
    guard(ctx);
    const r = await nodeInNs(topo!.a, ROOT, CLI, ['sr', `ipv6(dst=${ADDR.b6})/tcp(srcPort=40126,dstPort=(${OPEN}|${CLOSED}),flags=[syn])`, '--timeout', '1', '--json']);
    expect(r.status, r.stderr).toBe(0);
    const ports = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.event === 'port').map((e) => `${e.address} ${e.port} ${e.state}`);
    expect(ports).toEqual([`${ADDR.b6} ${OPEN} open`, `${ADDR.b6} ${CLOSED} closed`]);
  }, 60_000);

  it('prints answered and unanswered lines and the port table as text; exit 1 when nothing answers', async (ctx) => {
    guard(ctx);
    const text = await nodeInNs(topo!.a, ROOT, CLI, ['sr', `ipv4(src=${ADDR.a4},dst=${ADDR.b4})/tcp(srcPort=40124,dstPort=${OPEN}-${CLOSED},flags=[syn])`, '--timeout', '1']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^answered 0: tcp 40124 > ${OPEN} \\[SYN\\]`, 'm'));
    expect(text.stdout).toContain(`PORT STATE REASON (TCP SYN)\n${ADDR.b4} ${OPEN}/tcp open syn-ack\n${ADDR.b4} ${CLOSED}/tcp closed rst\n`);
    expect(text.stdout).toMatch(/^sent 2, answered 2, unanswered 0/m);
    const none = await nodeInNs(topo!.a, ROOT, CLI, ['sr', `ipv4(src=${ADDR.a4},dst=${BLACKHOLE})/udp(srcPort=40125,dstPort=9)`, '--timeout', '0.3']);
    expect(none.status).toBe(1);
    expect(none.stdout).toMatch(/^unanswered 0: udp 40125 > 9 from 198\.18\.1\.2 to 198\.18\.3\.1$/m);
  }, 60_000);
});

/**
 * Resolves once process `pid` has a raw socket open for IP protocol `protocol` (Linux: its
 * socket inodes in /proc/PID/fd, listed in /proc/net/raw with the protocol as local port): sr
 * is then listening, its Ctrl-C handler long installed, so the signal is not sent too early.
 */
async function whenListening(pid: number, protocol: number): Promise<void> {
  const port = protocol.toString(16).toUpperCase().padStart(4, '0');
  for (let i = 0; i < 1500; i++) {
    try {
      const mine = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`))?.[1]).filter(Boolean));
      const raw = readFileSync('/proc/net/raw', 'utf8').split('\n').slice(1).map((l) => l.trim().split(/\s+/));
      if (raw.some((cols) => cols[1]?.endsWith(`:${port}`) && mine.has(cols[9]))) return;
    } catch {
      return; // the process is gone
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

function readlinkSafe(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

describe('rawcraft sr on loopback', () => {
  it('Ctrl-C stops the wait and still prints the pairs and the summary', async (ctx) => {
    if (!rawAccess.ok) {
      if (IN_CI) throw new Error(`CI=true but ${rawAccess.reason}`);
      return ctx.skip(rawAccess.reason);
    }
    if (process.platform !== 'linux') return ctx.skip('reads /proc to know when sr is listening');
    // Protocol 254 (RFC 3692 experimentation): nothing answers it, so sr waits the whole 30 s unless stopped.
    const started = Date.now();
    const r = await cli(['sr', 'ipv4(src=127.0.0.1,dst=127.0.0.1,protocol=254)/raw(hex=00)', '--timeout', '30'], {
      onSpawn: (child) => void whenListening(child.pid!, 254).then(() => child.kill('SIGINT')),
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^unanswered 0: protocol 254 packet from 127\.0\.0\.1 to 127\.0\.0\.1$/m);
    expect(r.stdout).toMatch(/^sent 1, answered 0, unanswered 1/m);
  }, 30_000);
});

describe('rawcraft sr --json on loopback', () => {
  it('every event has its fields, one type each: rttMs a number, error null when the request went out', async (ctx) => {
    if (!rawAccess.ok) {
      if (IN_CI) throw new Error(`CI=true but ${rawAccess.reason}`);
      return ctx.skip(rawAccess.reason);
    }
    // UDP to port 9 gets the kernel's port unreachable; to a port this test's socket holds, nothing.
    const quiet = createSocket('udp4');
    await new Promise<void>((resolve) => quiet.bind(0, '127.0.0.1', resolve));
    const port = quiet.address().port;
    const r = await cli(['sr', `ipv4(src=127.0.0.1,dst=127.0.0.1)/udp(dstPort=(9|${port}))/raw(hex=00)`, '--timeout', '0.3', '--json']).finally(() => quiet.close());
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const answered = events.find((e) => e.event === 'answered');
    const unanswered = events.find((e) => e.event === 'unanswered');
    expect(answered, r.stdout).toMatchObject({ index: 0, kind: 'icmp-error', rttMs: expect.any(Number), attempts: 1 });
    expect(unanswered, r.stdout).toEqual({ event: 'unanswered', index: 1, request: expect.any(String), attempts: 1, error: null });
    expect(events.at(-1)).toMatchObject({ event: 'summary', sent: 2, answered: 1, unanswered: 1, timeoutMs: 300 });
  });
});

describe('rawcraft sr: usage', () => {
  it('refuses bad arguments as one line, exit 2', async () => {
    for (const [args, pattern] of [
      [['sr'], /^rawcraft: sr: expected one EXPR/],
      [['sr', 'ipv4(dst=127.0.0.1)/udp', '--timeout', 'x'], /^rawcraft: sr: --timeout "x": expected seconds/],
      [['sr', 'ipv4(dst=127.0.0.1)/udp', '--transport', 'pcap:/tmp/x.pcap'], /^rawcraft: sr: --transport must be raw/],
      [['sr', 'ipv4()/udp()/tcp()'], /^rawcraft: expression column 14: tcp: cannot follow udp/],
    ] as const) {
      const r = await cli([...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
    }
  });
});
