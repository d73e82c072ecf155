/**
 * Radiotap (LINKTYPE_IEEE802_11_RADIOTAP, 127; https://www.radiotap.org): a little-endian header
 * of capture metadata before an 802.11 frame. Version, pad, length, then presence bitmaps (bit 31
 * says another word follows), then the fields they announce, each aligned to its natural size
 * counted from the start of the header. The field bytes are kept whole in `data` (every field
 * survives re-encoding); the common fields of the first bitmap are decoded too, and when given
 * they are written over `data`. Flags bit 0x10 means the 802.11 frame ends with a 4-byte FCS:
 * it becomes this layer's trailer, checked as a CRC-32 (IEEE 802.11-2020 clause 9.2.4.8).
 */
import { uint } from '../field.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { bytesInput } from '../bytes.js';
import { ContentError, FieldValueError, LengthError } from '../errors.js';
import type { ChecksumVerdict, LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { checkList, checkUint } from '../option-list.js';
import { le16, le32, putLe16, putLe32 } from './link-layers.js';

/** The fields of a decoded Radiotap header, as `decode()` gives them. */
export interface RadiotapFields {
  version: number;
  pad: number;
  /** Whole header length, bitmaps and fields included. */
  length: number;
  /** Presence bitmaps in order (bit 31 of each but the last set). */
  present: number[];
  /** Every field's bytes, alignment padding included (hex in JSON). */
  data: Uint8Array;
  /** Bit 0: TSF timer, microseconds. */
  tsft?: bigint;
  /** Bit 1: 0x10 FCS at the end, 0x40 bad FCS, 0x02 short preamble... */
  flags?: number;
  /** Bit 2: rate in 500 kb/s units. */
  rate?: number;
  /** Bit 3: channel frequency in MHz and channel flags. */
  channelFrequency?: number;
  channelFlags?: number;
  /** Bit 5: antenna signal, dBm. */
  antennaSignal?: number;
  /** Bit 6: antenna noise, dBm. */
  antennaNoise?: number;
  /** Bit 11: antenna index. */
  antenna?: number;
}

/** What the builders and `encodeLayers` take for Radiotap: any field may be left out (defaults, computed lengths and checksums). */
export interface RadiotapInput {
  version?: number;
  pad?: number;
  /** Default: computed. */
  length?: number;
  /** Default: the bits of the typed fields given. */
  present?: readonly number[];
  /** Default: laid out from `present` and the typed fields. */
  data?: Uint8Array | string;
  tsft?: bigint | number | string;
  flags?: number;
  rate?: number;
  channelFrequency?: number;
  channelFlags?: number;
  antennaSignal?: number;
  antennaNoise?: number;
  antenna?: number;
}

declare module '../types.js' {
  interface LayerTypes {
    radiotap: { fields: RadiotapFields; input: RadiotapInput } & BindingTypes<typeof binding>;
  }
}

/** Alignment and size of the fields of the default namespace, by presence bit (radiotap.org/fields/defined). */
const FIELD_SHAPES: readonly (readonly [align: number, size: number])[] = [
  [8, 8], [1, 1], [1, 1], [2, 4], [1, 2], [1, 1], [1, 1], [2, 2], [2, 2], [2, 2], [1, 1], [1, 1], [1, 1], [1, 1],
  [2, 2], [2, 2], [1, 1], [1, 1], [4, 8], [1, 3], [4, 8], [2, 12], [8, 12], [2, 12], [2, 12], [2, 6], [1, 1], [2, 4],
];
const EXT = 0x80000000;
export const FLAG_FCS_AT_END = 0x10;

type Typed = 'tsft' | 'flags' | 'rate' | 'channelFrequency' | 'channelFlags' | 'antennaSignal' | 'antennaNoise' | 'antenna';
/** The typed fields: presence bit, offset within the field, size, signed. */
const TYPED: readonly { name: Typed; bit: number; at: number; size: 1 | 2 | 8; signed?: boolean }[] = [
  { name: 'tsft', bit: 0, at: 0, size: 8 },
  { name: 'flags', bit: 1, at: 0, size: 1 },
  { name: 'rate', bit: 2, at: 0, size: 1 },
  { name: 'channelFrequency', bit: 3, at: 0, size: 2 },
  { name: 'channelFlags', bit: 3, at: 2, size: 2 },
  { name: 'antennaSignal', bit: 5, at: 0, size: 1, signed: true },
  { name: 'antennaNoise', bit: 6, at: 0, size: 1, signed: true },
  { name: 'antenna', bit: 11, at: 0, size: 1 },
];

/**
 * Offsets (from the header start) of the first bitmap's fields, walking them in bit order with
 * their alignment, up to the first bit whose size is unknown; and where that walk ended.
 */
function firstWordOffsets(present0: number, dataStart: number): { offsets: Map<number, number>; end: number; complete: boolean } {
  const offsets = new Map<number, number>();
  let at = dataStart;
  for (let bit = 0; bit < 29; bit++) {
    if (((present0 >>> bit) & 1) === 0) continue;
    const shape = FIELD_SHAPES[bit];
    if (!shape) return { offsets, end: at, complete: false };
    at = Math.ceil(at / shape[0]) * shape[0];
    offsets.set(bit, at);
    at += shape[1];
  }
  return { offsets, end: at, complete: true };
}

function fail(field: string, value: unknown, allowed: string): never {
  throw new FieldValueError('radiotap', field, value, allowed);
}

function tsftInput(value: unknown): bigint {
  let v: bigint | undefined;
  if (typeof value === 'bigint') v = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) v = BigInt(value);
  else if (typeof value === 'string' && /^\d{1,20}$/.test(value)) v = BigInt(value);
  if (v === undefined || v < 0n || v >= 1n << 64n) fail('tsft', value, 'an integer 0..2^64-1 (a bigint, or decimal text in JSON)');
  return v as bigint;
}

interface Plan {
  present: number[];
  data: Uint8Array;
  offsets: Map<number, number>;
  dataStart: number;
}

function plan(f: RadiotapInput): Plan {
  let present: number[];
  if (f.present !== undefined) {
    present = checkList<number>(f.present, 'present', fail).map((w, i) => checkUint(w, 32, `present[${i}]`, fail));
    if (present.length === 0) fail('present', f.present, 'at least one bitmap');
  } else {
    let word = 0;
    for (const t of TYPED) if (f[t.name] !== undefined) word |= 1 << t.bit;
    present = [word >>> 0];
  }
  present.forEach((w, i) => {
    // Bit 31 chains the words: every word but the last has it, the last does not.
    if (((w & EXT) !== 0) !== (i < present.length - 1)) fail(`present[${i}]`, w, i < present.length - 1 ? 'bit 31 set: another bitmap follows' : 'bit 31 clear: it is the last bitmap');
  });
  const dataStart = 4 + 4 * present.length;
  const walk = firstWordOffsets(present[0], dataStart);
  let data: Uint8Array;
  if (f.data !== undefined) data = Uint8Array.from(bytesInput('radiotap', 'data', f.data));
  else {
    if (!walk.complete || present.length > 1) fail('data', undefined, 'the field bytes: only the fields of one bitmap of known bits (0..27) are laid out without it');
    data = new Uint8Array(walk.end - dataStart);
  }
  for (const t of TYPED) {
    if (f[t.name] !== undefined && !walk.offsets.has(t.bit)) fail(t.name, f[t.name], `no value, or presence bit ${t.bit} set in present[0] (before any bit of unknown size)`);
  }
  return { present, data, offsets: walk.offsets, dataStart };
}

/** Write the typed fields given over the field bytes. */
function writeTyped(f: RadiotapInput, p: Plan): void {
  const view = new DataView(p.data.buffer, p.data.byteOffset, p.data.length);
  for (const t of TYPED) {
    const value = f[t.name];
    if (value === undefined) continue;
    const at = p.offsets.get(t.bit)! + t.at - p.dataStart;
    if (at + t.size > p.data.length) fail('data', p.data.length, `at least ${at + t.size} bytes to hold ${t.name}`);
    if (t.size === 8) view.setBigUint64(at, tsftInput(value), true);
    else if (t.signed) {
      if (!Number.isInteger(value) || (value as number) < -128 || (value as number) > 127) fail(t.name, value, 'an integer -128..127 (dBm)');
      view.setInt8(at, value as number);
    } else if (t.size === 1) view.setUint8(at, checkUint(value, 8, t.name, fail));
    else view.setUint16(at, checkUint(value, 16, t.name, fail), true);
  }
}

const TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC-32 of IEEE 802.3 (the 802.11 FCS), as the FCS field holds it little-endian. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const binding = { follows: ['start', 'pktap'] } as const satisfies LayerBinding;

export const radiotap: LayerCodec = {
  name: 'radiotap',
  title: 'Radiotap capture header',
  rfc: 'radiotap.org, LINKTYPE_IEEE802_11_RADIOTAP (127)',
  fields: [uint('version', 8, { doc: 'Version, 0' }), uint('pad', 8, { doc: 'Padding, 0' }), uint('length', 16, { doc: 'Header length, little-endian', role: 'auto' })],
  extraFields: [
    { name: 'present', doc: 'Presence bitmaps (default: the bits of the typed fields given)' },
    { name: 'data', doc: 'All field bytes after the bitmaps (default: laid out from the typed fields)' },
    { name: 'tsft', doc: 'Bit 0: TSF timer in microseconds (decimal text in JSON)' },
    { name: 'flags', doc: 'Bit 1: flags (0x10: the frame ends with an FCS, kept as this layer\'s trailer)' },
    { name: 'rate', doc: 'Bit 2: rate, 500 kb/s units' },
    { name: 'channelFrequency, channelFlags', doc: 'Bit 3: channel frequency (MHz) and flags' },
    { name: 'antennaSignal, antennaNoise', doc: 'Bits 5 and 6: dBm, signed' },
    { name: 'antenna', doc: 'Bit 11: antenna index' },
  ],
  ...binding,

  measure(frame) {
    const p = plan(frame.fields as RadiotapInput);
    writeTyped(frame.fields as RadiotapInput, p);
    frame.state = p;
    return p.dataStart + p.data.length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const f = frame.fields as RadiotapInput;
    const p = frame.state as Plan;
    const o = frame.offset;
    buf[o] = checkUint(f.version ?? 0, 8, 'version', fail);
    buf[o + 1] = checkUint(f.pad ?? 0, 8, 'pad', fail);
    putLe16(buf, o + 2, checkUint(f.length ?? p.dataStart + p.data.length, 16, 'length', fail));
    p.present.forEach((w, i) => putLe32(buf, o + 4 + 4 * i, w));
    buf.set(p.data, o + p.dataStart);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 8) throw new LengthError('radiotap', off, 8, end - off, 'buffer');
    const version = buf[off];
    const length = le16(buf, off + 2);
    if (version !== 0) ctx.report(new ContentError('radiotap', off, 'version', version, '0 (the only radiotap version)'));
    if (length > end - off) throw new LengthError('radiotap', off, length, end - off, 'radiotap.length');
    const present: number[] = [];
    let at = off + 4;
    do {
      if (at + 4 > off + length) throw new LengthError('radiotap', off, at + 4 - off, length, 'radiotap.length', 'the presence bitmaps run past the header length');
      present.push(le32(buf, at));
      at += 4;
    } while (present[present.length - 1] & EXT);
    const dataStart = at - off;
    const fields: Record<string, unknown> = { version, pad: buf[off + 1], length, present, data: Buffer.from(buf.subarray(at, off + length)) };
    const walk = firstWordOffsets(present[0], dataStart);
    for (const t of TYPED) {
      const fieldAt = walk.offsets.get(t.bit);
      if (fieldAt === undefined || fieldAt + t.at + t.size > length) continue;
      const p = off + fieldAt + t.at;
      if (t.size === 8) fields[t.name] = new DataView(buf.buffer, buf.byteOffset + p, 8).getBigUint64(0, true);
      else if (t.size === 2) fields[t.name] = le16(buf, p);
      else fields[t.name] = t.signed ? (buf[p] << 24) >> 24 : buf[p];
    }
    const fcs = typeof fields.flags === 'number' && (fields.flags & FLAG_FCS_AT_END) !== 0;
    if (fcs && end - (off + length) < 4) throw new LengthError('radiotap', off, length + 4, end - off, 'radiotap.flags', 'the flags announce a 4-byte FCS at the end');
    return decodeStep(fields, off + length, fcs ? end - 4 : end, 'ieee80211');
  },

  verifyChecksum(ctx, off, end, fields): ChecksumVerdict | undefined {
    if (typeof fields.flags !== 'number' || (fields.flags & FLAG_FCS_AT_END) === 0) return undefined;
    const buf = ctx.buf;
    if (end + 4 > buf.length) return undefined;
    const actual = le32(buf, end);
    const expected = crc32(buf.subarray(off + (fields.length as number), end));
    return { status: actual === expected ? 'valid' : 'invalid', expected, actual };
  },

  summary: (f) => `Radiotap${f.rate !== undefined ? ` ${(f.rate as number) / 2} Mb/s` : ''}${f.channelFrequency !== undefined ? ` ${f.channelFrequency as number} MHz` : ''}${f.antennaSignal !== undefined ? ` ${f.antennaSignal as number} dBm` : ''}`,
};
