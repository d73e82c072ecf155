/**
 * Receiving a flood without loss that is not counted: inside a namespace this test creates, the
 * C loop (bench/c/sendmmsg-loop.c, compiled here with cc) sends 100,000 ICMP echo replies to
 * 127.0.0.1 at 100,000 a second; nothing answers a reply. The raw transport's receive() and
 * `rawcraft listen` each read them; what they read plus what the kernel says it dropped for their
 * sockets (onStats, from /proc/net/raw; listen prints it) must equal what was sent.
 *
 * Needs root and cc: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ipv4 } from '../../src/builders/packet.js';
import { compileCLoop, type CLoop } from '../../bench/c-loop.js';
import { IN_CI, rawAccess, ROOT } from './helpers.js';
import { canCreateNamespaces, commandInNs, createLoopbackNamespace } from './netns.js';
import { CLI, ensureBuilt } from './built-cli.js';

const SENT = 100_000;
const RATE = 100_000;
const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));

/** Reads ICMP until 0.5 s passes without a packet; prints { matching, stats }. */
const RECEIVER = `import { openTransport } from ${INDEX};
const t = openTransport({ kind: 'raw' });
const idle = new AbortController();
// Ends 0.5 s after the last packet (20 s at most): checked by a timer, not re-armed per packet.
const started = Date.now();
let last = 0;
const timer = setInterval(() => (last ? Date.now() - last > 500 : Date.now() - started > 20000) && idle.abort(), 100);
let stats, matching = 0;
const packets = t.receive({ protocols: [{ family: 4, protocol: 1 }], signal: idle.signal, onStats: (s) => (stats = s) });
console.log('ready');
try {
  for await (const p of packets) {
    const icmp = p.packet.layers[1];
    if (icmp?.layer === 'icmp' && icmp.fields.id === 0x7272) matching++;
    last = Date.now();
  }
} catch (error) {
  if (!idle.signal.aborted) throw error;
}
clearInterval(timer);
await t.close();
console.log(JSON.stringify({ matching, stats }));
`;

let loop: CLoop | undefined;
let dir: string | undefined;
let unavailable: string | undefined;
const made: { remove: () => void }[] = [];

beforeAll(async () => {
  if (!rawAccess.ok) unavailable = `no raw-socket privilege: ${rawAccess.reason}`;
  else if (!canCreateNamespaces().ok) unavailable = 'cannot create network namespaces';
  if (unavailable) return;
  const compiled = compileCLoop();
  if (typeof compiled === 'string') {
    unavailable = compiled;
    return;
  }
  loop = compiled;
  dir = mkdtempSync(join(tmpdir(), 'rawcraft-rx-'));
  writeFileSync(join(dir, 'receiver.mjs'), RECEIVER);
  await ensureBuilt();
}, 200_000);

afterAll(() => {
  for (const m of made) m.remove();
  loop?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function guard(ctx: { skip: (note?: string) => void }): void {
  if (unavailable) {
    if (IN_CI) throw new Error(`CI=true but ${unavailable}`);
    ctx.skip(unavailable);
  }
}

/** Start `command` in a fresh namespace, send the flood once it says `ready` (or `listening`), and return its output. */
async function flood(command: string[]): Promise<{ stdout: string; stderr: string }> {
  const ns = createLoopbackNamespace();
  made.push(ns);
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const child = commandInNs(ns.ns, command, { cwd: dir!, timeoutMs: 60_000, onLine: (line) => line === 'ready' && ready(), onStderr: (text) => /listening/.test(text) && ready() });
  await Promise.race([isReady, child.done]);
  // Listening means a raw ICMP socket exists in the namespace (its "port" is the protocol, 0001).
  for (let tries = 0; tries < 100; tries++) {
    const raw = spawnSync('ip', ['netns', 'exec', ns.ns, 'cat', '/proc/net/raw'], { encoding: 'utf8' }).stdout;
    if (/^\s*\d+: [0-9A-F]{8}:0001 /m.test(raw)) break;
    spawnSync('sleep', ['0.05']);
  }
  const reply = ipv4({ src: '127.0.0.1', dst: '127.0.0.1', id: 1, ttl: 64 }).icmp({ type: 'echo-reply', id: 0x7272, seq: 1 }).payload(new Uint8Array(56)).encode();
  const sender = spawnSync('ip', ['netns', 'exec', ns.ns, loop!.program, 'raw', '127.0.0.1', String(SENT), '64', reply.toString('hex'), String(RATE)], { encoding: 'utf8', timeout: 60_000 });
  expect(sender.status, sender.stderr).toBe(0);
  expect(JSON.parse(sender.stdout)).toMatchObject({ sent: SENT });
  const done = await child.done;
  expect(done.status, done.stderr).toBe(0);
  return done;
}

describe('receiving 100,000 packets a second', () => {
  it('Transport.receive: what it read plus what the kernel dropped for it is what was sent', async (ctx) => {
    guard(ctx);
    const r = await flood([process.execPath, join(dir!, 'receiver.mjs')]);
    const { matching, stats } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { matching: number; stats: { received: number; dropped: number } };
    expect(matching).toBe(stats.received);
    expect(stats.received + stats.dropped).toBe(SENT);
    console.log(`receive(): ${stats.received} read, ${stats.dropped} dropped by the kernel`);
  }, 90_000);

  it('rawcraft listen: the packets it printed plus the drops it reports are what was sent', async (ctx) => {
    guard(ctx);
    const r = await flood(['sh', '-c', `echo ready; exec "${process.execPath}" "${CLI}" listen --proto icmp --timeout 3000 --json | wc -l`]);
    const printed = Number(r.stdout.trim().split('\n').pop());
    const dropped = Number(/(\d+) packets? dropped by the kernel/.exec(r.stderr)?.[1] ?? 0);
    expect(printed + dropped).toBe(SENT);
    console.log(`listen: ${printed} printed, ${dropped} dropped by the kernel`);
  }, 90_000);
});
