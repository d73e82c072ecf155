/**
 * The type-length-value lists of SCTP (RFC 9260 section 3.2): chunks in a packet, parameters in
 * a chunk, error causes in an ERROR or ABORT chunk. One generic list codec serves all three;
 * each item kind is one table entry (code, name, fixed fields, variable tail) that drives
 * encoding, decoding and printing.
 *
 * Lengths and padding, exactly as RFC 9260 section 3.2 says:
 * - an item's Length counts its header and value, never its own trailing padding;
 * - every item is padded with zeros to a multiple of 4 bytes;
 * - a chunk's Length counts the padding of every parameter in it except the last, whose padding
 *   is the chunk's own (uncounted) padding; the same for error causes in a chunk. Scapy 2.5
 *   counts the last parameter's padding too;
 * - items nested in a parameter or cause (the parameter in an Unrecognized Parameter, causes in
 *   an Error Cause Indication, parameters in an Unrecognized Parameters cause) follow the same
 *   rule: the value holds the item's type, length and value (RFC 9260 sections 3.3.3.1 and
 *   3.3.10.8), and the last item's padding is the container's. usrsctp sends exactly this;
 *   Linux counts the inner padding too. Decoding keeps whatever padding it finds, either way.
 *
 * Round trips are exact for any bytes: an item decodes to its named form only when that form
 * re-encodes to the same bytes; otherwise it stays raw (`{ type: number, data }`). Padding that
 * is not the default (zeros, of the length the rules give) is kept as `padding`, and a Length
 * that does not fit is kept as `length`, with the rest of the list as the item's data.
 */
import { compileHeader, type CompiledHeader } from '../header.js';
import type { FieldDef } from '../field.js';
import { ContentError, FieldValueError, LengthError, UnknownFieldError, type PacketError } from '../errors.js';
import { be16, be32, bytesInput, parseIpv4, parseIpv6, putBe16, putBe32, readIpv4, readIpv6 } from '../bytes.js';
import { closest } from '../suggest.js';
import { keyChecker } from '../key-check.js';
import { deviationRules, type DeviationRule, type DeviationRules } from '../deviation.js';

/** A decoded or given item: plain fields, discriminated by `type` or `code`. */
export type Item = Record<string, unknown>;
/** Report a decoding problem: ctx.report (throws in strict mode, collects in lax mode). */
export type Report = (error: PacketError) => void;

/**
 * Types of decoded values turned into what encoding accepts: every field optional except the
 * discriminators `type` and `code`, bytes also as hex text, lists read-only.
 */
export type Loose<T> = T extends Uint8Array
  ? Uint8Array | string
  : T extends readonly (infer E)[]
    ? readonly Loose<E>[]
    : T extends object
      ? { readonly [K in keyof T as K extends 'type' | 'code' ? K : never]: T[K] } & {
          readonly [K in keyof T as K extends 'type' | 'code' ? never : K]?: Loose<T[K]>;
        }
      : T;

/** What the upper two bits of an unrecognized chunk or parameter type tell the receiver to do (RFC 9260 sections 3.2, 3.2.1). */
export type SctpAction = 'stop' | 'stop-report' | 'skip' | 'skip-report';
const ACTIONS: readonly SctpAction[] = ['stop', 'stop-report', 'skip', 'skip-report'];

/** The action bits of a chunk type (8 bits) or parameter type (16 bits). */
export function actionOf(type: number, bits: 8 | 16): SctpAction {
  return ACTIONS[(type >>> (bits - 2)) & 3];
}

/** HMAC identifiers (RFC 4895 section 3.3), used by AUTH, Requested HMAC Algorithm and Unsupported HMAC Identifier. */
export const SCTP_HMAC_IDS = { 'sha-1': 1, 'sha-256': 3 } as const;
/** An HMAC identifier by name (RFC 4895 section 3.3: `sha-1`, `sha-256`). */
export type SctpHmacName = keyof typeof SCTP_HMAC_IDS;

export const EMPTY = new Uint8Array(0);
export const pad4 = (n: number): number => (4 - (n & 3)) & 3;

/**
 * Where an item is while it is encoded, e.g. `chunks[1].params[0]`: the text is made only when
 * a message needs it (template literals and `String()` call `toString`), not once per item.
 */
export class ItemPath {
  constructor(
    readonly parent: Path,
    readonly key: string | number,
  ) {}

  toString(): string {
    return typeof this.key === 'number' ? `${String(this.parent)}[${this.key}]` : `${String(this.parent)}.${this.key}`;
  }
}
export type Path = string | ItemPath;

/** Throw a FieldValueError naming the item path, e.g. `chunks[1].params[0].address`. */
export function fail(path: Path, value: unknown, allowed: string): never {
  throw new FieldValueError('sctp', String(path), value, allowed);
}

export function uintAt(path: Path, value: unknown, bits: number): number {
  const max = 2 ** bits - 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) fail(path, value, `an integer 0..${max}`);
  return value as number;
}

/**
 * Where a list is encoded: one growing buffer that each item, its value and its nested lists
 * are written into in place, one after another (no array per item, no copies of parts).
 */
export class Writer {
  buf = new Uint8Array(256);
  /** The end of what is written. */
  at = 0;

  /** Room for `n` more bytes: returns where they start and moves `at` past them (`buf` may be replaced). */
  take(n: number): number {
    const start = this.at;
    const end = start + n;
    if (end > this.buf.length) {
      const bigger = new Uint8Array(Math.max(end, 2 * this.buf.length));
      bigger.set(this.buf.subarray(0, start));
      this.buf = bigger;
      this.view = undefined;
    }
    this.at = end;
    return start;
  }

  put(bytes: Uint8Array): void {
    const start = this.take(bytes.length);
    this.buf.set(bytes, start);
  }

  /** What is written, [0, at): a view of `buf`, made again only when the length changes (packets of a stream tend to keep theirs). */
  written(): Uint8Array {
    if (this.view === undefined || this.view.length !== this.at) this.view = this.buf.subarray(0, this.at);
    return this.view;
  }

  private view: Uint8Array | undefined;

  zeros(n: number): void {
    const start = this.take(n);
    for (let k = start; k < start + n; k++) this.buf[k] = 0;
  }
}

/** The variable part of an item after its fixed fields. */
export interface Tail {
  /** Field names this tail reads and writes (for the unknown-field check and docs). */
  readonly fields: readonly string[];
  /** Write the tail at `w.at`. `flags` is the chunk's flags byte (0 for parameters and causes). */
  write(item: Item, path: Path, flags: number, w: Writer): void;
  /**
   * Add the fields of buf[start, end) to `item` (which holds the fixed fields already); false
   * (after reporting why) when the bytes do not fit.
   */
  decode(buf: Uint8Array, start: number, end: number, item: Item, flags: number, path: Path, report: Report): boolean;
  /**
   * True when whatever `decode` returns without a report encodes back to exactly those bytes
   * (raw bytes, lists of items that are themselves checked): the decoder may then skip encoding
   * the item again to make sure (ListCodec.decodeItem).
   */
  readonly exact?: boolean;
  /**
   * What the tail is, for the list code compiled per shape (sctp-compiled.ts), which writes
   * and reads these kinds inline; a tail without it is called as it is.
   */
  readonly shape?: TailShape;
}

/** The tails the compiled lists inline: opaque bytes, a nested list, a list of numbers. */
export type TailShape =
  | { readonly kind: 'bytes'; readonly field: string }
  | { readonly kind: 'list'; readonly field: string; readonly list: () => ListCodec }
  | {
      readonly kind: 'numbers';
      readonly field: string;
      readonly bits: 8 | 16 | 32;
      readonly names?: () => { codeOf(v: unknown): number | undefined; nameOf(c: number): string | number };
    };

/** One chunk, parameter or cause kind: the single declaration encoding, decoding and printing use. */
export interface KindSpec {
  readonly name: string;
  readonly code: number;
  readonly doc: string;
  /** Defining document, e.g. `RFC 9260 section 3.3.1`. */
  readonly rfc: string;
  /** Chunks: names of the 8 flag bits, most significant first ('' for unused bits). */
  readonly flags?: readonly string[];
  /** Fixed-size fields right after the type and length, as in the RFC diagrams. */
  readonly fixed?: readonly FieldDef[];
  /** Values of fixed fields with role `auto` (counts), from the item as given. */
  readonly auto?: (item: Item) => Record<string, number>;
  /** Fixed fields left out of decoded items when zero (reserved bits). */
  readonly quiet?: readonly string[];
  readonly tail?: Tail;
  /** Short text for one-line summaries, e.g. `tsn 1 sid 0`. */
  readonly summary?: (item: Item) => string;
}

const NO_AUTO: Record<string, number> = {};

/** What a kind's `scan` says an item gives, besides its fields (exported for the compiled lists, sctp-compiled.ts). */
export const GIVEN_LENGTH = 1;
export const GIVEN_PADDING = 2;
export const GIVEN_FLAGS = 4;
const GIVEN_ALL = GIVEN_LENGTH | GIVEN_PADDING | GIVEN_FLAGS;

/**
 * A generated scan of an item's keys (a string switch, as key-check.ts makes): -1 at the first
 * key not in `names`, else which of `length`, `padding` and `flags` it gives.
 */
function keyScanner(kind: string, names: readonly string[]): (item: Item) => number {
  const bits: Record<string, number> = { length: GIVEN_LENGTH, padding: GIVEN_PADDING, flags: GIVEN_FLAGS };
  const cases = names.map((n) => `case ${JSON.stringify(n)}:${bits[n] ? ` s |= ${bits[n]};` : ''} break;`).join(' ');
  const id = kind.replace(/\W/g, '_');
  return new Function(`return function keys_${id}(f) { let s = 0; for (const k in f) { switch (k) { ${cases} default: return -1; } } return s; };\n//# sourceURL=rawcraft/sctp-keys/${id}.js`)() as (item: Item) => number;
}

/** A kind, compiled: its fixed header, the field names it accepts, and its body codec. */
export class CompiledKind {
  readonly header: CompiledHeader<Item>;
  readonly fieldNames: ReadonlySet<string>;
  /** Which of `length`, `padding` and `flags` an item gives (GIVEN_* bits), or -1 for a key not in `fieldNames`. */
  readonly scan: (item: Item) => number;
  readonly flagMask: number;
  /**
   * Whether a cleanly decoded item always encodes back to its bytes: fixed fields that read and
   * write symmetrically (numbers, enums, addresses; no flag lists, whose unnamed bits would not),
   * quiet fields that default to the 0 they are left out for, and an exact tail (or none).
   */
  readonly exact: boolean;

  constructor(
    readonly spec: KindSpec,
    tag: string,
    chunk: boolean,
    /** The list's rules: a value too short or too long for the kind breaks `value-length`. */
    private readonly deviations: DeviationRules<ListRule>,
  ) {
    this.header = compileHeader<Item>('sctp', spec.fixed ?? []);
    const names = [tag, 'length', 'padding', ...(spec.fixed ?? []).map((f) => f.name), ...(spec.tail?.fields ?? [])];
    if (chunk) names.push('flags');
    this.fieldNames = new Set(names);
    this.scan = keyScanner(spec.name, names);
    let mask = 0;
    spec.flags?.forEach((n, i) => {
      if (n) mask |= 0x80 >> i;
    });
    this.flagMask = mask;
    const fixed = spec.fixed ?? [];
    this.exact =
      (spec.tail === undefined || spec.tail.exact === true) &&
      fixed.every((f) => f.kind === 'uint' || f.kind === 'enum' || f.kind === 'ipv4' || f.kind === 'ipv6') &&
      (spec.quiet ?? []).every((name) => {
        const def = fixed.find((f) => f.name === name);
        return def !== undefined && (def.default ?? 0) === 0;
      });
  }

  /** Write the value (after type and length) at `w.at`: the tail first, so its errors come first, then the fixed fields before it. */
  writeBody(item: Item, path: Path, flags: number, w: Writer): void {
    const at = w.take(this.header.length);
    if (this.spec.tail) this.spec.tail.write(item, path, flags, w);
    if (this.header.length === 0) return;
    try {
      this.header.write(w.buf, at, item, this.spec.auto ? this.spec.auto(item) : NO_AUTO);
    } catch (error) {
      if (error instanceof FieldValueError) fail(`${path}.${error.field}`, error.value, error.allowed);
      throw error;
    }
  }

  /** Add the fields of the value buf[start, end) to `item`; false (reported) when it does not fit this kind. */
  decodeBody(buf: Uint8Array, start: number, end: number, flags: number, item: Item, path: Path, report: Report): boolean {
    const n = this.header.length;
    if (end - start < n) {
      report(this.valueLength(start, end - start, path, `at least ${n}`));
      return false;
    }
    if (n) this.header.readInto(buf, start, item);
    if (this.spec.tail) {
      if (!this.spec.tail.decode(buf, start + n, end, item, flags, path, report)) return false;
    } else if (end !== start + n) {
      report(this.valueLength(start + n, end - start, path, `exactly ${n}`));
      return false;
    }
    if (this.spec.auto) {
      for (const [k, v] of Object.entries(this.spec.auto(item))) if (item[k] === v) delete item[k];
    }
    if (this.spec.quiet) for (const k of this.spec.quiet) if (item[k] === 0) delete item[k];
    return true;
  }

  /** A value of `size` bytes where the kind's RFC section fixes `allowed`. */
  private valueLength(offset: number, size: number, path: Path, allowed: string): PacketError {
    const expected = `${allowed} for ${article(this.spec.name)} ${this.spec.name}`;
    return this.deviations.error('value-length', offset, `${size} value bytes`, { field: String(path), expected, rfc: this.spec.rfc });
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

export interface ListConfig {
  /** Field name of the list, e.g. `chunks`, for error paths. */
  readonly what: string;
  /** What one item is called in messages: `chunk`, `parameter`, `cause`. */
  readonly item: string;
  /** The discriminating key: `type` for chunks and parameters, `code` for causes. */
  readonly tag: 'type' | 'code';
  /** Chunk header (8-bit type, 8-bit flags, 16-bit length) instead of a 16-bit type and length. */
  readonly chunkHeader: boolean;
  /** Whether the last item is padded inside the list (chunks) or its padding is the container's (parameters, causes). */
  readonly padLast: boolean;
  /** Expose the action bits (upper two bits of the type) on raw items. */
  readonly actionBits: boolean;
  readonly kinds: readonly KindSpec[];
  /** The section defining the items' Length and padding, e.g. `RFC 9260 section 3.2`. */
  readonly rfc: string;
}

type ListRule = 'length' | 'value-length' | 'padding-zero' | 'padding-missing' | 'padding-extra' | 'last-padding-counted';

/** Lists directly in a chunk (`chunks[2].params`), as opposed to lists nested in a parameter or cause. */
const IN_CHUNK = /^chunks\[\d+\]\.\w+$/;

/** Where `reproduces` encodes a decoded item again (decoding is synchronous, and encoding never decodes). */
const again = new Writer();

/** How many reports a list's items have made so far. */
interface Tally {
  reports: number;
}

const RAW_KEYS_TLV = new Set(['length', 'padding', 'data', 'action']);

/** A list codec: encode items to bytes, decode bytes to items. */
export class ListCodec {
  readonly byName: ReadonlyMap<string, CompiledKind>;
  readonly byCode: ReadonlyMap<number, CompiledKind>;
  private readonly typeBits: 8 | 16;
  private readonly rawKeys: ReadonlySet<string>;
  private readonly unknownRawKey: (item: Item) => string | undefined;
  private readonly deviations: DeviationRules<ListRule>;

  constructor(readonly config: ListConfig) {
    const { what, rfc } = config;
    // RFC 9260 section 3.2: a Length counts header and value, never the item's own padding, and
    // padding is zeros to a multiple of 4; a chunk's Length counts its parameters' padding except
    // the last one's. Names are prefixed by the list: `chunks-length`, `params-padding-zero`...
    this.deviations = deviationRules<ListRule>('sctp', {
      length: { field: `${what}[].length`, expected: 'at least 4 (the header and value of the item)', rfc },
      // Each kind's section fixes its value's size; reports cite that section.
      'value-length': { field: `${what}[]`, expected: 'the value size of the item\u2019s kind', rfc },
      'padding-zero': { field: `${what}[].padding`, expected: 'zeros', rfc },
      'padding-missing': { field: `${what}[].padding`, expected: 'zeros up to a multiple of 4 bytes', rfc: 'RFC 9260 section 3.2' },
      'padding-extra': { field: `${what}[].padding`, expected: 'at most 3 bytes, up to a multiple of 4 bytes', rfc },
      // Parameters and causes only: a chunk list pads its last item itself.
      ...(config.padLast
        ? {}
        : { 'last-padding-counted': { field: `${what}[].padding`, expected: 'none: the chunk Length does not count the padding of its last parameter or cause', rfc: 'RFC 9260 section 3.2' } }),
    } as Record<ListRule, DeviationRule>, `${what}-`);
    const compiled = config.kinds.map((k) => new CompiledKind(k, config.tag, config.chunkHeader, this.deviations));
    this.byName = new Map(compiled.map((k) => [k.spec.name, k]));
    this.byCode = new Map(compiled.map((k) => [k.spec.code, k]));
    this.typeBits = config.chunkHeader ? 8 : 16;
    this.rawKeys = new Set([config.tag, ...RAW_KEYS_TLV, ...(config.chunkHeader ? ['flags'] : [])]);
    this.unknownRawKey = keyChecker(this.rawKeys, `sctp-raw-${config.item}`);
  }

  /** The number of a kind name, or the number itself; undefined for an unknown name. */
  codeOf(value: unknown): number | undefined {
    if (typeof value === 'number') return value;
    return typeof value === 'string' ? this.byName.get(value)?.spec.code : undefined;
  }

  /** The name of a code, or the code when unknown. */
  nameOf(code: number): string | number {
    return this.byCode.get(code)?.spec.name ?? code;
  }

  private flagsIn(kind: CompiledKind | undefined, value: unknown, path: Path): number {
    if (value === undefined) return 0;
    if (Array.isArray(value) && kind?.spec.flags) {
      let bits = 0;
      for (const name of value) {
        const i = typeof name === 'string' && name !== '' ? kind.spec.flags.indexOf(name) : -1;
        if (i < 0) fail(`${path}.flags`, value, `a list of ${kind.spec.flags.filter((n) => n).join(', ')} or an integer 0..255`);
        bits |= 0x80 >> i;
      }
      return bits;
    }
    const names = kind?.spec.flags?.filter((n) => n);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 255) {
      fail(`${path}.flags`, value, names?.length ? `a list of ${names.join(', ')} or an integer 0..255` : 'an integer 0..255');
    }
    return value as number;
  }

  /** Decoded flags: names when only named bits are set, else the number. */
  private flagsOut(kind: CompiledKind, flags: number): string[] | number {
    const names = kind.spec.flags!;
    if (flags & ~kind.flagMask) return flags;
    const out: string[] = [];
    for (let i = 0; i < 8; i++) if (flags & (0x80 >> i)) out.push(names[i]);
    return out;
  }

  /**
   * Write one item (type, length, value; no padding) at `w.at` and return its explicit
   * `padding`, if it gives one.
   */
  private writeItem(item: unknown, path: Path, w: Writer): Uint8Array | undefined {
    const { tag, chunkHeader } = this.config;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      fail(path, item, `an object with a "${tag}"`);
    }
    const it = item as Item;
    const tagValue = it[tag];
    const start = w.take(4);
    let code: number;
    let flags = 0;
    // Which of the rarely given keys to read (each read of a key an item lacks is a slow lookup).
    let given = GIVEN_ALL;
    if (typeof tagValue === 'number') {
      code = uintAt(`${path}.${tag}`, tagValue, this.typeBits);
      this.checkKeys(it, undefined, code, path);
      if (it.action !== undefined && this.config.actionBits) {
        const action = actionOf(code, this.typeBits);
        if (it.action !== action) fail(`${path}.action`, it.action, `${JSON.stringify(action)}, the action bits of ${tag} ${code} (or leave it out)`);
      } else if (it.action !== undefined) {
        fail(`${path}.action`, it.action, 'nothing: error causes have no action bits');
      }
      if (chunkHeader) flags = this.flagsIn(undefined, it.flags, path);
      if (it.data !== undefined) w.put(bytesInput('sctp', `${path}.data`, it.data));
    } else {
      const kind = typeof tagValue === 'string' ? this.byName.get(tagValue) : undefined;
      if (!kind) fail(`${path}.${tag}`, tagValue, `one of ${[...this.byName.keys()].join(', ')}, or a number`);
      given = kind.scan(it);
      if (given < 0) {
        this.checkKeys(it, kind, kind.spec.code, path);
        given = GIVEN_ALL; // an unknown key given as undefined: left out
      }
      code = kind.spec.code;
      if (chunkHeader && given & GIVEN_FLAGS) flags = this.flagsIn(kind, it.flags, path);
      kind.writeBody(it, path, flags, w);
    }
    const length = !(given & GIVEN_LENGTH) || it.length === undefined ? w.at - start : uintAt(`${path}.length`, it.length, 16);
    const buf = w.buf;
    if (chunkHeader) {
      buf[start] = code;
      buf[start + 1] = flags;
    } else {
      buf[start] = code >>> 8;
      buf[start + 1] = code & 255;
    }
    buf[start + 2] = length >>> 8;
    buf[start + 3] = length & 255;
    return !(given & GIVEN_PADDING) || it.padding === undefined ? undefined : bytesInput('sctp', `${path}.padding`, it.padding);
  }

  /** `what` names the item for the message: made only when there is one. */
  /** Reject a key the item's kind (or a raw item of type `code`) does not know; the message is made only then. */
  private checkKeys(item: Item, kind: CompiledKind | undefined, code: number, path: Path): void {
    // The generated check finds the first unknown key; a key given as undefined counts as left out.
    if (kind ? kind.scan(item) >= 0 : this.unknownRawKey(item) === undefined) return;
    const allowed = kind ? kind.fieldNames : this.rawKeys;
    const what = kind ? `${kind.spec.name} ${this.config.item}` : `raw ${this.config.item} ${code}`;
    for (const key in item) {
      if (!allowed.has(key) && item[key] !== undefined) throw new UnknownFieldError(`sctp ${String(path)} (${what})`, key, closest(key, allowed), [...allowed]);
    }
  }

  /**
   * Encode a list. Each item is followed by its padding (zeros to a multiple of 4, or the
   * item's `padding`), except that the last item's default padding is left out when the
   * container pads instead (parameters and causes).
   */
  encode(items: unknown, path: string): Uint8Array {
    const w = new Writer();
    this.write(items, path, w);
    return w.buf.slice(0, w.at);
  }

  /** Encode a list at `w.at`, as `encode` does. */
  write(items: unknown, path: Path, w: Writer): void {
    if (items === undefined) return;
    if (!Array.isArray(items)) fail(path, items, `a list of ${this.config.what}`);
    const n = items.length;
    for (let i = 0; i < n; i++) {
      const start = w.at;
      const padding = this.writeItem(items[i], new ItemPath(path, i), w);
      if (padding !== undefined) w.put(padding);
      else if (i < n - 1 || this.config.padLast) w.zeros(pad4(w.at - start));
    }
  }

  /** One item from valid framing: named when its value fits and re-encodes exactly, raw otherwise. */
  private decodeItem(buf: Uint8Array, i: number, length: number, path: Path, report: Report, tally: Tally): Item {
    const { tag, chunkHeader, actionBits } = this.config;
    const code = chunkHeader ? buf[i] : (buf[i] << 8) | buf[i + 1];
    const flags = chunkHeader ? buf[i + 1] : 0;
    const kind = this.byCode.get(code);
    if (kind) {
      const reportsBefore = tally.reports;
      const item: Item = tag === 'type' ? { type: kind.spec.name } : { code: kind.spec.name };
      if (chunkHeader && (kind.spec.flags || flags)) item.flags = kind.spec.flags ? this.flagsOut(kind, flags) : flags;
      if (kind.decodeBody(buf, i + 4, i + length, flags, item, path, report)) {
        // An exact kind decoded without a report encodes back to these bytes: no need to try.
        if ((tally.reports === reportsBefore && kind.exact) || this.reproduces(item, buf, i, length)) return item;
      }
    }
    const raw: Item = { [tag]: code };
    if (actionBits) raw.action = actionOf(code, this.typeBits);
    if (chunkHeader) raw.flags = flags;
    raw.data = buf.subarray(i + 4, i + length);
    return raw;
  }

  private reproduces(item: Item, buf: Uint8Array, i: number, length: number): boolean {
    const w = again;
    w.at = 0;
    try {
      this.writeItem(item, '', w);
    } catch {
      return false;
    }
    if (w.at !== length) return false;
    for (let k = 0; k < length; k++) if (w.buf[k] !== buf[i + k]) return false;
    return true;
  }

  /** Report the padding in [start, end) after an item of `length` when it is not the RFC's. */
  private checkPadding(buf: Uint8Array, start: number, end: number, length: number, last: boolean, field: string, path: Path, report: Report): void {
    const nonZero = firstNonZero(buf, start, end);
    if (nonZero >= 0) report(this.deviations.error('padding-zero', nonZero, buf[nonZero], { field }));
    const size = end - start;
    const due = pad4(length);
    // The last parameter's (or cause's) padding is the container's: none here, or, counted in
    // the chunk's Length, the due bytes (Scapy 2.5 does it). That is not reported inside a
    // parameter or cause, where Linux counts it and usrsctp does not.
    const lastInside = last && !this.config.padLast;
    if (lastInside && size === due) {
      if (IN_CHUNK.test(String(path))) report(this.deviations.error('last-padding-counted', start, `${size} bytes`, { field }));
    } else if (size < due) report(this.deviations.error('padding-missing', start, `${size} bytes`, { field, expected: `${due} zero bytes` }));
    else if (size > due) report(this.deviations.error('padding-extra', start, `${size} bytes`, { field, expected: `${lastInside ? `0 or ${due}` : due} bytes` }));
  }

  /**
   * Decode the list in buf[start, end). Never loses a byte: a Length that does not fit makes
   * the rest of the list one raw item with that `length` (reported); 1 to 3 bytes too few for
   * another item become the previous item's `padding`. Returns undefined (reported) only when
   * the list is 1 to 3 bytes long, too short for any item. `offsets` receives each item's offset.
   */
  decode(buf: Uint8Array, start: number, end: number, path: Path, report: Report, offsets?: number[]): Item[] | undefined {
    const { tag, chunkHeader, actionBits, padLast } = this.config;
    const items: Item[] = [];
    // Counts the reports, so that an item can tell whether it decoded cleanly (one closure per list, not per item).
    const tally: Tally = { reports: 0 };
    const counted: Report = (e) => {
      tally.reports++;
      report(e);
    };
    let i = start;
    if (end - start > 0 && end - start < 4) {
      report(new LengthError('sctp', start, 4, end - start, `sctp.${path}`, `${this.config.what} need at least 4 bytes each`));
      return undefined;
    }
    while (i < end) {
      const p = new ItemPath(path, items.length);
      offsets?.push(i);
      const length = (buf[i + 2] << 8) | buf[i + 3];
      if (length < 4 || i + length > end) {
        if (length < 4) report(this.deviations.error('length', i + 2, length, { field: `${p}.length`, expected: `4..${end - i} (the header and value of the item)` }));
        else report(new LengthError('sctp', i, length, end - i, `sctp.${p}.length`, 'the item is truncated'));
        const code = chunkHeader ? buf[i] : (buf[i] << 8) | buf[i + 1];
        const raw: Item = { [tag]: code };
        if (actionBits) raw.action = actionOf(code, this.typeBits);
        if (chunkHeader) raw.flags = buf[i + 1];
        raw.data = buf.subarray(i + 4, end);
        raw.length = length;
        if (padLast && pad4(end - i)) raw.padding = EMPTY;
        items.push(raw);
        break;
      }
      const item = this.decodeItem(buf, i, length, p, counted, tally);
      const padStart = i + length;
      let padEnd = Math.min(padStart + pad4(length), end);
      if (end - padEnd < 4) padEnd = end; // too few bytes for another item: they are this one's padding
      const last = padEnd === end;
      const expected = last && !padLast ? 0 : pad4(length);
      const zero = allZero(buf, padStart, padEnd);
      if (padEnd - padStart !== expected || !zero) {
        item.padding = buf.subarray(padStart, padEnd);
        this.checkPadding(buf, padStart, padEnd, length, last, `${p}.padding`, path, report);
      }
      items.push(item);
      i = padEnd;
    }
    return items;
  }
}

function firstNonZero(buf: Uint8Array, start: number, end: number): number {
  for (let k = start; k < end; k++) if (buf[k] !== 0) return k;
  return -1;
}

function allZero(buf: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (buf[k] !== 0) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Tails: the variable parts that kinds share

/** Opaque bytes to the end of the value. */
export function bytesTail(field: string): Tail {
  return {
    fields: [field],
    write(item, path, _flags, w) {
      const value = item[field];
      if (value !== undefined) w.put(value instanceof Uint8Array ? value : bytesInput('sctp', `${path}.${field}`, value));
    },
    decode(buf, start, end, item) {
      item[field] = buf.subarray(start, end);
      return true;
    },
    exact: true,
    shape: { kind: 'bytes', field },
  };
}

/** A list of 8-, 16- or 32-bit numbers to the end of the value; known values by name. */
export function numberListTail(field: string, bits: 8 | 16 | 32, names?: () => { codeOf(v: unknown): number | undefined; nameOf(c: number): string | number }): Tail {
  const size = bits / 8;
  const max = 2 ** bits - 1;
  return {
    fields: [field],
    write(item, path, _flags, w) {
      const list = item[field] ?? [];
      if (!Array.isArray(list)) fail(`${path}.${field}`, list, 'a list');
      const start = w.take(size * list.length);
      for (let k = 0; k < list.length; k++) {
        const v: unknown = list[k];
        const n = typeof v === 'string' && names ? names().codeOf(v) : v;
        if (n === undefined) fail(`${path}.${field}[${k}]`, v, `a known name or an integer 0..${2 ** bits - 1}`);
        const x = typeof n === 'number' && n >= 0 && n <= max && Number.isInteger(n) ? n : uintAt(`${path}.${field}[${k}]`, n, bits);
        const at = start + size * k;
        if (size === 1) w.buf[at] = x;
        else if (size === 2) putBe16(w.buf, at, x);
        else putBe32(w.buf, at, x);
      }
    },
    decode(buf, start, end, item, _flags, path, report) {
      if ((end - start) % size) {
        report(new ContentError('sctp', start, `${path}.${field}`, `${end - start} bytes`, `a multiple of ${size} (${bits}-bit values)`));
        return false;
      }
      const list: (string | number)[] = [];
      for (let k = start; k < end; k += size) {
        const x = size === 1 ? buf[k] : size === 2 ? be16(buf, k) : be32(buf, k);
        list.push(names ? names().nameOf(x) : x);
      }
      item[field] = list;
      return true;
    },
    // Each number is read whole and written back whole; a name is that of exactly its number.
    exact: true,
    shape: { kind: 'numbers', field, bits, names },
  };
}

/** Parameters or causes to the end of the value; the last one's padding is the container's. */
export function listTail(field: string, list: () => ListCodec): Tail {
  return {
    fields: [field],
    write: (item, path, _flags, w) => list().write(item[field], new ItemPath(path, field), w),
    decode(buf, start, end, item, _flags, path, report) {
      const items = list().decode(buf, start, end, new ItemPath(path, field), report);
      if (items === undefined) return false;
      item[field] = items;
      return true;
    },
    // Each item is checked (or exact) as it is decoded; default paddings are left out, others kept.
    exact: true,
    shape: { kind: 'list', field, list },
  };
}

/** Fixed-size records (gap blocks, stream entries) to the end of the value. */
export function recordsTail(field: string, defs: readonly FieldDef[]): Tail {
  const record = compileHeader<Item>('sctp', defs);
  const n = record.length;
  return {
    fields: [field],
    write(item, path, _flags, w) {
      const list = item[field] ?? [];
      if (!Array.isArray(list)) fail(`${path}.${field}`, list, 'a list');
      const start = w.take(n * list.length);
      list.forEach((r: unknown, k) => {
        const p = `${path}.${field}[${k}]`;
        if (r === null || typeof r !== 'object') fail(p, r, `an object with ${defs.map((d) => d.name).join(', ')}`);
        try {
          record.write(w.buf, start + n * k, r as Item, NO_AUTO);
        } catch (error) {
          if (error instanceof FieldValueError) fail(`${p}.${error.field}`, error.value, error.allowed);
          throw error;
        }
      });
    },
    decode(buf, start, end, item, _flags, path, report) {
      if ((end - start) % n) {
        report(new ContentError('sctp', start, `${path}.${field}`, `${end - start} bytes`, `a multiple of ${n} (${n}-byte entries)`));
        return false;
      }
      const list: Item[] = [];
      for (let k = start; k < end; k += n) list.push(record.read(buf, k));
      item[field] = list;
      return true;
    },
  };
}

/** Text ending in a NUL byte (the Host Name Address parameter). */
export function textTail(field: string): Tail {
  return {
    fields: [field],
    write(item, path, _flags, w) {
      const text = item[field] ?? '';
      if (typeof text !== 'string' || text.includes('\0')) fail(`${path}.${field}`, text, 'text without NUL characters');
      w.put(Buffer.from(text as string, 'utf8'));
      w.zeros(1);
    },
    decode(buf, start, end, item, _flags, path, report) {
      const nul = buf.subarray(start, end).indexOf(0);
      if (nul < 0) {
        report(new ContentError('sctp', start, `${path}.${field}`, `${end - start} bytes without a NUL`, 'text ending in a NUL byte'));
        return false;
      }
      item[field] = Buffer.from(buf.buffer, buf.byteOffset + start, nul).toString('utf8');
      return true;
    },
  };
}

/**
 * One IPv4 or IPv6 Address parameter (RFC 9260 section 3.3.2.1), as address text: the Address
 * Parameter of the ASCONF parameters (RFC 5061 section 4.2).
 */
export function addressTail(field: string): Tail {
  return {
    fields: [field],
    write(item, path, _flags, w) {
      const text = item[field];
      const v4 = typeof text === 'string' ? parseIpv4(text) : undefined;
      const v6 = v4 === undefined && typeof text === 'string' ? parseIpv6(text) : undefined;
      if (v4 === undefined && v6 === undefined) fail(`${path}.${field}`, text, 'an IPv4 or IPv6 address, e.g. 192.0.2.1 or 2001:db8::1');
      const out = new Uint8Array(v4 !== undefined ? 8 : 20);
      out[1] = v4 !== undefined ? 5 : 6;
      out[3] = out.length;
      if (v4 !== undefined) {
        out[4] = v4 >>> 24;
        out[5] = (v4 >>> 16) & 255;
        out[6] = (v4 >>> 8) & 255;
        out[7] = v4 & 255;
      } else out.set(v6!, 4);
      w.put(out);
    },
    decode(buf, start, end, item, _flags, path, report) {
      const type = (buf[start] << 8) | buf[start + 1];
      const length = (buf[start + 2] << 8) | buf[start + 3];
      if (end - start === 8 && type === 5 && length === 8) item[field] = readIpv4(buf, start + 4);
      else if (end - start === 20 && type === 6 && length === 20) item[field] = readIpv6(buf, start + 4);
      else {
        report(new ContentError('sctp', start, `${path}.${field}`, `${end - start} bytes`, 'one IPv4 Address (8 bytes) or IPv6 Address (20 bytes) parameter'));
        return false;
      }
      return true;
    },
  };
}

export { be16, be32, putBe16, putBe32 } from '../bytes.js';

/** Names for the values of a number field or list (HMAC identifiers, result codes). */
export function enumNames(table: Readonly<Record<string, number>>): { codeOf(v: unknown): number | undefined; nameOf(c: number): string | number } {
  const byCode = new Map<number, string>();
  for (const [k, v] of Object.entries(table)) if (!byCode.has(v)) byCode.set(v, k);
  return {
    codeOf: (v) => (typeof v === 'number' ? v : typeof v === 'string' ? table[v] : undefined),
    nameOf: (c) => byCode.get(c) ?? c,
  };
}
