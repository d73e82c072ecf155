/**
 * What the rules need to know about one datagram: read straight from the bytes that would be
 * handed to sendto (the transports' own reader, `ip-header.ts`: no decoder involved, so a
 * deliberately broken header still gets checked).
 */
import { impliesHdrincl } from '../socket/ip-hdrincl.js';
import { ipFacts, type IpFacts } from '../ip-header.js';
import { parseIp } from '../socket/sockaddr.js';
import type { PreflightPacket, SocketSettings } from './types.js';

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
  readonly header: IpFacts | undefined;
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

function consistent(h: IpFacts | undefined, length: number): boolean {
  if (!h) return false;
  if (h.family === 6) return h.payloadLength + 40 === length;
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
  const found = ipFacts(bytes);
  const looksLikeIpHeader = consistent(found, bytes.length);

  const hdrinclGiven = socket.hdrincl !== undefined;
  const hdrincl = socket.hdrincl ?? (impliesHdrincl(socket.protocol, socket.family, os) || looksLikeIpHeader);

  const destinationText = sendTo ?? socket.connect;
  const destinationFamily = destinationText !== undefined ? parseIp(destinationText)?.family : undefined;
  const family: 4 | 6 = socket.family ?? (hdrincl && found ? found.family : destinationFamily ?? (found && looksLikeIpHeader ? found.family : 4));

  const header = found && found.family === family ? found : hdrincl ? undefined : found;
  const headerProblem = hdrincl ? problemOf(bytes, family) : undefined;
  const usable = hdrincl && !headerProblem ? header : undefined;

  const protocol = usable ? usable.upperProtocol : hdrincl ? undefined : socket.protocol;

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
