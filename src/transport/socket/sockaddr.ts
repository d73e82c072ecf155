/**
 * IP address text <-> bytes, and `struct sockaddr_in` / `sockaddr_in6` encoding.
 *
 * Layouts (all multi-byte fields except the family are network byte order):
 *   sockaddr_in   Linux: family(u16 host) port(2) addr(4) zero(8)                 = 16 bytes
 *                 macOS: len(u8)=16 family(u8) port(2) addr(4) zero(8)            = 16 bytes
 *   sockaddr_in6  Linux: family(u16 host) port(2) flowinfo(4) addr(16) scope(u32 host) = 28 bytes
 *                 macOS: len(u8)=28 family(u8) port(2) flowinfo(4) addr(16) scope(u32 host)
 * Raw sockets ignore the port; it stays 0 (Linux IPv6 raw sockets reject any other value
 * than 0 or the socket's protocol). Address text is parsed and formatted by the codec's
 * helpers (codec/bytes.ts); this file adds zones and brackets.
 */
import { endianness } from 'node:os';
import { parseIpv4, parseIpv6, readIpv4, readIpv6 } from '../../codec/bytes.js';

export type IpFamily = 4 | 6;

/** An address parsed from text. `zone` is the part after `%` in `fe80::1%eth0`. */
export interface ParsedAddress {
  readonly family: IpFamily;
  readonly bytes: Uint8Array;
  readonly zone?: string;
}

/** What encoding needs to know about the OS. */
export interface SockaddrLayout {
  readonly AF_INET: number;
  readonly AF_INET6: number;
  readonly sockaddrHasLen: boolean;
}

export const SOCKADDR_IN_SIZE = 16;
export const SOCKADDR_IN6_SIZE = 28;
/** Big enough for any sockaddr recvfrom can hand back (sizeof(struct sockaddr_storage)). */
export const SOCKADDR_STORAGE_SIZE = 128;

const littleEndian = endianness() === 'LE';

/** Dotted-quad IPv4 (exactly four decimal parts 0..255, no leading zeros beyond `0`). */
export function parseIPv4(text: string): Uint8Array | undefined {
  const value = typeof text === 'string' ? parseIpv4(text) : undefined;
  if (value === undefined) return undefined;
  return Uint8Array.of(value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255);
}

/** IPv6 text (RFC 4291 forms, incl. `::` and a trailing dotted quad), optional `%zone`, optional brackets. */
export function parseIPv6(text: string): { bytes: Uint8Array; zone?: string } | undefined {
  if (typeof text !== 'string') return undefined;
  let s = text;
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  let zone: string | undefined;
  const pct = s.indexOf('%');
  if (pct >= 0) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return undefined;
  }
  const parsed = parseIpv6(s);
  if (!parsed) return undefined;
  // The codec caches its results: hand out a copy the caller may change.
  const bytes = Uint8Array.from(parsed);
  return zone === undefined ? { bytes } : { bytes, zone };
}

/** Either family; undefined when the text is neither. */
export function parseIp(text: string): ParsedAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseIPv6(text);
  if (v6) return v6.zone === undefined ? { family: 6, bytes: v6.bytes } : { family: 6, bytes: v6.bytes, zone: v6.zone };
  return undefined;
}

export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return readIpv4(bytes, offset);
}

/** RFC 5952 canonical text: lower case, no leading zeros, longest run (>= 2) of zero groups as `::`. */
export function formatIPv6(bytes: Uint8Array, offset = 0): string {
  return readIpv6(bytes, offset);
}

/** Encode a sockaddr_in / sockaddr_in6 for `address` (4 or 16 bytes). */
export function encodeSockaddr(layout: SockaddrLayout, family: IpFamily, address: Uint8Array, scopeId = 0): Buffer {
  if (family === 4) {
    const sa = Buffer.alloc(SOCKADDR_IN_SIZE);
    writeFamily(layout, sa, layout.AF_INET, SOCKADDR_IN_SIZE);
    sa.set(address.subarray(0, 4), 4);
    return sa;
  }
  const sa = Buffer.alloc(SOCKADDR_IN6_SIZE);
  writeFamily(layout, sa, layout.AF_INET6, SOCKADDR_IN6_SIZE);
  sa.set(address.subarray(0, 16), 8);
  // sin6_scope_id is a host-order uint32.
  if (littleEndian) sa.writeUInt32LE(scopeId >>> 0, 24);
  else sa.writeUInt32BE(scopeId >>> 0, 24);
  return sa;
}

/** Decode the address recvfrom wrote; undefined for a family that is not IP. */
export function decodeSockaddr(
  layout: SockaddrLayout,
  sa: Uint8Array,
  length: number,
): { family: IpFamily; address: string } | undefined {
  if (length < 2) return undefined;
  const af = layout.sockaddrHasLen ? sa[1] : littleEndian ? sa[0] | (sa[1] << 8) : (sa[0] << 8) | sa[1];
  if (af === layout.AF_INET && length >= 8) return { family: 4, address: formatIPv4(sa, 4) };
  if (af === layout.AF_INET6 && length >= 24) return { family: 6, address: formatIPv6(sa, 8) };
  return undefined;
}

function writeFamily(layout: SockaddrLayout, sa: Buffer, af: number, size: number): void {
  if (layout.sockaddrHasLen) {
    sa[0] = size; // BSD sin_len / sin6_len
    sa[1] = af;
  } else if (littleEndian) {
    sa.writeUInt16LE(af, 0); // sa_family_t is host order
  } else {
    sa.writeUInt16BE(af, 0);
  }
}
