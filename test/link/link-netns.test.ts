/**
 * The link transport for real, between two network namespaces this test creates (veth-pair.ts):
 * frames leave exactly as built and arrive byte for byte (seen by rawcraft's libpcap capture
 * and, independently, by tcpdump, judged by tshark); ARP and Neighbor Discovery against the
 * other namespace's kernel; an ICMP echo sent without a hand-written Ethernet header is answered
 * by that kernel; a kernel-side capture filter keeps exactly what it selects.
 *
 * Needs root (namespaces, libpcap): skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, readCapture } from '../../src/index.js';
import { IN_CI, ROOT } from '../transport/helpers.js';
import { linkFixture, PAIR, runInNs } from './veth-pair.js';

const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));

/** Sends what argv[2] names through the link transport (or the raw one), prints JSON. */
const SENDER = `import { openTransport, openLinkTransport, ipv4 } from ${INDEX};
const [how, src, dst] = process.argv.slice(2);
const broken = ipv4({ src, dst, id: 0, checksum: 0x1234, totalLength: 999, protocol: 253, ttl: 64 }).payload('broken on purpose');
const t = how === 'raw' ? openTransport({ kind: 'raw' }) : openLinkTransport({});
const r = await t.send(broken, how === 'raw' ? { force: true } : undefined);
await t.close();
console.log(JSON.stringify({ hex: Buffer.from(r.bytes).toString('hex'), notHonoured: r.notHonoured.map((n) => n.layer + '.' + n.field) }));
`;

/** Captures one frame matching argv[3] on argv[2] with rawcraft's link transport, prints its hex. */
const CAPTURER = `import { openLinkTransport } from ${INDEX};
const [iface, filter, count, timeout] = process.argv.slice(2);
const t = openLinkTransport({ interface: iface });
let stats;
const frames = t.receive({ captureFilter: filter, count: Number(count), timeoutMs: Number(timeout), onStats: (s) => (stats = s) });
console.log('ready');
const hex = [];
for await (const p of frames) hex.push(Buffer.from(p.bytes).toString('hex'));
await t.close();
console.log(JSON.stringify({ hex, stats }));
`;

/** ARP and NDP resolution of argv[3]/argv[4] from argv[2], then an echo without an Ethernet header. */
const RESOLVER = `import { openLinkTransport, NeighbourCache, ipv4, ipv6 } from ${INDEX};
import { networkInterfaces } from 'node:os';
const [iface, v4src, v4dst, v6src, v6dst] = process.argv.slice(2);
const mac = networkInterfaces()[iface].find((a) => a.mac).mac;
const cache = new NeighbourCache({ ignoreKernelCache: true, timeoutMs: 1000 });
const arp = await cache.resolve({ interface: iface, mac, address: v4src }, v4dst);
const ndp = await cache.resolve({ interface: iface, mac, address: v6src }, v6dst);
const t = openLinkTransport({});
const replies = t.receive({ interface: iface, captureFilter: 'icmp[icmptype] = icmp-echoreply and src host ' + v4dst, count: 1, timeoutMs: 5000 });
const replies6 = t.receive({ interface: iface, captureFilter: 'icmp6 and ip6[40] = 129 and src host ' + v6dst, count: 1, timeoutMs: 5000 });
// The source left out: the route's (198.18.5.1), or the other kernel would not answer.
await t.send(ipv4({ dst: v4dst }).icmp({ type: 'echo-request', id: 4242, seq: 1 }).payload('link echo'));
await t.send(ipv6({ src: v6src, dst: v6dst }).icmpv6({ type: 'echo-request', id: 4243, seq: 1 }).payload('link echo 6'));
const echo = [];
for await (const r of replies) echo.push(r.packet.layers.map((l) => l.layer).join('/'), r.packet.layers[2].fields.id, r.from);
for await (const r of replies6) echo.push(r.packet.layers.map((l) => l.layer).join('/'), r.packet.layers[2].fields.id, r.from);
await t.close();
console.log(JSON.stringify({ arp, ndp, echo }));
`;

/** request() and ping() through the link transport: replies matched from the capture, past their Ethernet header. */
const PINGER = `import { openLinkTransport, ping, request, ipv6 } from ${INDEX};
const [iface, v4dst, v6src, v6dst] = process.argv.slice(2);
const t = openLinkTransport({ interface: iface });
const p = await ping(v4dst, { count: 2, intervalMs: 50, timeoutMs: 2000, transport: t });
const r = await request(t, ipv6({ src: v6src, dst: v6dst }).icmpv6({ type: 'echo-request', id: 77, seq: 3 }), { timeoutMs: 2000 });
await t.close();
console.log(JSON.stringify({ received: p.received, replies: p.replies.map((x) => x.status), v6: r.status, v6layers: r.status === 'answered' ? r.reply.packet.layers.map((l) => l.layer) : r.explanation }));
`;

const { guard } = linkFixture({ 'sender.mjs': SENDER, 'capturer.mjs': CAPTURER, 'resolver.mjs': RESOLVER, 'pinger.mjs': PINGER }, ['tcpdump']);

/** Start `command` in `ns` and wait until it says it is ready (or exits). */
async function started(ns: string, command: string[], timeoutMs: number) {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const child = runInNs(ns, command, timeoutMs, (line) => (line === 'ready' || line === 'listening') && ready());
  await Promise.race([isReady, child.done]);
  return child;
}

describe('link transport between two namespaces', () => {
  it('a broken IPv4 packet leaves exactly as built and arrives byte for byte; the raw socket rewrites it', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const pcap = join(dir, 'tcpdump.pcap');
    const filter = `ether src ${pair.xMac} and ether proto 0x0800`;
    const tcpdump = await started(pair.y, ['tcpdump', '-i', PAIR.yIf, '-U', '-w', pcap, '-c', '1', filter], 15_000);
    const capturer = await started(pair.y, [process.execPath, join(dir, 'capturer.mjs'), PAIR.yIf, filter, '1', '10000'], 15_000);

    const sent = await runInNs(pair.x, [process.execPath, join(dir, 'sender.mjs'), 'link', PAIR.x4, PAIR.y4]).done;
    expect(sent.status, sent.stderr).toBe(0);
    const link = JSON.parse(sent.stdout) as { hex: string; notHonoured: string[] };
    // Nothing of the IP header changed; the 51-byte frame got the 9 zero bytes of Ethernet padding a card would add.
    expect(link.notHonoured).toEqual(['ethernet.pad']);
    expect(link.hex).toHaveLength(120);
    expect(link.hex.endsWith('00'.repeat(9))).toBe(true);

    const captured = await capturer.done;
    expect(captured.status, captured.stderr).toBe(0);
    const got = JSON.parse(captured.stdout.trim().split('\n').pop()!) as { hex: string[]; stats: { dropped: number } };
    expect(got.hex).toEqual([link.hex]);
    expect(got.stats.dropped).toBe(0);

    // tcpdump's own capture holds the same bytes.
    const dumped = await tcpdump.done;
    expect(dumped.status, dumped.stderr).toBe(0);
    const records = [];
    for await (const r of readCapture(pcap)) records.push(Buffer.from(r.data).toString('hex'));
    expect(records).toEqual([link.hex]);

    // tshark agrees that the header checksum is wrong and the total length lies.
    const tshark = spawnSync('tshark', ['-r', pcap, '-o', 'ip.check_checksum:TRUE', '-T', 'fields', '-e', 'ip.id', '-e', 'ip.len', '-e', 'ip.checksum', '-e', 'ip.checksum.status'], { encoding: 'utf8' });
    if (tshark.status === 0 || IN_CI) expect(tshark.stdout.trim().split('\t')).toEqual(['0x0000', '999', '0x1234', '0']);

    // rawcraft's decoder flags both.
    const packet = decode(Buffer.from(link.hex, 'hex'), { from: 'ethernet', mode: 'lax' });
    expect(packet.layers[1].checksum?.status).toBe('invalid');
    expect(packet.issues.map((i) => i.message).join('\n')).toMatch(/999/);

    // The IP raw socket cannot send it as built: the kernel fills in id, checksum and length.
    const raw = await runInNs(pair.x, [process.execPath, join(dir, 'sender.mjs'), 'raw', PAIR.x4, PAIR.y4]).done;
    expect(raw.status, raw.stderr).toBe(0);
    expect((JSON.parse(raw.stdout) as { notHonoured: string[] }).notHonoured).toEqual(expect.arrayContaining(['ipv4.checksum', 'ipv4.totalLength']));
  });

  it('resolves the other kernel by ARP and NDP, and an echo sent without an Ethernet header is answered', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const r = await runInNs(pair.x, [process.execPath, join(dir, 'resolver.mjs'), PAIR.xIf, PAIR.x4, PAIR.y4, PAIR.x6, PAIR.y6]).done;
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { arp: { mac: string; source: string }; ndp: { mac: string; source: string }; echo: unknown[] };
    expect(out.arp).toMatchObject({ mac: pair.yMac, source: 'arp' });
    expect(out.ndp).toMatchObject({ mac: pair.yMac, source: 'ndp' });
    expect(out.echo).toEqual(['ethernet/ipv4/icmp/raw', 4242, PAIR.y4, 'ethernet/ipv6/icmpv6/raw', 4243, PAIR.y6]);
  });

  it('request() and ping() work through the link transport, matching replies behind their Ethernet header', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const r = await runInNs(pair.x, [process.execPath, join(dir, 'pinger.mjs'), PAIR.xIf, PAIR.y4, PAIR.x6, PAIR.y6]).done;
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ received: 2, replies: ['reply', 'reply'], v6: 'answered', v6layers: ['ethernet', 'ipv6', 'icmpv6'] });
  });
});
