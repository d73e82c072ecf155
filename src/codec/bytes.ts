/**
 * Byte and address helpers shared by every protocol: hex, IPv4, IPv6 and MAC text forms.
 * Parsers return `undefined` on bad input so callers can raise an error that names their field.
 */
import { FieldValueError } from './errors.js';

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Hex text (no separators) to bytes; `undefined` when not valid hex. */
export function parseHex(text: string): Buffer | undefined {
  const clean = text.startsWith('0x') ? text.slice(2) : text;
  if (!HEX_RE.test(clean)) return undefined;
  return Buffer.from(clean, 'hex');
}

/** Bytes to lower-case hex without separators. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** View any Uint8Array as a Buffer without copying. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

// Parsing the same address string over and over is the hot path of a packet generator;
// a small cache keeps it off the profile. Bounded so a fuzzer cannot grow it without limit.
const v4Cache = new Map<string, number>();
const CACHE_LIMIT = 4096;

/** Dotted-quad IPv4 text to an unsigned 32-bit number; `undefined` when not exactly four decimal octets. */
export function parseIpv4(text: string): number | undefined {
  const hit = v4Cache.get(text);
  if (hit !== undefined) return hit;
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    // No leading '+', no empty parts, no octal-looking '01' (inet_aton would read that as octal).
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  if (v4Cache.size >= CACHE_LIMIT) v4Cache.clear();
  v4Cache.set(text, value);
  return value;
}

/** Unsigned 32-bit number to dotted-quad text. */
export function formatIpv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}

/** Read a dotted-quad from four bytes. */
export function readIpv4(buf: Uint8Array, off: number): string {
  return `${buf[off]}.${buf[off + 1]}.${buf[off + 2]}.${buf[off + 3]}`;
}

const v6Cache = new Map<string, Uint8Array>();

/**
 * IPv6 text (RFC 4291 section 2.2: full, `::`-compressed, embedded IPv4, any case) to 16 bytes.
 * Zone ids (`fe80::1%eth0`) are not addresses a packet can carry, so they are refused.
 */
export function parseIpv6(text: string): Uint8Array | undefined {
  const hit = v6Cache.get(text);
  if (hit !== undefined) return hit;
  if (text.includes('%')) return undefined;
  let head = text;
  const out = new Uint8Array(16);
  // A trailing dotted quad fills the last 32 bits.
  let tailV4: number | undefined;
  const lastColon = head.lastIndexOf(':');
  if (head.indexOf('.') > lastColon && lastColon >= 0) {
    tailV4 = parseIpv4(head.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = head.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const values: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      values.push(parseInt(g, 16));
    }
    return values;
  };
  const left = parseGroups(halves[0]);
  const right = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!left || !right) return undefined;
  const total = left.length + right.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...left, ...new Array<number>(8 - total).fill(0), ...right];
  for (let i = 0; i < 8; i++) {
    out[i * 2] = groups[i] >> 8;
    out[i * 2 + 1] = groups[i] & 255;
  }
  if (tailV4 !== undefined) {
    out[12] = tailV4 >>> 24;
    out[13] = (tailV4 >>> 16) & 255;
    out[14] = (tailV4 >>> 8) & 255;
    out[15] = tailV4 & 255;
  }
  if (v6Cache.size >= CACHE_LIMIT) v6Cache.clear();
  v6Cache.set(text, out);
  return out;
}

/** 16 bytes to the RFC 5952 canonical text form (lower case, longest zero run compressed). */
export function readIpv6(buf: Uint8Array, off: number): string {
  // The longest run of two or more zero groups (the first of equal ones) becomes "::" (RFC 5952 section 4.2).
  let bestStart = -1;
  let bestLen = 1;
  let runStart = -1;
  for (let i = 0; i < 8; i++) {
    if ((buf[off + 2 * i] | buf[off + 2 * i + 1]) === 0) {
      if (runStart < 0) runStart = i;
      if (i - runStart + 1 > bestLen) {
        bestStart = runStart;
        bestLen = i - runStart + 1;
      }
    } else runStart = -1;
  }
  // IPv4-mapped addresses print with a dotted quad, as RFC 5952 section 5 recommends.
  if (bestStart === 0 && bestLen === 5 && buf[off + 10] === 0xff && buf[off + 11] === 0xff) return `::ffff:${readIpv4(buf, off + 12)}`;
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === bestStart) {
      text += '::';
      i += bestLen - 1;
      continue;
    }
    const hi = buf[off + 2 * i];
    const group = hi === 0 ? HEX[buf[off + 2 * i + 1]] : HEX[hi] + HEX2[buf[off + 2 * i + 1]];
    text += i === 0 || i === bestStart + bestLen ? group : `:${group}`;
  }
  return text;
}

/** Hex text of a byte without and with a leading zero: group text without arrays or toString per call. */
const HEX = Array.from({ length: 256 }, (_, n) => n.toString(16));
const HEX2 = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));

/** `aa:bb:cc:dd:ee:ff` (or with '-') to 6 bytes. */
export function parseMac(text: string): Uint8Array | undefined {
  // Six pairs of hex digits, each pair after the first preceded by ':' or '-' (by character codes: no regex, no split).
  if (typeof text !== 'string' || text.length !== 17) return undefined;
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) {
    const at = 3 * i;
    if (i > 0 && text.charCodeAt(at - 1) !== 58 && text.charCodeAt(at - 1) !== 45) return undefined;
    const hi = hexDigit(text.charCodeAt(at));
    const lo = hexDigit(text.charCodeAt(at + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = hi * 16 + lo;
  }
  return out;
}

/** The value of a hex digit's character code, or -1. */
function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Read a MAC address as lower-case colon-separated text. */
export function readMac(buf: Uint8Array, off: number): string {
  return `${HEX2[buf[off]]}:${HEX2[buf[off + 1]]}:${HEX2[buf[off + 2]]}:${HEX2[buf[off + 3]]}:${HEX2[buf[off + 4]]}:${HEX2[buf[off + 5]]}`;
}

/** Coerce a bytes input (Uint8Array, or hex text as in the JSON format) or throw a FieldValueError naming the field. */
export function bytesInput(layer: string, field: string, value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') {
    const parsed = parseHex(value);
    if (parsed) return parsed;
  }
  throw new FieldValueError(layer, field, value, 'bytes (a Uint8Array or hex text such as "00ff")');
}

/** Big-endian reads and writes, for option bodies and other variable parts. */
export const be16 = (b: Uint8Array, o: number): number => (b[o] << 8) | b[o + 1];
export const be32 = (b: Uint8Array, o: number): number => b[o] * 0x1000000 + ((b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]);
export function putBe16(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 8;
  b[o + 1] = v & 255;
}
export function putBe32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 255;
  b[o + 2] = (v >>> 8) & 255;
  b[o + 3] = v & 255;
}
