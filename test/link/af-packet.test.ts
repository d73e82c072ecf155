/**
 * The link transport's AF_PACKET fast path (Linux), between two namespaces this test creates
 * (veth-pair.ts): a batch of varied frames sent with sendMany through AF_PACKET, then the same
 * batch through libpcap's pcap_inject ({ afPacket: false }), is captured by tcpdump on the other
 * end; both halves must hold exactly the frames built, byte for byte, in order. Then the sending
 * end gets a tbf queue too short for the burst: the qdisc drops frames (sendmmsg: ENOBUFS), the
 * transport waits and resends them, counts the retries, and every frame arrives.
 *
 * Needs root (namespaces, raw sockets) and tcpdump: skipped without, failing with CI=true.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/index.js';
import { IN_CI, ROOT } from '../transport/helpers.js';
import { linkFixture, PAIR, runInNs } from './veth-pair.js';

const INDEX = JSON.stringify(join(ROOT, 'dist', 'src', 'index.js'));

/**
 * `sender.mjs IFACE DST-MAC COUNT MODE [SIZE]`: COUNT frames through sendMany (MODE af: AF_PACKET,
 * pcap: libpcap), printing { sent, retries, calls, hex }. Frames vary: a broken IPv4 header (id 0,
 * a wrong checksum, a lying total length), a 42-byte ARP request (below Ethernet's 60: nothing pads
 * it), an 802.1Q-tagged frame, and IPv4/UDP frames of growing sizes (SIZE: all of that size).
 */
const SENDER = `import { openLinkTransport, ipv4 } from ${INDEX};
const [iface, dstMac, count, mode, size] = process.argv.slice(2);
const mac = (m) => Buffer.from(m.replace(/:/g, ''), 'hex');
const eth = (type, body, tag) => Buffer.concat([mac(dstMac), mac('02:00:00:00:0a:01'), ...(tag ? [Buffer.from([0x81, 0, 0, tag])] : []), Buffer.from([type >> 8, type & 255]), body]);
// ARP who-has 198.18.5.2 tell 198.18.5.1 (RFC 826: htype 1, ptype 0x0800, hlen 6, plen 4, op 1).
const arp = Buffer.from('000108000604000102000000' + '0a01c6120501000000000000c6120502', 'hex');
const frames = [];
for (let k = 0; frames.length < Number(count); k++) {
  const ip = ipv4({ src: '198.18.5.1', dst: '198.18.5.2', id: k % 7 === 0 ? 0 : k + 1, ttl: 64, ...(k % 5 === 0 && { checksum: 0x1234, totalLength: 999 }) })
    .udp({ srcPort: 40000, dstPort: 9 }).payload(new Uint8Array(size ? Number(size) : k % 300).fill(k & 255)).encode();
  frames.push(k % 50 === 1 ? eth(0x0806, arp) : k % 50 === 2 ? eth(0x0800, ip, 5) : eth(0x0800, ip));
}
const t = openLinkTransport({ interface: iface, afPacket: mode === 'af', pad: false }); // as built: the transport pads nothing
const r = await t.sendMany(frames.map((bytes) => ({ bytes, firstLayer: 'ethernet' })));
await t.close();
console.log(JSON.stringify({ sent: r.sent, retries: r.retries, calls: r.calls, hex: size ? [] : frames.map((f) => f.toString('hex')) }));
`;

const { guard } = linkFixture({ 'sender.mjs': SENDER }, ['tcpdump']);

/** Start tcpdump in `ns` writing `count` frames from the sender's MAC to `file`, once it listens. */
async function tcpdump(ns: string, file: string, count: number) {
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  const child = runInNs(ns, ['tcpdump', '-i', PAIR.yIf, '-U', '-B', '16384', '-w', file, '-c', String(count), 'ether src 02:00:00:00:0a:01'], 30_000, (line) => line === 'listening' && ready());
  await Promise.race([listening, child.done]);
  return child;
}

async function records(file: string): Promise<string[]> {
  const hex: string[] = [];
  for await (const r of readCapture(file)) hex.push(Buffer.from(r.data).toString('hex'));
  return hex;
}

describe('link transport: AF_PACKET fast path', () => {
  it('sends a varied batch byte for byte as built, the same frames libpcap sends (judged by tcpdump on the other end)', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const n = 400;
    const file = join(dir, 'both.pcap');
    const dump = await tcpdump(pair.y, file, 2 * n);
    const fast = await runInNs(pair.x, [process.execPath, join(dir, 'sender.mjs'), PAIR.xIf, pair.yMac, String(n), 'af']).done;
    expect(fast.status, fast.stderr).toBe(0);
    const pcap = await runInNs(pair.x, [process.execPath, join(dir, 'sender.mjs'), PAIR.xIf, pair.yMac, String(n), 'pcap']).done;
    expect(pcap.status, pcap.stderr).toBe(0);
    const a = JSON.parse(fast.stdout) as { sent: number; calls: number; hex: string[] };
    const b = JSON.parse(pcap.stdout) as { sent: number; calls: number; hex: string[] };
    expect(a.sent).toBe(n);
    // One sendmmsg for the whole batch on the fast path; one pcap_inject per frame on the other.
    expect(a.calls).toBe(1);
    expect(b.calls).toBe(n);
    expect(a.hex).toEqual(b.hex);
    const done = await dump.done;
    expect(done.status, done.stderr).toBe(0);
    const got = await records(file);
    expect(got.slice(0, n)).toEqual(a.hex);
    expect(got.slice(n)).toEqual(b.hex);
    // tshark, reading tcpdump's file on its own, sees the ARP requests, the 802.1Q tags and the broken checksums.
    const tshark = spawnSync('tshark', ['-r', file, '-o', 'ip.check_checksum:TRUE', '-Y', 'arp.opcode == 1 || vlan.id == 5 || ip.checksum.status == 0', '-T', 'fields', '-e', 'frame.number'], { encoding: 'utf8' });
    if (tshark.status === 0 || IN_CI) {
      const expected = a.hex.map((h, k) => (k % 50 === 1 || k % 50 === 2 || k % 5 === 0 ? 1 : 0)).reduce<number>((s, v) => s + v, 0);
      expect(tshark.stdout.trim().split('\n').length).toBe(2 * expected);
    }
  });

  it('a queue discipline that drops the burst (ENOBUFS) is waited out: retries counted, every frame arrives', async (ctx) => {
    const { pair, dir } = guard(ctx);
    const tc = (args: string[]) => spawnSync('ip', ['netns', 'exec', pair.x, 'tc', ...args], { encoding: 'utf8' });
    // 20 Mbit/s and room for about 10 frames: a burst of 1000-byte frames overflows it at once.
    const added = tc(['qdisc', 'add', 'dev', PAIR.xIf, 'root', 'tbf', 'rate', '20mbit', 'burst', '10000', 'limit', '10000']);
    expect(added.status, added.stderr).toBe(0);
    try {
      const n = 600;
      const file = join(dir, 'shaped.pcap');
      const dump = await tcpdump(pair.y, file, n);
      const r = await runInNs(pair.x, [process.execPath, join(dir, 'sender.mjs'), PAIR.xIf, pair.yMac, String(n), 'af', '1000']).done;
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { sent: number; retries: number };
      expect(out.sent).toBe(n);
      expect(out.retries).toBeGreaterThan(0);
      const done = await dump.done;
      expect(done.status, done.stderr).toBe(0);
      expect((await records(file)).length).toBe(n);
    } finally {
      tc(['qdisc', 'del', 'dev', PAIR.xIf, 'root']);
    }
  });
});
