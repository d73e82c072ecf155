/**
 * RFC deviations that leave a packet parseable (issue 16): every rule of every protocol's rule
 * list has a packet here that breaks it and nothing else the RFCs say, built with rawcraft's
 * own builder (explicit field values) or written out in hex. Each must decode in lax mode with
 * an issue naming the layer, the rule, the field, the byte offset and the RFC section; strict
 * mode must throw that first issue; and re-encoding the lax layers must give the bytes back.
 * The last test checks that no declared rule goes without a packet here.
 */
import { describe, expect, it } from 'vitest';
import { DeviationError, allDeviationRules, decode, encodeLayers, type EncodableLayer } from '../../src/index.js';
import { compileFastDecode } from '../../src/codec/decode-fast.js';
import { codecByName } from '../../src/codec/registry.js';

const quiet = { onWarning: () => {} };
const build = (layers: readonly EncodableLayer[]): Buffer => encodeLayers(layers as EncodableLayer[], quiet);
const L = (layer: string, fields: Record<string, unknown> = {}): EncodableLayer => ({ layer, fields }) as unknown as EncodableLayer;
const raw = (data: string | Uint8Array): EncodableLayer => L('raw', { data });

interface Case {
  readonly layer: string;
  readonly rule: string;
  /** Byte offset the issue must name. */
  readonly offset: number;
  readonly bytes: Buffer;
  /** The first layer, when not IPv4/IPv6 by version. */
  readonly from?: string;
}

const v4 = (...rest: EncodableLayer[]): Buffer => build([L('ipv4', { src: '192.0.2.1', dst: '192.0.2.2' }), ...rest]);
const v6 = (fields: Record<string, unknown>, ...rest: EncodableLayer[]): Buffer => build([L('ipv6', { src: '2001:db8::1', dst: '2001:db8::2', ...fields }), ...rest]);
const ipv4Option = (option: Record<string, unknown>): Buffer => build([L('ipv4', { src: '192.0.2.1', dst: '192.0.2.2', options: [option] }), raw('00')]);
const tcpOption = (option: Record<string, unknown>): Buffer => v4(L('tcp', { options: [option] }));
/** An IPv4/UDP datagram of 100 bytes, to be quoted. */
const datagram4 = v4(L('udp', { srcPort: 5000, dstPort: 53 }), raw(Buffer.alloc(72, 0x61)));
const datagram6 = v6({}, L('udp', { srcPort: 5000, dstPort: 53 }), raw(Buffer.alloc(52, 0x61)));
/** ICMPv6 error (type 1) quoting the first `n` bytes of datagram6. */
const unreachable6 = (n: number, fields: Record<string, unknown> = {}): Buffer => v6({}, L('icmpv6', { type: 'destination-unreachable', ...fields }), raw(datagram6.subarray(0, n)));
const nd = (type: string, option: Record<string, unknown>, ethernet = false): Buffer =>
  build([...(ethernet ? [L('ethernet', { src: '02:00:00:00:00:01', dst: '33:33:00:00:00:01' })] : []), L('ipv6', { src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 }), L('icmpv6', { type, options: [option] })]);
const SCTP_HEADER = '0009000900000000' + '00000000';
const sctpHex = (chunks: string): Buffer => Buffer.from(SCTP_HEADER + chunks, 'hex');
const sctp = (chunks: unknown[]): Buffer => build([L('sctp', { chunks })]);
const INIT = { type: 'init', initiateTag: 1, arwnd: 1500, outboundStreams: 1, inboundStreams: 1, initialTsn: 0 };
const jumboData = Buffer.alloc(70000 - 8);

const cases: Case[] = [
  // IPv4 (RFC 791 section 3.1, RFC 2113)
  { layer: 'ipv4', rule: 'ihl', offset: 0, bytes: build([L('ipv4', { ihl: 4 }), raw('abcd')]) },
  { layer: 'ipv4', rule: 'totalLength', offset: 2, bytes: build([L('ipv4', { totalLength: 16 }), raw('abcd')]) },
  { layer: 'ipv4', rule: 'option-length', offset: 20, bytes: ipv4Option({ kind: 68, data: '', length: 1 }) },
  { layer: 'ipv4', rule: 'padding-after-end', offset: 22, bytes: build([L('ipv4', { options: [{ kind: 'eol' }], padding: '000100' }), raw('00')]) },
  { layer: 'ipv4', rule: 'record-route-length', offset: 21, bytes: ipv4Option({ kind: 7, data: '04c000' }) },
  { layer: 'ipv4', rule: 'lsrr-length', offset: 21, bytes: ipv4Option({ kind: 131, data: '04c0' }) },
  { layer: 'ipv4', rule: 'ssrr-length', offset: 21, bytes: ipv4Option({ kind: 137, data: '04c0' }) },
  { layer: 'ipv4', rule: 'timestamp-length', offset: 21, bytes: ipv4Option({ kind: 68, data: '05000000' }) },
  { layer: 'ipv4', rule: 'router-alert-length', offset: 21, bytes: ipv4Option({ kind: 148, data: '000000' }) },
  // TCP (RFC 9293 sections 3.1 and 3.2, RFC 7323, RFC 2018)
  { layer: 'tcp', rule: 'dataOffset', offset: 32, bytes: v4(L('tcp', { dataOffset: 4 })) },
  { layer: 'tcp', rule: 'option-length', offset: 40, bytes: tcpOption({ kind: 2, data: '', length: 1 }) },
  { layer: 'tcp', rule: 'padding-after-end', offset: 43, bytes: v4(L('tcp', { options: [{ kind: 'eol' }], padding: '000001' })) },
  { layer: 'tcp', rule: 'mss-length', offset: 41, bytes: tcpOption({ kind: 2, data: '05b4ff' }) },
  { layer: 'tcp', rule: 'window-scale-length', offset: 41, bytes: tcpOption({ kind: 3, data: '0707' }) },
  { layer: 'tcp', rule: 'sack-permitted-length', offset: 41, bytes: tcpOption({ kind: 4, data: '00' }) },
  { layer: 'tcp', rule: 'sack-length', offset: 41, bytes: tcpOption({ kind: 5, data: '00000001' }) },
  { layer: 'tcp', rule: 'timestamps-length', offset: 41, bytes: tcpOption({ kind: 8, data: '0000000100000002ff' }) },
  // UDP (RFC 768)
  { layer: 'udp', rule: 'length', offset: 24, bytes: v4(L('udp', { length: 7 }), raw('abcd')) },
  // ICMP (RFC 792, RFC 1812, RFC 4884)
  { layer: 'icmp', rule: 'quote', offset: 28, bytes: v4(L('icmp', { type: 'time-exceeded' }), raw(datagram4.subarray(0, 24))) },
  { layer: 'icmp', rule: 'length', offset: 25, bytes: v4(L('icmp', { type: 'destination-unreachable', code: 'port-unreachable', length: 32 }), raw(datagram4)) },
  { layer: 'icmp', rule: 'length-extended', offset: 25, bytes: v4(L('icmp', { type: 'destination-unreachable', code: 'port-unreachable', length: 7 }), raw(datagram4)) },
  // IPv6 (RFC 8200, RFC 2675)
  { layer: 'ipv6', rule: 'payloadLength', offset: 4, bytes: v6({ payloadLength: 0 }, L('ipv6-hop-by-hop', { options: [{ kind: 'router-alert' }] })) },
  { layer: 'ipv6-hop-by-hop', rule: 'option-length', offset: 42, bytes: v6({}, L('ipv6-hop-by-hop', { options: [{ kind: 0x1e, data: '00', length: 9 }] })) },
  { layer: 'ipv6-hop-by-hop', rule: 'padn-data', offset: 45, bytes: v6({}, L('ipv6-hop-by-hop', { options: [{ kind: 1, data: '0001' }] })) },
  { layer: 'ipv6-dest-options', rule: 'option-length', offset: 42, bytes: v6({}, L('ipv6-dest-options', { options: [{ kind: 0x1e, data: '00', length: 9 }] })) },
  { layer: 'ipv6-dest-options', rule: 'padn-data', offset: 45, bytes: v6({}, L('ipv6-dest-options', { options: [{ kind: 1, data: '0001' }] })) },
  { layer: 'ipv6-hop-by-hop', rule: 'position', offset: 48, bytes: v6({}, L('ipv6-dest-options'), L('ipv6-hop-by-hop')) },
  { layer: 'ipv6-hop-by-hop', rule: 'jumbo-payload-length', offset: 44, bytes: v6({ payloadLength: 0 }, L('ipv6-hop-by-hop', { options: [{ kind: 'jumbo', payloadLength: 1000 }] }), raw(Buffer.alloc(992))) },
  { layer: 'ipv6-hop-by-hop', rule: 'jumbo-with-length', offset: 4, bytes: v6({}, L('ipv6-hop-by-hop', { options: [{ kind: 'jumbo', payloadLength: 70000 }] })) },
  { layer: 'ipv6-fragment', rule: 'reserved', offset: 41, bytes: v6({}, L('ipv6-fragment', { reserved: 1 }), L('udp'), raw('ab')) },
  { layer: 'ipv6-fragment', rule: 'reserved2', offset: 43, bytes: v6({}, L('ipv6-fragment', { reserved2: 1 }), L('udp'), raw('ab')) },
  { layer: 'ipv6-fragment', rule: 'jumbo', offset: 48, bytes: v6({}, L('ipv6-hop-by-hop', { options: [{ kind: 'jumbo' }] }), L('ipv6-fragment'), raw(jumboData)) },
  // Authentication Header (RFC 4302 section 2.2): 12 octets at least, a multiple of 8 over IPv6
  { layer: 'ah', rule: 'payloadLength', offset: 21, bytes: v4(L('ah', { payloadLength: 0, icv: '' }), raw('abcd')) },
  { layer: 'ah', rule: 'ipv6-length', offset: 41, bytes: v6({}, L('ah', { icv: '' }), raw('abcd')) },
  // Routing headers (RFC 8200 section 4.4, RFC 2460, RFC 6275, RFC 8754)
  { layer: 'ipv6-routing', rule: 'source-route-length', offset: 41, bytes: v6({}, L('ipv6-routing', { routingType: 0, segmentsLeft: 0, data: '00'.repeat(12) })) },
  { layer: 'ipv6-routing', rule: 'mobile-ipv6-length', offset: 41, bytes: v6({}, L('ipv6-routing', { routingType: 2, segmentsLeft: 1, data: '00'.repeat(36) })) },
  { layer: 'ipv6-routing', rule: 'lastEntry', offset: 44, bytes: v6({}, L('ipv6-routing', { routingType: 4, segmentsLeft: 0, data: '05000000' + '00'.repeat(16) })) },
  { layer: 'ipv6-routing', rule: 'segmentsLeft', offset: 43, bytes: v6({}, L('ipv6-routing', { routingType: 'source-route', addresses: ['2001:db8::3'], segmentsLeft: 3 })) },
  // Segment Routing Header TLVs (RFC 8754 section 2.1)
  { layer: 'ipv6-routing', rule: 'option-length', offset: 64, bytes: v6({}, L('ipv6-routing', { segments: ['2001:db8::3'], segmentsLeft: 0, tlvs: [{ kind: 0x80, data: '00', length: 9 }] })) },
  { layer: 'ipv6-routing', rule: 'padn-data', offset: 67, bytes: v6({}, L('ipv6-routing', { segments: ['2001:db8::3'], segmentsLeft: 0, tlvs: [{ kind: 4, data: '0001' }] })) },
  // ICMPv6 errors (RFC 4443 section 2.4, RFC 4884)
  { layer: 'icmpv6', rule: 'quote', offset: 48, bytes: unreachable6(60) },
  { layer: 'icmpv6', rule: 'length', offset: 44, bytes: unreachable6(100, { length: 13 }) },
  { layer: 'icmpv6', rule: 'length-extended', offset: 44, bytes: unreachable6(100, { length: 6 }) },
  // Neighbor Discovery options (RFC 4861 section 4.6, RFC 2464 section 6, RFC 8106)
  { layer: 'icmpv6', rule: 'option-length', offset: 65, bytes: nd('neighbor-solicitation', { kind: 1, data: '020000000001', length: 0 }) },
  { layer: 'icmpv6', rule: 'link-layer-address-length', offset: 79, from: 'ethernet', bytes: nd('neighbor-solicitation', { kind: 1, data: '0200000000010000000000000000' }, true) },
  { layer: 'icmpv6', rule: 'prefix-information-length', offset: 57, bytes: nd('router-advertisement', { kind: 3, data: '400000000000' }) },
  { layer: 'icmpv6', rule: 'mtu-length', offset: 57, bytes: nd('router-advertisement', { kind: 5, data: '0000000005dc0000000000000000' }) },
  { layer: 'icmpv6', rule: 'rdnss-length', offset: 57, bytes: nd('router-advertisement', { kind: 25, data: '000000000708' }) },
  // MLD (RFC 3810)
  { layer: 'icmpv6', rule: 'mld-query-length', offset: 40, bytes: v6({}, L('icmpv6', { type: 'mld-query', maxResponseDelay: 1 }), raw('0000')) },
  { layer: 'icmpv6', rule: 'mld-aux-data', offset: 49, bytes: v6({}, L('icmpv6', { type: 'mldv2-report', records: [{ multicastAddress: 'ff02::1:ff00:1', auxData: '00000000' }] })) },
  // SCTP (RFC 9260 sections 3.2, 3.2.1, 3.3.10)
  { layer: 'sctp', rule: 'chunks-length', offset: 14, from: 'sctp', bytes: sctpHex('0b000002') },
  { layer: 'sctp', rule: 'chunks-padding-zero', offset: 29, from: 'sctp', bytes: sctpHex('00030011' + '000000010000000000000000' + 'ff' + 'abcdef') },
  { layer: 'sctp', rule: 'chunks-padding-missing', offset: 29, from: 'sctp', bytes: sctpHex('00030011' + '000000010000000000000000' + 'ff') },
  { layer: 'sctp', rule: 'chunks-padding-extra', offset: 16, from: 'sctp', bytes: sctp([{ type: 'cookie-ack', padding: '0000' }]) },
  { layer: 'sctp', rule: 'params-length', offset: 18, from: 'sctp', bytes: sctpHex('04000008' + '00010002') },
  { layer: 'sctp', rule: 'params-padding-zero', offset: 22, from: 'sctp', bytes: sctp([{ type: 'heartbeat', params: [{ type: 'heartbeat-info', info: 'aa', padding: '00ff00' }, { type: 'heartbeat-info', info: 'bbbbbbbb' }] }]) },
  { layer: 'sctp', rule: 'params-padding-missing', offset: 21, from: 'sctp', bytes: sctp([{ type: 'heartbeat', params: [{ type: 'heartbeat-info', info: 'aa', padding: '00' }] }]) },
  { layer: 'sctp', rule: 'params-padding-extra', offset: 21, from: 'sctp', bytes: sctp([{ type: 'heartbeat', params: [{ type: 'heartbeat-info', info: 'aa', padding: '0000000000' }] }]) },
  { layer: 'sctp', rule: 'params-last-padding-counted', offset: 38, from: 'sctp', bytes: sctp([{ ...INIT, params: [{ type: 'supported-address-types', addressTypes: ['ipv4-address'], padding: '0000' }] }]) },
  { layer: 'sctp', rule: 'chunks-value-length', offset: 16, from: 'sctp', bytes: sctpHex('07000006' + 'abcd' + '0000') },
  { layer: 'sctp', rule: 'params-value-length', offset: 20, from: 'sctp', bytes: sctpHex('0400000a' + '00050006' + 'abcd' + '0000') },
  { layer: 'sctp', rule: 'causes-value-length', offset: 20, from: 'sctp', bytes: sctpHex('0900000a' + '00010006' + 'abcd' + '0000') },
  { layer: 'sctp', rule: 'sack-counts', offset: 28, from: 'sctp', bytes: sctp([{ type: 'sack', cumulativeTsnAck: 1, gapBlockCount: 2, gapBlocks: [{ start: 1, end: 2 }] }]) },
  { layer: 'sctp', rule: 'causes-length', offset: 18, from: 'sctp', bytes: sctpHex('09000008' + '00010002') },
  {
    layer: 'sctp',
    rule: 'causes-padding-zero',
    offset: 27,
    from: 'sctp',
    bytes: sctp([{ type: 'error', causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'], padding: '00ff' }, { code: 'out-of-resource' }] }]),
  },
  { layer: 'sctp', rule: 'causes-padding-missing', offset: 26, from: 'sctp', bytes: sctp([{ type: 'error', causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'], padding: '00' }] }]) },
  { layer: 'sctp', rule: 'causes-padding-extra', offset: 26, from: 'sctp', bytes: sctp([{ type: 'error', causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'], padding: '000000' }] }]) },
  { layer: 'sctp', rule: 'causes-last-padding-counted', offset: 26, from: 'sctp', bytes: sctp([{ type: 'error', causes: [{ code: 'missing-mandatory-parameter', parameterTypes: ['state-cookie'], padding: '0000' }] }]) },
  // GRE (RFC 2784 section 2.3): fields the builder writes as given
  { layer: 'gre', rule: 'version', offset: 21, bytes: v4(L('gre', { version: 1 }), L('ipv4'), raw('abcd')) },
  { layer: 'gre', rule: 'reserved0', offset: 20, bytes: v4(L('gre', { reserved0: 1 }), L('ipv4'), raw('abcd')) },
  { layer: 'gre', rule: 'routing', offset: 20, bytes: v4(L('gre', { flags: ['routing'] }), raw('abcd')) },
  // IGMP (RFC 3376): a query of 9 to 11 bytes; group records the message cannot hold
  { layer: 'igmp', rule: 'query-length', offset: 20, bytes: build([L('ipv4', { src: '192.0.2.1', dst: '224.0.0.1' }), L('igmp', { maxRespCode: 10 }), raw('00ff')]) },
  { layer: 'igmp', rule: 'record-length', offset: 36, bytes: build([L('ipv4', { src: '192.0.2.1', dst: '224.0.0.22' }), L('igmp', { type: 'v3-membership-report', recordCount: 2, records: [{ multicastAddress: '233.252.0.1' }] })]) },
  // VXLAN (RFC 7348 section 5): the I flag
  { layer: 'vxlan', rule: 'i-flag', offset: 28, bytes: v4(L('udp', { srcPort: 49152, dstPort: 4789 }), L('vxlan', { flags: 0 }), L('ethernet'), raw('abcd')) },
];

describe('RFC deviations in parseable packets', () => {
  it.each(cases.map((c) => [`${c.layer} ${c.rule}`, c] as const))('%s: a lax issue with its offset and RFC section, a strict error, exact re-encoding', (_name, c) => {
    const lax = decode(c.bytes, { mode: 'lax', from: c.from });
    const issue = lax.issues.find((i) => i instanceof DeviationError && i.layer === c.layer && i.rule === c.rule) as DeviationError | undefined;
    expect(issue, lax.issues.map((i) => i.message).join('\n')).toBeDefined();
    expect(issue!.offset).toBe(c.offset);
    expect(issue!.message).toContain(`${c.layer}.${issue!.field} at offset ${c.offset}`);
    expect(issue!.rfc).toMatch(/^RFC \d+/);
    expect(issue!.message).toContain(`(${issue!.rfc})`);
    // The packet breaks this rule and no other, so strict mode throws exactly this. (A quote cut
    // short is also reported as truncated, as every problem inside a quote always is.)
    expect(lax.issues.filter((i) => i instanceof DeviationError).map((i) => i.message)).toEqual([issue!.message]);
    expect(() => decode(c.bytes, { from: c.from })).toThrow(issue!.message);
    expect(Buffer.from(encodeLayers(lax.layers, quiet)).equals(c.bytes)).toBe(true);
  });

  it('no deviating packet passes the fast decoder of its stack (decode-fast.ts): it falls back to the general one', () => {
    let compiled = 0;
    for (const c of cases) {
      const lax = decode(c.bytes, { mode: 'lax', from: c.from });
      const fast = compileFastDecode(lax.layers.map((l) => codecByName(l.layer)!));
      if (fast === undefined) continue;
      compiled++;
      expect(fast(c.bytes), `${c.layer} ${c.rule}`).toBeUndefined();
      // Warmed up (the same stack seen twice), decode still reports the deviation.
      for (let k = 0; k < 3; k++) expect(decode(c.bytes, { mode: 'lax', from: c.from }).issues.length).toBe(lax.issues.length);
    }
    // The TCP option and IPv4 header cases have stacks the fast decoder compiles for.
    expect(compiled).toBeGreaterThanOrEqual(8);
  });

  it('an ICMPv6 error message longer than 1280 bytes is a deviation of the quote rule (RFC 4443 section 2.4 (c))', () => {
    const bytes = v6({}, L('icmpv6', { type: 'time-exceeded' }), raw(v6({}, L('udp'), raw(Buffer.alloc(1400)))));
    const issues = decode(bytes, { mode: 'lax' }).issues as DeviationError[];
    expect(issues.map((i) => [i.layer, i.rule, i.offset])).toEqual([['icmpv6', 'quote', 48]]);
    expect(issues[0].message).toContain('at most 1232 bytes: the error message must not exceed 1280');
  });

  it('a value that does not fit its SCTP kind cites that kind\u2019s section', () => {
    const issue = decode(sctpHex('07000006' + 'abcd' + '0000'), { from: 'sctp', mode: 'lax' }).issues[0] as DeviationError;
    expect(issue.rfc).toBe('RFC 9260 section 3.3.8');
    expect(issue.message).toBe('sctp.chunks[0] at offset 16: "2 value bytes" is not valid; expected at least 4 for a shutdown (RFC 9260 section 3.3.8)');
  });

  it('link-layer address options are checked on Ethernet also in Linux cooked captures (ARPHRD_ETHER)', () => {
    const ns = [L('ipv6', { src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 }), L('icmpv6', { type: 'neighbor-solicitation', options: [{ kind: 1, data: '0200000000010000000000000000' }] })];
    const rules = (arphrdType: number) =>
      decode(build([L('linux-sll', { arphrdType }), ...ns]), { from: 'linux-sll', mode: 'lax' }).issues.map((i) => (i as DeviationError).rule);
    expect(rules(1)).toEqual(['link-layer-address-length']);
    expect(rules(772)).toEqual([]);
  });

  it('every declared rule has a packet above', () => {
    const covered = new Set(cases.map((c) => `${c.layer} ${c.rule}`));
    const declared = allDeviationRules().map((r) => `${r.layer} ${r.name}`);
    expect(declared.filter((r) => !covered.has(r))).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
  });

  it('the same packets without the deviation decode with no issue', () => {
    const clean = [
      v4(L('tcp', { options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }] })),
      v4(L('icmp', { type: 'time-exceeded' }), raw(datagram4.subarray(0, 28))),
      v4(L('icmp', { type: 'destination-unreachable', code: 'port-unreachable', length: 25 }), raw(datagram4)),
      unreachable6(100),
      // Exactly 1280 bytes with the quote cut short: as much as fits.
      v6({}, L('icmpv6', { type: 'destination-unreachable' }), raw(v6({}, L('udp'), raw(Buffer.alloc(1400))).subarray(0, 1280 - 48))),
      unreachable6(96, { length: 12 }),
      nd('neighbor-solicitation', { kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }, true),
      // Not on Ethernet (here a raw IPv6 capture), the address length is the link's business: no rule.
      nd('neighbor-solicitation', { kind: 1, data: '0200000000010000000000000000' }),
      v6({}, L('ipv6-hop-by-hop', { options: [{ kind: 'jumbo' }] }), raw(jumboData)),
      // AH of 24 octets (the default 12-octet ICV) over IPv6; of 20 octets over IPv4, where 4 is the unit.
      v6({}, L('ah'), raw('abcd')),
      v4(L('ah', { icv: '00000000000000000000000000000000' }), raw('abcd')),
      // An empty payload with a next header is consistent (nothing follows): no jumbo needed.
      v6({ nextHeader: 253 }),
      sctp([{ ...INIT, params: [{ type: 'ecn-capable' }, { type: 'supported-address-types', addressTypes: ['ipv4-address'] }] }]),
      // Ethernet pads frames to 60 bytes (RFC 894): bytes after the IPv4 total length are a trailer, no deviation.
      Buffer.concat([build([L('ethernet', { src: '02:00:00:00:00:01', dst: '02:00:00:00:00:02' }), L('ipv4', { src: '192.0.2.1', dst: '192.0.2.2' }), L('udp'), raw('ab')]), Buffer.alloc(15)]),
      // A UDP length short of the IP payload leaves the surplus area UDP options use (draft-ietf-tsvwg-udp-options).
      v4(L('udp', { length: 10 }), raw('abcd')),
      // A quote inside a quote is cut short by design: not the outer message's deviation.
      v4(L('icmp', { type: 'time-exceeded' }), raw(v4(L('icmp', { type: 'time-exceeded' }), raw(datagram4.subarray(0, 28))))),
    ];
    for (const bytes of clean) {
      const from = bytes[0] >> 4 === 4 || bytes[0] >> 4 === 6 ? undefined : 'ethernet';
      // Strict decoding throws any deviation; a quote cut short still reports its truncation.
      expect(decode(bytes, { from }).issues.filter((i) => i instanceof DeviationError)).toEqual([]);
    }
  });
});
