/**
 * The hand-written yardstick for SCTP over IPv4 (RFC 9260): one DATA chunk, and an INIT with its
 * usual parameters (IPv4 address, supported address types, ECN capable, Forward-TSN supported).
 * Straight-line writes, CRC32c with a JavaScript slice-by-8 table (the usual fast CRC in
 * JavaScript, as in bench/crc32c.ts) written least significant byte first (RFC 9260 appendix B),
 * and a decoder that reads every field and verifies both checksums.
 */
import { be16, be32, fold, parseIpv4, put16, put32, sum16, type IpIn } from './baseline.js';
import { writeIpv6, type Ip6In } from './baseline-ipv6.js';

// ---------------------------------------------------------------------------------------------
// CRC32c, slice-by-8 with a running state (so the checksum field can be skipped as zeros)

const T = new Int32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  T[i] = c;
}
for (let i = 0; i < 256; i++) for (let s = 1; s < 8; s++) T[s * 256 + i] = (T[(s - 1) * 256 + i] >>> 8) ^ T[T[(s - 1) * 256 + i] & 255];

function crcUpdate(crc: number, buf: Uint8Array, start: number, end: number): number {
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc = T[1792 + (a & 255)] ^ T[1536 + ((a >>> 8) & 255)] ^ T[1280 + ((a >>> 16) & 255)] ^ T[1024 + (a >>> 24)] ^ T[768 + buf[i + 4]] ^ T[512 + buf[i + 5]] ^ T[256 + buf[i + 6]] ^ T[buf[i + 7]];
  }
  for (; i < end; i++) crc = T[(crc ^ buf[i]) & 255] ^ (crc >>> 8);
  return crc;
}

/** The SCTP checksum of buf[start, end) with its field (bytes 8..11) read as zero, as the field's big-endian value. */
function sctpCrc(buf: Uint8Array, start: number, end: number): number {
  let crc = crcUpdate(-1, buf, start, start + 8);
  for (let k = 0; k < 4; k++) crc = T[crc & 255] ^ (crc >>> 8);
  crc = ~crcUpdate(crc, buf, start + 12, end) >>> 0;
  // Written least significant byte first: read back big-endian, the bytes are swapped.
  return (((crc & 255) << 24) | (((crc >>> 8) & 255) << 16) | (((crc >>> 16) & 255) << 8) | (crc >>> 24)) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Encoding

export interface SctpIn {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
}

export interface DataChunkIn {
  readonly flags: readonly ('immediate' | 'unordered' | 'beginning' | 'ending')[];
  readonly tsn: number;
  readonly streamId: number;
  readonly streamSeq: number;
  readonly ppid: number;
  readonly data: Uint8Array;
}

/** An INIT parameter as the builder takes it: the usual four (RFC 9260 sections 3.3.2.1, 5.1.2; RFC 3758; RFC 9260 appendix A). */
export type InitParamIn =
  | { readonly type: 'ipv4-address'; readonly address: string }
  | { readonly type: 'supported-address-types'; readonly addressTypes: readonly ('ipv4-address' | 'ipv6-address' | 'host-name-address')[] }
  | { readonly type: 'ecn-capable' }
  | { readonly type: 'forward-tsn-supported' };

export interface InitChunkIn {
  readonly initiateTag: number;
  readonly arwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  readonly initialTsn: number;
  /** The parameters, the same list the builder takes. */
  readonly params: readonly InitParamIn[];
}

const DATA_FLAG_BITS: Readonly<Record<string, number>> = { immediate: 8, unordered: 4, beginning: 2, ending: 1 };

/** The IPv4 header for an SCTP packet (protocol 132, no options); returns nothing: SCTP has no pseudo-header. */
function writeIpv4(b: Buffer, ip: IpIn, total: number): void {
  const src = parseIpv4(ip.src);
  const dst = parseIpv4(ip.dst);
  b[0] = 0x45;
  b[1] = 0;
  put16(b, 2, total);
  put16(b, 4, ip.id);
  b[6] = 0;
  b[7] = 0;
  b[8] = ip.ttl;
  b[9] = 132;
  put32(b, 12, src);
  put32(b, 16, dst);
  put16(b, 10, fold(0x4500 + total + ip.id + ((ip.ttl << 8) | 132) + (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff)));
}

function writeCommon(b: Buffer, sctp: SctpIn): void {
  put16(b, 20, sctp.srcPort);
  put16(b, 22, sctp.dstPort);
  put32(b, 24, sctp.verificationTag);
}

function finishCrc(b: Buffer): void {
  put32(b, 28, sctpCrc(b, 20, b.length));
}

/** IPv4 + SCTP common header + one DATA chunk (RFC 9260 section 3.3.1), padded to 4 bytes. */
export function encodeSctpData(ip: IpIn, sctp: SctpIn, chunk: DataChunkIn): Buffer {
  const length = 16 + chunk.data.length;
  const padded = (length + 3) & ~3;
  const total = 32 + padded;
  const b = Buffer.allocUnsafe(total);
  writeIpv4(b, ip, total);
  writeCommon(b, sctp);
  let flags = 0;
  for (let i = 0; i < chunk.flags.length; i++) flags |= DATA_FLAG_BITS[chunk.flags[i]];
  b[32] = 0;
  b[33] = flags;
  put16(b, 34, length);
  put32(b, 36, chunk.tsn);
  put16(b, 40, chunk.streamId);
  put16(b, 42, chunk.streamSeq);
  put32(b, 44, chunk.ppid);
  b.set(chunk.data, 48);
  for (let k = 48 + chunk.data.length; k < total; k++) b[k] = 0;
  finishCrc(b);
  return b;
}

/** IPv6 + SCTP common header + one DATA chunk: the same chunk after a 40-byte header. */
export function encodeSctpData6(ip: Ip6In, sctp: SctpIn, chunk: DataChunkIn): Buffer {
  const length = 16 + chunk.data.length;
  const padded = (length + 3) & ~3;
  const total = 52 + padded;
  const b = Buffer.allocUnsafe(total);
  writeIpv6(b, ip, 132, 12 + padded);
  put16(b, 40, sctp.srcPort);
  put16(b, 42, sctp.dstPort);
  put32(b, 44, sctp.verificationTag);
  let flags = 0;
  for (let i = 0; i < chunk.flags.length; i++) flags |= DATA_FLAG_BITS[chunk.flags[i]];
  b[52] = 0;
  b[53] = flags;
  put16(b, 54, length);
  put32(b, 56, chunk.tsn);
  put16(b, 60, chunk.streamId);
  put16(b, 62, chunk.streamSeq);
  put32(b, 64, chunk.ppid);
  b.set(chunk.data, 68);
  for (let k = 68 + chunk.data.length; k < total; k++) b[k] = 0;
  put32(b, 48, sctpCrc(b, 40, total));
  return b;
}

const ADDRESS_TYPE_CODES: Readonly<Record<string, number>> = { 'ipv4-address': 5, 'ipv6-address': 6, 'host-name-address': 11 };

/** A parameter's length without its padding. */
function paramLength(p: InitParamIn): number {
  switch (p.type) {
    case 'ipv4-address':
      return 8;
    case 'supported-address-types':
      return 4 + 2 * p.addressTypes.length;
    default:
      return 4;
  }
}

/**
 * IPv4 + SCTP common header + INIT (RFC 9260 section 3.3.2), from the same input as the builder:
 * the fixed fields and the list of parameters (each padded to 4 bytes; the last one's padding is
 * the chunk's, counted in neither length).
 */
export function encodeSctpInit(ip: IpIn, sctp: SctpIn, init: InitChunkIn): Buffer {
  const params = init.params;
  let length = 20;
  for (let k = 0; k < params.length; k++) length = ((length + 3) & ~3) + paramLength(params[k]);
  const total = 32 + ((length + 3) & ~3);
  const b = Buffer.allocUnsafe(total);
  writeIpv4(b, ip, total);
  writeCommon(b, sctp);
  b[32] = 1;
  b[33] = 0;
  put16(b, 34, length);
  put32(b, 36, init.initiateTag);
  put32(b, 40, init.arwnd);
  put16(b, 44, init.outboundStreams);
  put16(b, 46, init.inboundStreams);
  put32(b, 48, init.initialTsn);
  let at = 52;
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    const n = paramLength(p);
    put16(b, at + 2, n);
    switch (p.type) {
      case 'ipv4-address':
        put16(b, at, 5);
        put32(b, at + 4, parseIpv4(p.address));
        break;
      case 'supported-address-types':
        put16(b, at, 12);
        for (let j = 0; j < p.addressTypes.length; j++) put16(b, at + 4 + 2 * j, ADDRESS_TYPE_CODES[p.addressTypes[j]]);
        break;
      case 'ecn-capable':
        put16(b, at, 0x8000);
        break;
      case 'forward-tsn-supported':
        put16(b, at, 0xc000);
        break;
    }
    at += n;
    while (at & 3) b[at++] = 0;
  }
  finishCrc(b);
  return b;
}

// ---------------------------------------------------------------------------------------------
// Decoding

export interface SctpIpHeader {
  totalLength: number;
  id: number;
  ttl: number;
  protocol: number;
  checksum: number;
  src: string;
  dst: string;
  checksumOk: boolean;
}

export type SctpParamOut =
  | { type: 'ipv4-address'; address: string }
  | { type: 'supported-address-types'; addressTypes: (string | number)[] }
  | { type: 'ecn-capable' }
  | { type: 'forward-tsn-supported' }
  | { type: number; data: Uint8Array };

export type SctpChunkOut =
  | { type: 'data'; flags: number; tsn: number; streamId: number; streamSeq: number; ppid: number; data: Uint8Array }
  | { type: 'init'; initiateTag: number; arwnd: number; outboundStreams: number; inboundStreams: number; initialTsn: number; params: SctpParamOut[] }
  | { type: number; flags: number; data: Uint8Array };

export interface BaselineSctp {
  ip: SctpIpHeader;
  srcPort: number;
  dstPort: number;
  verificationTag: number;
  checksum: number;
  chunks: SctpChunkOut[];
  checksumOk: boolean;
}

const addr = (b: Uint8Array, o: number): string => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
const ADDRESS_TYPES: Readonly<Record<number, string>> = { 5: 'ipv4-address', 6: 'ipv6-address', 11: 'host-name-address' };

function decodeParams(b: Uint8Array, start: number, end: number): SctpParamOut[] {
  const out: SctpParamOut[] = [];
  for (let i = start; i + 4 <= end; ) {
    const type = be16(b, i);
    const length = be16(b, i + 2);
    if (length < 4 || i + length > end) throw new RangeError(`sctp parameter at ${i}: length ${length}`);
    if (type === 5 && length === 8) out.push({ type: 'ipv4-address', address: addr(b, i + 4) });
    else if (type === 12 && length % 2 === 0) {
      const addressTypes: (string | number)[] = [];
      for (let k = i + 4; k < i + length; k += 2) addressTypes.push(ADDRESS_TYPES[be16(b, k)] ?? be16(b, k));
      out.push({ type: 'supported-address-types', addressTypes });
    } else if (type === 0x8000 && length === 4) out.push({ type: 'ecn-capable' });
    else if (type === 0xc000 && length === 4) out.push({ type: 'forward-tsn-supported' });
    else out.push({ type, data: b.subarray(i + 4, i + length) });
    i += (length + 3) & ~3;
  }
  return out;
}

/** Decode IPv4 + SCTP with DATA and INIT chunks (others kept as bytes); throws on malformed framing. */
export function decodeSctp(b: Uint8Array): BaselineSctp {
  if (b.length < 32 || b[0] !== 0x45) throw new RangeError('ipv4: not a 20-byte IPv4 header');
  const totalLength = be16(b, 2);
  if (totalLength > b.length || totalLength < 32) throw new RangeError(`ipv4: total length ${totalLength}`);
  const ip: SctpIpHeader = { totalLength, id: be16(b, 4), ttl: b[8], protocol: b[9], checksum: be16(b, 10), src: addr(b, 12), dst: addr(b, 16), checksumOk: fold(sum16(b, 0, 20, 0)) === 0 };
  const end = totalLength;
  const chunks: SctpChunkOut[] = [];
  for (let i = 32; i + 4 <= end; ) {
    const type = b[i];
    const flags = b[i + 1];
    const length = be16(b, i + 2);
    if (length < 4 || i + length > end) throw new RangeError(`sctp chunk at ${i}: length ${length}`);
    if (type === 0 && length >= 16) {
      chunks.push({ type: 'data', flags, tsn: be32(b, i + 4), streamId: be16(b, i + 8), streamSeq: be16(b, i + 10), ppid: be32(b, i + 12), data: b.subarray(i + 16, i + length) });
    } else if (type === 1 && length >= 20) {
      chunks.push({ type: 'init', initiateTag: be32(b, i + 4), arwnd: be32(b, i + 8), outboundStreams: be16(b, i + 12), inboundStreams: be16(b, i + 14), initialTsn: be32(b, i + 16), params: decodeParams(b, i + 20, i + length) });
    } else chunks.push({ type, flags, data: b.subarray(i + 4, i + length) });
    i += (length + 3) & ~3;
  }
  const checksum = be32(b, 28);
  return { ip, srcPort: be16(b, 20), dstPort: be16(b, 22), verificationTag: be32(b, 24), checksum, chunks, checksumOk: sctpCrc(b, 20, end) === checksum };
}
