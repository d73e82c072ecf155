/**
 * `listen --iface --filter --out` on a burst of frames, in two namespaces this test creates:
 * the kernel-side filter keeps exactly the frames it selects, checked frame by frame against
 * tcpdump's capture of the same traffic read through tshark (each frame carries its own
 * number), and whatever the kernel dropped is counted, never lost silently.
 *
 * The burst is RAWCRAFT_LINK_BURST frames (default 10,000, a few seconds); `npm run load` runs
 * it with 100,000. Needs root: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../transport/helpers.js';
import { kernelFilterAttached, linkFixture, PAIR, runInNs } from './veth-pair.js';

const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const BURST = Number(process.env.RAWCRAFT_LINK_BURST ?? 10_000);

/** Sends n UDP datagrams through the link transport, payload `burst <i>`, destination port 9 for odd i and 10 for even. */
const BURSTER = `import { openLinkTransport, ipv4 } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};
const [src, dst, n] = process.argv.slice(2);
const t = openLinkTransport({});
const packets = Array.from({ length: Number(n) }, (_, i) => ipv4({ src, dst, id: (i & 0xffff) || 1 }).udp({ srcPort: 4000, dstPort: i % 2 ? 9 : 10 }).payload('burst ' + i));
const started = performance.now();
const r = await t.sendMany(packets);
await t.close();
console.log(JSON.stringify({ sent: r.sent, ms: Math.round(performance.now() - started) }));
`;

/** A capture with a small buffer that is not read while the burst arrives, then drained: what it kept, and what it says it dropped. */
const SLOW_READER = `import { PcapHandle } from ${JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'))};
const [iface, filter, waitMs] = process.argv.slice(2);
const handle = PcapHandle.open(iface, { filter, bufferSize: 65536 });
console.log('ready');
await new Promise((resolve) => setTimeout(resolve, Number(waitMs)));
let captured = 0;
while (handle.next()) captured++;
console.log(JSON.stringify({ captured, ...handle.stats() }));
handle.close();
`;

const { guard } = linkFixture({ 'burster.mjs': BURSTER, 'slow-reader.mjs': SLOW_READER }, ['tcpdump', 'tshark', 'ss']);

/** The payloads (as text) of the UDP datagrams tshark selects in `file`, in capture order. */
function payloads(file: string, filter: string): string[] {
  const r = spawnSync('tshark', ['-r', file, '-Y', filter, '-T', 'fields', '-e', 'udp.payload'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean).map((hex) => Buffer.from(hex.replace(/:/g, ''), 'hex').toString('latin1'));
}

/** Resolves once `child` printed a line `ready` says is the one, or exited. */
function ready(child: ReturnType<typeof runInNs>, lines: string[]): Promise<void> {
  return new Promise<void>((resolve) => {
    const poll = setInterval(() => (lines.length ? (clearInterval(poll), resolve()) : undefined), 20);
    void child.done.then(() => (clearInterval(poll), resolve()));
  });
}

describe(`listen --filter on a burst of ${BURST} frames`, () => {
  it('keeps exactly the frames the filter selects (tshark on tcpdump\'s capture of the same burst), counts drops, writes pcapng', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const ours = join(dir, 'listen.pcapng');
    const theirs = join(dir, 'tcpdump.pcap');
    const tcpLines: string[] = [];
    // tcpdump stops by itself once it has the whole burst (it may still be writing when listen is done).
    const tcpdump = runInNs(pair.y, ['tcpdump', '-i', PAIR.yIf, '-B', '65536', '-U', '-w', theirs, '-c', String(BURST), 'udp'], 120_000, (l) => l === 'listening' && tcpLines.push(l));
    await ready(tcpdump, tcpLines);
    const listenLines: string[] = [];
    const timeoutMs = 15_000 + BURST / 5;
    const listen = runInNs(pair.y, [process.execPath, CLI, 'listen', '--iface', PAIR.yIf, '--filter', 'udp and dst port 9', '--out', ours, '--timeout', String(timeoutMs), '--count', String(BURST / 2)], timeoutMs + 30_000, (l) => listenLines.push(l));
    // listen prints nothing until a frame arrives: start the burst once its filter is in the kernel.
    await kernelFilterAttached(pair.y, listen.pid!, PAIR.yIf, 'udp and dst port 9');
    const burst = await runInNs(pair.x, [process.execPath, join(dir, 'burster.mjs'), PAIR.x4, PAIR.y4, String(BURST)], 120_000).done;
    expect(burst.status, burst.stderr).toBe(0);
    const listened = await listen.done;
    const stuck = setTimeout(() => tcpdump.kill(), 30_000);
    const dumped = await tcpdump.done;
    clearTimeout(stuck);
    console.log(`link burst: ${burst.stdout.trim()}; ${listened.stderr.trim().split('\n').pop()}`);

    const counts = /(\d+) frames? captured on \S+, (\d+) received by filter, (\d+) dropped by kernel/.exec(listened.stderr);
    expect(counts, listened.stderr).not.toBeNull();
    const captured = Number(counts![1]);
    const dropped = Number(counts![3]);
    // The reference: tcpdump's capture, which must be whole for the comparison to mean anything.
    expect(Number(/(\d+) packets? dropped by kernel/.exec(dumped.stderr)?.[1] ?? 'NaN'), dumped.stderr).toBe(0);
    const all = payloads(theirs, 'udp');
    expect(all).toHaveLength(BURST);
    const selected = payloads(theirs, 'udp.dstport == 9');
    expect(selected).toHaveLength(BURST / 2);
    // What listen wrote: only selected frames, in order, none twice; with the drops, all of them.
    expect(existsSync(ours)).toBe(true);
    const kept = payloads(ours, 'udp');
    expect(kept).toHaveLength(captured);
    expect(payloads(ours, 'udp.dstport != 9')).toEqual([]);
    const selectedAt = new Map(selected.map((p, i) => [p, i]));
    const positions = kept.map((p) => selectedAt.get(p) ?? -1);
    expect(positions.every((at, i) => at >= 0 && (i === 0 || at > positions[i - 1]))).toBe(true);
    expect(captured + dropped).toBe(selected.length);
    if (dropped === 0) expect(kept).toEqual(selected);
    expect(listenLines).toHaveLength(captured);
  }, 240_000);

  it('a reader too slow for the burst: the kernel drops frames and the counters say how many', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const lines: string[] = [];
    const reader = runInNs(pair.y, [process.execPath, join(dir, 'slow-reader.mjs'), PAIR.yIf, 'udp and dst port 9', '2500'], 60_000, (l) => lines.push(l));
    await ready(reader, lines);
    const n = 10_000;
    const burst = await runInNs(pair.x, [process.execPath, join(dir, 'burster.mjs'), PAIR.x4, PAIR.y4, String(n)], 60_000).done;
    expect(burst.status, burst.stderr).toBe(0);
    const r = await reader.done;
    expect(r.status, r.stderr).toBe(0);
    const stats = JSON.parse(r.stdout.trim().split('\n').pop()!) as { captured: number; dropped: number; received: number };
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.captured + stats.dropped).toBe(n / 2);
  }, 60_000);
});
