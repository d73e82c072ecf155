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
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((buf[off + i * 2] << 8) | buf[off + i * 2 + 1]);
  // IPv4-mapped addresses print with a dotted quad, as RFC 5952 section 5 recommends.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${readIpv4(buf, off + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

/** `aa:bb:cc:dd:ee:ff` (or with '-') to 6 bytes. */
export function parseMac(text: string): Uint8Array | undefined {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return undefined;
  return Uint8Array.from(parts.map((p) => parseInt(p, 16)));
}

/** Read a MAC address as lower-case colon-separated text. */
export function readMac(buf: Uint8Array, off: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push(buf[off + i].toString(16).padStart(2, '0'));
  return parts.join(':');
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
