/**
 * The yardstick: a hand-written encoder and decoder for exactly the datagrams the benchmark
 * builds with rawcraft (IPv4/UDP, IPv4/TCP with options, IPv4/ICMP echo), written the way one
 * would without a framework: straight-line field writes into a fresh Buffer, RFC 1071 checksums,
 * and a decoder that reads every header field into a plain object and verifies every checksum.
 *
 * Inputs are the same logical values rawcraft takes (address strings, flag and option names,
 * the payload bytes). Address strings are parsed on every call through a bounded Map cache,
 * the same policy as rawcraft's parseIpv4 (src/codec/bytes.ts), so neither side gets a
 * pre-parsed number for free. Inputs are trusted (no range checks), as a minimal encoder would.
 */

// ---------------------------------------------------------------------------------------------
// Shared helpers

const v4Cache = new Map<string, number>();
const CACHE_LIMIT = 4096;

/** Dotted-quad to an unsigned 32-bit number (cached); throws on malformed text. */
export function parseIpv4(text: string): number {
  const hit = v4Cache.get(text);
  if (hit !== undefined) return hit;
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */) {
      if (digits === 0 || dots === 3) throw new RangeError(`bad IPv4 address ${text}`);
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && octet === 0) throw new RangeError(`bad IPv4 address ${text}`); // leading zero
      octet = octet * 10 + (c - 48);
      if (octet > 255) throw new RangeError(`bad IPv4 address ${text}`);
      digits++;
    } else {
      throw new RangeError(`bad IPv4 address ${text}`);
    }
  }
  if (digits === 0 || dots !== 3) throw new RangeError(`bad IPv4 address ${text}`);
  value = value * 256 + octet;
  if (v4Cache.size >= CACHE_LIMIT) v4Cache.clear();
  v4Cache.set(text, value);
  return value;
}

/** Unfolded one's-complement sum of the 16-bit big-endian words of buf[start, end) (odd tail padded). */
export function sum16(buf: Uint8Array, start: number, end: number, acc: number): number {
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    acc += ((buf[i] << 8) | buf[i + 1]) + ((buf[i + 2] << 8) | buf[i + 3]) + ((buf[i + 4] << 8) | buf[i + 5]) + ((buf[i + 6] << 8) | buf[i + 7]);
  }
  for (; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

/** Fold to 16 bits and complement: the value to write (0 when a sum including the checksum verifies). */
export function fold(acc: number): number {
  acc = (acc & 0xffff) + (acc >>> 16); // acc stays < 2^32 for any datagram up to 64 KiB
  acc = (acc & 0xffff) + (acc >>> 16);
  return ~acc & 0xffff;
}

export function put16(b: Buffer, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}

export function put32(b: Buffer, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}

// ---------------------------------------------------------------------------------------------
// Encoding

export interface IpIn {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly id: number;
}

export interface UdpIn {
  readonly srcPort: number;
  readonly dstPort: number;
}

export type TcpFlagName = 'ae' | 'cwr' | 'ece' | 'urg' | 'ack' | 'psh' | 'rst' | 'syn' | 'fin';

export type TcpOpt =
  | { readonly kind: 'eol' }
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'window-scale'; readonly shift: number }
  | { readonly kind: 'sack-permitted' }
  | { readonly kind: 'timestamps'; readonly value: number; readonly echo: number };

export interface TcpIn {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: readonly TcpFlagName[];
  readonly window: number;
  readonly options: readonly TcpOpt[];
}

export interface IcmpEchoIn {
  readonly type: 'echo-request' | 'echo-reply';
  readonly id: number;
  readonly seq: number;
}

/** Bit of each TCP flag in the 16-bit word holding data offset, reserved bits and flags. */
const TCP_FLAG_BITS: Readonly<Record<TcpFlagName, number>> = {
  ae: 0x100,
  cwr: 0x80,
  ece: 0x40,
  urg: 0x20,
  ack: 0x10,
  psh: 0x08,
  rst: 0x04,
  syn: 0x02,
  fin: 0x01,
};

/**
 * Write the 20-byte IPv4 header (no options, no DSCP/ECN, no flags) at offset 0, checksum
 * included. Returns the pseudo-header sum for the upper layer's checksum.
 */
function writeIpv4(b: Buffer, ip: IpIn, protocol: number, totalLength: number): number {
  const src = parseIpv4(ip.src);
  const dst = parseIpv4(ip.dst);
  b[0] = 0x45;
  b[1] = 0;
  put16(b, 2, totalLength);
  put16(b, 4, ip.id);
  b[6] = 0;
  b[7] = 0;
  b[8] = ip.ttl;
  b[9] = protocol;
  put32(b, 12, src);
  put32(b, 16, dst);
  // The header checksum from the values themselves: no second pass over the bytes.
  const addrs = (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff);
  put16(b, 10, fold(0x4500 + totalLength + ip.id + ((ip.ttl << 8) | protocol) + addrs));
  return addrs + protocol;
}

/** IPv4 + UDP + payload, both checksums computed (a computed UDP 0 is sent as 0xffff). */
export function encodeUdp(ip: IpIn, udp: UdpIn, payload: Uint8Array): Buffer {
  const udpLength = 8 + payload.length;
  const total = 20 + udpLength;
  const b = Buffer.allocUnsafe(total);
  const pseudo = writeIpv4(b, ip, 17, total);
  put16(b, 20, udp.srcPort);
  put16(b, 22, udp.dstPort);
  put16(b, 24, udpLength);
  b.set(payload, 28);
  // Header words from the values, payload from the bytes (it starts on an even offset).
  let sum = pseudo + udpLength + udp.srcPort + udp.dstPort + udpLength;
  sum = sum16(payload, 0, payload.length, sum);
  const ck = fold(sum);
  put16(b, 26, ck === 0 ? 0xffff : ck);
  return b;
}

/** Length in bytes of the encoded option list, unpadded. */
function tcpOptionsLength(options: readonly TcpOpt[]): number {
  let n = 0;
  for (let i = 0; i < options.length; i++) {
    switch (options[i].kind) {
      case 'eol':
      case 'nop':
        n += 1;
        break;
      case 'mss':
        n += 4;
        break;
      case 'window-scale':
        n += 3;
        break;
      case 'sack-permitted':
        n += 2;
        break;
      case 'timestamps':
        n += 10;
        break;
    }
  }
  return n;
}

/** The TCP header length for these options (zero-padded to 32 bits). */
export function tcpHeaderLength(tcp: TcpIn): number {
  const tcpHeader = 20 + ((tcpOptionsLength(tcp.options) + 3) & ~3);
  if (tcpHeader > 60) throw new RangeError('TCP options exceed 40 bytes');
  return tcpHeader;
}

/** IPv4 + TCP (with options, zero-padded to 32 bits) + payload, both checksums computed. */
export function encodeTcp(ip: IpIn, tcp: TcpIn, payload: Uint8Array): Buffer {
  const tcpHeader = tcpHeaderLength(tcp);
  const segment = tcpHeader + payload.length;
  const total = 20 + segment;
  const b = Buffer.allocUnsafe(total);
  const pseudo = writeIpv4(b, ip, 6, total);
  writeTcp(b, 20, tcp, tcpHeader, payload, pseudo + segment);
  return b;
}

/** A TCP segment at `at` (header of `tcpHeader` bytes, then the payload), its checksum from `pseudo`. */
export function writeTcp(b: Buffer, at: number, tcp: TcpIn, tcpHeader: number, payload: Uint8Array, pseudo: number): void {
  const options = tcp.options;
  let flags = 0;
  for (let i = 0; i < tcp.flags.length; i++) flags |= TCP_FLAG_BITS[tcp.flags[i]];
  put16(b, at, tcp.srcPort);
  put16(b, at + 2, tcp.dstPort);
  put32(b, at + 4, tcp.seq);
  put32(b, at + 8, tcp.ack);
  put16(b, at + 12, ((tcpHeader >>> 2) << 12) | flags);
  put16(b, at + 14, tcp.window);
  b[at + 16] = 0; // checksum, filled below
  b[at + 17] = 0;
  b[at + 18] = 0; // urgent pointer
  b[at + 19] = 0;
  let o = at + 20;
  for (let i = 0; i < options.length; i++) {
    const opt = options[i];
    switch (opt.kind) {
      case 'eol':
        b[o++] = 0;
        break;
      case 'nop':
        b[o++] = 1;
        break;
      case 'mss':
        b[o] = 2;
        b[o + 1] = 4;
        put16(b, o + 2, opt.value);
        o += 4;
        break;
      case 'window-scale':
        b[o] = 3;
        b[o + 1] = 3;
        b[o + 2] = opt.shift;
        o += 3;
        break;
      case 'sack-permitted':
        b[o] = 4;
        b[o + 1] = 2;
        o += 2;
        break;
      case 'timestamps':
        b[o] = 8;
        b[o + 1] = 10;
        put32(b, o + 2, opt.value);
        put32(b, o + 6, opt.echo);
        o += 10;
        break;
    }
  }
  const headerEnd = at + tcpHeader;
  while (o < headerEnd) b[o++] = 0;
  b.set(payload, headerEnd);
  put16(b, at + 16, fold(sum16(b, at, headerEnd + payload.length, pseudo)));
}

/** IPv4 + ICMP echo request/reply + payload, both checksums computed. */
export function encodeIcmpEcho(ip: IpIn, icmp: IcmpEchoIn, payload: Uint8Array): Buffer {
  const total = 28 + payload.length;
  const b = Buffer.allocUnsafe(total);
  writeIpv4(b, ip, 1, total);
  const type = icmp.type === 'echo-request' ? 8 : 0;
  b[20] = type;
  b[21] = 0;
  put16(b, 24, icmp.id);
  put16(b, 26, icmp.seq);
  b.set(payload, 28);
  put16(b, 22, fold(sum16(payload, 0, payload.length, (type << 8) + icmp.id + icmp.seq)));
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface Ipv4Header {
  version: number;
  ihl: number;
  dscp: number;
  ecn: number;
  totalLength: number;
  id: number;
  /** Bits: 4 reserved (evil), 2 DF, 1 MF. */
  flags: number;
  fragmentOffset: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
  checksumOk: boolean;
}

export interface UdpHeader {
  proto: 'udp';
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  /** null: the sender sent no checksum (0 over IPv4). */
  checksumOk: boolean | null;
}

export type TcpOptOut = TcpOpt | { readonly kind: 'sack'; readonly blocks: { left: number; right: number }[] } | { readonly kind: number; readonly data: Uint8Array };

export interface TcpHeader {
  proto: 'tcp';
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  dataOffset: number;
  reserved: number;
  /** The nine control bits, AE (0x100) down to FIN (0x001). */
  flags: number;
  window: number;
  checksum: number;
  urgentPointer: number;
  options: TcpOptOut[];
  checksumOk: boolean;
}

export interface IcmpHeader {
  proto: 'icmp';
  type: number;
  code: number;
  checksum: number;
  /** Echo request/reply only. */
  id: number | undefined;
  seq: number | undefined;
  checksumOk: boolean;
}

export interface BaselinePacket {
  ip: Ipv4Header;
  /** undefined for fragments and other protocols. */
  l4: UdpHeader | TcpHeader | IcmpHeader | undefined;
  /** The bytes after the innermost header (a view, not a copy). */
  payload: Uint8Array;
}

export const be16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
export const be32 = (b: Uint8Array, o: number): number => b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
const addr = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;

export function decodeTcpOptions(b: Uint8Array, start: number, end: number): TcpOptOut[] {
  const out: TcpOptOut[] = [];
  let i = start;
  while (i < end) {
    const kind = b[i];
    if (kind === 0) {
      out.push({ kind: 'eol' });
      break;
    }
    if (kind === 1) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= end) throw new RangeError(`tcp option at ${i}: missing length`);
    const len = b[i + 1];
    if (len < 2 || i + len > end) throw new RangeError(`tcp option at ${i}: bad length ${len}`);
    if (kind === 2 && len === 4) out.push({ kind: 'mss', value: be16(b, i + 2) });
    else if (kind === 3 && len === 3) out.push({ kind: 'window-scale', shift: b[i + 2] });
    else if (kind === 4 && len === 2) out.push({ kind: 'sack-permitted' });
    else if (kind === 8 && len === 10) out.push({ kind: 'timestamps', value: be32(b, i + 2), echo: be32(b, i + 6) });
    else if (kind === 5 && (len - 2) % 8 === 0) {
      const blocks: { left: number; right: number }[] = [];
      for (let j = i + 2; j < i + len; j += 8) blocks.push({ left: be32(b, j), right: be32(b, j + 4) });
      out.push({ kind: 'sack', blocks });
    } else out.push({ kind, data: b.subarray(i + 2, i + len) });
    i += len;
  }
  return out;
}

/** Decode an IPv4 datagram carrying UDP, TCP or ICMP; throws on malformed or truncated headers. */
export function decodeIpv4(b: Uint8Array): BaselinePacket {
  if (b.length < 20) throw new RangeError('ipv4: shorter than 20 bytes');
  const vihl = b[0];
  const version = vihl >>> 4;
  const ihl = vihl & 15;
  if (version !== 4) throw new RangeError(`ipv4: version ${version}`);
  if (ihl < 5) throw new RangeError(`ipv4: ihl ${ihl}`);
  const hl = ihl * 4;
  const totalLength = be16(b, 2);
  if (totalLength < hl || totalLength > b.length) throw new RangeError(`ipv4: total length ${totalLength} for ${b.length} bytes`);
  const ff = be16(b, 6);
  const protocol = b[9];
  const ip: Ipv4Header = {
    version,
    ihl,
    dscp: b[1] >>> 2,
    ecn: b[1] & 3,
    totalLength,
    id: be16(b, 4),
    flags: ff >>> 13,
    fragmentOffset: ff & 0x1fff,
    ttl: b[8],
    protocol,
    checksum: be16(b, 10),
    src: addr(b, 12),
    dst: addr(b, 16),
    checksumOk: fold(sum16(b, 0, hl, 0)) === 0,
  };
  const end = totalLength;
  if (ff & 0x3fff) return { ip, l4: undefined, payload: b.subarray(hl, end) }; // a fragment
  // Pseudo-header: addresses, protocol, upper-layer length.
  const pseudo = be16(b, 12) + be16(b, 14) + be16(b, 16) + be16(b, 18) + protocol + (end - hl);
  const o = hl;
  switch (protocol) {
    case 17: {
      if (end - o < 8) throw new RangeError('udp: truncated header');
      const length = be16(b, o + 4);
      if (length < 8 || o + length > end) throw new RangeError(`udp: length ${length}`);
      const checksum = be16(b, o + 6);
      const l4: UdpHeader = {
        proto: 'udp',
        srcPort: be16(b, o),
        dstPort: be16(b, o + 2),
        length,
        checksum,
        // The pseudo-header counts the UDP length field's value, which must equal end - o here.
        checksumOk: checksum === 0 ? null : fold(sum16(b, o, o + length, pseudo - (end - o) + length)) === 0,
      };
      return { ip, l4, payload: b.subarray(o + 8, o + length) };
    }
    case 6: {
      if (end - o < 20) throw new RangeError('tcp: truncated header');
      const w = be16(b, o + 12);
      const dataOffset = w >>> 12;
      const thl = dataOffset * 4;
      if (dataOffset < 5 || o + thl > end) throw new RangeError(`tcp: data offset ${dataOffset}`);
      const l4: TcpHeader = {
        proto: 'tcp',
        srcPort: be16(b, o),
        dstPort: be16(b, o + 2),
        seq: be32(b, o + 4),
        ack: be32(b, o + 8),
        dataOffset,
        reserved: (w >>> 9) & 7,
        flags: w & 0x1ff,
        window: be16(b, o + 14),
        checksum: be16(b, o + 16),
        urgentPointer: be16(b, o + 18),
        options: thl > 20 ? decodeTcpOptions(b, o + 20, o + thl) : [],
        checksumOk: fold(sum16(b, o, end, pseudo)) === 0,
      };
      return { ip, l4, payload: b.subarray(o + thl, end) };
    }
    case 1: {
      if (end - o < 8) throw new RangeError('icmp: truncated header');
      const type = b[o];
      const echo = type === 0 || type === 8;
      const l4: IcmpHeader = {
        proto: 'icmp',
        type,
        code: b[o + 1],
        checksum: be16(b, o + 2),
        id: echo ? be16(b, o + 4) : undefined,
        seq: echo ? be16(b, o + 6) : undefined,
        checksumOk: fold(sum16(b, o, end, 0)) === 0,
      };
      return { ip, l4, payload: b.subarray(o + 8, end) };
    }
    default:
      return { ip, l4: undefined, payload: b.subarray(o, end) };
  }
}
