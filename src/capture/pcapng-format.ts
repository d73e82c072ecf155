/**
 * Constants and option handling of pcapng, from draft-ietf-opsawg-pcapng
 * ("PCAP Next Generation (pcapng) Capture File Format"): section 3.1 (general block structure),
 * 3.5 (options), 4.1 SHB, 4.2 IDB, 4.3 EPB, 4.4 SPB, appendix A (obsolete Packet Block).
 */
import { pad4, readU16, writeU16 } from './bytes.js';

export const BlockType = {
  SECTION_HEADER: 0x0a0d0d0a,
  INTERFACE_DESCRIPTION: 0x00000001,
  OBSOLETE_PACKET: 0x00000002,
  SIMPLE_PACKET: 0x00000003,
  ENHANCED_PACKET: 0x00000006,
} as const;

/** Byte-order magic of the SHB, as read in the writer's byte order. */
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Smallest legal total length of each block (header, fixed fields, trailer; no options, no data). */
export const MIN_BLOCK_LENGTH: Record<number, number> = {
  [BlockType.SECTION_HEADER]: 28,
  [BlockType.INTERFACE_DESCRIPTION]: 20,
  [BlockType.OBSOLETE_PACKET]: 32,
  [BlockType.SIMPLE_PACKET]: 16,
  [BlockType.ENHANCED_PACKET]: 32,
};
/** Type + length + trailing length: every block has at least these 12 bytes. */
export const BLOCK_OVERHEAD = 12;

export const Option = {
  END_OF_OPT: 0,
  COMMENT: 1,
  SHB_USERAPPL: 4,
  IF_NAME: 2,
  IF_TSRESOL: 9,
  IF_TSOFFSET: 14,
} as const;

/** if_tsresol default when the option is absent: 10^-6 seconds (section 4.2). */
export const DEFAULT_TSRESOL = 6;

export interface RawOption {
  code: number;
  value: Buffer;
}

/**
 * Parse the option list in `buf[start, end)`. Stops at opt_endofopt or at the end of the area.
 * Returns an error message instead of throwing so the caller can add the block position.
 */
export function parseOptions(buf: Buffer, start: number, end: number, le: boolean): RawOption[] | string {
  const options: RawOption[] = [];
  let pos = start;
  while (pos + 4 <= end) {
    const code = readU16(buf, pos, le);
    const length = readU16(buf, pos + 2, le);
    if (code === Option.END_OF_OPT) break;
    const valueEnd = pos + 4 + length;
    if (valueEnd > end) {
      return `option ${code} with length ${length} runs past the end of the options (${end - pos - 4} bytes left)`;
    }
    options.push({ code, value: buf.subarray(pos + 4, valueEnd) });
    pos += 4 + pad4(length);
  }
  return options;
}

/** Options are UTF-8 strings; some writers add a NUL terminator the spec does not ask for. */
export function optionString(value: Buffer): string {
  return value.toString('utf8').replace(/\0+$/, '');
}

/** Encode options (each padded to 32 bits) followed by opt_endofopt; nothing at all when there are none. */
export function encodeOptions(options: RawOption[], le: boolean): Buffer {
  if (options.length === 0) return Buffer.alloc(0);
  const size = options.reduce((sum, o) => sum + 4 + pad4(o.value.length), 0) + 4;
  const out = Buffer.alloc(size); // zero-filled, so padding and opt_endofopt are already 0
  let pos = 0;
  for (const o of options) {
    writeU16(out, pos, o.code, le);
    writeU16(out, pos + 2, o.value.length, le);
    o.value.copy(out, pos + 4);
    pos += 4 + pad4(o.value.length);
  }
  return out;
}

/** Timestamp units per second for an if_tsresol value: 10^n, or 2^n when the top bit is set. */
export function unitsPerSecond(tsresol: number): bigint {
  return tsresol & 0x80 ? 1n << BigInt(tsresol & 0x7f) : 10n ** BigInt(tsresol);
}

/** Interface timestamp units to the nearest nanosecond (exact for 10^-n with n <= 9). */
export function unitsToNs(units: bigint, tsresol: number): bigint {
  return roundedDivide(units * 1_000_000_000n, unitsPerSecond(tsresol));
}

/**
 * Nanoseconds to the nearest interface timestamp unit. Rounding both ways (not truncating)
 * makes read-then-write stable for resolutions like 2^-20 s that nanoseconds cannot express.
 */
export function nsToUnits(ns: bigint, tsresol: number): bigint {
  return roundedDivide(ns * unitsPerSecond(tsresol), 1_000_000_000n);
}

/** a / b rounded half up, for a >= 0 and b > 0. */
export function roundedDivide(a: bigint, b: bigint): bigint {
  return (2n * a + b) / (2n * b);
}
