/**
 * What the rules need to know about one datagram: read straight from the bytes that would be
 * handed to sendto (no decoder involved, so a deliberately broken header still gets checked).
 */
import { impliesHdrincl } from '../socket/ip-hdrincl.js';
import { internetChecksum } from '../../codec/checksum.js';
import { formatIPv4, formatIPv6, parseIp } from '../socket/sockaddr.js';
import type { PreflightPacket, SocketSettings } from './types.js';

export interface Ipv4HeaderFacts {
  readonly version: 4;
  readonly ihl: number;
  readonly totalLength: number;
  readonly id: number;
  readonly ttl: number;
  readonly protocol: number;
  readonly checksum: number;
  /** The header checksum of this header as it is (with the checksum field taken as 0). */
  readonly correctChecksum: number;
  readonly src: string;
  readonly dst: string;
}

export interface Ipv6HeaderFacts {
  readonly version: 6;
  readonly payloadLength: number;
  readonly nextHeader: number;
  /** The upper-layer protocol after hop-by-hop, routing, fragment and destination options headers. */
  readonly upperProtocol: number;
  readonly hopLimit: number;
  readonly trafficClass: number;
  readonly src: string;
  readonly dst: string;
}

export type IpHeaderFacts = Ipv4HeaderFacts | Ipv6HeaderFacts;

/** One datagram as the rules see it. */
export interface PacketFacts {
  /** The bytes handed to sendto. */
  readonly bytes: Uint8Array;
  readonly length: number;
  readonly family: 4 | 6;
  /** Whether the socket has IP_HDRINCL / IPV6_HDRINCL (given or inferred). */
  readonly hdrincl: boolean;
  /** True when the caller said so explicitly (socket.hdrincl given). */
  readonly hdrinclGiven: boolean;
  /** The IP protocol of what is sent: the header's with hdrincl, the socket's otherwise (undefined when unknown). */
  readonly protocol: number | undefined;
  /** The header at the front of the bytes, when they start with one. */
  readonly header: IpHeaderFacts | undefined;
  /** With hdrincl: why the bytes do not start with a usable header of the socket's family (undefined when they do). */
  readonly headerProblem: string | undefined;
  /** The bytes start with a complete, self-consistent IP header (lengths match; IPv4 checksum verifies). */
  readonly looksLikeIpHeader: boolean;
  /** Where it goes: the sendto destination, else the connected address, else the header's destination. */
  readonly destination: string | undefined;
  /** Source address the datagram will carry when it is under the caller's control (from the header with hdrincl). */
  readonly source: string | undefined;
}

/** The bytes and sendto destination of any accepted packet form. */
export function packetBytes(packet: PreflightPacket): { bytes: Uint8Array; destination: string | undefined } {
  if (packet instanceof Uint8Array) return { bytes: packet, destination: undefined };
  if ('bytes' in packet) return { bytes: packet.bytes, destination: packet.destination };
  return { bytes: packet.encode(), destination: undefined };
}

/** IPv6 extension headers with the generic (next header, length in 8-octet units minus 1) layout. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

export function readIpv4Header(b: Uint8Array): Ipv4HeaderFacts | undefined {
  if (b.length < 20 || b[0] >> 4 !== 4) return undefined;
  const ihl = b[0] & 0x0f;
  const headerEnd = Math.min(Math.max(ihl, 5) * 4, b.length);
  const copy = Uint8Array.from(b.subarray(0, headerEnd));
  copy[10] = 0;
  copy[11] = 0;
  return {
    version: 4,
    ihl,
    totalLength: (b[2] << 8) | b[3],
    id: (b[4] << 8) | b[5],
    ttl: b[8],
    protocol: b[9],
    checksum: (b[10] << 8) | b[11],
    correctChecksum: internetChecksum(copy),
    src: formatIPv4(b, 12),
    dst: formatIPv4(b, 16),
  };
}

export function readIpv6Header(b: Uint8Array): Ipv6HeaderFacts | undefined {
  if (b.length < 40 || b[0] >> 4 !== 6) return undefined;
  const nextHeader = b[6];
  let upper = nextHeader;
  let off = 40;
  // Walk the extension headers that are there; stop at the first that does not fit.
  for (let guard = 0; guard < 16; guard++) {
    if (IPV6_EXTENSIONS.has(upper) && off + 2 <= b.length) {
      const next = b[off];
      off += (b[off + 1] + 1) * 8;
      upper = next;
    } else if (upper === IPV6_FRAGMENT && off + 8 <= b.length) {
      upper = b[off];
      off += 8;
    } else break;
  }
  return {
    version: 6,
    payloadLength: (b[4] << 8) | b[5],
    nextHeader,
    upperProtocol: upper,
    hopLimit: b[7],
    trafficClass: ((b[0] & 0x0f) << 4) | (b[1] >> 4),
    src: formatIPv6(b, 8),
    dst: formatIPv6(b, 24),
  };
}

function consistent(h: IpHeaderFacts | undefined, length: number): boolean {
  if (!h) return false;
  if (h.version === 6) return h.payloadLength + 40 === length;
  return h.ihl >= 5 && h.ihl * 4 <= length && h.totalLength === length && h.checksum === h.correctChecksum;
}

function problemOf(bytes: Uint8Array, family: 4 | 6): string | undefined {
  if (family === 4) {
    if (bytes.length < 20) return `it is ${bytes.length} bytes long, shorter than the 20-byte minimum IPv4 header`;
    if (bytes[0] >> 4 !== 4) return `its first byte 0x${bytes[0].toString(16).padStart(2, '0')} has version ${bytes[0] >> 4}, not 4`;
    const ihl = bytes[0] & 0x0f;
    if (ihl < 5) return `its header length (IHL) is ${ihl} words, less than the minimum of 5`;
    if (ihl * 4 > bytes.length) return `its header length (IHL ${ihl}, ${ihl * 4} bytes) is longer than the ${bytes.length} bytes given`;
    return undefined;
  }
  if (bytes.length < 40) return `it is ${bytes.length} bytes long, shorter than the 40-byte IPv6 header`;
  if (bytes[0] >> 4 !== 6) return `its first byte 0x${bytes[0].toString(16).padStart(2, '0')} has version ${bytes[0] >> 4}, not 6`;
  return undefined;
}

/** Read what the rules need from a datagram about to go through `socket` on `os` (a platform's `os`; undefined: not known). */
export function packetFacts(packet: PreflightPacket, socket: SocketSettings, os?: string): PacketFacts {
  const { bytes, destination: sendTo } = packetBytes(packet);
  const v4 = readIpv4Header(bytes);
  const v6 = v4 ? undefined : readIpv6Header(bytes);
  const found = v4 ?? v6;
  const looksLikeIpHeader = consistent(found, bytes.length);

  const hdrinclGiven = socket.hdrincl !== undefined;
  const hdrincl = socket.hdrincl ?? (impliesHdrincl(socket.protocol, socket.family, os) || looksLikeIpHeader);

  const destinationText = sendTo ?? socket.connect;
  const destinationFamily = destinationText !== undefined ? parseIp(destinationText)?.family : undefined;
  const family: 4 | 6 = socket.family ?? (hdrincl && found ? found.version : destinationFamily ?? (found && looksLikeIpHeader ? found.version : 4));

  const header = found && found.version === family ? found : hdrincl ? undefined : found;
  const headerProblem = hdrincl ? problemOf(bytes, family) : undefined;
  const usable = hdrincl && !headerProblem ? header : undefined;

  const protocol = usable
    ? usable.version === 4
      ? usable.protocol
      : usable.upperProtocol
    : hdrincl
      ? undefined
      : socket.protocol;

  return {
    bytes,
    length: bytes.length,
    family,
    hdrincl,
    hdrinclGiven,
    protocol,
    header,
    headerProblem,
    looksLikeIpHeader,
    destination: destinationText ?? usable?.dst,
    source: usable?.src,
  };
}
