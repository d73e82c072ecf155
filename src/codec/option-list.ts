/**
 * Type-length-value option lists shared by IPv4 (RFC 791 section 3.1) and TCP (RFC 9293
 * section 3.1): kind 0 ends the list, kind 1 is a one-byte no-op, every other kind carries a
 * length octet that counts the kind and length octets themselves.
 *
 * Round trips are exact by construction: an option decodes to its named form only when that
 * form re-encodes to the same bytes; anything else stays raw (`{ kind: number, data }`), and
 * bytes after an end-of-list option, or after a malformed option, are kept as `padding`.
 */
import { FieldValueError, type PacketError } from './errors.js';
import { parseHex } from './bytes.js';
import { deviationRules, type DeviationRule } from './deviation.js';

/** A raw option: the kind number and its body, optionally with an explicit (maybe wrong) length. */
export interface RawOption {
  readonly kind: number;
  readonly data: Uint8Array | string;
  readonly length?: number;
}

/** How one named option kind is written and read. */
export interface OptionKind<O extends { kind: string }> {
  readonly name: O['kind'];
  readonly code: number;
  readonly doc: string;
  /** Body bytes (after kind and length); undefined for the one-byte options EOL and NOP. */
  encodeBody?(option: O, fail: (field: string, value: unknown, allowed: string) => never): Uint8Array;
  /**
   * Fields from a body; undefined when the body does not fit the named form. Must accept only
   * bodies that `encodeBody` reproduces byte for byte (exact sizes), so round trips stay exact.
   */
  decodeBody?(body: Uint8Array): Omit<O, 'kind' | 'length'> | undefined;
  /**
   * Fast path, optional: the body length `put` will write, or -1 when the option is not valid
   * (then `encodeBody` runs and reports the error). Kinds with both `size` and `put` are
   * written straight into the packet buffer, with no per-option allocation.
   */
  size?(option: O): number;
  /** The body length `size` gives for every valid option, when fixed: writing then needs no second `size` call. */
  readonly bodyLength?: number;
  /** Write the body validated by `size` at `at`. */
  put?(option: O, buf: Uint8Array, at: number): void;
  /**
   * Fast path, optional: the whole option from its body at buf[start, end), with the same
   * result and acceptance rule as `decodeBody` (undefined: keep it raw), without a subarray.
   */
  read?(buf: Uint8Array, start: number, end: number): O | undefined;
  /**
   * The lengths the kind's RFC allows (the length octet, kind and length octets included), when
   * it fixes them: any other is reported as a deviation. `option` is where the option starts.
   */
  readonly lengthRule?: { valid(length: number, buf: Uint8Array, option: number): boolean; readonly expected: string; readonly rfc: string };
}

export interface OptionListCodec<O extends { kind: string }> {
  readonly kinds: readonly OptionKind<O>[];
  /** Encode a list to bytes (unpadded). */
  encode(options: readonly (O | RawOption)[]): Uint8Array;
  /**
   * Validate a list for writing in place: its encoded length, or -1 when some option needs
   * `encode` (raw options, kinds without a fast path, invalid input: `encode` throws the error).
   */
  measure(options: readonly (O | RawOption)[]): number;
  /** Write a list `measure` accepted at `at`; returns the end offset. */
  write(options: readonly (O | RawOption)[], buf: Uint8Array, at: number): number;
  /** Decode bytes; returns the options and whatever trailing bytes could not be options. */
  decode(buf: Uint8Array, start: number, end: number, report: (e: PacketError) => void): { options: (O | RawOption)[]; padding: Uint8Array };
}

export function optionListCodec<O extends { kind: string; length?: number }>(
  layer: string,
  field: string,
  kinds: readonly OptionKind<O>[],
  /** The section defining the list's framing and padding, e.g. `RFC 791 section 3.1`. */
  rfc: string,
): OptionListCodec<O> {
  const byName = new Map<string, OptionKind<O>>(kinds.map((k) => [k.name, k]));
  const byCode = new Map<number, OptionKind<O>>(kinds.map((k) => [k.code, k]));
  // Dense by code (a byte): decoding an option looks its kind up with one indexed load.
  const byCodeDense: readonly (OptionKind<O> | undefined)[] = Array.from({ length: 256 }, (_, code) => byCode.get(code));

  // The list's own rules, and one per kind whose RFC fixes its length.
  const listRules: Record<string, DeviationRule> = {
    'option-length': { field: `${field}[].length`, expected: 'at least 2, the option inside the header', rfc },
    'padding-after-end': { field: 'padding', expected: 'zeros after the end-of-option-list option', rfc },
  };
  for (const kind of kinds) if (kind.lengthRule) listRules[`${kind.name}-length`] = { field: `${field}[].length`, expected: kind.lengthRule.expected, rfc: kind.lengthRule.rfc };
  const deviations = deviationRules(layer, listRules);

  const fail = (index: number) => (name: string, value: unknown, allowed: string): never => {
    throw new FieldValueError(layer, `${field}[${index}].${name}`, value, allowed);
  };

  function encodeOne(option: O | RawOption, index: number): Uint8Array {
    const f = fail(index);
    if (option === null || typeof option !== 'object') return f('kind', option, 'an option object such as { kind: "nop" }');
    let code: number;
    let body: Uint8Array | undefined;
    if (typeof option.kind === 'number') {
      code = option.kind;
      if (!Number.isInteger(code) || code < 0 || code > 255) f('kind', code, 'an integer 0..255 or a known option name');
      const data = (option as RawOption).data ?? new Uint8Array(0);
      body = typeof data === 'string' ? parseHex(data) : data instanceof Uint8Array ? data : undefined;
      if (body === undefined) f('data', data, 'bytes (a Uint8Array or hex text)');
      // Kinds 0 and 1 are single octets; a raw one with data writes the data after it verbatim.
      if ((code === 0 || code === 1) && (option as RawOption).length === undefined) {
        const out = new Uint8Array(1 + body!.length);
        out[0] = code;
        out.set(body!, 1);
        return out;
      }
    } else {
      const kind = byName.get(option.kind);
      if (!kind) return f('kind', option.kind, `one of ${[...byName.keys()].join(', ')} or a number`);
      code = kind.code;
      if (!kind.encodeBody) return Uint8Array.of(code);
      body = kind.encodeBody(option as O, f);
    }
    const length = option.length ?? body!.length + 2;
    if (!Number.isInteger(length) || length < 0 || length > 255) f('length', length, 'an integer 0..255');
    const out = new Uint8Array(2 + body!.length);
    out[0] = code;
    out[1] = length;
    out.set(body!, 2);
    return out;
  }

  const EMPTY = new Uint8Array(0);
  const inPlace = compileInPlace(`${layer}-${field}`, kinds);

  return {
    kinds,
    measure: inPlace.measure,
    write: inPlace.write,
    encode(options) {
      if (!Array.isArray(options)) throw new FieldValueError(layer, field, options, 'a list of options');
      const parts = options.map(encodeOne);
      const total = parts.reduce((n, p) => n + p.length, 0);
      const out = new Uint8Array(total);
      let pos = 0;
      for (const p of parts) {
        out.set(p, pos);
        pos += p.length;
      }
      return out;
    },
    decode(buf, start, end, report) {
      const options: (O | RawOption)[] = [];
      let i = start;
      while (i < end) {
        const code = buf[i];
        const kind = byCodeDense[code];
        if (code === 0 || code === 1) {
          options.push(kind ? ({ kind: kind.name } as O) : { kind: code, data: '' });
          i += 1;
          if (code === 0) {
            // End of list: the rest is padding, which the RFCs make zeros.
            for (let k = i; k < end; k++) {
              if (buf[k] !== 0) {
                report(deviations.error('padding-after-end', k, buf[k]));
                break;
              }
            }
            break;
          }
          continue;
        }
        const length = i + 1 < end ? buf[i + 1] : -1;
        if (length < 2 || i + length > end) {
          const expected = `2..${end - i} (the option must fit in the header)`;
          report(deviations.error('option-length', i, length < 0 ? 'missing' : length, { field: `${field}[${options.length}].length`, expected }));
          break;
        }
        if (kind?.lengthRule && !kind.lengthRule.valid(length, buf, i)) {
          report(deviations.error(`${kind.name}-length`, i + 1, length, { field: `${field}[${options.length}].length` }));
        }
        // decodeBody accepts only bodies of exactly the size its kind writes, so the named form
        // re-encodes to these bytes (pinned by the lax round-trip properties over random bytes).
        let named: O | undefined;
        if (kind?.read) {
          named = kind.read(buf, i + 2, i + length);
        } else if (kind?.decodeBody) {
          const parsed = kind.decodeBody(buf.subarray(i + 2, i + length));
          if (parsed) named = { kind: kind.name, ...parsed } as O;
        }
        options.push(named ?? { kind: code, data: Buffer.from(buf.subarray(i + 2, i + length)) });
        i += length;
      }
      // No view needed when nothing is left (the common case): subarray is slow on Node 20.
      return { options, padding: i < end ? buf.subarray(i, end) : EMPTY };
    },
  };
}

/**
 * The in-place writer of a list (`measure` and `write` of OptionListCodec) as generated code: a
 * string switch over the kind names, each case calling its own kind's `size`/`put`, so every
 * call has one target. A kind without the fast path, a raw option or odd input gives -1.
 */
function compileInPlace<O extends { kind: string; length?: number }>(name: string, kinds: readonly OptionKind<O>[]): Pick<OptionListCodec<O>, 'measure' | 'write'> {
  const env: Record<string, unknown> = {};
  const measureCases: string[] = [];
  const writeCases: string[] = [];
  kinds.forEach((kind, k) => {
    const label = `case ${JSON.stringify(kind.name)}:`;
    if (!kind.encodeBody) {
      // EOL, NOP: one octet whatever else the object holds, as in encode().
      measureCases.push(`${label} total += 1; break;`);
      writeCases.push(`${label} buf[at++] = ${kind.code}; break;`);
      return;
    }
    if (!kind.size || !kind.put) return; // left to encode()
    env[`s${k}`] = kind.size;
    env[`p${k}`] = kind.put;
    measureCases.push(`${label} { const body = s${k}(o); if (body < 0 || !lengthOk(o.length)) return -1; total += 2 + body; break; }`);
    const body = kind.bodyLength === undefined ? `s${k}(o)` : String(kind.bodyLength);
    writeCases.push(`${label} { const body = ${body}; buf[at] = ${kind.code}; buf[at + 1] = o.length ?? body + 2; p${k}(o, buf, at + 2); at += 2 + body; break; }`);
  });
  const consts = Object.keys(env).map((name) => `const ${name} = env.${name};`).join('\n');
  const src = `${consts}
const lengthOk = (n) => n === undefined || (typeof n === 'number' && n >= 0 && n <= 255 && n % 1 === 0);
return {
  measure(options) {
    if (!Array.isArray(options)) return -1;
    let total = 0;
    for (let i = 0; i < options.length; i++) {
      const o = options[i];
      if (o === null || typeof o !== 'object') return -1;
      switch (o.kind) { ${measureCases.join(' ')} default: return -1; }
    }
    return total;
  },
  write(options, buf, at) {
    for (let i = 0; i < options.length; i++) {
      const o = options[i];
      switch (o.kind) { ${writeCases.join(' ')} }
    }
    return at;
  },
};
//# sourceURL=rawcraft/option-list/${name.replace(/\W+/g, '_')}.js`;
  return new Function('env', src)(env) as Pick<OptionListCodec<O>, 'measure' | 'write'>;
}

export { be16, be32, putBe16, putBe32 } from './bytes.js';

/** Whether a value is an unsigned integer of `bits` (the fast path's test; checkUint reports). */
export const isUint = (value: unknown, bits: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 2 ** bits - 1;

/** Validate that an option field is a list (of addresses, blocks, entries). */
export function checkList<T>(value: unknown, name: string, fail: (field: string, value: unknown, allowed: string) => never): readonly T[] {
  return Array.isArray(value) ? (value as T[]) : fail(name, value, 'a list');
}

/** Validate that a list item is an object. */
export function checkObject<T extends object>(value: unknown, name: string, fail: (field: string, value: unknown, allowed: string) => never): T {
  return value !== null && typeof value === 'object' ? (value as T) : fail(name, value, 'an object');
}

/** Validate an unsigned integer of `bits` for an option field. */
export function checkUint(value: unknown, bits: number, name: string, fail: (field: string, value: unknown, allowed: string) => never): number {
  const max = 2 ** bits - 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) return fail(name, value, `an integer 0..${max}`);
  return value;
}
