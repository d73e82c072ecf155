/**
 * Faults end in a typed error with a remedy, lose nothing without a count, and leak no
 * descriptor or timer (open fds from /proc/self/fd and process.getActiveResourcesInfo(), before
 * and after). What each fault does, by design:
 *
 * - ENOBUFS, a full queue discipline (tbf with a tiny limit on a veth in a test namespace):
 *   every datagram the kernel dropped fails with ENOBUFS (the raw transport's sending sockets
 *   set IP_RECVERR; without it Linux reports the dropped datagram as sent), and the transport
 *   waits and retries it; with no retries left the TransportError says what to do. The link
 *   transport (libpcap) reports each such drop as a LinkError (it does not retry).
 * - EMSGSIZE, a datagram over the interface MTU: a TransportError naming the size and the MTU.
 * - The interface taken down mid-send: its routes go with it and sends fail with ENETUNREACH.
 *   Transport.sendMany stops at the first failure (its error's `index` counts what was sent);
 *   `rawcraft send` counts every failure by kind, goes on, and reports them in its summary.
 * - The namespace deleted while receiving: `ip netns del` only removes the name; the process
 *   and its sockets keep the namespace alive, so receive() keeps working and ends at its
 *   timeout as usual.
 * - An AbortSignal at each stage of request(): before the send (nothing is sent), during it,
 *   while waiting for the answer (each rejects with the signal's reason, an AbortError), and
 *   after the answer (the result stands).
 *
 * Namespace parts run as `ip netns exec NS node script.mjs` children importing rawcraft
 * transpiled by buildTransportForChild(); the rest sends on loopback only. Needs root:
 * skipped without, failing with CI=true.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { FieldValueError } from '../../src/codec/errors.js';
import { openTransport, RawSocket, request, TransportError, type Transport } from '../../src/transport/index.js';
import { IN_CI, buildTransportForChild, fdCount, freshId, icmpEcho, rawAccess, requireRaw } from './helpers.js';
import { canCreateNamespaces, createShapedNamespace, nodeInNs } from './netns.js';

type Snapshot = { fds: number; resources: string[] };

/** What there is more of in `after` than in `before`: descriptors, and libuv resources by kind. Also run in the children. */
function grown(before: Snapshot, after: Snapshot): string[] {
  const more = after.fds > before.fds ? [`${after.fds - before.fds} descriptor(s)`] : [];
  for (const kind of new Set(after.resources)) {
    const n = (list: string[]) => list.filter((k) => k === kind).length;
    if (n(after.resources) > n(before.resources)) more.push(kind);
  }
  return more;
}

/**
 * What a child reports about its own descriptors and libuv resources. \`settled\` waits (up to
 * 1 s) for handles that are closing to be gone: a close(2) deferred to the end of a poll slice,
 * a dgram socket's close callback.
 */
const LEAKS = `import { readdirSync } from 'node:fs';
console.log('started'); // stdout in use from here on, so that both snapshots count its pipe
export const snapshot = () => ({ fds: readdirSync('/proc/self/fd').length, resources: process.getActiveResourcesInfo().sort() });
${grown.toString()}
export async function settled(before) {
  for (let i = 0; i < 50 && grown(before, snapshot()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  return snapshot();
}
`;

/** Sends 1000-byte datagrams at a shaped veth: one by one without retries, or as one sendMany. */
const FLOOD = `import { openTransport, ipv4, TransportError } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const [mode, count] = [process.argv[2], Number(process.argv[3])];
const datagram = ipv4({ src: '198.18.9.1', dst: '198.18.9.2', protocol: 253 }).payload(Buffer.alloc(980));
const before = snapshot();
const failures = {};
let sent = 0, retries = 0, error;
if (mode === 'single') {
  const transport = openTransport({ kind: 'raw', backpressure: { maxRetries: 0 } });
  for (let i = 0; i < count; i++) {
    try {
      await transport.send(datagram);
      sent++;
    } catch (e) {
      if (!(e instanceof TransportError)) throw e;
      failures[e.errnoName] = (failures[e.errnoName] ?? 0) + 1;
      error ??= e.toJSON();
    }
  }
  await transport.close();
} else {
  const transport = openTransport('raw');
  const result = await transport.sendMany(Array(count).fill(datagram));
  sent = result.sent;
  retries = result.retries;
  await transport.close();
}
console.log(JSON.stringify({ sent, retries, failures, error, before, after: await settled(before) }));
`;

/** The same through the link transport: whole frames, one by one, or (mode "many") one sendMany with onFailure. */
const FLOOD_LINK = `import { openTransport, ipv4 } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const count = Number(process.argv[2]);
const maxRetries = process.argv[3];
const mode = process.argv[4];
const datagram = ipv4({ src: '198.18.9.1', dst: '198.18.9.2', protocol: 253 }).payload(Buffer.alloc(980));
const before = snapshot();
const transport = openTransport({ kind: 'link', interface: 'v0', nextHopMac: '02:00:00:00:00:02', ...(maxRetries !== undefined && { backpressure: { maxRetries: Number(maxRetries) } }) });
const failures = {};
let sent = 0, retries = 0, error;
if (mode === 'many') {
  const onFailure = (index, kind, made) => {
    failures[kind] = (failures[kind] ?? 0) + 1;
    if (error === undefined) {
      const e = made();
      error = { name: e.name, code: e.code, message: e.message };
    }
  };
  ({ sent, retries } = await transport.sendMany(Array(count).fill(datagram), { onFailure }));
}
for (let i = 0; i < count && mode !== 'many'; i++) {
  try {
    retries += (await transport.send(datagram)).retries;
    sent++;
  } catch (e) {
    failures[e.code] = (failures[e.code] ?? 0) + 1;
    error ??= { name: e.name, code: e.code, message: e.message };
  }
}
await transport.close();
console.log(JSON.stringify({ sent, retries, failures, error, before, after: await settled(before) }));
`;

/** One datagram over the veth's 1500-byte MTU, with DF, through both IPv4 modes. */
const TOO_BIG = `import { openTransport, ipv4, TransportError } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const before = snapshot();
const errors = [];
for (const hdrincl of [true, false]) {
  const transport = openTransport({ kind: 'raw', hdrincl });
  try {
    await transport.send(ipv4({ src: '198.18.9.1', dst: '198.18.9.2', protocol: 253, flags: ['df'] }).payload(Buffer.alloc(1980)));
    errors.push('sent');
  } catch (e) {
    errors.push(e instanceof TransportError ? e.toJSON() : String(e));
  }
  await transport.close();
}
console.log(JSON.stringify({ errors, before, after: await settled(before) }));
`;

/** Sends batches until one fails (the test takes the interface down meanwhile). */
const UNTIL_DOWN = `import { openTransport, ipv4, TransportError } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const datagram = ipv4({ src: '198.18.9.1', dst: '198.18.9.2', protocol: 253 }).payload(Buffer.alloc(100));
const before = snapshot();
const transport = openTransport('raw');
let sent = 0, error;
const started = Date.now();
while (Date.now() - started < 20000) {
  try {
    sent += (await transport.sendMany(Array(100).fill(datagram))).sent;
    if (sent === 1000) console.log('sending');
  } catch (e) {
    if (!(e instanceof TransportError)) throw e;
    sent += e.index ?? 0;
    error = e.toJSON();
    break;
  }
}
await transport.close();
console.log(JSON.stringify({ sent, error, before, after: await settled(before) }));
`;

/**
 * sendMany with onFailure: COUNT datagrams to 198.19.0.1 (no route in the namespace: every one
 * fails with ENETUNREACH), then 1000 alternating between 198.18.9.2 (through v0) and it. Only
 * the first failure's error is made. Prints the results, whether the failures came in order,
 * and every failure of the mixed call.
 */
const ON_FAILURE = `import { openTransport, ipv4 } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const count = Number(process.argv[2]);
const good = ipv4({ src: '198.18.9.1', dst: '198.18.9.2', protocol: 253 }).payload(Buffer.alloc(100)).encode();
const bad = ipv4({ src: '198.18.9.1', dst: '198.19.0.1', protocol: 253 }).payload(Buffer.alloc(100)).encode();
const before = snapshot();
const transport = openTransport('raw');
const kinds = {};
let failures = 0, inOrder = true, first;
const all = await transport.sendMany(Array(count).fill(bad), {
  onFailure: (index, kind, error) => {
    inOrder &&= index === failures++;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    first ??= error().toJSON();
  },
});
const mixedFailures = [];
const mixed = await transport.sendMany(Array.from({ length: 1000 }, (_, i) => (i % 2 ? bad : good)), { onFailure: (index, kind) => mixedFailures.push(index + ' ' + kind) });
await transport.close();
const counts = (r) => ({ sent: r.sent, bytes: r.bytes, calls: r.calls });
console.log(JSON.stringify({ all: counts(all), failures, inOrder, kinds, first, mixed: counts(mixed), mixedFailures, before, after: await settled(before) }));
`;

/** Receives protocol 253 for 2.5 s; once the namespace's name is gone, sends itself one datagram. */
const RECEIVE_ORPHANED = `import { existsSync } from 'node:fs';
import { openTransport, ipv4 } from './src/index.js';
import { settled, snapshot } from './leaks.mjs';
const name = process.argv[2];
const before = snapshot();
const transport = openTransport('raw');
const started = performance.now();
const packets = transport.receive({ protocols: [{ family: 4, protocol: 253 }], timeoutMs: 2500 });
console.log('listening');
const sendWhenDeleted = async () => {
  if (existsSync('/run/netns/' + name)) return void setTimeout(sendWhenDeleted, 20);
  const sender = openTransport('raw');
  await sender.send(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 253 }).payload('after the namespace was deleted'));
  await sender.close();
};
sendWhenDeleted();
const received = [];
for await (const p of packets) received.push(Buffer.from(p.bytes.subarray(20)).toString());
const endedAfterMs = performance.now() - started;
await transport.close();
console.log(JSON.stringify({ received, endedAfterMs, before, after: await settled(before) }));
`;

let built: { dir: string; cleanup: () => void } | undefined;
let unavailable: string | undefined;
const namespaces: { remove: () => void }[] = [];

beforeAll(async () => {
  if (!rawAccess.ok) return void (unavailable = `no raw-socket privilege: ${rawAccess.reason}`);
  const can = canCreateNamespaces();
  if (!can.ok) return void (unavailable = `cannot create network namespaces: ${can.reason}`);
  built = await buildTransportForChild();
  for (const [name, text] of Object.entries({ 'leaks.mjs': LEAKS, 'flood.mjs': FLOOD, 'flood-link.mjs': FLOOD_LINK, 'too-big.mjs': TOO_BIG, 'until-down.mjs': UNTIL_DOWN, 'on-failure.mjs': ON_FAILURE, 'receive-orphaned.mjs': RECEIVE_ORPHANED })) {
    writeFileSync(join(built.dir, name), text);
  }
}, 120_000);

afterAll(() => {
  for (const n of namespaces) n.remove();
  built?.cleanup();
});

function guard(ctx: { skip: (note?: string) => void }): string {
  if (unavailable) {
    if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
    ctx.skip(unavailable);
  }
  return built!.dir;
}

function sh(args: string[]): string {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout;
}

/**
 * A namespace with veth v0 (198.18.9.1/24, static neighbour 198.18.9.2) and IPv6 off, so that
 * nothing but the test's datagrams crosses v0; `qdisc` replaces its root queue discipline.
 */
function vethNamespace(qdisc?: string[]): string {
  const made = createShapedNamespace();
  namespaces.push(made);
  sh(['ip', 'netns', 'exec', made.ns, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
  sh(['ip', 'netns', 'exec', made.ns, 'tc', 'qdisc', 'del', 'dev', 'v0', 'root']);
  if (qdisc) sh(['ip', 'netns', 'exec', made.ns, 'tc', 'qdisc', 'add', 'dev', 'v0', 'root', ...qdisc]);
  return made.ns;
}

/**
 * What the root qdisc of v0 sent and dropped, once its queue has drained: the shaped link
 * may still hold the last datagrams when the sender exits (counted as sent only when dequeued).
 */
function qdiscStats(ns: string): { packets: number; drops: number } {
  for (let tries = 0; ; tries++) {
    const [root] = JSON.parse(sh(['ip', 'netns', 'exec', ns, 'tc', '-s', '-j', 'qdisc', 'show', 'dev', 'v0'])) as { packets: number; drops: number; qlen: number }[];
    if (root.qlen === 0 || tries >= 250) return { packets: root.packets, drops: root.drops };
    spawnSync('sleep', ['0.02']);
  }
}

/** v0's own counters: packets it transmitted, and those it dropped. */
function linkStats(ns: string): { txPackets: number; txDropped: number } {
  const [link] = JSON.parse(sh(['ip', '-n', ns, '-s', '-j', 'link', 'show', 'dev', 'v0'])) as { stats64: { tx: { packets: number; dropped: number } } }[];
  return { txPackets: link.stats64.tx.packets, txDropped: link.stats64.tx.dropped };
}

/** A child's JSON report: its last stdout line. */
function report<T>(child: { status: number | null; stdout: string; stderr: string }): T {
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}

function expectNoLeak(r: { before: Snapshot; after: Snapshot }): void {
  expect(grown(r.before, r.after)).toEqual([]);
}

describe('ENOBUFS: a full queue discipline', () => {
  it('every datagram the qdisc dropped fails with ENOBUFS (none reported as sent); with retries, all go out once', async (ctx) => {
    const dir = guard(ctx);
    // tbf at 1 Mbit/s whose queue holds 3,000 bytes: about two 1000-byte datagrams.
    const ns = vethNamespace(['tbf', 'rate', '1mbit', 'burst', '1600', 'limit', '3000']);

    const single = report<{ sent: number; failures: Record<string, number>; error: TransportError; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'flood.mjs', ['single', '300']));
    const afterSingle = qdiscStats(ns);
    // What the sender counted as sent is exactly what left through the qdisc; the rest failed, each with ENOBUFS.
    expect(single.sent).toBe(afterSingle.packets);
    expect(single.failures).toEqual({ ENOBUFS: afterSingle.drops });
    expect(single.sent + afterSingle.drops).toBe(300);
    expect(afterSingle.drops).toBeGreaterThan(0);
    expect(single.error).toMatchObject({ name: 'TransportError', code: 'E_TRANSPORT', errnoName: 'ENOBUFS', remedy: expect.stringMatching(/Backpressure.*queue discipline/) });
    expectNoLeak(single);

    // The default policy waits and retries: every datagram goes out exactly once.
    const many = report<{ sent: number; retries: number; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'flood.mjs', ['batch', '200']));
    const afterMany = qdiscStats(ns);
    expect(many.sent).toBe(200);
    expect(afterMany.packets - afterSingle.packets).toBe(200);
    expect(afterMany.drops).toBeGreaterThan(afterSingle.drops);
    expect(many.retries).toBeGreaterThan(0);
    expectNoLeak(many);
  }, 60_000);
});

describe('ENOBUFS through the link transport', () => {
  const libpcap = (ctx: { skip: (note?: string) => void }) => {
    if (spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libpcap\\.so"']).status !== 0) {
      if (IN_CI) throw new Error('CI=true but libpcap is not installed');
      ctx.skip('libpcap is not installed (apt-get install libpcap0.8)');
    }
  };

  it('without retries, every frame the qdisc dropped fails with a LinkError saying why (no buffer space); none is reported as sent', async (ctx) => {
    const dir = guard(ctx);
    libpcap(ctx);
    const ns = vethNamespace(['tbf', 'rate', '1mbit', 'burst', '1600', 'limit', '3000']);
    const r = report<{ sent: number; failures: Record<string, number>; error: { name: string; message: string }; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'flood-link.mjs', ['300', '0']));
    const qdisc = qdiscStats(ns);
    expect(r.sent).toBe(qdisc.packets);
    expect(r.failures).toEqual({ E_LINK: qdisc.drops });
    expect(qdisc.drops).toBeGreaterThan(0);
    expect(r.error).toMatchObject({ name: 'LinkError', message: expect.stringContaining('No buffer space available') });
    expectNoLeak(r);
  }, 60_000);

  it('sendMany with onFailure and no retries: each dropped frame is reported by its code (the first made into a LinkError), the rest go', async (ctx) => {
    const dir = guard(ctx);
    libpcap(ctx);
    const ns = vethNamespace(['tbf', 'rate', '1mbit', 'burst', '1600', 'limit', '3000']);
    const r = report<{ sent: number; failures: Record<string, number>; error: { name: string; code: string; message: string }; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'flood-link.mjs', ['300', '0', 'many']));
    const qdisc = qdiscStats(ns);
    // Every frame is either sent (and left through the qdisc) or reported, none twice.
    expect(r.sent).toBe(qdisc.packets);
    expect(Object.keys(r.failures)).toEqual(['E_LINK']);
    expect(r.sent + r.failures.E_LINK).toBe(300);
    // sendmmsg reports a drop only for a call's first frame: a later one ends the call short and
    // the next call sends it again at once, so the qdisc may count a drop or two more.
    expect(r.failures.E_LINK).toBeGreaterThan(0);
    expect(r.failures.E_LINK).toBeLessThanOrEqual(qdisc.drops);
    expect(r.error).toMatchObject({ name: 'LinkError', code: 'E_LINK', message: expect.stringContaining('No buffer space available') });
    expectNoLeak(r);
  }, 60_000);

  it('with the default policy the drops are waited out: every frame goes, each drop counted as a retry', async (ctx) => {
    const dir = guard(ctx);
    libpcap(ctx);
    const ns = vethNamespace(['tbf', 'rate', '1mbit', 'burst', '1600', 'limit', '3000']);
    const r = report<{ sent: number; retries: number; failures: Record<string, number>; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'flood-link.mjs', ['150']));
    const qdisc = qdiscStats(ns);
    expect(r.failures).toEqual({});
    expect(r.sent).toBe(150);
    expect(qdisc.packets).toBe(150);
    expect(r.retries).toBe(qdisc.drops);
    expect(r.retries).toBeGreaterThan(0);
    expectNoLeak(r);
  }, 60_000);
});

describe('EMSGSIZE', () => {
  it('a datagram over the interface MTU with DF: the size, the MTU and what to do', async (ctx) => {
    const dir = guard(ctx);
    const ns = vethNamespace();
    const r = report<{ errors: (TransportError | string)[]; before: Snapshot; after: Snapshot }>(await nodeInNs(ns, dir, 'too-big.mjs', []));
    const [hdrincl, kernel] = r.errors as TransportError[];
    expect(hdrincl).toMatchObject({ errnoName: 'EMSGSIZE', size: 2000, mtu: 1500, address: '198.18.9.2' });
    // The header was supplied (IP_HDRINCL): the kernel will not fragment it, DF or not.
    expect(hdrincl.remedy).toContain('build the fragments yourself');
    expect(kernel).toMatchObject({ errnoName: 'EMSGSIZE', mtu: 1500 });
    expect(kernel.remedy).toContain('without the DF bit');
    expect(qdiscStats(ns).packets).toBe(0);
    expectNoLeak(r);
  }, 30_000);

  it('over 65,535 bytes on loopback: the builder names the field; bytes handed over as they are meet EMSGSIZE', async (ctx) => {
    requireRaw(ctx);
    expect(() => ipv4({ dst: '127.0.0.1', protocol: 253 }).payload(Buffer.alloc(65_516)).encode()).toThrow(FieldValueError);
    const fds = fdCount();
    const transport = openTransport({ kind: 'raw', force: true });
    const bytes = Buffer.concat([ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 253 }).payload(Buffer.alloc(100)).encode(), Buffer.alloc(70_000)]);
    const error = await transport.send(bytes).then(() => undefined, (e: unknown) => e);
    await transport.close();
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ errnoName: 'EMSGSIZE', size: 70_120, remedy: expect.stringContaining('too large') });
    expect(fdCount()).toBe(fds);
  });
});

describe('the interface taken down mid-send', () => {
  it('Transport.sendMany stops at the first failure: ENETUNREACH with a remedy, and its index counts what went out', async (ctx) => {
    const dir = guard(ctx);
    const ns = vethNamespace();
    const base = linkStats(ns);
    const child = await nodeInNs(ns, dir, 'until-down.mjs', [], 30_000, (line) => line === 'sending' && sh(['ip', '-n', ns, 'link', 'set', 'dev', 'v0', 'down']));
    const r = report<{ sent: number; error: TransportError; before: Snapshot; after: Snapshot }>(child);
    expect(r.error).toMatchObject({ name: 'TransportError', errnoName: 'ENETUNREACH', address: '198.18.9.2', remedy: expect.stringContaining('went down') });
    const link = linkStats(ns);
    expect(r.sent).toBeGreaterThanOrEqual(1000);
    // Every datagram counted as sent left through v0 (or was counted as dropped there).
    expect(link.txPackets - base.txPackets + link.txDropped - base.txDropped).toBe(r.sent);
    expectNoLeak(r);
  }, 40_000);

  it('rawcraft send counts every failure by kind and says so in the summary, without a line per packet', async (ctx) => {
    const dir = guard(ctx);
    const ns = vethNamespace();
    const base = linkStats(ns);
    // Enough packets that sending outlasts the poll below by far (50,000 once all went out before the
    // interface went down, at load 8); each failure after it costs a few microseconds.
    const count = 200_000;
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, join('src', 'cli', 'main.js'), 'send', 'ipv4(src=198.18.9.1,dst=198.18.9.2,protocol=253)/raw(size=100)', '--count', String(count), '--json'], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Down once sending is under way.
    for (const deadline = Date.now() + 20_000; linkStats(ns).txPackets < base.txPackets + 1000 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    sh(['ip', '-n', ns, 'link', 'set', 'dev', 'v0', 'down']);
    expect(await exited, stderr).toBe(1);
    const summary = JSON.parse(stdout) as { sent: number; failed: number; failures: Record<string, number> };
    const link = linkStats(ns);
    expect(summary.failed).toBeGreaterThan(0);
    expect(summary.sent + summary.failed).toBe(count);
    expect(summary.failures).toEqual({ ENETUNREACH: summary.failed });
    expect(link.txPackets - base.txPackets + link.txDropped - base.txDropped).toBe(summary.sent);
    const lines = stderr.trim().split('\n');
    expect(lines.length).toBe(11);
    expect(lines[10]).toMatch(/only counted/);
    expect(lines[0]).toMatch(/^rawcraft: send: packet 0: .*ENETUNREACH.*went down/);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});

describe('packets the OS refuses (no route): each counted in order, cheaply, and the rest sent', () => {
  it('Transport.sendMany with onFailure reports each failure in order and goes on: one system call per failed datagram, the rest sent', async (ctx) => {
    const dir = guard(ctx);
    const ns = vethNamespace();
    const base = linkStats(ns);
    const count = 20_000;
    const r = report<{
      all: { sent: number; bytes: number; calls: number };
      failures: number;
      inOrder: boolean;
      kinds: Record<string, number>;
      first: Record<string, unknown>;
      mixed: { sent: number; bytes: number; calls: number };
      mixedFailures: string[];
      before: Snapshot;
      after: Snapshot;
    }>(await nodeInNs(ns, dir, 'on-failure.mjs', [String(count)]));
    expect(r.all).toEqual({ sent: 0, bytes: 0, calls: count });
    expect(r.failures).toBe(count);
    expect(r.inOrder).toBe(true);
    expect(r.kinds).toEqual({ ENETUNREACH: count });
    expect(r.first).toMatchObject({ name: 'TransportError', errnoName: 'ENETUNREACH', index: 0, address: '198.19.0.1', remedy: expect.stringContaining('ip route get') });
    // The mixed call: every odd one failed, every even one went out through v0 (the kernel's count).
    expect(r.mixedFailures).toEqual(Array.from({ length: 500 }, (_, k) => `${2 * k + 1} ENETUNREACH`));
    expect(r.mixed).toMatchObject({ sent: 500, bytes: 500 * 120 });
    const link = linkStats(ns);
    expect(link.txPackets - base.txPackets + link.txDropped - base.txDropped).toBe(500);
    expectNoLeak(r);
  }, 40_000);

  it('rawcraft send counts each of 50,000 failures by kind against its input packet, shows the first ten, and sends the other input packet every time', async (ctx) => {
    const dir = guard(ctx);
    const ns = vethNamespace();
    const base = linkStats(ns);
    const count = 50_000;
    const hex = (dst: string) => ipv4({ src: '198.18.9.1', dst, protocol: 253 }).payload(Buffer.alloc(100)).encode().toString('hex');
    // Input packet 0 goes out through v0; packet 1 has no route.
    const args = ['send', '--hex', hex('198.18.9.2'), '--hex', hex('198.19.0.1'), '--count', String(count), '--json'];
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, join('src', 'cli', 'main.js'), ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ sent: count, failed: count, failures: { ENETUNREACH: count }, bytes: count * 120 });
    const link = linkStats(ns);
    expect(link.txPackets - base.txPackets + link.txDropped - base.txDropped).toBe(count);
    const lines = r.stderr.trim().split('\n');
    expect(lines.length).toBe(11);
    expect(lines.slice(0, 10).every((l) => /^rawcraft: send: packet 1: .*198\.19\.0\.1.*ENETUNREACH/.test(l))).toBe(true);
    expect(lines[10]).toMatch(/only counted/);
  }, 60_000);
});

describe('rawcraft send: a packet pre-flight refuses inside a batch', () => {
  it('is counted as failed, and the packets around it are all sent', async (ctx) => {
    const dir = guard(ctx);
    const receiver = createSocket('udp4');
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    let received = 0;
    receiver.on('message', () => received++);
    const good = ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).udp({ srcPort: 40001, dstPort: receiver.address().port }).payload('good').encode();
    // IHL 4: pre-flight refuses it (LINUX_HDRINCL_HEADER) before the batch's system call.
    const bad = Buffer.from(good);
    bad[0] = 0x44;
    const input = [good, good, bad, good].map((b) => b.toString('hex')).join('\n') + '\n';
    const run = spawnSync(process.execPath, [join('src', 'cli', 'main.js'), 'send', '-', '--json'], { cwd: dir, input, encoding: 'utf8', timeout: 20_000 });
    for (const deadline = Date.now() + 2000; received < 3 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    receiver.close();
    expect(run.status, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ sent: 3, failed: 1, failures: { E_PREFLIGHT: 1 } });
    expect(run.stderr).toMatch(/^rawcraft: send: packet 2: pre-flight refused/);
    expect(received).toBe(3);
  });
});

describe('the namespace deleted while receiving', () => {
  it('the process keeps the namespace alive: receive() still gets what is sent there and ends at its timeout', async (ctx) => {
    const dir = guard(ctx);
    const made = createShapedNamespace();
    namespaces.push(made);
    let deleted = false;
    const child = await nodeInNs(made.ns, dir, 'receive-orphaned.mjs', [made.ns], 20_000, (line) => {
      if (line !== 'listening') return;
      sh(['ip', 'netns', 'del', made.ns]);
      deleted = true;
    });
    expect(deleted).toBe(true);
    expect(sh(['ip', 'netns', 'list'])).not.toContain(made.ns);
    const r = report<{ received: string[]; endedAfterMs: number; before: Snapshot; after: Snapshot }>(child);
    expect(r.received).toEqual(['after the namespace was deleted']);
    expect(r.endedAfterMs).toBeGreaterThanOrEqual(2400);
    expect(r.endedAfterMs).toBeLessThan(5000);
    expectNoLeak(r);
  }, 30_000);
});

describe('request() and an AbortSignal at every stage', () => {
  /** ICMP echo requests with this id seen on loopback while `during` runs (and 200 ms after). */
  async function echoRequestsSeen(id: number, during: () => Promise<void>): Promise<number> {
    await using observer = RawSocket.open({ family: 4, protocol: 1 });
    let seen = 0;
    // A sentinel echo sent after `during`: loopback keeps order, so once the observer has read
    // it, it has read everything `during` sent (a fixed wait was too short under load).
    const sentinel = freshId();
    let sentinelSeen: () => void = () => {};
    const sentinelRead = new Promise<void>((resolve) => (sentinelSeen = resolve));
    const watching = (async () => {
      for await (const d of observer.receive({ timeoutMs: 60_000 })) {
        if (d.bytes[20] !== 8) continue;
        if (d.bytes.readUInt16BE(24) === id) seen++;
        if (d.bytes.readUInt16BE(24) === sentinel) sentinelSeen();
      }
    })();
    await during();
    {
      await using t = openTransport('raw');
      await t.send(echo(sentinel));
    }
    // The guard timer is cleared: a pending timer would count as a resource left over.
    let guardTimer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([sentinelRead, new Promise((r) => (guardTimer = setTimeout(r, 10_000)))]);
    clearTimeout(guardTimer);
    observer.close();
    await watching;
    return seen;
  }

  /** What grew since `baseline` once the transport is closed and closing handles are gone (up to 1 s). */
  async function leftOver(transport: Transport, baseline: Snapshot): Promise<string[]> {
    await transport.close();
    const snapshot = () => ({ fds: fdCount(), resources: process.getActiveResourcesInfo() });
    for (let i = 0; i < 50 && grown(baseline, snapshot()).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    return grown(baseline, snapshot());
  }

  const echo = (id: number) => Buffer.from(ipv4({ src: '127.0.0.1', dst: '127.0.0.1', protocol: 1 }).payload(icmpEcho({ id, seq: 1 })).encode());
  const baseline = (): Snapshot => ({ fds: fdCount(), resources: process.getActiveResourcesInfo() });

  it('aborted before the send: nothing is sent, the abort reason is thrown', async (ctx) => {
    requireRaw(ctx);
    const before = baseline();
    const transport = openTransport('raw');
    const id = freshId();
    let error: unknown;
    const seen = await echoRequestsSeen(id, async () => {
      error = await request(transport, echo(id), { signal: AbortSignal.abort(), timeoutMs: 2000 }).then(() => undefined, (e: unknown) => e);
    });
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(0);
    expect(await leftOver(transport, before)).toEqual([]);
  });

  it('aborted during the send: the datagram went out, the abort reason is thrown', async (ctx) => {
    requireRaw(ctx);
    const before = baseline();
    const real = openTransport('raw');
    const controller = new AbortController();
    // The real transport, with the abort fired while its send is under way.
    const transport: Transport = {
      kind: 'raw',
      get closed() {
        return real.closed;
      },
      send: (packet, options) => {
        const sending = real.send(packet, options);
        controller.abort();
        return sending;
      },
      sendMany: (packets, options) => real.sendMany(packets, options),
      receive: (options) => real.receive(options),
      close: () => real.close(),
      [Symbol.asyncDispose]: () => real.close(),
    };
    const id = freshId();
    let error: unknown;
    const seen = await echoRequestsSeen(id, async () => {
      error = await request(transport, echo(id), { signal: controller.signal, timeoutMs: 2000 }).then(() => undefined, (e: unknown) => e);
    });
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(seen).toBe(1);
    expect(await leftOver(real, before)).toEqual([]);
  });

  it('aborted while waiting for the answer: the abort reason, at once rather than at the timeout', async (ctx) => {
    requireRaw(ctx);
    // A UDP socket that never answers (and, being bound, draws no port unreachable).
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const port = silent.address().port;
    const before = baseline();
    const transport = openTransport('raw');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const started = performance.now();
    const error = await request(transport, ipv4({ src: '127.0.0.1', dst: '127.0.0.1' }).udp({ srcPort: 40000 + (freshId() % 20000), dstPort: port }).payload('wait'), {
      signal: controller.signal,
      timeoutMs: 5000,
    }).then(() => undefined, (e: unknown) => e);
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(await leftOver(transport, before)).toEqual([]);
    silent.close();
  });

  it('aborted after the answer arrived: the result stands', async (ctx) => {
    requireRaw(ctx);
    const before = baseline();
    const transport = openTransport('raw');
    const controller = new AbortController();
    const id = freshId();
    const result = await request(transport, echo(id), { signal: controller.signal, timeoutMs: 2000 });
    controller.abort();
    expect(result.status).toBe('answered');
    expect(await leftOver(transport, before)).toEqual([]);
  });
});
