/**
 * Descriptor lifecycle and the receive loop's behaviour around the event loop:
 * no leaks, prompt abort/close, no blocking, no hang at exit, GC safety.
 *
 * Uses IP protocol 253 (RFC 3692 experimentation) so that no other test's traffic wakes
 * these sockets.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawSocket } from '../../src/transport/index.js';
import { buildTransportForChild, fdCount, rawAccess, requireRaw } from './helpers.js';

const QUIET = 253;

describe('RawSocket lifecycle', () => {
  it('10,000 open/close cycles leave the descriptor count unchanged', (ctx) => {
    requireRaw(ctx);
    const before = fdCount();
    for (let i = 0; i < 10_000; i++) RawSocket.open({ family: i % 2 ? 6 : 4, protocol: QUIET }).close();
    expect(fdCount()).toBe(before);
  });

  it('close during pending receives: every loop ends, and all descriptors are released', async (ctx) => {
    requireRaw(ctx);
    const before = fdCount();
    const sockets = Array.from({ length: 100 }, () => RawSocket.open({ family: 4, protocol: QUIET }));
    const loops = sockets.map(async (s) => {
      for await (const _ of s.receive()) throw new Error('nothing should arrive');
    });
    await new Promise((r) => setTimeout(r, 20));
    await Promise.all(sockets.map((s) => s[Symbol.asyncDispose]()));
    await Promise.all(loops);
    expect(fdCount()).toBe(before);
  });

  it('an aborted receive rejects at once (< 300 ms)', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: QUIET });
    const ac = new AbortController();
    const loop = (async () => {
      for await (const _ of sock.receive({ signal: ac.signal })) return 'got data';
      return 'ended';
    })();
    await new Promise((r) => setTimeout(r, 120)); // let it sit in a poll slice
    const t0 = performance.now();
    ac.abort();
    await expect(loop).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - t0).toBeLessThan(300);
    // An already-aborted signal rejects before polling at all.
    await expect(sock.receive({ signal: AbortSignal.abort() }).next()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('close() during a pending receive ends the iteration promptly; the fd is released only after the poll returns', async (ctx) => {
    requireRaw(ctx);
    const sock = RawSocket.open({ family: 4, protocol: QUIET });
    const fd = sock.fd;
    const pending = sock.receive().next();
    await new Promise((r) => setTimeout(r, 30)); // a poll on the worker thread now uses fd
    const t0 = performance.now();
    sock.close();
    expect(sock.fd).toBe(-1);
    // The worker thread may still be polling: the number must not be free for reuse yet.
    expect(existsSync(`/proc/self/fd/${fd}`)).toBe(true);
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(performance.now() - t0).toBeLessThan(300);
    await sock[Symbol.asyncDispose](); // resolves once close(2) ran
    expect(existsSync(`/proc/self/fd/${fd}`)).toBe(false);
  });

  it('timeoutMs ends the iteration without error', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 6, protocol: QUIET });
    const t0 = performance.now();
    const got: unknown[] = [];
    for await (const d of sock.receive({ timeoutMs: 200 })) got.push(d);
    const elapsed = performance.now() - t0;
    expect(got).toEqual([]);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(450);
  });

  it('the event loop keeps ticking while a receive waits', async (ctx) => {
    requireRaw(ctx);
    using sock = RawSocket.open({ family: 4, protocol: QUIET });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      for await (const _ of sock.receive({ timeoutMs: 500 })) break;
    } finally {
      clearInterval(timer);
    }
    // 500 ms at 10 ms per tick: ~50 if the loop was free; a blocked loop would give ~0.
    expect(ticks).toBeGreaterThan(25);
  });

  it('receives a datagram sent between two sockets of a quiet protocol', async (ctx) => {
    requireRaw(ctx);
    using rx = RawSocket.open({ family: 4, protocol: QUIET });
    using tx = RawSocket.open({ family: 4, protocol: QUIET });
    const marker = Buffer.from(`rawcraft-${process.pid}-${Date.now()}`);
    const got = (async () => {
      for await (const d of rx.receive({ timeoutMs: 2000 })) if (d.bytes.subarray(20).equals(marker)) return d;
      return undefined;
    })();
    tx.send(marker, '127.0.0.1');
    const d = await got;
    expect(d?.bytes[9]).toBe(QUIET); // IPv4 protocol field
  });
});

describe('RawSocket in a child process', () => {
  let child: { dir: string; cleanup: () => void } | undefined;
  beforeAll(async () => {
    if (rawAccess.ok) child = await buildTransportForChild(); // only privileged tests use it
  });
  afterAll(() => child?.cleanup());

  function runChild(name: string, source: string, nodeArgs: string[] = []) {
    const script = join(child!.dir, name);
    writeFileSync(script, source);
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [...nodeArgs, script], { cwd: child!.dir, encoding: 'utf8', timeout: 15_000 });
    return { ...run, elapsed: performance.now() - t0, json: () => JSON.parse(run.stdout.trim().split('\n').pop() ?? 'null') };
  }

  it('a receive pending at close() does not keep the process alive', (ctx) => {
    requireRaw(ctx);
    const run = runChild(
      'exit-after-close.mjs',
      `import { RawSocket } from './src/transport/index.js';
const s = RawSocket.open({ family: 4, protocol: ${QUIET} });
const t0 = Date.now();
setTimeout(() => s.close(), 100);
for await (const _ of s.receive()) {}
console.log(JSON.stringify({ loopEndedAfterMs: Date.now() - t0 }));
`,
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.json().loopEndedAfterMs).toBeLessThan(400);
    // Node start-up plus ~100 ms; a hang would hit the 15 s spawn timeout.
    expect(run.elapsed).toBeLessThan(5_000);
  });

  it('GC: leaked sockets get their descriptors closed; a socket with a receive in flight is kept alive', (ctx) => {
    requireRaw(ctx);
    const run = runChild(
      'gc.mjs',
      `import { readdirSync } from 'node:fs';
import { RawSocket } from './src/transport/index.js';
const count = () => readdirSync('/proc/self/fd').length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const before = count();
(() => { for (let i = 0; i < 100; i++) RawSocket.open({ family: 4, protocol: ${QUIET} }); })();
const leakedOpen = count() - before;
for (let i = 0; i < 50 && count() > before; i++) { gc(); await sleep(10); }
const leftAfterGc = count() - before;

// Only the pending receive references this socket.
const got = (async () => {
  for await (const d of RawSocket.open({ family: 4, protocol: ${QUIET} }).receive({ timeoutMs: 5000 })) return d.bytes.length;
  return -1;
})();
for (let i = 0; i < 10; i++) { gc(); await sleep(20); }
const tx = RawSocket.open({ family: 4, protocol: ${QUIET} });
tx.send(new Uint8Array(16), '127.0.0.1');
const received = await got;
tx.close();
console.log(JSON.stringify({ leakedOpen, leftAfterGc, received }));
`,
      ['--expose-gc'],
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.json()).toEqual({ leakedOpen: 100, leftAfterGc: 0, received: 36 });
  });
});
