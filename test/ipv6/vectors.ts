/**
 * IPv6 test vectors. Each one is laid out header by header as the cited RFC section draws it;
 * the checksums were computed with the RFC 1071 sum over the RFC 8200 section 8.1 pseudo-header
 * (re-verified by an independent implementation in vectors.test.ts), and every vector is
 * confirmed by tshark 4.0.17 (vectors.test.ts runs that check: no malformed packet, good
 * checksums, equal fields). Addresses: 2001:db8::/32 (RFC 3849), link-local, multicast.
 */
import { ipv6, type StepBase } from '../../src/index.js';

export interface Vector {
  readonly name: string;
  /** Where the layout comes from. */
  readonly source: string;
  /** The bytes, one string per header. */
  readonly hex: readonly string[];
  /** Layer names the decoder gives. */
  readonly layers: readonly string[];
  /** Fields to check, by layer index. */
  readonly fields: Readonly<Record<number, Record<string, unknown>>>;
  /** Builder calls that must produce exactly these bytes, every computed field left out. */
  readonly build: () => StepBase;
  /** For the checksum re-verification: layer index of the upper layer and the pseudo-header destination (RFC 8200 section 8.1). */
  readonly upper?: { readonly layer: number; readonly protocol: number; readonly destination: string };
}

export const VECTORS: readonly Vector[] = [
  {
    name: 'IPv6 header with traffic class, flow label; UDP',
    source: 'RFC 8200 section 3 (header), RFC 2474 (DSCP 46 = EF), RFC 6437 (flow label), RFC 768 (UDP)',
    hex: [
      '6b812345 0010 11 40', // version 6, traffic class 0xb8 (DSCP 46, ECN 0), flow label 0x12345; payload length 16, next header 17, hop limit 64
      '20010db8000000000000000000000001', // source 2001:db8::1
      '20010db8000000000000000000000002', // destination 2001:db8::2
      'c000 0007 0010 21b7', // UDP 49152 -> 7, length 16, checksum 0x21b7
      '7261776372616674', // "rawcraft"
    ],
    layers: ['ipv6', 'udp', 'raw'],
    fields: {
      0: { version: 6, dscp: 46, ecn: 'not-ect', flowLabel: 0x12345, payloadLength: 16, nextHeader: 17, hopLimit: 64, src: '2001:db8::1', dst: '2001:db8::2' },
      1: { srcPort: 49152, dstPort: 7, length: 16, checksum: 0x21b7 },
    },
    build: () => ipv6({ dscp: 46, flowLabel: 0x12345, src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 49152, dstPort: 7 }).payload('rawcraft'),
    upper: { layer: 1, protocol: 17, destination: '2001:db8::2' },
  },
  {
    name: 'MLDv2 report with a Hop-by-Hop Router Alert',
    source: 'RFC 3810 section 5.2 (report), RFC 2711 section 2.1 (Router Alert, value 0 = MLD), RFC 8200 section 4.2 (PadN)',
    hex: [
      '60000000 0024 00 01', // payload length 36, next header 0 (Hop-by-Hop), hop limit 1
      'fe800000000000000000000000000001', // fe80::1
      'ff020000000000000000000000000016', // ff02::16 (all MLDv2-capable routers)
      '3a 00 0502 0000 0100', // next header 58, length 0; Router Alert (type 5, len 2, value 0); PadN (type 1, len 0)
      '8f 00 7107 0000 0001', // type 143, code 0, checksum 0x7107, reserved, 1 record
      '04 00 0000 ff0200000000000000000001ff000001', // CHANGE_TO_EXCLUDE, aux 0, 0 sources, ff02::1:ff00:1
    ],
    layers: ['ipv6', 'ipv6-hop-by-hop', 'icmpv6'],
    fields: {
      1: { nextHeader: 58, length: 0, options: [{ kind: 'router-alert', value: 'mld' }, { kind: 'padn', length: 0 }] },
      2: { type: 'mldv2-report', code: 0, checksum: 0x7107, numberOfRecords: 1, records: [{ recordType: 'change-to-exclude', auxDataLength: 0, numberOfSources: 0, multicastAddress: 'ff02::1:ff00:1', sources: [] }] },
    },
    build: () =>
      ipv6({ src: 'fe80::1', dst: 'ff02::16', hopLimit: 1 })
        .ipv6HopByHop({ options: [{ kind: 'router-alert', value: 'mld' }] })
        .icmpv6({ type: 'mldv2-report', records: [{ recordType: 'change-to-exclude', multicastAddress: 'ff02::1:ff00:1' }] }),
    upper: { layer: 2, protocol: 58, destination: 'ff02::16' },
  },
  {
    name: 'Routing header type 0 with segments left; UDP checksum over the final destination',
    source: 'RFC 2460 section 4.4 (type 0 layout; deprecated by RFC 5095), RFC 8200 section 8.1 (pseudo-header: last address)',
    hex: [
      '60000000 0033 2b 40', // payload length 51, next header 43 (Routing)
      '20010db8000000000000000000000001', // 2001:db8::1
      '20010db800000000000000000000000a', // 2001:db8::a (the next hop)
      '11 04 00 02 00000000', // next header 17, length 4 (40 octets), type 0, segments left 2, reserved
      '20010db800000000000000000000000b', // address[1] 2001:db8::b
      '20010db800000000000000000000000c', // address[2] 2001:db8::c: the final destination
      'c000 0007 000b 41e9', // UDP, checksum 0x41e9 over 2001:db8::c
      '726830', // "rh0"
    ],
    layers: ['ipv6', 'ipv6-routing', 'udp', 'raw'],
    fields: { 1: { routingType: 'source-route', segmentsLeft: 2, reserved: 0, addresses: ['2001:db8::b', '2001:db8::c'] }, 2: { checksum: 0x41e9 } },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::a' }).ipv6Routing({ addresses: ['2001:db8::b', '2001:db8::c'] }).udp({ srcPort: 49152, dstPort: 7 }).payload('rh0'),
    upper: { layer: 2, protocol: 17, destination: '2001:db8::c' },
  },
  {
    name: 'Type 2 Routing header (Mobile IPv6); TCP SYN checksum over the home address',
    source: 'RFC 6275 section 6.4 (type 2 routing header, segments left 1), RFC 8200 section 8.1, RFC 9293 section 3.1',
    hex: [
      '60000000 0030 2b 40',
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000c0a', // care-of address
      '06 02 02 01 00000000', // next header 6, length 2, type 2, segments left 1
      '20010db800000000000000000000040e', // home address (the final destination)
      'c000 0050 00000001 00000000 6002 ffff 7868 0000', // TCP 49152 -> 80, seq 1, data offset 6, SYN, window 65535, checksum 0x7868
      '020405a0', // MSS 1440
    ],
    layers: ['ipv6', 'ipv6-routing', 'tcp'],
    fields: { 1: { routingType: 'mobile-ipv6', segmentsLeft: 1, homeAddress: '2001:db8::40e' }, 2: { checksum: 0x7868, flags: ['syn'], options: [{ kind: 'mss', value: 1440 }] } },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::c0a' }).ipv6Routing({ homeAddress: '2001:db8::40e' }).tcp({ srcPort: 49152, dstPort: 80, seq: 1, options: [{ kind: 'mss', value: 1440 }] }),
    upper: { layer: 2, protocol: 6, destination: '2001:db8::40e' },
  },
  {
    name: 'Segment Routing Header with an HMAC TLV; UDP checksum over Segment List[0]',
    source: 'RFC 8754 section 2 (SRH), section 2.1.2 (HMAC TLV), RFC 8200 section 8.1',
    hex: [
      '60000000 006b 2b 40', // payload length 107
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000002', // the active segment, Segment List[2]
      '11 0b 04 02 02 00 0abc', // next header 17, length 11 (96 octets), type 4, segments left 2, last entry 2, flags 0, tag 0xabc
      '20010db8000000000000000000000004', // Segment List[0]: the final segment
      '20010db8000000000000000000000003', // Segment List[1]
      '20010db8000000000000000000000002', // Segment List[2]
      '05 26 0000 00000001', // HMAC TLV: type 5, length 38, D 0, reserved, key id 1
      '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', // HMAC (32 octets)
      'c000 0007 000b 08e7', // UDP, checksum 0x08e7 over 2001:db8::4
      '737268', // "srh"
    ],
    layers: ['ipv6', 'ipv6-routing', 'udp', 'raw'],
    fields: {
      1: { routingType: 'segment-routing', segmentsLeft: 2, lastEntry: 2, tag: 0xabc, segments: ['2001:db8::4', '2001:db8::3', '2001:db8::2'], tlvs: [{ kind: 'hmac', d: 0, keyId: 1 }] },
      2: { checksum: 0x08e7 },
    },
    build: () =>
      ipv6({ src: '2001:db8::1', dst: '2001:db8::2' })
        .ipv6Routing({ segments: ['2001:db8::4', '2001:db8::3', '2001:db8::2'], tag: 0xabc, tlvs: [{ kind: 'hmac', keyId: 1, hmac: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff' }] })
        .udp({ srcPort: 49152, dstPort: 7 })
        .payload('srh'),
    upper: { layer: 2, protocol: 17, destination: '2001:db8::4' },
  },
  {
    name: 'Destination Options header with a Tunnel Encapsulation Limit; UDP',
    source: 'RFC 8200 section 4.6 (Destination Options header, PadN), RFC 2473 section 5.1 (Tunnel Encapsulation Limit option, type 4); UDP checksum as in the first vector: the extension header is not in the RFC 8200 section 8.1 pseudo-header',
    hex: [
      '60000000 0018 3c 40', // payload length 24, next header 60 (Destination Options), hop limit 64
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000002',
      '11 00 040104 010100', // next header 17, length 0 (8 octets); option type 4, length 1, limit 4; PadN (type 1, length 1, one zero octet)
      'c000 0007 0010 21b7', // UDP 49152 -> 7, length 16, checksum 0x21b7
      '7261776372616674', // "rawcraft"
    ],
    layers: ['ipv6', 'ipv6-dest-options', 'udp', 'raw'],
    fields: {
      0: { payloadLength: 24, nextHeader: 60 },
      1: { nextHeader: 17, length: 0, options: [{ kind: 'tunnel-encapsulation-limit', limit: 4 }, { kind: 'padn', length: 1 }] },
      2: { length: 16, checksum: 0x21b7 },
    },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).ipv6DestOptions({ options: [{ kind: 'tunnel-encapsulation-limit', limit: 4 }] }).udp({ srcPort: 49152, dstPort: 7 }).payload('rawcraft'),
    upper: { layer: 2, protocol: 17, destination: '2001:db8::2' },
  },
  {
    name: 'First fragment of a UDP datagram',
    source: 'RFC 8200 section 4.5 (Fragment header: offset 0, M set, identification)',
    hex: [
      '60000000 0014 2c 40', // payload length 20, next header 44
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000002',
      '11 00 0001 deadbeef', // next header 17, reserved, offset 0, M 1, identification 0xdeadbeef
      'c000 0007 0018 1234', // UDP length 24 (the rest is in later fragments), checksum as the sender wrote it
      '66726167', // "frag"
    ],
    layers: ['ipv6', 'ipv6-fragment', 'udp', 'raw'],
    fields: { 1: { nextHeader: 17, fragmentOffset: 0, flags: ['mf'], id: 0xdeadbeef }, 2: { length: 24, checksum: 0x1234 } },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).ipv6Fragment({ flags: ['mf'], id: 0xdeadbeef }).udp({ srcPort: 49152, dstPort: 7, length: 24, checksum: 0x1234 }).payload('frag'),
  },
  {
    name: 'AH then ESP (opaque, length-correct)',
    source: 'RFC 4302 section 2 (AH: payload length in 4-octet units minus 2), RFC 4303 section 2 (ESP)',
    hex: [
      '60000000 0030 33 40', // next header 51 (AH)
      '20010db8000000000000000000000001',
      '20010db8000000000000000000000002',
      '32 04 0000 00001000 00000001', // next header 50 (ESP), payload length 4 (24 octets), reserved, SPI 0x1000, sequence 1
      '0102030405060708090a0b0c', // ICV (12 octets, HMAC-SHA-1-96 sized)
      '00002000 00000005', // ESP SPI 0x2000, sequence 5
      '30303131323233333434353536363737', // opaque
    ],
    layers: ['ipv6', 'ah', 'esp', 'raw'],
    fields: { 1: { nextHeader: 50, payloadLength: 4, spi: 0x1000, seq: 1 }, 2: { spi: 0x2000, seq: 5 } },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).ah({ spi: 0x1000, seq: 1, icv: '0102030405060708090a0b0c' }).esp({ spi: 0x2000, seq: 5 }).payload('0011223344556677'),
  },
  {
    name: 'ICMPv6 echo request',
    source: 'RFC 4443 section 4.1, section 2.3 (checksum)',
    hex: ['60000000 000c 3a 40', '20010db8000000000000000000000001', '20010db8000000000000000000000002', '80 00 333e 1234 0001', '70696e67'],
    layers: ['ipv6', 'icmpv6', 'raw'],
    fields: { 1: { type: 'echo-request', code: 0, checksum: 0x333e, id: 0x1234, seq: 1 } },
    build: () => ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).icmpv6({ type: 'echo-request', id: 0x1234, seq: 1 }).payload('ping'),
    upper: { layer: 1, protocol: 58, destination: '2001:db8::2' },
  },
  {
    name: 'Neighbor solicitation with a source link-layer address',
    source: 'RFC 4861 section 4.3 (NS), section 4.6.1 (option type 1, length 1)',
    hex: ['60000000 0020 3a ff', 'fe800000000000000000000000000001', 'ff0200000000000000000001ff000002', '87 00 7a97 00000000', 'fe800000000000000000000000000002', '01 01 020000000001'],
    layers: ['ipv6', 'icmpv6'],
    fields: { 1: { type: 'neighbor-solicitation', target: 'fe80::2', options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] } },
    build: () =>
      ipv6({ src: 'fe80::1', dst: 'ff02::1:ff00:2', hopLimit: 255 }).icmpv6({ type: 'neighbor-solicitation', target: 'fe80::2', options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] }),
    upper: { layer: 1, protocol: 58, destination: 'ff02::1:ff00:2' },
  },
  {
    name: 'Neighbor advertisement (solicited, override) with a target link-layer address',
    source: 'RFC 4861 section 4.4 (NA: R, S, O flags), section 4.6.1 (option type 2)',
    hex: ['60000000 0020 3a ff', 'fe800000000000000000000000000002', 'fe800000000000000000000000000001', '88 00 181a 60000000', 'fe800000000000000000000000000002', '02 01 020000000002'],
    layers: ['ipv6', 'icmpv6'],
    fields: { 1: { type: 'neighbor-advertisement', flags: ['s', 'o'], reserved: 0, target: 'fe80::2', options: [{ kind: 'target-link-layer-address', address: '02:00:00:00:00:02' }] } },
    build: () =>
      ipv6({ src: 'fe80::2', dst: 'fe80::1', hopLimit: 255 }).icmpv6({ type: 'neighbor-advertisement', flags: ['s', 'o'], target: 'fe80::2', options: [{ kind: 'target-link-layer-address', address: '02:00:00:00:00:02' }] }),
    upper: { layer: 1, protocol: 58, destination: 'fe80::1' },
  },
  {
    name: 'Router advertisement with SLLA, MTU, prefix information and RDNSS options',
    source: 'RFC 4861 section 4.2 (RA), 4.6.1, 4.6.2 (prefix, length 4), 4.6.4 (MTU); RFC 4191 (preference); RFC 8106 section 5.1 (RDNSS, length 3)',
    hex: [
      '60000000 0058 3a ff',
      'fe800000000000000000000000000001',
      'ff020000000000000000000000000001',
      '86 00 9869 40 48 0708 00000000 00000000', // cur hop limit 64, O flag + preference high (0x48), router lifetime 1800
      '01 01 020000000001', // source link-layer address
      '05 01 0000 000005dc', // MTU 1500
      '03 04 40 c0 00278d00 00093a80 00000000 20010db8000100000000000000000000', // prefix 2001:db8:1::/64, L and A, 30 days, 7 days
      '19 03 0000 00000e10 20010db8000000000000000000000053', // RDNSS, lifetime 3600, 2001:db8::53
    ],
    layers: ['ipv6', 'icmpv6'],
    fields: {
      1: {
        type: 'router-advertisement',
        curHopLimit: 64,
        flags: ['o'],
        preference: 'high',
        proxy: 0,
        routerLifetime: 1800,
        options: [
          { kind: 'source-link-layer-address', address: '02:00:00:00:00:01' },
          { kind: 'mtu', mtu: 1500 },
          { kind: 'prefix-information', prefixLength: 64, flags: ['l', 'a'], validLifetime: 2592000, preferredLifetime: 604800, prefix: '2001:db8:1::' },
          { kind: 'rdnss', lifetime: 3600, servers: ['2001:db8::53'] },
        ],
      },
    },
    build: () =>
      ipv6({ src: 'fe80::1', dst: 'ff02::1', hopLimit: 255 }).icmpv6({
        type: 'router-advertisement',
        flags: ['o'],
        preference: 'high',
        options: [
          { kind: 'source-link-layer-address', address: '02:00:00:00:00:01' },
          { kind: 'mtu', mtu: 1500 },
          { kind: 'prefix-information', prefix: '2001:db8:1::' },
          { kind: 'rdnss', lifetime: 3600, servers: ['2001:db8::53'] },
        ],
      }),
    upper: { layer: 1, protocol: 58, destination: 'ff02::1' },
  },
  {
    name: 'Redirect with a redirected header option',
    source: 'RFC 4861 section 4.5 (redirect), section 4.6.3 (redirected header: 6 reserved octets, then the packet)',
    hex: [
      '60000000 0060 3a ff',
      'fe800000000000000000000000000001',
      'fe800000000000000000000000000002',
      '89 00 af0c 00000000',
      'fe800000000000000000000000000003', // target: the better first hop
      '20010db8000000000000000000000009', // destination being redirected
      '04 07 000000000000', // redirected header, length 7 (56 octets)
      '60000000 0008 3a 40 fe800000000000000000000000000002 20010db8000000000000000000000009 80 00 5376 0001 0001', // the redirected packet
    ],
    layers: ['ipv6', 'icmpv6'],
    fields: { 1: { type: 'redirect', target: 'fe80::3', destination: '2001:db8::9' } },
    build: () =>
      ipv6({ src: 'fe80::1', dst: 'fe80::2', hopLimit: 255 }).icmpv6({
        type: 'redirect',
        target: 'fe80::3',
        destination: '2001:db8::9',
        options: [{ kind: 'redirected-header', data: ipv6({ src: 'fe80::2', dst: '2001:db8::9' }).icmpv6({ id: 1, seq: 1 }).encode() }],
      }),
    upper: { layer: 1, protocol: 58, destination: 'fe80::2' },
  },
  {
    name: 'MLDv2 general query',
    source: 'RFC 3810 section 5.1 (query, at least 28 octets), RFC 2711 (Router Alert)',
    hex: [
      '60000000 0024 00 01',
      'fe800000000000000000000000000001',
      'ff020000000000000000000000000001',
      '3a 00 0502 0000 0100',
      '82 00 5696 2710 0000', // type 130, checksum 0x5696, maximum response code 10000
      '00000000000000000000000000000000', // general query: ::
      '02 7d 0000', // S 0, QRV 2, QQIC 125, 0 sources
    ],
    layers: ['ipv6', 'ipv6-hop-by-hop', 'icmpv6'],
    fields: { 2: { type: 'mld-query', maxResponseCode: 10000, multicastAddress: '::', suppress: 0, qrv: 2, qqic: 125, numberOfSources: 0, sources: [] } },
    build: () => ipv6({ src: 'fe80::1', dst: 'ff02::1', hopLimit: 1 }).ipv6HopByHop({ options: [{ kind: 'router-alert', value: 'mld' }] }).icmpv6({ type: 'mld-query', multicastAddress: '::', qrv: 2 }),
    upper: { layer: 2, protocol: 58, destination: 'ff02::1' },
  },
  {
    name: 'MLDv1 report',
    source: 'RFC 2710 section 3 (24-octet message)',
    hex: ['60000000 0020 00 01', 'fe800000000000000000000000000001', 'ff02000000000000000000000db80001', '3a 00 0502 0000 0100', '83 00 64b3 0000 0000', 'ff02000000000000000000000db80001'],
    layers: ['ipv6', 'ipv6-hop-by-hop', 'icmpv6'],
    fields: { 2: { type: 'mld-report', maxResponseDelay: 0, multicastAddress: 'ff02::db8:1' } },
    build: () => ipv6({ src: 'fe80::1', dst: 'ff02::db8:1', hopLimit: 1 }).ipv6HopByHop({ options: [{ kind: 'router-alert', value: 'mld' }] }).icmpv6({ type: 'mld-report', multicastAddress: 'ff02::db8:1' }),
    upper: { layer: 2, protocol: 58, destination: 'ff02::db8:1' },
  },
  {
    name: 'Packet too big quoting the packet',
    source: 'RFC 4443 section 3.2 (MTU), section 2.4 (c) (as much of the invoking packet as fits)',
    hex: [
      '60000000 003b 3a 40',
      '20010db80000000000000000000000fe',
      '20010db8000000000000000000000001',
      '02 00 2aea 00000500', // MTU 1280
      '60000000 000b 11 40 20010db8000000000000000000000001 20010db8000000000000000000000002', // the quoted packet
      'c000 0007 000b 1af2 626967',
    ],
    layers: ['ipv6', 'icmpv6', 'ipv6', 'udp', 'raw'],
    fields: { 1: { type: 'packet-too-big', mtu: 1280 }, 2: { src: '2001:db8::1', dst: '2001:db8::2' }, 3: { checksum: 0x1af2 } },
    build: () => ipv6({ src: '2001:db8::fe', dst: '2001:db8::1' }).icmpv6({ type: 'packet-too-big', mtu: 1280 }).ipv6({ src: '2001:db8::1', dst: '2001:db8::2' }).udp({ srcPort: 49152, dstPort: 7 }).payload('big'),
    upper: { layer: 1, protocol: 58, destination: '2001:db8::1' },
  },
  {
    name: 'Parameter problem (unrecognized next header) with a pointer',
    source: 'RFC 4443 section 3.4 (code 1, pointer to the Next Header octet, offset 6)',
    hex: ['60000000 0030 3a 40', '20010db8000000000000000000000002', '20010db8000000000000000000000001', '04 01 e762 00000006', '60000000 0000 fd 40 20010db8000000000000000000000001 20010db8000000000000000000000002'],
    layers: ['ipv6', 'icmpv6', 'ipv6'],
    fields: { 1: { type: 'parameter-problem', code: 'unrecognized-next-header', pointer: 6 }, 2: { nextHeader: 253 } },
    build: () => ipv6({ src: '2001:db8::2', dst: '2001:db8::1' }).icmpv6({ type: 'parameter-problem', code: 'unrecognized-next-header', pointer: 6 }).ipv6({ src: '2001:db8::1', dst: '2001:db8::2', nextHeader: 253 }),
    upper: { layer: 1, protocol: 58, destination: '2001:db8::1' },
  },
];

/** The bytes of a vector. */
export const vectorBytes = (v: Vector): Buffer => Buffer.from(v.hex.join('').replace(/\s+/g, ''), 'hex');
