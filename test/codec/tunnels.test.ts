/**
 * Protocols added through the generic machinery (GRE, VXLAN, IGMP) (one protocol file and one registry
 * line each): what the byte vectors do not show. Strict decode throws the RFC's rule with its
 * offset, lax decode reports it and goes on; a tunnel with an IPv6 datagram inside, which the
 * independent Python encoder cannot build, is judged by tshark.
 */
import { describe, expect, it } from 'vitest';
import { build, decode, DeviationError, encodeLayers, FieldValueError, ipv4, ipv6, LengthError, type EncodableLayer } from '../../src/index.js';
import { setFastPath } from '../../src/codec/fast-path.js';
import { dissect, tsharkAvailable } from './tshark.js';

const ci = process.env.CI === 'true';
// On CI tshark is required: the test runs and fails without it.
const withTshark = tsharkAvailable || ci ? it : it.skip;

/** An IPv4/GRE packet (no optional fields) with bytes of the GRE header changed. */
function greWith(patch: (gre: Buffer) => void): Buffer {
  const bytes = Buffer.from(ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).gre().ipv4({ src: '198.51.100.1', dst: '198.51.100.2' }).udp().payload('x').encode());
  patch(bytes.subarray(20));
  // Keep the outer IPv4 checksum right: only the GRE rule should be reported.
  return Buffer.from(ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 47 }).payload(bytes.subarray(20)).encode());
}

describe('GRE (RFC 2784, RFC 2890)', () => {
  it.each([
    ['version 1 (RFC 2784 section 2.3.1)', (g: Buffer) => (g[1] |= 1), 'version', 21],
    ['a Reserved0 bit (RFC 2784 section 2.3)', (g: Buffer) => (g[0] |= 0x08 >> 3, g[1] |= 0x80), 'reserved0', 20],
    ['the routing bit (RFC 1701 source routing)', (g: Buffer) => (g[0] |= 0x40), 'routing', 20],
  ] as const)('strict decode refuses %s at its offset, lax reports it', (_name, patch, rule, offset) => {
    const bytes = greWith(patch);
    let thrown: unknown;
    try {
      decode(bytes, { from: 'ipv4' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DeviationError);
    expect(thrown).toMatchObject({ layer: 'gre', rule, offset });
    const lax = decode(bytes, { from: 'ipv4', mode: 'lax' });
    expect(lax.issues.map((i) => [i.layer, (i as DeviationError).rule])).toEqual([['gre', rule]]);
    expect(lax.layers[1].layer).toBe('gre');
  });

  it('optional fields the flags announce but the bytes lack: a LengthError, strict and lax', () => {
    const bytes = greWith((g) => (g[0] |= 0x30)); // K and S set: 8 more bytes expected, but the payload is read as them
    const cut = Buffer.from(ipv4({ src: '192.0.2.1', dst: '192.0.2.2', protocol: 47 }).payload(bytes.subarray(20, 30)).encode());
    expect(() => decode(cut, { from: 'ipv4' })).toThrow(LengthError);
    expect(decode(cut, { from: 'ipv4', mode: 'lax' }).issues[0]).toBeInstanceOf(LengthError);
  });

  it('a part the explicit flags leave out cannot be given: the error names layer and field', () => {
    expect(() => ipv4().gre({ flags: ['key'], sequence: 3 }).encode()).toThrow(FieldValueError);
    expect(() => ipv4().gre({ flags: ['key'], sequence: 3 }).encode()).toThrow(/gre.*sequence/);
  });

  withTshark('ipv4().gre().ipv6().udp(): tshark dissects the tunnel, the inner checksum is good', async () => {
    const inner = { src: '2001:db8::1', dst: '2001:db8::2' };
    const packets = [
      ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).gre().ipv6(inner).udp({ srcPort: 40000, dstPort: 40001 }).payload('tunnel').encode(),
      ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).gre({ flags: ['checksum', 'key', 'sequence'], key: 9, sequence: 1 }).ipv6(inner).udp({ srcPort: 40000, dstPort: 40001 }).payload('tunnel').encode(),
    ];
    const rows = await dissect(packets, 101, ['frame.protocols', 'gre.proto', 'gre.key', 'gre.checksum.status', 'ipv6.dst', 'udp.checksum.status', '_ws.malformed']);
    for (const row of rows) {
      expect(row['frame.protocols']).toBe('raw:ip:gre:ipv6:udp:data');
      expect(row['gre.proto']).toBe('0x86dd');
      expect(row['ipv6.dst']).toBe('2001:db8::2');
      expect(row['udp.checksum.status']).toBe('1');
      expect(row['_ws.malformed']).toBe('');
    }
    expect(rows[1]['gre.key']).toBe('0x00000009');
    expect(rows[1]['gre.checksum.status']).toBe('1');
    expect(decode(packets[1], { from: 'ipv4' }).layers.map((l) => l.layer)).toEqual(['ipv4', 'gre', 'ipv6', 'udp', 'raw']);
  });
});

describe('VXLAN (RFC 7348)', () => {
  const frame = (fields: Record<string, number>, ports = { srcPort: 49152, dstPort: 4789 }) =>
    ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).udp(ports).vxlan(fields).ethernet({ src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }).ipv4().udp().payload('x').encode();

  it('UDP port 4789 on either side selects VXLAN, by the binding alone', () => {
    expect(decode(frame({ vni: 5 }), { from: 'ipv4' }).layers.map((l) => l.layer)).toEqual(['ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'udp', 'raw']);
    expect(decode(frame({ vni: 5 }, { srcPort: 4789, dstPort: 50000 }), { from: 'ipv4' }).layers[2].layer).toBe('vxlan');
  });

  it('without the I flag: strict decode throws at the VXLAN header, lax reports it; reserved bits are ignored', () => {
    const bytes = frame({ flags: 0, vni: 5 });
    expect(() => decode(bytes, { from: 'ipv4' })).toThrow(DeviationError);
    expect(decode(bytes, { from: 'ipv4', mode: 'lax' }).issues.map((i) => [i.layer, i.offset])).toEqual([['vxlan', 28]]);
    // RFC 7348: reserved bits are set to zero on transmission and ignored on receipt.
    expect(decode(frame({ reserved1: 0xabcdef, reserved2: 0x12, vni: 5 }), { from: 'ipv4' }).issues).toEqual([]);
  });

  it('a VNI beyond 24 bits is refused, naming layer and field', () => {
    expect(() => frame({ vni: 0x1000000 })).toThrow(/vxlan.*vni/);
  });
});

describe('IGMP (RFC 1112, RFC 2236, RFC 3376)', () => {
  const host = { src: '192.0.2.1', dst: '224.0.0.1', ttl: 1 };

  it('a v3 query is told from a v2 one by its length, as RFC 3376 section 7.1 says; 9 to 11 bytes is a deviation', () => {
    expect(decode(ipv4(host).igmp({ maxRespCode: 100 }).encode(), { from: 'ipv4' }).layers[1].fields).not.toHaveProperty('sources');
    const v3 = decode(ipv4(host).igmp({ maxRespCode: 100, qrv: 3 }).encode(), { from: 'ipv4' }).layers[1].fields;
    expect(v3).toMatchObject({ qrv: 3, qqic: 125, sources: [], suppress: false });
    const odd = ipv4(host).igmp({ maxRespCode: 100 }).payload('ab').encode();
    expect(() => decode(odd, { from: 'ipv4' })).toThrow(DeviationError);
    expect(decode(odd, { from: 'ipv4', mode: 'lax' }).issues.map((i) => [i.layer, i.offset])).toEqual([['igmp', 20]]);
  });

  it('more sources announced than the query holds: LengthError strict, the sources that fit lax', () => {
    const bytes = Buffer.from(ipv4(host).igmp({ sources: ['192.0.2.9'] }).encode());
    bytes[31] = 3; // Number of Sources: 3, one present
    expect(() => decode(bytes, { from: 'ipv4' })).toThrow(LengthError);
    const lax = decode(bytes, { from: 'ipv4', mode: 'lax' });
    expect(lax.layers[1].fields).toMatchObject({ sources: ['192.0.2.9'] });
  });

  it('bad records and addresses are refused, naming layer and field', () => {
    expect(() => ipv4().igmp({ type: 'v3-membership-report', records: [{ multicastAddress: '233.252.0.300' }] }).encode()).toThrow(/igmp.*records\[0\]\.multicastAddress/);
    expect(() => ipv4().igmp({ group: 'x' }).encode()).toThrow(/igmp.*group/);
    expect(() => ipv4().igmp({ type: 'v3-membership-report', records: [{ multicastAddress: '233.252.0.1', auxData: '00' }] }).encode()).toThrow(/auxData/);
  });
});

describe("UDP's destination port left out is the port the next layer is bound to (Scapy's bind_layers dport)", () => {
  const dstPortOf = (bytes: Uint8Array, udpAt: number): number => (bytes[udpAt + 2] << 8) | bytes[udpAt + 3];
  const layerNames = (bytes: Uint8Array, from: 'ipv4' | 'ipv6'): string[] => decode(bytes, { from }).layers.map((l) => l.layer);

  it('VXLAN 4789 (RFC 7348 section 5), SCTP over UDP 9899 (RFC 6951 section 5.1), raw data 53; decoding finds the same stack', () => {
    const vxlan = ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).udp().vxlan({ vni: 5 }).ethernet().ipv4().udp().payload('x').encode();
    expect(dstPortOf(vxlan, 20)).toBe(4789);
    expect(layerNames(vxlan, 'ipv4')).toEqual(['ipv4', 'udp', 'vxlan', 'ethernet', 'ipv4', 'udp', 'raw']);
    const sctp = ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp().sctp({ chunks: [{ type: 'data', tsn: 1, data: 'aa' }] }).encode();
    expect(dstPortOf(sctp, 40)).toBe(9899);
    expect(layerNames(sctp, 'ipv6')).toEqual(['ipv6', 'udp', 'sctp']);
    expect(dstPortOf(ipv4().udp().payload('x').encode(), 20)).toBe(53);
  });

  it('a port given is written as given, even one that binds nothing', () => {
    const given = ipv4({ src: '192.0.2.1', dst: '192.0.2.2' }).udp({ dstPort: 7 }).vxlan().encode();
    expect(dstPortOf(given, 20)).toBe(7);
    expect(layerNames(given, 'ipv4')).toEqual(['ipv4', 'udp', 'raw']);
  });

  it('expressions and encodeLayers take the same default, on the fast and the general encoder', () => {
    const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '192.0.2.2' } }, { layer: 'udp' }, { layer: 'vxlan' }, { layer: 'ethernet' }];
    const fast = encodeLayers(layers);
    setFastPath(false);
    try {
      expect(encodeLayers(layers).toString('hex')).toBe(fast.toString('hex'));
    } finally {
      setFastPath(true);
    }
    expect(dstPortOf(fast, 20)).toBe(4789);
    expect(build('ipv4(src=192.0.2.1,dst=192.0.2.2)/udp()/vxlan()/ethernet()').toString('hex')).toBe(fast.toString('hex'));
  });
});
