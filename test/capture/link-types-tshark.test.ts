/**
 * The link-layer codecs against tshark, beyond the fixed vectors of test/vectors/: IPv6 after
 * every link layer, 802.11 frames of several kinds with and without FCS, protected frames, and
 * radiotap headers with random sets of fields (alignment). Each packet is written to a pcap of
 * its link type and dissected by tshark; what rawcraft decodes must be what tshark shows.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encodeLayers, layerForLinkType, type EncodableLayer } from '../../src/index.js';
import { dissect, tsharkAvailable } from '../codec/tshark.js';

interface Case {
  name: string;
  linkType: number;
  layers: EncodableLayer[];
  /** What tshark must show for this packet, field by field ('|' joins repeated fields). */
  expect: Record<string, string>;
}

const A = ['02:00:00:00:00:01', '02:00:00:00:00:02', '02:00:00:00:00:03', '02:00:00:00:00:04'];
const UDP6: EncodableLayer[] = [
  { layer: 'ipv6', fields: { src: '2001:db8::1', dst: '2001:db8::2' } },
  { layer: 'udp', fields: { srcPort: 40000, dstPort: 40001 } },
  { layer: 'raw', fields: { data: '72617763726166740a' } },
];
const IPV6_SEEN = { 'ipv6.src': '2001:db8::1', 'ipv6.dst': '2001:db8::2', 'udp.dstport': '40001', 'udp.checksum.status': '1' };
const SNAP: EncodableLayer = { layer: 'llc', fields: {} };

/** Deterministic pseudo-random numbers (xorshift32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

function radiotapCases(): Case[] {
  const next = rng(0x16);
  const out: Case[] = [];
  for (let i = 0; i < 40; i++) {
    const int = (n: number) => Math.floor(next() * n);
    const fields: Record<string, unknown> = {};
    const seen: Record<string, string> = {};
    if (next() < 0.5) {
      const tsft = BigInt(int(2 ** 31)) * BigInt(int(2 ** 31) + 1);
      fields.tsft = tsft;
      seen['radiotap.mactime'] = String(tsft);
    }
    if (next() < 0.5) {
      // Not 0x10 (an FCS follows) or 0x20 (padding after the 802.11 header): both change the frame.
      fields.flags = int(256) & ~0x30;
      seen['radiotap.flags'] = `0x${(fields.flags as number).toString(16).padStart(2, '0')}`;
    }
    if (next() < 0.5) {
      fields.rate = 1 + int(254);
      seen['radiotap.datarate'] = String((fields.rate as number) / 2);
    }
    if (next() < 0.5) {
      fields.channelFrequency = 2412 + 5 * int(12);
      fields.channelFlags = 0x00a0;
      seen['radiotap.channel.freq'] = String(fields.channelFrequency);
      seen['radiotap.channel.flags'] = '0x00a0';
    }
    if (next() < 0.5) {
      fields.antennaSignal = int(256) - 128;
      seen['radiotap.dbm_antsignal'] = String(fields.antennaSignal);
    }
    if (next() < 0.5) {
      fields.antennaNoise = int(256) - 128;
      seen['radiotap.dbm_antnoise'] = String(fields.antennaNoise);
    }
    if (next() < 0.5) {
      fields.antenna = int(4);
      seen['radiotap.antenna'] = String(fields.antenna);
    }
    const layers: EncodableLayer[] = [{ layer: 'radiotap', fields }, { layer: 'ieee80211', fields: { type: 'control', subtype: 13, addresses: [A[0]] } }];
    seen['radiotap.length'] = String(encodeLayers(layers).length - 10);
    seen['wlan.ra'] = A[0];
    out.push({ name: `radiotap random fields #${i} (${Object.keys(fields).join(', ') || 'none'})`, linkType: 127, layers, expect: seen });
  }
  return out;
}

const CASES: Case[] = [
  ...[24, 28, 30].map((family) => ({
    name: `NULL, AF_INET6 ${family}`,
    linkType: 0,
    layers: [{ layer: 'bsd-null', fields: { family } }, ...UDP6] as EncodableLayer[],
    expect: { 'null.family': String(family), ...IPV6_SEEN },
  })),
  { name: 'NULL written big-endian, AF_INET6 30', linkType: 0, layers: [{ layer: 'bsd-null', fields: { family: 30, byteOrder: 'big' } }, ...UDP6], expect: { 'null.family': '30', ...IPV6_SEEN } },
  { name: 'LOOP, IPv6 (default family 24)', linkType: 108, layers: [{ layer: 'bsd-loop', fields: {} }, ...UDP6], expect: { 'null.family': '24', ...IPV6_SEEN } },
  // DLT_RAW in files: 12 where most systems define it, 14 as OpenBSD does (wiretap reads both as raw IP).
  { name: 'raw IP as link type 12, IPv6', linkType: 12, layers: UDP6, expect: IPV6_SEEN },
  { name: 'raw IP as link type 14, IPv6', linkType: 14, layers: UDP6, expect: IPV6_SEEN },
  // PKTAP (macOS `tcpdump -i pktap` and its `-i any`): the header names the process and the DLT of the frame after it.
  {
    name: 'PKTAP around LOOP, IPv6, process nc',
    linkType: 258,
    layers: [{ layer: 'pktap', fields: { interfaceName: 'gif0', pid: 7, command: 'nc' } }, { layer: 'bsd-loop', fields: {} }, ...UDP6],
    expect: { 'pktap.hdrlen': '108', 'pktap.dlt': '108', 'pktap.ifname': 'gif0', 'pktap.pid': '7', 'pktap.cmdname': 'nc', 'null.family': '24', ...IPV6_SEEN },
  },
  { name: 'PPP, IPv6', linkType: 9, layers: [{ layer: 'ppp', fields: {} }, ...UDP6], expect: { 'ppp.protocol': '0x0057', ...IPV6_SEEN } },
  { name: 'PPP_HDLC, IPv6', linkType: 50, layers: [{ layer: 'ppp', fields: {} }, ...UDP6], expect: { 'ppp.address': '0xff', 'ppp.protocol': '0x0057', ...IPV6_SEEN } },
  {
    name: 'LINUX_SLL2, IPv6 on interface 7',
    linkType: 276,
    layers: [{ layer: 'linux-sll2', fields: { interfaceIndex: 7, arphrdType: 1, packetType: 0, addressLength: 6, address: '0200000000070000' } }, ...UDP6],
    expect: { 'sll.etype': '0x86dd', 'sll.ifindex': '7', 'sll.src.eth': '02:00:00:00:00:07', ...IPV6_SEEN },
  },
  {
    name: '802.11 QoS data, four addresses, IPv6',
    linkType: 105,
    layers: [{ layer: 'ieee80211', fields: { subtype: 8, flags: ['from-ds', 'to-ds'], addresses: A, sequence: 4095, fragment: 3, qosControl: 6 } }, SNAP, ...UDP6],
    expect: { 'wlan.fc.subtype': '8', 'wlan.seq': '4095', 'wlan.frag': '3', 'wlan.qos.tid': '6', 'wlan.ra': A[0], 'wlan.ta': A[1], 'wlan.da': A[2], 'wlan.sa': A[3], 'llc.type': '0x86dd', ...IPV6_SEEN },
  },
  {
    name: '802.11 protected data: the body stays raw (tshark: no LLC either)',
    linkType: 105,
    layers: [{ layer: 'ieee80211', fields: { flags: ['protected', 'to-ds'], addresses: A.slice(0, 3), sequence: 5 } }, { layer: 'raw', fields: { data: '0100002000000000aabbccddeeff0011' } }],
    expect: { 'wlan.fc.protected': '1', 'llc.dsap': '' },
  },
  {
    name: '802.11 probe request (management subtype 4), body raw',
    linkType: 105,
    layers: [{ layer: 'ieee80211', fields: { type: 'management', subtype: 4, addresses: ['ff:ff:ff:ff:ff:ff', A[1], 'ff:ff:ff:ff:ff:ff'], sequence: 12 } }, { layer: 'raw', fields: { data: '0000010882848b960c121824' } }],
    expect: { 'wlan.fc.type_subtype': '0x0004', 'wlan.ra': 'ff:ff:ff:ff:ff:ff', 'wlan.ta': A[1], 'wlan.bssid': 'ff:ff:ff:ff:ff:ff', 'wlan.seq': '12' },
  },
  {
    name: '802.11 management with the order flag: an HT control field',
    linkType: 105,
    layers: [{ layer: 'ieee80211', fields: { type: 'management', subtype: 13, flags: ['order'], addresses: A.slice(0, 3), htControl: 0x00000003 } }, { layer: 'raw', fields: { data: '0700' } }],
    expect: { 'wlan.htc': '0x00000003', 'wlan.fc.order': '1' },
  },
  {
    name: 'radiotap with an FCS, IPv6 in QoS data',
    linkType: 127,
    layers: [
      { layer: 'radiotap', fields: { flags: 0x10, rate: 2 }, trailer: 'FCS' },
      { layer: 'ieee80211', fields: { subtype: 8, flags: ['to-ds'], addresses: A.slice(0, 3), qosControl: 0 } },
      SNAP,
      ...UDP6,
    ],
    expect: { 'wlan.fcs.status': '1', ...IPV6_SEEN },
  },
  {
    name: 'NFLOG, IPv6 payload between TLVs (packet header, mark) and a prefix after it',
    linkType: 239,
    layers: [{ layer: 'nflog', fields: { resourceId: 7, tlvs: [{ type: 1, data: '86dd0100' }, { type: 2, data: '0000002a' }] }, trailer: '000000' + '0d000a00' + '7261776372616674' + '00000000' }, ...UDP6],
    expect: { 'nflog.res_id': '7', 'nflog.tlv_type': '1|2|9|10', 'nflog.prefix': 'rawcraft', ...IPV6_SEEN },
  },
  ...radiotapCases(),
];

/** Fill an FCS placeholder with the CRC-32 of the 802.11 frame (as zlib computes it, not rawcraft). */
async function withFcs(c: Case): Promise<Buffer> {
  const first = c.layers[0];
  if (first.trailer !== 'FCS') return encodeLayers(c.layers);
  const { crc32 } = await import('node:zlib');
  const bytes = encodeLayers([{ ...first, trailer: undefined } as EncodableLayer, ...c.layers.slice(1)]);
  const fcs = Buffer.alloc(4);
  fcs.writeUInt32LE(crc32(bytes.subarray(bytes.readUInt16LE(2))));
  return Buffer.concat([bytes, fcs]);
}

const FIELDS = [...new Set(CASES.flatMap((c) => Object.keys(c.expect))), 'frame.protocols'];

describe('link layers against tshark', () => {
  const rows = new Map<string, Record<string, string>>();
  const bytes = new Map<string, Buffer>();

  beforeAll(async () => {
    for (const c of CASES) bytes.set(c.name, await withFcs(c));
    if (!tsharkAvailable) return;
    for (const linkType of new Set(CASES.map((c) => c.linkType))) {
      const group = CASES.filter((c) => c.linkType === linkType);
      const out = await dissect(group.map((c) => bytes.get(c.name)!), linkType, FIELDS);
      group.forEach((c, i) => rows.set(c.name, out[i]));
    }
  }, 60_000);

  if (!tsharkAvailable && process.env.CI === 'true') {
    it('tshark is installed (required on CI)', () => {
      throw new Error('tshark is not on the PATH: install it so the link layers are checked against Wireshark');
    });
    return;
  }
  const check = tsharkAvailable ? it : it.skip;

  for (const c of CASES) {
    check(c.name, () => {
      const row = rows.get(c.name)!;
      expect(Object.fromEntries(Object.keys(c.expect).map((k) => [k, row[k]]))).toEqual(c.expect);
      // rawcraft decodes the same bytes to the layers they were built from, and re-encodes them exactly.
      const data = bytes.get(c.name)!;
      const d = decode(data, { from: layerForLinkType(c.linkType)!, mode: 'lax' });
      expect(d.layers.map((l) => l.layer)).toEqual(c.layers.map((l) => l.layer));
      expect(encodeLayers(d.layers as unknown as EncodableLayer[])).toEqual(data);
      if (c.expect['wlan.fcs.status']) expect(d.layers[0].checksum?.status).toBe('valid');
      if (c.expect['wlan.fc.protected']) expect(d.issues.map((e) => e.layer)).toEqual(['ieee80211']);
      else expect(d.issues).toEqual([]);
      // The fields tshark showed are the fields rawcraft decoded (radiotap: the typed ones).
      const radiotap = d.layers.find((l) => l.layer === 'radiotap');
      if (radiotap) {
        const f = radiotap.fields as unknown as Record<string, unknown>;
        if (c.expect['radiotap.length']) expect(String(f.length)).toBe(c.expect['radiotap.length']);
        for (const [key, field] of [['radiotap.mactime', 'tsft'], ['radiotap.channel.freq', 'channelFrequency'], ['radiotap.dbm_antsignal', 'antennaSignal'], ['radiotap.dbm_antnoise', 'antennaNoise'], ['radiotap.antenna', 'antenna']]) {
          if (c.expect[key] !== undefined) expect(String(f[field]), key).toBe(c.expect[key]);
        }
      }
    });
  }
});
