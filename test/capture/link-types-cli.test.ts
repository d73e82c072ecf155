/**
 * `rawcraft decode` on capture files with many link types (issue 16): a pcapng whose interfaces
 * have link types 1, 0, 12 and one rawcraft cannot decode. Lax mode decodes every packet it can
 * and keeps the others raw with an issue; strict mode stops at the first such packet, naming the
 * packet, the interface and the link type. Runs the built CLI (dist/) as a user would.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LinkType, decode, encodeLayers, encodePcap, encodePcapng, parseCapture, type EncodableLayer, type PacketJson } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const T0 = 1_700_000_000_000_000_000n;

const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
const jsonLines = (text: string): PacketJson[] => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as PacketJson);

const IP: EncodableLayer[] = [
  { layer: 'ipv4', fields: { src: '192.0.2.1', dst: '192.0.2.2', id: 9 } },
  { layer: 'udp', fields: { srcPort: 40000, dstPort: 40001 } },
  { layer: 'raw', fields: { data: '6869' } },
];
const ETHER = encodeLayers([{ layer: 'ethernet', fields: { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' } }, ...IP]);
const NULL = encodeLayers([{ layer: 'bsd-null', fields: {} }, ...IP]);
const RAW = encodeLayers(IP);
/** LINKTYPE_USER0 (147): private use, which no codec decodes. */
const USER0 = 147;

function mixedFile(linkTypes: readonly number[]): string {
  const data = (lt: number) => (lt === 1 ? ETHER : lt === 0 ? NULL : lt === 12 ? RAW : Buffer.from('00112233', 'hex'));
  const path = join(mkdtempSync(join(tmpdir(), 'rawcraft-link-')), 'mixed.pcapng');
  writeFileSync(path, encodePcapng(linkTypes.map((linkType, i) => ({ data: data(linkType), linkType, timestampNs: T0 + BigInt(i) }))));
  return path;
}

describe('rawcraft decode: a pcapng with interfaces of link types 1, 0, 12', () => {
  it('decodes every packet, in strict mode too (they all have codecs now)', () => {
    const r = cli(['decode', '--json', mixedFile([1, 0, 12, 1])]);
    expect(r.status, r.stderr).toBe(0);
    const packets = jsonLines(r.stdout);
    expect(packets.map((p) => p.layers[0].layer)).toEqual(['ethernet', 'bsd-null', 'ipv4', 'ethernet']);
    for (const p of packets) expect(p.issues).toEqual([]);
  });

  it('--lax: an unsupported interface becomes raw packets with an issue, and the later Ethernet packets still decode', () => {
    const r = cli(['decode', '--json', '--lax', mixedFile([1, 0, USER0, 12, 1])]);
    expect(r.status, r.stderr).toBe(0);
    const packets = jsonLines(r.stdout);
    expect(packets.map((p) => p.layers.map((l) => l.layer).join('/'))).toEqual(['ethernet/ipv4/udp/raw', 'bsd-null/ipv4/udp/raw', 'raw', 'ipv4/udp/raw', 'ethernet/ipv4/udp/raw']);
    expect(packets[2].layers[0].fields).toEqual({ data: '00112233' });
    expect(packets[2].issues).toHaveLength(1);
    expect(packets[2].issues[0]).toMatchObject({ code: 'E_LINK_TYPE', linkType: USER0, interfaceId: 2 });
    expect(packets[2].issues[0].message).toMatch(/^interface 2 has link type 147, which rawcraft cannot decode/);
  });

  it('strict: stops at that packet with one line naming the packet, the interface and the link type (exit 2)', () => {
    const r = cli(['decode', '--json', mixedFile([1, 0, USER0, 1])]);
    expect(r.status).toBe(2);
    expect(jsonLines(r.stdout)).toHaveLength(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rawcraft: packet 2: interface 2 has link type 147, which rawcraft cannot decode .*--lax/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('preflight, which cannot send such packets, still refuses them, naming the interface', () => {
    const r = cli(['preflight', mixedFile([USER0])]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/packet 0: interface 0 has link type 147/);
  });
});

describe('rawcraft decode: real captures', () => {
  it('tcpdump -i any as LINUX_SLL2 (test/vectors/captures/any-linux-sll2.pcap)', () => {
    const r = cli(['decode', '--json', join(ROOT, 'test/vectors/captures/any-linux-sll2.pcap')]);
    expect(r.status, r.stderr).toBe(0);
    const packets = jsonLines(r.stdout);
    expect(packets.map((p) => p.layers.map((l) => l.layer).join('/'))).toEqual([
      'linux-sll2/ipv4/icmp/raw',
      'linux-sll2/ipv4/icmp/raw',
      'linux-sll2/ipv4/udp/raw',
      'linux-sll2/ipv4/icmp/ipv4/udp/raw',
    ]);
  });
});

describe('rawcraft send with link-layer captures', () => {
  const nullCapture = (port: number): string => {
    const frame = encodeLayers([
      { layer: 'bsd-null', fields: {} },
      { layer: 'ipv4', fields: { src: '127.0.0.1', dst: '127.0.0.1', id: 1 } },
      { layer: 'udp', fields: { srcPort: 40000, dstPort: port } },
      { layer: 'raw', fields: { data: '6c6f3021' } },
    ]);
    const path = join(mkdtempSync(join(tmpdir(), 'rawcraft-link-')), 'lo0.pcap');
    writeFileSync(path, encodePcap([{ data: frame, timestampNs: T0 }], { linkType: LinkType.NULL }));
    return path;
  };

  it('the pcap transport writes NULL frames under link type 0, not raw IP (101)', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rawcraft-link-')), 'out.pcap');
    const r = cli(['send', nullCapture(9), '--transport', `pcap:${out}`]);
    expect(r.status, r.stderr).toBe(0);
    const records = parseCapture(readFileSync(out));
    expect(records.map((x) => x.linkType)).toEqual([LinkType.NULL]);
    expect(decode(records[0].data, { from: 'bsd-null' }).layers.map((l) => l.layer)).toEqual(['bsd-null', 'ipv4', 'udp', 'raw']);
  });

  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  (root || process.env.CI === 'true' ? it : it.skip)('raw sockets send the IP datagram inside a NULL frame (received on 127.0.0.1)', async () => {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    const port = socket.address().port;
    const received = new Promise<Buffer>((resolve) => socket.once('message', (m) => resolve(m)));
    const r = spawn(process.execPath, [CLI, 'send', nullCapture(port)], { cwd: ROOT });
    const code = await new Promise<number | null>((resolve) => r.on('close', resolve));
    try {
      expect(code).toBe(0);
      expect((await received).toString()).toBe('lo0!');
    } finally {
      socket.close();
    }
  });
});
