/**
 * The hand-written yardstick for IPv6 (bench/baseline.ts has IPv4): IPv6 + UDP, IPv6 + TCP with
 * options, IPv6 + ICMPv6 echo, and an ICMPv6 neighbour solicitation with a source link-layer
 * address option. Written as one would without a framework: straight-line writes into a fresh
 * Buffer, RFC 1071 checksums over the RFC 8200 section 8.1 pseudo-header, and a decoder that
 * reads every field into a plain object, prints addresses in RFC 5952 text and verifies every
 * checksum. Address text is parsed through a bounded Map cache, as rawcraft's parseIpv6 does.
 */
import { be16, be32, decodeTcpOptions, fold, put16, sum16, tcpHeaderLength, writeTcp, type TcpIn, type TcpOptOut, type UdpIn } from './baseline.js';

const v6Cache = new Map<string, Uint8Array>();
const CACHE_LIMIT = 4096;

/** RFC 4291 text (hex groups, one `::`) to 16 bytes, cached; no embedded IPv4 form. */
export function parseIpv6(text: string): Uint8Array {
  const hit = v6Cache.get(text);
  if (hit !== undefined) return hit;
  const out = new Uint8Array(16);
  const halves = text.split('::');
  if (halves.length > 2) throw new RangeError(`bad IPv6 address ${text}`);
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) throw new RangeError(`bad IPv6 address ${text}`);
    return parseInt(g, 16);
  }));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  if (halves.length === 1 ? left.length !== 8 : left.length + right.length > 7) throw new RangeError(`bad IPv6 address ${text}`);
  left.forEach((g, i) => put16Bytes(out, 2 * i, g));
  right.forEach((g, i) => put16Bytes(out, 16 - 2 * (right.length - i), g));
  if (v6Cache.size >= CACHE_LIMIT) v6Cache.clear();
  v6Cache.set(text, out);
  return out;
}

function put16Bytes(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}

/** 16 bytes at `o` as RFC 5952 text: lower-case hex, the longest run of two or more zero groups as `::`. */
export function formatIpv6(b: Uint8Array, o: number): string {
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    const zero = i < 8 && b[o + 2 * i] === 0 && b[o + 2 * i + 1] === 0;
    if (zero && runStart < 0) runStart = i;
    if (!zero && runStart >= 0) {
      if (i - runStart > bestLen && i - runStart >= 2) {
        bestStart = runStart;
        bestLen = i - runStart;
      }
      runStart = -1;
    }
  }
  // IPv4-mapped addresses end in a dotted quad (RFC 5952 section 5).
  if (bestStart === 0 && bestLen === 5 && b[o + 10] === 0xff && b[o + 11] === 0xff) return `::ffff:${b[o + 12]}.${b[o + 13]}.${b[o + 14]}.${b[o + 15]}`;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLen - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += ((b[o + 2 * i] << 8) | b[o + 2 * i + 1]).toString(16);
  }
  return text;
}

export interface Ip6In {
  readonly src: string;
  readonly dst: string;
  readonly hopLimit: number;
}

export interface Icmpv6EchoIn {
  readonly type: 'echo-request' | 'echo-reply';
  readonly id: number;
  readonly seq: number;
}

export interface NeighborSolicitationIn {
  readonly target: string;
  /** The source link-layer address option (RFC 4861 section 4.6.1), as 6 bytes of MAC text. */
  readonly mac: string;
}

/** The 16-bit word sum of 16 address bytes. */
function addressSum(a: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < 16; i += 2) sum += (a[i] << 8) | a[i + 1];
  return sum;
}

/** The 40-byte IPv6 header (traffic class and flow label 0); returns the pseudo-header sum. */
export function writeIpv6(b: Buffer, ip: Ip6In, nextHeader: number, payloadLength: number): number {
  const src = parseIpv6(ip.src);
  const dst = parseIpv6(ip.dst);
  b[0] = 0x60;
  b[1] = 0;
  b[2] = 0;
  b[3] = 0;
  put16(b, 4, payloadLength);
  b[6] = nextHeader;
  b[7] = ip.hopLimit;
  b.set(src, 8);
  b.set(dst, 24);
  return addressSum(src) + addressSum(dst) + nextHeader + payloadLength;
}

/** IPv6 + UDP + payload, the UDP checksum computed (a computed 0 sent as 0xffff). */
export function encodeUdp6(ip: Ip6In, udp: UdpIn, payload: Uint8Array): Buffer {
  const udpLength = 8 + payload.length;
  const b = Buffer.allocUnsafe(40 + udpLength);
  const pseudo = writeIpv6(b, ip, 17, udpLength);
  put16(b, 40, udp.srcPort);
  put16(b, 42, udp.dstPort);
  put16(b, 44, udpLength);
  b.set(payload, 48);
  const ck = fold(sum16(payload, 0, payload.length, pseudo + udp.srcPort + udp.dstPort + udpLength));
  put16(b, 46, ck === 0 ? 0xffff : ck);
  return b;
}

/** IPv6 + TCP with options + payload. */
export function encodeTcp6(ip: Ip6In, tcp: TcpIn, payload: Uint8Array): Buffer {
  const tcpHeader = tcpHeaderLength(tcp);
  const segment = tcpHeader + payload.length;
  const b = Buffer.allocUnsafe(40 + segment);
  const pseudo = writeIpv6(b, ip, 6, segment);
  writeTcp(b, 40, tcp, tcpHeader, payload, pseudo);
  return b;
}

/** IPv6 + ICMPv6 echo request or reply + payload. */
export function encodeIcmpv6Echo(ip: Ip6In, icmp: Icmpv6EchoIn, payload: Uint8Array): Buffer {
  const length = 8 + payload.length;
  const b = Buffer.allocUnsafe(40 + length);
  const pseudo = writeIpv6(b, ip, 58, length);
  const type = icmp.type === 'echo-request' ? 128 : 129;
  b[40] = type;
  b[41] = 0;
  put16(b, 44, icmp.id);
  put16(b, 46, icmp.seq);
  b.set(payload, 48);
  put16(b, 42, fold(sum16(payload, 0, payload.length, pseudo + (type << 8) + icmp.id + icmp.seq)));
  return b;
}

/** IPv6 + ICMPv6 neighbour solicitation (RFC 4861 section 4.3) with a source link-layer address option. */
export function encodeNeighborSolicitation(ip: Ip6In, ns: NeighborSolicitationIn): Buffer {
  const b = Buffer.allocUnsafe(40 + 32);
  const pseudo = writeIpv6(b, ip, 58, 32);
  b[40] = 135;
  b[41] = 0;
  b[42] = 0;
  b[43] = 0;
  b.writeUInt32BE(0, 44);
  b.set(parseIpv6(ns.target), 48);
  b[64] = 1; // source link-layer address
  b[65] = 1; // one 8-byte unit
  const mac = ns.mac;
  for (let i = 0; i < 6; i++) b[66 + i] = parseInt(mac.slice(3 * i, 3 * i + 2), 16);
  put16(b, 42, fold(sum16(b, 40, 72, pseudo)));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface Ipv6Header {
  version: number;
  dscp: number;
  ecn: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
}

export interface Udp6Header {
  proto: 'udp';
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  checksumOk: boolean;
}

export interface Tcp6Header {
  proto: 'tcp';
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  dataOffset: number;
  reserved: number;
  flags: number;
  window: number;
  checksum: number;
  urgentPointer: number;
  options: TcpOptOut[];
  checksumOk: boolean;
}

export interface Icmpv6Header {
  proto: 'icmpv6';
  type: number;
  code: number;
  checksum: number;
  /** Echo only. */
  id: number | undefined;
  seq: number | undefined;
  /** Neighbour solicitation only. */
  target: string | undefined;
  /** Neighbour solicitation: the source link-layer address option's MAC text. */
  sourceMac: string | undefined;
  checksumOk: boolean;
}

export interface BaselinePacket6 {
  ip: Ipv6Header;
  l4: Udp6Header | Tcp6Header | Icmpv6Header | undefined;
  payload: Uint8Array;
}

const hex2 = (n: number): string => (n < 16 ? '0' : '') + n.toString(16);

/** Decode an IPv6 packet carrying UDP, TCP or ICMPv6 (no extension headers); throws on malformed ones. */
export function decodeIpv6(b: Uint8Array): BaselinePacket6 {
  if (b.length < 40) throw new RangeError('ipv6: shorter than 40 bytes');
  const w = be32(b, 0);
  const version = b[0] >>> 4;
  if (version !== 6) throw new RangeError(`ipv6: version ${version}`);
  const payloadLength = be16(b, 4);
  const end = 40 + payloadLength;
  if (end > b.length) throw new RangeError(`ipv6: payload length ${payloadLength} for ${b.length} bytes`);
  const nextHeader = b[6];
  const ip: Ipv6Header = {
    version,
    dscp: (b[0] & 15) * 4 + (b[1] >>> 6),
    ecn: (b[1] >>> 4) & 3,
    flowLabel: w & 0xfffff,
    payloadLength,
    nextHeader,
    hopLimit: b[7],
    src: formatIpv6(b, 8),
    dst: formatIpv6(b, 24),
  };
  let pseudo = nextHeader + payloadLength;
  for (let i = 8; i < 40; i += 2) pseudo += (b[i] << 8) | b[i + 1];
  const o = 40;
  switch (nextHeader) {
    case 17: {
      if (end - o < 8) throw new RangeError('udp: truncated header');
      const length = be16(b, o + 4);
      if (length !== end - o) throw new RangeError(`udp: length ${length}`);
      const checksum = be16(b, o + 6);
      // Over IPv6 a zero checksum is always wrong (RFC 8200 section 8.1).
      const l4: Udp6Header = { proto: 'udp', srcPort: be16(b, o), dstPort: be16(b, o + 2), length, checksum, checksumOk: checksum !== 0 && fold(sum16(b, o, end, pseudo)) === 0 };
      return { ip, l4, payload: b.subarray(o + 8, end) };
    }
    case 6: {
      if (end - o < 20) throw new RangeError('tcp: truncated header');
      const x = be16(b, o + 12);
      const dataOffset = x >>> 12;
      const thl = dataOffset * 4;
      if (dataOffset < 5 || o + thl > end) throw new RangeError(`tcp: data offset ${dataOffset}`);
      const l4: Tcp6Header = {
        proto: 'tcp',
        srcPort: be16(b, o),
        dstPort: be16(b, o + 2),
        seq: be32(b, o + 4),
        ack: be32(b, o + 8),
        dataOffset,
        reserved: (x >>> 9) & 7,
        flags: x & 0x1ff,
        window: be16(b, o + 14),
        checksum: be16(b, o + 16),
        urgentPointer: be16(b, o + 18),
        options: thl > 20 ? decodeTcpOptions(b, o + 20, o + thl) : [],
        checksumOk: fold(sum16(b, o, end, pseudo)) === 0,
      };
      return { ip, l4, payload: b.subarray(o + thl, end) };
    }
    case 58: {
      if (end - o < 8) throw new RangeError('icmpv6: truncated header');
      const type = b[o];
      const echo = type === 128 || type === 129;
      const ns = type === 135 && end - o >= 24;
      let sourceMac: string | undefined;
      let optionsEnd = o + 24;
      if (ns) {
        // Options: type, length in 8-byte units, data; only the source link-layer address is read.
        for (let i = o + 24; i + 2 <= end; ) {
          const len = b[i + 1] * 8;
          if (len === 0 || i + len > end) throw new RangeError(`icmpv6: option length at ${i}`);
          if (b[i] === 1 && len === 8) sourceMac = `${hex2(b[i + 2])}:${hex2(b[i + 3])}:${hex2(b[i + 4])}:${hex2(b[i + 5])}:${hex2(b[i + 6])}:${hex2(b[i + 7])}`;
          i += len;
          optionsEnd = i;
        }
      }
      const l4: Icmpv6Header = {
        proto: 'icmpv6',
        type,
        code: b[o + 1],
        checksum: be16(b, o + 2),
        id: echo ? be16(b, o + 4) : undefined,
        seq: echo ? be16(b, o + 6) : undefined,
        target: ns ? formatIpv6(b, o + 8) : undefined,
        sourceMac,
        checksumOk: fold(sum16(b, o, end, pseudo)) === 0,
      };
      return { ip, l4, payload: b.subarray(ns ? optionsEnd : o + 8, end) };
    }
    default:
      return { ip, l4: undefined, payload: b.subarray(o, end) };
  }
}
