/**
 * Compiles a declarative fixed header (a list of FieldDef) into straight-line read and write
 * functions, once per layout at load time. A generic per-field interpreter loop was ten times
 * slower than hand-written code; generated code is close to it (see bench/).
 */
import { FieldValueError } from './errors.js';
import type { FieldDef } from './field.js';
import { parseIpv4, parseIpv6, parseMac, readIpv4, readIpv6, readMac } from './bytes.js';

/** Where a field lives, for patching and fuzzing. */
export interface FieldPlacement {
  readonly def: FieldDef;
  /** Byte offset of the first byte of the field's word within the header. */
  readonly byteOffset: number;
  /** Bit offset from the start of the header. */
  readonly bitOffset: number;
}

export interface CompiledHeader<F> {
  readonly layer: string;
  readonly fields: readonly FieldDef[];
  readonly placements: readonly FieldPlacement[];
  /** Length in bytes. */
  readonly length: number;
  /**
   * Write the header at `off`. Fields missing from `values` take `auto[name]` when the field is
   * automatic, 0 for checksums (filled later), otherwise the field's default. Returns the
   * unfolded RFC 1071 sum of the header's 16-bit words as written (a missing checksum counts 0),
   * computed from the values, so a checksum over the header need not read its bytes back.
   */
  write(buf: Uint8Array, off: number, values: F, auto: Record<string, number>): number;
  /** Read every field at `off` (the caller has checked the length). */
  read(buf: Uint8Array, off: number): F;
  /**
   * Read every field at `off` into `target`, after the properties it has (SCTP's chunks and
   * parameters: their type first), and return it. Slots are not added.
   */
  readInto(buf: Uint8Array, off: number, target: Record<string, unknown>): Record<string, unknown>;
  /** What the write code calls (value checks, typed errors), for code that embeds `writeCode`. */
  readonly helpers: object;
  /** The write code as source with chosen names, for encoders compiled per layer stack. */
  writeCode(names: WriteNames): WriteCode;
}

interface Helpers {
  bad: (index: number, value: unknown) => never;
  enumIn: (index: number, value: unknown) => number;
  flagsIn: (index: number, value: unknown) => number;
  v4In: (index: number, value: unknown) => number;
  v6In: (index: number, value: unknown) => Uint8Array;
  macIn: (index: number, value: unknown) => Uint8Array;
  enumOut: (index: number, value: number) => string | number;
  flagsOut: (index: number, value: number) => string[];
  readIpv4: typeof readIpv4;
  readIpv6: typeof readIpv6;
  readMac: typeof readMac;
  sumBytes: (bytes: Uint8Array, odd: boolean) => number;
  defaults: unknown[];
  /**
   * Per field index, for address fields: the last two texts parsed and their values. A generator
   * sends the same addresses packet after packet (two per field when a layer appears twice, as in
   * an ICMP error quoting a datagram); comparing with them (one pointer compare for the same
   * string) costs less than the parsers' Map lookups.
   */
  lastText: unknown[];
  lastValue: (number | Uint8Array | undefined)[];
  olderText: unknown[];
  olderValue: (number | Uint8Array | undefined)[];
  /** Per field index, for enums: names by value (dense). */
  enumNames: ((string | undefined)[] | undefined)[];
}

function allowedText(def: FieldDef): string {
  switch (def.kind) {
    case 'uint':
      return `an integer 0..${2 ** def.bits - 1}`;
    case 'enum':
      return `an integer 0..${2 ** def.bits - 1} or one of ${Object.keys(def.values).join(', ')}`;
    case 'flags':
      return `a list of ${def.names.filter((n) => n).join(', ')} or an integer 0..${2 ** def.bits - 1}`;
    case 'ipv4':
      return 'an IPv4 address in dotted-quad form, e.g. 192.0.2.1';
    case 'ipv6':
      return 'an IPv6 address, e.g. 2001:db8::1 (no zone id)';
    case 'mac':
      return 'a MAC address, e.g. 02:00:00:00:00:01';
  }
}

function makeHelpers(layer: string, defs: readonly FieldDef[]): Helpers {
  const bad = (index: number, value: unknown): never => {
    throw new FieldValueError(layer, defs[index].name, value, allowedText(defs[index]));
  };
  // Dense arrays by value: a decoded enum is one indexed load, not a Map lookup.
  const enumNames = defs.map((d) => {
    if (d.kind !== 'enum') return undefined;
    const byValue: (string | undefined)[] = new Array<string | undefined>(2 ** Math.min(d.bits, 16)).fill(undefined);
    for (const [k, v] of Object.entries(d.values)) if (byValue[v] === undefined) byValue[v] = k;
    return byValue;
  });
  const enumValues = defs.map((d) => (d.kind === 'enum' ? new Map(Object.entries(d.values)) : undefined));
  const flagBits = defs.map((d) => (d.kind === 'flags' ? new Map(d.names.flatMap((name, i) => (name ? [[name, 1 << (d.bits - 1 - i)] as const] : []))) : undefined));
  const lastText = defs.map((): unknown => undefined);
  const lastValue = defs.map((): number | Uint8Array | undefined => undefined);
  const olderText = defs.map((): unknown => undefined);
  const olderValue = defs.map((): number | Uint8Array | undefined => undefined);
  const remember = <T extends number | Uint8Array>(index: number, text: unknown, value: T): T => {
    olderText[index] = lastText[index];
    olderValue[index] = lastValue[index];
    lastText[index] = text;
    lastValue[index] = value;
    return value;
  };
  const checkUint = (index: number, value: unknown): number => {
    const max = 2 ** defs[index].bits - 1;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) bad(index, value);
    return value as number;
  };
  return {
    bad,
    enumIn(index, value) {
      if (typeof value === 'string') {
        // A Map holds own names only: 'constructor' or 'toString' are not enum values.
        const n = enumValues[index]?.get(value);
        return n === undefined ? bad(index, value) : n;
      }
      return checkUint(index, value);
    },
    flagsIn(index, value) {
      const bits = flagBits[index];
      if (Array.isArray(value) && bits !== undefined) {
        let n = 0;
        for (let i = 0; i < value.length; i++) {
          const bit = bits.get(value[i]);
          if (bit === undefined) bad(index, value);
          n |= bit!;
        }
        return n >>> 0;
      }
      return checkUint(index, value);
    },
    v4In(index, value) {
      const n = typeof value === 'string' ? parseIpv4(value) : undefined;
      return n === undefined ? bad(index, value) : remember(index, value, n);
    },
    v6In(index, value) {
      const b = typeof value === 'string' ? parseIpv6(value) : undefined;
      return b === undefined ? bad(index, value) : remember(index, value, b);
    },
    macIn(index, value) {
      const b = typeof value === 'string' ? parseMac(value) : undefined;
      return b === undefined ? bad(index, value) : remember(index, value, b);
    },
    lastText,
    lastValue,
    olderText,
    olderValue,
    enumOut(index, value) {
      return enumNames[index]?.[value] ?? value;
    },
    flagsOut(index, value) {
      const def = defs[index] as Extract<FieldDef, { kind: 'flags' }>;
      const out: string[] = [];
      for (let i = 0; i < def.bits; i++) if (value & (1 << (def.bits - 1 - i))) out.push(def.names[i]);
      return out;
    },
    readIpv4,
    readIpv6,
    readMac,
    sumBytes(bytes, odd) {
      let sum = 0;
      const n = bytes.length;
      // Whole words first (an address's 4, 6 or 16 bytes), then an odd last byte.
      let i = 0;
      for (; i + 1 < n; i += 2) sum += odd ? bytes[i] + (bytes[i + 1] << 8) : (bytes[i] << 8) | bytes[i + 1];
      if (i < n) sum += odd ? bytes[i] : bytes[i] << 8;
      return sum;
    },
    enumNames,
    defaults: defs.map((d) => {
      if (d.kind === 'ipv4') return parseIpv4(d.default ?? '0.0.0.0');
      if (d.kind === 'ipv6') return parseIpv6(d.default ?? '::');
      if (d.kind === 'mac') return parseMac(d.default ?? '00:00:00:00:00:00');
      return d.default ?? 0;
    }),
  };
}

interface Group {
  /** Byte offset in the header. */
  offset: number;
  /** Width in bits: 8, 16, 24 or 32 for packed integers; 32/48/128 for addresses. */
  bits: number;
  members: { index: number; shift: number; def: FieldDef }[];
}

function groupFields(layer: string, defs: readonly FieldDef[]): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  let bit = 0;
  defs.forEach((def, index) => {
    if (def.kind === 'ipv4' || def.kind === 'ipv6' || def.kind === 'mac') {
      if (current || bit % 8) throw new Error(`${layer}.${def.name}: addresses must start on a byte boundary`);
      groups.push({ offset: bit / 8, bits: def.bits, members: [{ index, shift: 0, def }] });
      bit += def.bits;
      return;
    }
    if (!current) current = { offset: bit / 8, bits: 0, members: [] };
    current.members.push({ index, shift: 0, def });
    current.bits += def.bits;
    bit += def.bits;
    if (current.bits > 32) throw new Error(`${layer}.${def.name}: a packed group may not exceed 32 bits`);
    if (bit % 8 === 0) {
      let shift = current.bits;
      for (const m of current.members) {
        shift -= m.def.bits;
        m.shift = shift;
      }
      groups.push(current);
      current = undefined;
    }
  });
  if (current || bit % 8) throw new Error(`${layer}: header does not end on a byte boundary`);
  return groups;
}

/** Names the emitted write code uses: fields object, header offset, helpers, a prefix for locals, automatic values. */
export interface WriteNames {
  readonly fields: string;
  readonly offset: string;
  readonly helpers: string;
  readonly prefix: string;
  /** Code for the value of an automatic field left out. */
  readonly auto: (name: string) => string;
}

/** The emitted write code of a header: statements, and the expression of its RFC 1071 sum. */
export interface WriteCode {
  readonly code: string;
  readonly sum: string;
  /** The local holding each field's final value, by field name. */
  readonly locals: Readonly<Record<string, string>>;
}

function valueCode(def: FieldDef, i: number, n: WriteNames): string {
  const v = `${n.prefix}v${i}`;
  const h = n.helpers;
  const src = `${n.fields}[${JSON.stringify(def.name)}]`;
  // Defaults that are numbers (IPv4 addresses included) are written into the code as literals.
  const fallback = def.kind === 'ipv4' ? parseIpv4(def.default ?? '0.0.0.0') : def.kind === 'ipv6' || def.kind === 'mac' ? undefined : (def.default ?? 0);
  const missing =
    def.role === 'auto' || def.defaultFromNext ? n.auto(def.name) : def.role === 'checksum' ? '0' : fallback === undefined ? `${h}.defaults[${i}]` : String(fallback);
  let check: string;
  switch (def.kind) {
    case 'uint': {
      const max = 2 ** def.bits - 1;
      check = `if (typeof ${v} !== 'number' || ${v} > ${max} || ${v} < 0 || ${v} % 1 !== 0) ${h}.bad(${i}, ${v});`;
      break;
    }
    case 'enum': {
      // A name, the usual input, is turned into its number inline (a string switch).
      const cases = Object.entries(def.values).map(([name, value]) => `case ${JSON.stringify(name)}: ${v} = ${value}; break;`).join(' ');
      check = `switch (${v}) { ${cases} default: ${v} = ${h}.enumIn(${i}, ${v}); }`;
      break;
    }
    case 'flags': {
      // A list of names, the usual input, is turned into bits inline (a string switch per name).
      const cases = def.names.map((name, bit) => (name ? `case ${JSON.stringify(name)}: n |= ${2 ** (def.bits - 1 - bit)}; break;` : '')).join(' ');
      check = `if (Array.isArray(${v})) { let n = 0; for (let j = 0; j < ${v}.length; j++) { switch (${v}[j]) { ${cases} default: ${h}.bad(${i}, ${v}); } } ${v} = n >>> 0; } else ${v} = ${h}.flagsIn(${i}, ${v});`;
      break;
    }
    case 'ipv4':
    case 'ipv6':
    case 'mac': {
      // The last two texts this field parsed are taken as they are (helpers' lastText, olderText); any other is parsed.
      const parse = def.kind === 'ipv4' ? 'v4In' : def.kind === 'ipv6' ? 'v6In' : 'macIn';
      check = `${v} = ${v} === ${h}.lastText[${i}] ? ${h}.lastValue[${i}] : ${v} === ${h}.olderText[${i}] ? ${h}.olderValue[${i}] : ${h}.${parse}(${i}, ${v});`;
      break;
    }
  }
  // Enum and flags values are usually numbers already on the hot path; skip the helper call then.
  if (def.kind === 'enum' || def.kind === 'flags') {
    const max = 2 ** def.bits - 1;
    check = `if (typeof ${v} !== 'number' || ${v} > ${max} || ${v} < 0 || ${v} % 1 !== 0) ${check}`;
  }
  return `let ${v} = ${src}; if (${v} === undefined) ${v} = ${missing}; else { ${check} }`;
}

function writeBytesCode(expr: string, bits: number, offset: number, o: string): string {
  const lines: string[] = [];
  const n = bits / 8;
  for (let k = 0; k < n; k++) {
    const shift = bits - 8 * (k + 1);
    lines.push(`buf[${o} + ${offset + k}] = ${shift ? `(${expr} >>> ${shift}) & 255` : `${expr} & 255`};`);
  }
  return lines.join(' ');
}

/**
 * The RFC 1071 contribution of a `bits`-wide value written at header byte `offset`: bytes at
 * even offsets are the high halves of 16-bit words, bytes at odd offsets the low halves.
 */
function sumCode(expr: string, bits: number, offset: number): string {
  if (offset % 2 === 0 && bits === 16) return expr;
  if (offset % 2 === 0 && bits === 32) return `((${expr} >>> 16) + (${expr} & 65535))`;
  const parts: string[] = [];
  for (let k = 0; k < bits / 8; k++) {
    const shift = bits - 8 * (k + 1);
    const byte = shift ? `((${expr} >>> ${shift}) & 255)` : `(${expr} & 255)`;
    parts.push((offset + k) % 2 === 0 ? `(${byte} << 8)` : byte);
  }
  return `(${parts.join(' + ')})`;
}

function readWordCode(bits: number, offset: number): string {
  const b = (k: number) => `buf[o + ${offset + k}]`;
  switch (bits) {
    case 8:
      return b(0);
    case 16:
      return `((${b(0)} << 8) | ${b(1)})`;
    case 24:
      return `((${b(0)} << 16) | (${b(1)} << 8) | ${b(2)})`;
    case 32:
      return `(${b(0)} * 16777216 + ((${b(1)} << 16) | (${b(2)} << 8) | ${b(3)}))`;
    default:
      throw new Error(`unsupported word width ${bits}`);
  }
}

/**
 * Compile a header layout. Throws at load time when the layout itself is malformed.
 * `readSlots` names properties the decoder always sets after `read` (e.g. `options`): `read`
 * creates them (as undefined) in its literal, so setting them later is no shape change.
 */
export function compileHeader<F>(layer: string, defs: readonly FieldDef[], readSlots: readonly string[] = []): CompiledHeader<F> {
  const groups = groupFields(layer, defs);
  const helpers = makeHelpers(layer, defs);
  const readProps: string[] = [];
  const readPre: string[] = [];
  const readConsts: string[] = [];
  const placements: FieldPlacement[] = [];
  for (const g of groups) {
    for (const m of g.members) placements.push({ def: m.def, byteOffset: g.offset, bitOffset: g.offset * 8 + (g.bits - m.shift - m.def.bits) });
  }

  /** The write code with the given names: one function serves `write` and the stack encoders. */
  const writeCode = (n: WriteNames): WriteCode => {
    const lines: string[] = [];
    const sums: string[] = [];
    const locals: Record<string, string> = {};
    groups.forEach((g, gi) => {
      for (const m of g.members) {
        lines.push(valueCode(m.def, m.index, n));
        locals[m.def.name] = `${n.prefix}v${m.index}`;
      }
      const first = `${n.prefix}v${g.members[0].index}`;
      const kind = g.members[0].def.kind;
      if (kind === 'ipv4') {
        lines.push(writeBytesCode(first, 32, g.offset, n.offset));
        sums.push(sumCode(first, 32, g.offset));
      } else if (kind === 'ipv6' || kind === 'mac') {
        lines.push(`buf.set(${first}, ${n.offset} + ${g.offset});`);
        sums.push(`${n.helpers}.sumBytes(${first}, ${g.offset % 2 === 1})`);
      } else {
        const v = (m: Group['members'][number]) => `${n.prefix}v${m.index}`;
        const word = g.members.map((m) => (m.shift ? (g.bits === 32 ? `${v(m)} * ${2 ** m.shift}` : `(${v(m)} << ${m.shift})`) : v(m))).join(g.bits === 32 ? ' + ' : ' | ');
        const w = `${n.prefix}w${gi}`;
        lines.push(`const ${w} = ${word};`, writeBytesCode(w, g.bits, g.offset, n.offset));
        sums.push(sumCode(w, g.bits, g.offset));
      }
    });
    return { code: lines.join('\n'), sum: sums.join(' + ') || '0', locals };
  };

  groups.forEach((g, gi) => {
    const first = g.members[0];
    const key = JSON.stringify(first.def.name);
    if (first.def.kind === 'ipv4') {
      readProps.push(`${key}: h.readIpv4(buf, o + ${g.offset})`);
      return;
    }
    if (first.def.kind === 'ipv6' || first.def.kind === 'mac') {
      readProps.push(`${key}: h.${first.def.kind === 'ipv6' ? 'readIpv6' : 'readMac'}(buf, o + ${g.offset})`);
      return;
    }
    readPre.push(`const r${gi} = ${readWordCode(g.bits, g.offset)};`);
    for (const m of g.members) {
      const mask = 2 ** m.def.bits - 1;
      let expr: string;
      if (m.def.bits === g.bits) expr = `r${gi}`;
      else if (g.bits === 32) expr = `(Math.floor(r${gi} / ${2 ** m.shift}) & ${mask})`;
      else expr = `((r${gi} >>> ${m.shift}) & ${mask})`;
      // Enum names and flag lists are generated inline: no helper call per decoded field.
      if (m.def.kind === 'enum') {
        readPre.push(`const x${m.index} = ${expr};`);
        expr = `(e${m.index}[x${m.index}] ?? x${m.index})`;
        readConsts.push(`const e${m.index} = h.enumNames[${m.index}];`);
      }
      if (m.def.kind === 'flags') {
        const def = m.def;
        const x = `x${m.index}`;
        const l = `l${m.index}`;
        const namesOf = (value: number): string[] => def.names.filter((_, i) => value & (1 << (def.bits - 1 - i)));
        // Array literals for the usual values (all of them for small sets; up to two bits for
        // TCP's nine): a fresh literal is cheaper than growing an empty array by push.
        const literal: string[] = [];
        for (let value = 0; value < 2 ** def.bits; value++) {
          const names = namesOf(value);
          if ((def.bits <= 4 || names.length <= 2) && names.every((n) => n)) literal.push(`case ${value}: ${l} = ${JSON.stringify(names)}; break;`);
        }
        const pushes: string[] = [];
        for (let i = 0; i < def.bits; i++) pushes.push(`if (${x} & ${1 << (def.bits - 1 - i)}) ${l}.push(${JSON.stringify(def.names[i]) ?? 'undefined'});`);
        readPre.push(`const ${x} = ${expr};`, `let ${l};`, `switch (${x}) { ${literal.join(' ')} default: ${l} = []; ${pushes.join(' ')} }`);
        expr = l;
      }
      readProps.push(`${JSON.stringify(m.def.name)}: ${expr}`);
    }
  });
  for (const name of readSlots) readProps.push(`${JSON.stringify(name)}: undefined`);
  const length = groups.reduce((n, g) => n + g.bits / 8, 0);
  const own = writeCode({ fields: 'f', offset: 'o', helpers: 'h', prefix: '', auto: (name) => `a[${JSON.stringify(name)}]` });
  const id = layer.replace(/\W/g, '_');
  // Named sources: profiles and stack traces show which layout the code came from.
  const writeSrc = `return function write_${id}(buf, o, f, a) {\n${own.code}\nreturn ${own.sum};\n}\n//# sourceURL=rawcraft/${id}-write.js`;
  const readSrc = `${readConsts.join('\n')}\nreturn function read_${id}(buf, o) {\n${readPre.join('\n')}\nreturn { ${readProps.join(', ')} };\n}\n//# sourceURL=rawcraft/${id}-read.js`;
  // The same reads as stores into a given object, one named property each (no slots).
  const stores = readProps.slice(0, readProps.length - readSlots.length).map((prop) => {
    const colon = prop.indexOf(': ');
    return `t[${prop.slice(0, colon)}] = ${prop.slice(colon + 2)};`;
  });
  const readIntoSrc = `${readConsts.join('\n')}\nreturn function readInto_${id}(buf, o, t) {\n${readPre.join('\n')}\n${stores.join('\n')}\nreturn t;\n}\n//# sourceURL=rawcraft/${id}-read-into.js`;
  const write = new Function('h', writeSrc)(helpers) as CompiledHeader<F>['write'];
  const read = new Function('h', readSrc)(helpers) as CompiledHeader<F>['read'];
  const readInto = new Function('h', readIntoSrc)(helpers) as CompiledHeader<F>['readInto'];
  return { layer, fields: defs, placements, length, write, read, readInto, helpers, writeCode };
}
