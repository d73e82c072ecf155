/**
 * SCTP's type-length-value lists compiled per shape: one generated encoder and one generated
 * decoder for each sequence of item kinds met (an INIT with IPv4 address, supported address
 * types, ECN capable, Forward-TSN supported is one shape), so that every property access in
 * them sees items of one kind, as the hand-written code does. The generic list code
 * (sctp-tlv.ts) reads items of every kind at the same places, which makes those reads
 * megamorphic lookups; that is what kept an INIT at a quarter of the hand-written speed.
 *
 * The compiled forms do the common case only and say "not mine" (false, undefined) for anything
 * else: a given `length` or `padding`, raw or unknown items, hex text for bytes, a value to
 * reject, non-default padding or framing, kinds that do not decode exactly. The generic code
 * then does the work, so results, errors, issues and deviation reports are always the generic
 * code's (test/sctp/compiled.test.ts compares both on random lists). The rules themselves are
 * not restated: the fixed fields are the kind's CompiledHeader (its write code and readInto),
 * the key checks its generated scanner, the tails those of sctp-tlv.ts (TailShape says which).
 *
 * A bounded cache holds the compiled forms: a shape is compiled once it has been met
 * COMPILE_AFTER times, at most MAX_SHAPES per first item kind and MAX_FORMS in all; while the
 * forms take few of the lists met (random bundles), only a sample of the others is looked up.
 */
import { PacketError } from '../errors.js';
import { keyCheckCode } from '../key-check.js';
import { GIVEN_LENGTH, GIVEN_PADDING, ListCodec, pad4, type CompiledKind, type Item, type Writer } from './sctp-tlv.js';

/** Most shapes compiled per list and first item kind; others take the generic path. */
export const MAX_SHAPES = 16;
/** Most shapes compiled per list, whatever their first kinds. */
export const MAX_FORMS = 64;
/** How often a shape is met before it is compiled. */
export const COMPILE_AFTER = 4;
/** Most shapes counted while not compiled yet. */
const MAX_SIGHTINGS = 256;
/** Lists per window over which the share the compiled forms took is counted. */
const WINDOW = 64;
/** While they took fewer than half of a window's lists, only every SAMPLE-th other list has its shape worked out. */
const SAMPLE = 16;

/**
 * Whether to work out the shape of a list the last form did not take. In a stream of shapes that
 * do not repeat (random bundles, fuzzing) that costs more than it gains, so when the compiled
 * forms took fewer than half of the last window's lists, only a sample is looked at; a stream
 * that settles on a shape gets it compiled all the same, a little later.
 */
class Lookups {
  private calls = 0;
  private hits = 0;
  private misses = 0;
  private sampling = false;

  /** Count one list, taken by a compiled form or not. */
  count(hit: boolean): void {
    if (hit) this.hits++;
    if (++this.calls < WINDOW) return;
    this.sampling = this.hits < WINDOW / 2;
    this.calls = this.hits = 0;
  }

  /** Whether this list (one the last form did not take) is to have its shape looked up. */
  due(): boolean {
    return !this.sampling || ++this.misses % SAMPLE === 0;
  }
}
/** Most items in a compiled shape (nested ones included), and how deep lists may nest in it. */
const MAX_ITEMS = 24;
const MAX_DEPTH = 3;

/** One item of a shape: its kind, and the shape of its nested list (null when left out, encoding only). */
interface ItemShape {
  readonly kind: CompiledKind;
  readonly nested?: readonly ItemShape[] | null;
}

const EMPTY_LIST: readonly never[] = Object.freeze([]);

type Encode = (items: unknown, w: Writer) => boolean;
type Decode = (buf: Uint8Array, start: number, end: number) => Item[] | undefined;

const keyOf = (shapes: readonly ItemShape[]): string =>
  shapes.map((s) => `${s.kind.spec.name}${s.nested === undefined ? '' : s.nested === null ? '()' : `(${keyOf(s.nested)})`}`).join(',');

/** Source text of a generated function, with the values it refers to. */
class Source {
  readonly env: unknown[] = [];
  readonly lines: string[] = [];
  private count = 0;

  /** A fresh local name. */
  local(prefix: string): string {
    return `${prefix}${this.count++}`;
  }

  /** A constant of the generated code holding `value`. */
  ref(value: unknown): string {
    const at = this.env.indexOf(value);
    if (at >= 0) return `env${at}`;
    this.env.push(value);
    return `env${this.env.length - 1}`;
  }

  compile<F>(name: string, params: string, body: string[], url: string): F {
    const consts = this.env.map((_, k) => `const env${k} = env[${k}];`).join('\n');
    const src = `${consts}\nreturn function ${name}(${params}) {\n${body.join('\n')}\n};\n//# sourceURL=rawcraft/sctp-list/${url}.js`;
    return new Function('env', 'PacketError', src)(this.env, PacketError) as F;
  }
}

const identifier = (key: string): string => key.replace(/\W+/g, '_').slice(0, 80);

// ---------------------------------------------------------------------------------------------
// Encoding

/** The shape of items as given, or undefined when the generic code must encode them. */
function inputShape(list: ListCodec, items: unknown, depth: number, budget: { items: number }): ItemShape[] | undefined {
  if (!Array.isArray(items) || depth > MAX_DEPTH) return undefined;
  const out: ItemShape[] = [];
  for (const it of items as unknown[]) {
    if (--budget.items < 0 || it === null || typeof it !== 'object' || Array.isArray(it)) return undefined;
    const name = (it as Item)[list.config.tag];
    const kind = typeof name === 'string' ? list.byName.get(name) : undefined;
    if (kind === undefined) return undefined;
    const given = kind.scan(it as Item);
    if (given < 0 || given & (GIVEN_LENGTH | GIVEN_PADDING)) return undefined;
    const tail = kind.spec.tail?.shape;
    if (tail?.kind !== 'list') {
      out.push({ kind });
      continue;
    }
    const value = (it as Item)[tail.field];
    const nested = value === undefined ? null : inputShape(tail.list(), value, depth + 1, budget);
    if (nested === undefined) return undefined;
    out.push({ kind, nested });
  }
  return out;
}

/** The encoder of one shape: true when it wrote the items at `w.at`, as ListCodec.write does; false when they are not of its shape or not for it. */
function compileEncode(list: ListCodec, shapes: readonly ItemShape[], key: string, path: string): Encode {
  const s = new Source();
  const body: string[] = [];
  emitWriteList(s, body, list, shapes, 'items', path);
  return s.compile<Encode>(
    `sctpWrite_${identifier(key)}`,
    'items, w',
    ['try {', ...body, 'return true;', '} catch (error) { if (error instanceof PacketError) return false; throw error; }'],
    `encode-${identifier(key)}`,
  );
}

function emitWriteList(s: Source, out: string[], list: ListCodec, shapes: readonly ItemShape[], expr: string, path: string): void {
  const l = s.local('l');
  out.push(`const ${l} = ${expr};`, `if (!Array.isArray(${l}) || ${l}.length !== ${shapes.length}) return false;`);
  shapes.forEach((shape, i) => emitWriteItem(s, out, list, shape, `${l}[${i}]`, `${path}[${i}]`, i === shapes.length - 1));
}

/**
 * The check of an item's keys, inline (a call of the kind's scanner per item cost more than
 * the rest of its encoding): any key the kind does not know, or a given `length` or `padding`,
 * leaves the item to the generic code, which reports or honours it. `g<item>` says whether
 * `flags` is given.
 */
function keyCheck(kind: CompiledKind, it: string, chunk: boolean): string {
  const names = [...kind.fieldNames].filter((n) => n !== 'length' && n !== 'padding' && n !== 'flags');
  const flags = chunk ? ` case "flags": g${it} = true; break;` : '';
  return `let g${it} = false; ${keyCheckCode(names, it, 'return false;', flags)}`;
}

/** One item as ListCodec.writeItem writes it (type, flags, length, value), then its padding. */
function emitWriteItem(s: Source, out: string[], list: ListCodec, shape: ItemShape, expr: string, path: string, last: boolean): void {
  const { tag, chunkHeader, padLast } = list.config;
  const kind = shape.kind;
  const spec = kind.spec;
  const it = s.local('i');
  const at = s.local('s');
  const flags = s.local('f');
  out.push(
    `const ${it} = ${expr};`,
    `if (typeof ${it} !== 'object' || ${it} === null || Array.isArray(${it}) || ${it}[${JSON.stringify(tag)}] !== ${JSON.stringify(spec.name)}) return false;`,
    keyCheck(kind, it, chunkHeader),
    `let ${flags} = 0;`,
  );
  if (chunkHeader) {
    // Flag names (for kinds that have them) or the flags byte, as ListCodec.flagsIn takes them.
    const names = (spec.flags ?? []).map((name, i) => (name ? `case ${JSON.stringify(name)}: ${flags} |= ${0x80 >> i}; break;` : '')).join(' ');
    const flagList = spec.flags ? `else if (Array.isArray(fv)) { for (let j = 0; j < fv.length; j++) { switch (fv[j]) { ${names} default: return false; } } }` : '';
    out.push(
      `if (g${it}) { const fv = ${it}.flags; if (fv === undefined) {} else if (typeof fv === 'number') { if (fv > 255 || fv < 0 || fv % 1 !== 0) return false; ${flags} = fv; } ${flagList} else return false; }`,
    );
  }
  const fixed = kind.header.length;
  out.push(`const ${at} = w.take(${4 + fixed});`);
  // The tail first, as CompiledKind.writeBody does, then the fixed fields before it.
  const tail = spec.tail;
  const shapeOf = tail?.shape;
  if (tail !== undefined && shapeOf === undefined) {
    out.push(`${s.ref(tail)}.write(${it}, ${JSON.stringify(path)}, ${flags}, w);`);
  } else if (shapeOf?.kind === 'bytes') {
    const d = s.local('d');
    out.push(`const ${d} = ${it}[${JSON.stringify(shapeOf.field)}];`, `if (${d} !== undefined) { if (!(${d} instanceof Uint8Array)) return false; w.put(${d}); }`);
  } else if (shapeOf?.kind === 'list') {
    const field = JSON.stringify(shapeOf.field);
    if (shape.nested === null || shape.nested === undefined) out.push(`if (${it}[${field}] !== undefined) return false;`);
    else emitWriteList(s, out, shapeOf.list(), shape.nested, `${it}[${field}]`, `${path}.${shapeOf.field}`);
  } else if (shapeOf?.kind === 'numbers') {
    const n = s.local('n');
    const size = shapeOf.bits / 8;
    const names = shapeOf.names ? s.ref(shapeOf.names) : undefined;
    // Names of a list's kinds (chunk and parameter types) turn into numbers inline; others by codeOf.
    const table = shapeOf.names?.();
    const known = table instanceof ListCodec ? [...table.byName.values()].map((k) => `case ${JSON.stringify(k.spec.name)}: v = ${k.spec.code}; break;`).join(' ') : '';
    const byName = names === undefined ? 'return false;' : `switch (v) { ${known} default: v = ${names}().codeOf(v); }`;
    const put = size === 1 ? 'b[a] = v;' : size === 2 ? 'b[a] = v >>> 8; b[a + 1] = v & 255;' : 'b[a] = v >>> 24; b[a + 1] = (v >>> 16) & 255; b[a + 2] = (v >>> 8) & 255; b[a + 3] = v & 255;';
    out.push(
      `let ${n} = ${it}[${JSON.stringify(shapeOf.field)}];`,
      `if (${n} === undefined || ${n} === null) ${n} = ${s.ref(EMPTY_LIST)}; else if (!Array.isArray(${n})) return false;`,
      `{ let a = w.take(${size} * ${n}.length); const b = w.buf;`,
      `for (let j = 0; j < ${n}.length; j++, a += ${size}) { let v = ${n}[j]; if (typeof v === 'string') ${byName} if (typeof v !== 'number' || v > ${2 ** shapeOf.bits - 1} || v < 0 || v % 1 !== 0) return false; ${put} } }`,
    );
  }
  if (fixed > 0) {
    const auto = spec.auto ? s.local('a') : undefined;
    const code = kind.header.writeCode({ fields: it, offset: `${at} + 4`, helpers: s.ref(kind.header.helpers), prefix: `${it}_`, auto: (name) => (auto ? `${auto}[${JSON.stringify(name)}]` : 'undefined') });
    out.push(`{ const buf = w.buf;`, auto ? `const ${auto} = ${s.ref(spec.auto)}(${it});` : '', code.code, '}');
  }
  const code = spec.code;
  const typeBytes = chunkHeader ? `b[${at}] = ${code}; b[${at} + 1] = ${flags};` : `b[${at}] = ${code >>> 8}; b[${at} + 1] = ${code & 255};`;
  // Padding after every item but a parameter's or cause's last, whose padding is the container's.
  const padded = !last || padLast;
  if (tail === undefined) {
    // No tail: the length, and so the padding, is known now.
    const n = 4 + fixed;
    out.push(`{ const b = w.buf; ${typeBytes} b[${at} + 2] = ${n >>> 8}; b[${at} + 3] = ${n & 255}; }`);
    if (padded && pad4(n)) out.push(`w.zeros(${pad4(n)});`);
    return;
  }
  out.push(`{ const n = w.at - ${at}; const b = w.buf; ${typeBytes} b[${at} + 2] = n >>> 8; b[${at} + 3] = n & 255;`);
  if (padded) out.push('const p = (4 - (n & 3)) & 3; if (p !== 0) w.zeros(p);');
  out.push('}');
}

// ---------------------------------------------------------------------------------------------
// Decoding

/**
 * The shape of the list in buf[start, end) when it is framed exactly as the RFC says (lengths
 * that fit, default padding) and every item's kind decodes exactly; else undefined.
 */
function byteShape(list: ListCodec, buf: Uint8Array, start: number, end: number, depth: number, budget: { items: number }): ItemShape[] | undefined {
  const { chunkHeader, padLast } = list.config;
  if (depth > MAX_DEPTH) return undefined;
  const out: ItemShape[] = [];
  let i = start;
  while (i < end) {
    if (--budget.items < 0 || end - i < 4) return undefined;
    const length = (buf[i + 2] << 8) | buf[i + 3];
    if (length < 4 || i + length > end) return undefined;
    const kind = list.byCode.get(chunkHeader ? buf[i] : (buf[i] << 8) | buf[i + 1]);
    if (kind === undefined || !kind.exact || kind.spec.auto) return undefined;
    const fixed = kind.header.length;
    const tail = kind.spec.tail;
    if (length - 4 < fixed || (tail === undefined && length - 4 !== fixed) || (tail !== undefined && tail.shape === undefined)) return undefined;
    let nested: ItemShape[] | undefined;
    if (tail?.shape?.kind === 'list') {
      nested = byteShape(tail.shape.list(), buf, i + 4 + fixed, i + length, depth + 1, budget);
      if (nested === undefined) return undefined;
    }
    const padStart = i + length;
    let padEnd = Math.min(padStart + pad4(length), end);
    if (end - padEnd < 4) padEnd = end;
    const expected = padEnd === end && !padLast ? 0 : pad4(length);
    if (padEnd - padStart !== expected) return undefined;
    out.push({ kind, nested });
    i = padEnd;
  }
  return out;
}

/** The decoder of one shape: the items ListCodec.decode gives for buf[start, end) when it reports nothing, or undefined when the bytes are not of this shape or not for it. */
function compileDecode(list: ListCodec, shapes: readonly ItemShape[], key: string): Decode {
  const s = new Source();
  const body: string[] = [];
  const result = emitReadList(s, body, list, shapes, 'start', 'end');
  return s.compile<Decode>(`sctpRead_${identifier(key)}`, 'buf, start, end', [...body, `return ${result};`], `decode-${identifier(key)}`);
}

/** Code that decodes the list in [start, end) into a new local array, whose name it returns. */
function emitReadList(s: Source, out: string[], list: ListCodec, shapes: readonly ItemShape[], start: string, end: string): string {
  const { tag, chunkHeader, padLast } = list.config;
  const items = s.local('l');
  const p = s.local('p');
  const e = s.local('e');
  out.push(`const ${e} = ${end};`, `let ${p} = ${start};`);
  if (shapes.length === 0) {
    out.push(`if (${p} !== ${e}) return undefined;`, `const ${items} = [];`);
    return items;
  }
  const locals: string[] = [];
  shapes.forEach((shape, index) => {
    const kind = shape.kind;
    const spec = kind.spec;
    const fixed = kind.header.length;
    const it = s.local('i');
    const n = s.local('n');
    locals.push(it);
    const code = chunkHeader ? `buf[${p}]` : `((buf[${p}] << 8) | buf[${p} + 1])`;
    out.push(
      `if (${e} - ${p} < 4 || ${code} !== ${spec.code}) return undefined;`,
      `const ${n} = (buf[${p} + 2] << 8) | buf[${p} + 3];`,
      spec.tail ? `if (${n} < ${4 + fixed} || ${p} + ${n} > ${e}) return undefined;` : `if (${n} !== ${4 + fixed} || ${p} + ${n} > ${e}) return undefined;`,
      `const ${it} = { ${tag}: ${JSON.stringify(spec.name)} };`,
    );
    if (chunkHeader) {
      const fl = `${it}_fl`;
      out.push(`const ${fl} = buf[${p} + 1];`);
      if (spec.flags) {
        // Names when only named bits are set (as ListCodec.flagsOut gives them), else the byte.
        const cases: string[] = [];
        for (let value = 0; value < 256; value++) {
          if (value & ~kind.flagMask) continue;
          const names = spec.flags.filter((_, i) => value & (0x80 >> i));
          cases.push(`case ${value}: ${it}.flags = ${JSON.stringify(names)}; break;`);
        }
        out.push(`switch (${fl}) { ${cases.join(' ')} default: ${it}.flags = ${fl}; }`);
      } else out.push(`if (${fl} !== 0) ${it}.flags = ${fl};`);
    }
    if (fixed > 0) out.push(`${s.ref(kind.header.readInto)}(buf, ${p} + 4, ${it});`);
    const shapeOf = spec.tail?.shape;
    const from = `${p} + ${4 + fixed}`;
    const to = `${p} + ${n}`;
    if (shapeOf?.kind === 'bytes') out.push(`${it}[${JSON.stringify(shapeOf.field)}] = buf.subarray(${from}, ${to});`);
    else if (shapeOf?.kind === 'list') {
      const nested = emitReadList(s, out, shapeOf.list(), shape.nested!, from, to);
      out.push(`${it}[${JSON.stringify(shapeOf.field)}] = ${nested};`);
    } else if (shapeOf?.kind === 'numbers') {
      const size = shapeOf.bits / 8;
      const read = size === 1 ? 'buf[k]' : size === 2 ? '((buf[k] << 8) | buf[k + 1])' : '(buf[k] * 16777216 + ((buf[k + 1] << 16) | (buf[k + 2] << 8) | buf[k + 3]))';
      const value = shapeOf.names ? `${s.ref(shapeOf.names)}().nameOf(${read})` : read;
      out.push(
        `if ((${n} - ${4 + fixed}) % ${size} !== 0) return undefined;`,
        `{ const list = []; for (let k = ${from}; k < ${to}; k += ${size}) list.push(${value}); ${it}[${JSON.stringify(shapeOf.field)}] = list; }`,
      );
    }
    for (const name of spec.quiet ?? []) out.push(`if (${it}[${JSON.stringify(name)}] === 0) delete ${it}[${JSON.stringify(name)}];`);
    // Default padding only (zeros); this item ends the list exactly when the shape says it is the last.
    const last = index === shapes.length - 1;
    const pe = s.local('q');
    out.push(
      `let ${pe} = ${p} + ${n} + ((4 - (${n} & 3)) & 3);`,
      `if (${pe} > ${e} || ${e} - ${pe} < 4) ${pe} = ${e};`,
      last
        ? `if (${pe} !== ${e} || ${pe} - ${p} - ${n} !== ${padLast ? `((4 - (${n} & 3)) & 3)` : '0'}) return undefined;`
        : `if (${pe} === ${e}) return undefined;`,
      `for (let k = ${p} + ${n}; k < ${pe}; k++) if (buf[k] !== 0) return undefined;`,
      `${p} = ${pe};`,
    );
  });
  out.push(`const ${items} = [${locals.join(', ')}];`);
  return items;
}

// ---------------------------------------------------------------------------------------------
// The cache

/**
 * Compiled forms by shape key, made when a shape has been met COMPILE_AFTER times (a stream of
 * random bundles, whose shapes rarely repeat, stays on the generic code, which is faster than
 * code run a few times), at most MAX_SHAPES per first item kind and MAX_FORMS in all.
 */
class ShapeCache<F> {
  private readonly forms = new Map<string, F>();
  /** How often each shape not compiled yet was met (forgotten wholesale when it grows large). */
  private readonly sightings = new Map<string, number>();
  private readonly perFirst = new Map<string | number, number>();

  /** The form of shape `key`, made by `make` when it is due; undefined while the generic code is to serve it. */
  get(key: string, first: string | number, make: () => F): F | undefined {
    const form = this.forms.get(key);
    if (form !== undefined) return form;
    const seen = (this.sightings.get(key) ?? 0) + 1;
    if (seen < COMPILE_AFTER) {
      if (this.sightings.size >= MAX_SIGHTINGS) this.sightings.clear();
      this.sightings.set(key, seen);
      return undefined;
    }
    const count = this.perFirst.get(first) ?? 0;
    if (count >= MAX_SHAPES || this.forms.size >= MAX_FORMS) return undefined;
    this.sightings.delete(key);
    this.perFirst.set(first, count + 1);
    const made = make();
    this.forms.set(key, made);
    return made;
  }

  /** How many forms are compiled. */
  get size(): number {
    return this.forms.size;
  }
}

/**
 * The compiled forms of one list (SCTP's chunk list). The form used last is tried first (a
 * stream of packets tends to keep its shape, and trying it reads no property of an item before
 * the form's own checks, where each read sees one kind); otherwise the items' shape is worked
 * out and its form looked up.
 */
export class CompiledList {
  private readonly encoders = new ShapeCache<Encode>();
  private readonly decoders = new ShapeCache<Decode>();
  private lastEncoder: Encode | undefined;
  /** The first item's kind and the number of items the last encoder took. */
  private lastName: unknown;
  private lastLength = 0;
  private lastDecoder: Decode | undefined;
  private readonly encodeLookups = new Lookups();
  private readonly decodeLookups = new Lookups();

  constructor(
    readonly list: ListCodec,
    /** The list's path in error messages, e.g. `chunks`. */
    readonly path: string,
  ) {}

  /** How many encoders and decoders are compiled. */
  get compiled(): { encoders: number; decoders: number } {
    return { encoders: this.encoders.size, decoders: this.decoders.size };
  }

  /** Write `items` at `w.at` as `list.write(items, path, w)` does, compiled for their shape when it can. */
  write(items: unknown, w: Writer): void {
    const start = w.at;
    if (this.tryWrite(items, w)) return;
    w.at = start;
    this.list.write(items, this.path, w);
  }

  /** Write `items` at `w.at` with their shape's compiled form: false (with `w.at` anywhere) when there is none or it does not take them. */
  tryWrite(items: unknown, w: Writer): boolean {
    if (!Array.isArray(items) || items.length === 0) return false;
    const start = w.at;
    // Only lists that start as the last one did and are as long: a form given items of another
    // shape would read them at places it has only seen one kind at, and V8 would throw its
    // optimized code away (a stream alternating shapes would run unoptimized forms).
    const first = items[0] as Item | null;
    const name = first !== null && typeof first === 'object' ? first[this.list.config.tag] : undefined;
    if (this.lastEncoder !== undefined && name === this.lastName && items.length === this.lastLength) {
      if (this.lastEncoder(items, w)) {
        this.encodeLookups.count(true);
        return true;
      }
      w.at = start;
    }
    const encode = this.encoderFor(items);
    const hit = encode !== undefined && encode !== this.lastEncoder && encode(items, w);
    this.encodeLookups.count(hit);
    if (!hit) return false;
    this.lastEncoder = encode;
    this.lastName = name;
    this.lastLength = items.length;
    return true;
  }

  private encoderFor(items: readonly unknown[]): Encode | undefined {
    if (!this.encodeLookups.due()) return undefined;
    const shapes = inputShape(this.list, items, 0, { items: MAX_ITEMS });
    if (shapes === undefined) return undefined;
    const key = keyOf(shapes);
    return this.encoders.get(key, shapes[0].kind.spec.name, () => compileEncode(this.list, shapes, key, this.path));
  }

  /** Decode buf[start, end) as `list.decode` does when it reports nothing; undefined when the generic code must decode it. */
  decode(buf: Uint8Array, start: number, end: number): Item[] | undefined {
    if (end - start < 4) return undefined;
    if (this.lastDecoder !== undefined) {
      const items = this.lastDecoder(buf, start, end);
      if (items !== undefined) {
        this.decodeLookups.count(true);
        return items;
      }
    }
    const decode = this.decoderFor(buf, start, end);
    const items = decode === undefined || decode === this.lastDecoder ? undefined : decode(buf, start, end);
    this.decodeLookups.count(items !== undefined);
    if (items !== undefined) this.lastDecoder = decode;
    return items;
  }

  private decoderFor(buf: Uint8Array, start: number, end: number): Decode | undefined {
    if (!this.decodeLookups.due()) return undefined;
    const shapes = byteShape(this.list, buf, start, end, 0, { items: MAX_ITEMS });
    if (shapes === undefined || shapes.length === 0) return undefined;
    const key = keyOf(shapes);
    return this.decoders.get(key, shapes[0].kind.spec.code, () => compileDecode(this.list, shapes, key));
  }
}
