/**
 * The one-line layer expression language shared by the CLI and scripts:
 *
 *   ipv4(dst=127.0.0.1,ttl=3)/udp(dstPort=33434)/raw(hex=00ff)
 *   ipv6(dst=::1)/icmpv6(type=echo-request,id=7,seq=1)/raw('hello')
 *   ipv4(dst=127.0.0.1)/sctp(srcPort=5000,dstPort=5001)/init(initiateTag=1)
 *
 * Layers are separated by `/`; each is a layer name (exactly the library's, as `decode --json`
 * prints them) with optional `(name=value, ...)`. Values: numbers (`64`, `0x40`), bare words
 * (enum names, addresses: `echo-request`, `127.0.0.1`, `2001:db8::1`), quoted strings, lists
 * `[a,b]` (also `a+b`, for flags), and objects `{kind:mss,value:1460}` (options, chunks).
 * A chunk name after `sctp` appends a chunk to its `chunks` list. A header field may also take
 * several values, a packet each: `80-90`, `192.0.2.0/28`, `(22|80)` (expanded by expand.ts).
 * Layers follow one another by the builder's rule (codec/stack-rule.ts). See docs/expressions.md.
 */
import { RawcraftError, FieldValueError, UnknownFieldError } from '../codec/errors.js';
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { codecByName, fieldNames, layerNames } from '../codec/registry.js';
import { closest } from '../codec/suggest.js';
import { mayFollow, stackError } from '../codec/stack-rule.js';
import { sctpChunks } from '../codec/protocols/sctp-chunks.js';
import { parseIpv4, parseIpv6, toHex } from '../codec/bytes.js';

/**
 * A syntax or content error in an expression, with the 1-based column it points at.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#expression-errors}
 */
export class ExpressionError extends RawcraftError {
  readonly code = 'E_EXPRESSION';
  constructor(
    /** 1-based column in the expression. */
    readonly column: number,
    /** What is wrong, without the position. */
    readonly detail: string,
  ) {
    super(`expression column ${column}: ${detail}`);
  }
}

/** A value as written, with where it starts (0-based). */
export type ExprValue =
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly at: number }
  | { readonly kind: 'word'; readonly value: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: 'list'; readonly items: readonly ExprValue[]; readonly at: number }
  | { readonly kind: 'object'; readonly entries: readonly ExprArg[]; readonly at: number }
  /** `80-90`: every integer from..to (a packet each; see expand.ts). */
  | { readonly kind: 'range'; readonly from: number; readonly to: number; readonly at: number }
  /** `192.0.2.0/28`, `2001:db8::/124`: every address of the prefix. */
  | { readonly kind: 'prefix'; readonly address: string; readonly bits: number; readonly at: number }
  /** `(22|80|443)`: each alternative in turn. */
  | { readonly kind: 'choice'; readonly items: readonly ExprValue[]; readonly at: number };

/** One `name=value` (or a positional value: `name` undefined). */
export interface ExprArg {
  readonly name: string | undefined;
  readonly value: ExprValue;
  /** 0-based offset of the name (or of the value when positional). */
  readonly at: number;
}

/** One layer of a parsed expression: its name, column and arguments. */
export interface ExprLayer {
  readonly name: string;
  readonly at: number;
  readonly args: readonly ExprArg[];
}

/** Where each field given in an expression was written: for errors found after parsing. */
export interface ParsedExpression {
  /** The layers to encode, outermost first. */
  readonly layers: EncodableLayer[];
  /** The syntax tree, one entry per `/`-separated element (SCTP chunks included). */
  readonly ast: readonly ExprLayer[];
  /** Column (1-based) of a layer's field: `column(layerIndex, field)`. */
  column(layerIndex: number, field?: string): number;
}

const WORD = /[A-Za-z0-9_.:\-]/;
/** Deepest nesting of lists and objects in a value (real fields need two or three). */
const MAX_NESTING = 64;

class Parser {
  i = 0;
  constructor(readonly src: string) {}

  fail(at: number, detail: string): never {
    throw new ExpressionError(at + 1, detail);
  }
  skip(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i])) this.i++;
  }
  peek(): string {
    this.skip();
    return this.src[this.i] ?? '';
  }
  expect(ch: string): void {
    if (this.peek() !== ch) this.fail(this.i, `expected '${ch}'${this.i >= this.src.length ? ' at the end' : `, found '${this.src[this.i]}'`}`);
    this.i++;
  }
  word(what: string): { text: string; at: number } {
    this.skip();
    const at = this.i;
    while (this.i < this.src.length && WORD.test(this.src[this.i])) this.i++;
    if (this.i === at) this.fail(at, `expected ${what}${at >= this.src.length ? ' at the end' : `, found '${this.src[at]}'`}`);
    return { text: this.src.slice(at, this.i), at };
  }
  ident(what: string): { text: string; at: number } {
    this.skip();
    const at = this.i;
    while (this.i < this.src.length && /[A-Za-z0-9_\-]/.test(this.src[this.i])) this.i++;
    if (this.i === at) this.fail(at, `expected ${what}${at >= this.src.length ? ' at the end' : `, found '${this.src[at]}'`}`);
    return { text: this.src.slice(at, this.i), at };
  }

  expression(): ExprLayer[] {
    const layers: ExprLayer[] = [];
    if (this.peek() === '') this.fail(0, 'empty expression: expected a layer, e.g. ipv4(dst=127.0.0.1)/udp(dstPort=53)');
    for (;;) {
      layers.push(this.layer());
      const c = this.peek();
      if (c === '') return layers;
      if (c !== '/') this.fail(this.i, `expected '/' or the end after a layer, found '${c}'`);
      this.i++;
    }
  }

  layer(): ExprLayer {
    const { text, at } = this.ident('a layer name');
    const args: ExprArg[] = [];
    if (this.peek() === '(') {
      this.i++;
      if (this.peek() !== ')') {
        for (;;) {
          args.push(this.arg());
          const c = this.peek();
          if (c === ',') {
            this.i++;
            continue;
          }
          if (c === ')') break;
          this.fail(this.i, c === '' ? `unclosed '(' of ${text} (opened at column ${at + text.length + 1})` : `expected ',' or ')', found '${c}'`);
        }
      }
      this.i++;
    }
    return { name: text, at, args };
  }

  arg(): ExprArg {
    this.skip();
    const start = this.i;
    // name=value, or a positional value.
    const m = /^([A-Za-z_][A-Za-z0-9_\-]*)\s*=/.exec(this.src.slice(start));
    if (m) {
      this.i = start + m[0].length;
      return { name: m[1], value: this.value(), at: start };
    }
    return { name: undefined, value: this.value(), at: start };
  }

  /** Lists and objects being read: bounded, so a value nested thousands deep is an error, not a stack overflow. */
  private depth = 0;

  value(): ExprValue {
    const c = this.peek();
    const at = this.i;
    if (c === '[' || c === '{') {
      if (this.depth >= MAX_NESTING) this.fail(at, `lists and objects nest deeper than ${MAX_NESTING} levels`);
      this.depth++;
      try {
        return this.nested(c, at);
      } finally {
        this.depth--;
      }
    }
    return this.nested(c, at);
  }

  private nested(c: string, at: number): ExprValue {
    if (c === "'" || c === '"') return this.plus(this.string(c));
    if (c === '[') {
      this.i++;
      const items: ExprValue[] = [];
      if (this.peek() !== ']') {
        for (;;) {
          items.push(this.value());
          const d = this.peek();
          if (d === ',') {
            this.i++;
            continue;
          }
          if (d === ']') break;
          this.fail(this.i, d === '' ? `unclosed '[' (opened at column ${at + 1})` : `expected ',' or ']', found '${d}'`);
        }
      }
      this.i++;
      return { kind: 'list', items, at };
    }
    if (c === '{') {
      this.i++;
      const entries: ExprArg[] = [];
      if (this.peek() !== '}') {
        for (;;) {
          const key = this.ident('a key');
          const sep = this.peek();
          if (sep !== ':' && sep !== '=') this.fail(this.i, `expected ':' after key '${key.text}'`);
          this.i++;
          entries.push({ name: key.text, value: this.value(), at: key.at });
          const d = this.peek();
          if (d === ',') {
            this.i++;
            continue;
          }
          if (d === '}') break;
          this.fail(this.i, d === '' ? `unclosed '{' (opened at column ${at + 1})` : `expected ',' or '}', found '${d}'`);
        }
      }
      this.i++;
      return { kind: 'object', entries, at };
    }
    if (c === '(') return this.choice();
    // hping3's `-p ++80` (one more each packet sent) has no end: name the range that says it.
    const increment = /^\+\+(\d+)/.exec(this.src.slice(this.i));
    if (increment) this.fail(this.i, `'++${increment[1]}' (hping3's increasing port) is written as a range here: ${increment[1]}-65535 for a port (a packet per value)`);
    const w = this.word('a value');
    // Inside parentheses a '/' cannot end the layer: `192.0.2.0/28` is a prefix.
    if (this.src[this.i] === '/' && /\d/.test(this.src[this.i + 1] ?? '')) return this.prefix(w.text, w.at);
    const range = RANGE.exec(w.text);
    if (range) {
      const [from, to] = [number(range[1]), number(range[2])];
      if (from > to) this.fail(w.at, `range ${w.text}: the first value must not exceed the last`);
      return { kind: 'range', from, to, at: w.at };
    }
    return this.plus(scalar(w.text, w.at));
  }

  /** `(a|b|c)`: alternatives, each a value (ranges and prefixes included). */
  choice(): ExprValue {
    const at = this.i;
    this.i++;
    const items: ExprValue[] = [];
    for (;;) {
      items.push(this.value());
      const d = this.peek();
      if (d === '|') {
        this.i++;
        continue;
      }
      if (d === ')') break;
      this.fail(this.i, d === '' ? `unclosed '(' (opened at column ${at + 1})` : `expected '|' or ')' in a choice, found '${d}'`);
    }
    this.i++;
    return { kind: 'choice', items, at };
  }

  /** `address/bits` (the address already read). */
  prefix(address: string, at: number): ExprValue {
    this.i++;
    const start = this.i;
    while (/\d/.test(this.src[this.i] ?? '')) this.i++;
    const bits = Number(this.src.slice(start, this.i));
    const v6 = address.includes(':');
    if (v6 ? parseIpv6(address) === undefined : parseIpv4(address) === undefined) this.fail(at, `${address}/${bits}: a prefix needs an IPv4 or IPv6 address before the '/'`);
    if (bits > (v6 ? 128 : 32)) this.fail(start, `${address}/${bits}: a prefix length is at most ${v6 ? 128 : 32}`);
    return { kind: 'prefix', address, bits, at };
  }

  /** `a+b+c`: a list (flags). */
  plus(first: ExprValue): ExprValue {
    if (this.src[this.i] !== '+') return first;
    const items = [first];
    while (this.src[this.i] === '+') {
      this.i++;
      const c = this.src[this.i];
      if (c === "'" || c === '"') items.push(this.string(c));
      else {
        const w = this.word('a value after +');
        items.push(scalar(w.text, w.at));
      }
    }
    return { kind: 'list', items, at: first.at };
  }

  string(quote: string): ExprValue {
    const at = this.i;
    this.i++;
    let out = '';
    while (this.i < this.src.length && this.src[this.i] !== quote) {
      if (this.src[this.i] === '\\' && this.i + 1 < this.src.length) {
        const e = this.src[++this.i];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === '0' ? '\0' : e;
      } else out += this.src[this.i];
      this.i++;
    }
    if (this.i >= this.src.length) this.fail(at, `unterminated string (opened at column ${at + 1})`);
    this.i++;
    return { kind: 'string', value: out, at };
  }
}

/** `80-90`, `0x10-0x1f`: an integer range (no leading zeros: `00-10` is not one). */
const RANGE = /^(0|[1-9]\d*|0x[0-9a-f]+)-(0|[1-9]\d*|0x[0-9a-f]+)$/i;
const number = (text: string): number => (/^0x/i.test(text) ? Number.parseInt(text.slice(2), 16) : Number(text));

function scalar(text: string, at: number): ExprValue {
  // Digits with a leading zero (`00`, `0011`) are hex bytes, not numbers.
  if (/^\d+$/.test(text) && !(text.length > 1 && text.startsWith('0'))) return { kind: 'number', value: Number(text), text, at };
  if (/^0x[0-9a-f]+$/i.test(text)) return { kind: 'number', value: Number.parseInt(text.slice(2), 16), text, at };
  return { kind: 'word', value: text, at };
}

/** The plain value (number, string, list, object) for the encoder. */
export function plainValue(v: ExprValue): unknown {
  switch (v.kind) {
    case 'number':
    case 'word':
    case 'string':
      return v.value;
    case 'list':
      return v.items.map(plainValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const e of v.entries) out[e.name!] = plainValue(e.value);
      return out;
    }
    case 'range':
    case 'prefix':
    case 'choice':
      throw new ExpressionError(v.at + 1, `a ${v.kind} (several values, a packet each) can only be the whole value of a header field, e.g. tcp(dstPort=80-90)`);
  }
}

/** Parse the syntax only: the layer list with positions. */
export function parseSyntax(expr: string): ExprLayer[] {
  return new Parser(expr).expression();
}

const LAYER_KEYS = new Set(['trailer', 'corrupt']);

/** Bytes for raw: `hex=`, `text=`, `size=` or a positional 'text'. */
function rawData(layer: ExprLayer, fail: (at: number, detail: string) => never): Uint8Array | string | undefined {
  let data: Uint8Array | string | undefined;
  const set = (at: number, d: Uint8Array | string) => {
    if (data !== undefined) fail(at, 'raw takes one of data=, hex=, text=, size= or a quoted string');
    data = d;
  };
  for (const a of layer.args) {
    const v = a.value;
    const text = v.kind === 'number' ? v.text : v.kind === 'word' || v.kind === 'string' ? v.value : undefined;
    if (a.name === undefined) {
      if (v.kind !== 'string') fail(a.at, "raw: a positional value must be a quoted string, e.g. raw('hello'); use hex=00ff for bytes");
      set(a.at, Buffer.from(v.value, 'utf8'));
    } else if (a.name === 'hex' || a.name === 'data') {
      const hex = text?.replace(/^0x/i, '').replace(/[\s:]/g, '');
      if (hex === undefined || !/^(?:[0-9a-f]{2})*$/i.test(hex)) fail(v.at, `raw: ${a.name}= expects hex bytes, e.g. hex=00ff`);
      set(a.at, Buffer.from(hex, 'hex'));
    } else if (a.name === 'text') {
      if (text === undefined) fail(v.at, 'raw: text= expects a string');
      set(a.at, Buffer.from(text, 'utf8'));
    } else if (a.name === 'size') {
      if (v.kind !== 'number' || v.value > 65535) fail(v.at, 'raw: size= expects a byte count 0..65535');
      set(a.at, new Uint8Array(v.value));
    } else if (!LAYER_KEYS.has(a.name)) {
      const hit = closest(a.name, ['data', 'hex', 'text', 'size', ...LAYER_KEYS]);
      fail(a.at, `raw has no field '${a.name}'${hit ? ` (did you mean ${hit}?)` : ''}; raw takes data=, hex=, text=, size= or a quoted string`);
    }
  }
  return data;
}

/** A header field given several values (a range, a prefix, a choice): a packet each. */
export interface VaryingField {
  /** Index of the layer in `layers`. */
  readonly layer: number;
  readonly field: string;
  /** The value as written. */
  readonly value: Extract<ExprValue, { kind: 'range' | 'prefix' | 'choice' }>;
}

/** The parsed expression with its varying fields (left out of `layers`: expand() fills them in). */
export interface AnalysedExpression extends ParsedExpression {
  readonly varying: readonly VaryingField[];
}

/**
 * Parse an expression to layers, checking layer and field names (with did-you-mean) and the
 * stack; values are checked by `checkEncodes`. Varying fields are listed, not expanded.
 */
export function analyseExpression(expr: string): AnalysedExpression {
  const parser = new Parser(expr);
  const fail: (at: number, detail: string) => never = (at, detail) => parser.fail(at, detail);
  const ast = parser.expression();
  const layers: { layer: string; fields: Record<string, unknown>; trailer?: string; corrupt?: string[] }[] = [];
  /** For each output layer: its AST element, and per chunk index its AST element. */
  const origin: { node: ExprLayer; chunks: ExprLayer[] }[] = [];
  const varying: VaryingField[] = [];
  for (const node of ast) {
    const codec = codecByName(node.name);
    const last = layers[layers.length - 1];
    const chunk = sctpChunks.byName.get(node.name);
    if (!codec && chunk && last?.layer === 'sctp') {
      const item: Record<string, unknown> = { type: node.name };
      for (const a of node.args) {
        if (a.name === undefined) fail(a.at, `${node.name}: expected name=value`);
        if (!chunk.fieldNames.has(a.name)) fail(a.at, new UnknownFieldError(`sctp chunk ${node.name}`, a.name, closest(a.name, chunk.fieldNames), [...chunk.fieldNames]).message);
        item[a.name] = plainValue(a.value);
      }
      const chunks = (last.fields.chunks as Record<string, unknown>[] | undefined) ?? [];
      last.fields.chunks = [...chunks, item];
      origin[origin.length - 1].chunks.push(node);
      continue;
    }
    if (!codec) {
      const candidates = [...layerNames(), ...(last?.layer === 'sctp' ? sctpChunks.byName.keys() : [])];
      const hit = closest(node.name, candidates);
      const chunkHint = chunk ? ` (${node.name} is an SCTP chunk: put it after sctp(...))` : '';
      fail(node.at, `unknown layer '${node.name}'${hit ? ` (did you mean ${hit}?)` : ''}${chunkHint}`);
    }
    // The builder's rule, with the builder's message: `ipv4/udp/tcp` is refused here as there.
    if (!mayFollow(codec, last?.layer)) fail(node.at, stackError(codec, last?.layer).message);
    const out: { layer: string; fields: Record<string, unknown>; trailer?: string; corrupt?: string[] } = { layer: codec.name, fields: {} };
    const names = fieldNames(codec);
    const seen = new Set<string>();
    for (const a of node.args) {
      if (a.name !== undefined && seen.has(a.name)) fail(a.at, `${codec.name}: field '${a.name}' given twice`);
      if (a.name !== undefined) seen.add(a.name);
      if (a.name === 'trailer') {
        const v = plainValue(a.value);
        out.trailer = typeof v === 'number' ? String((a.value as { text: string }).text) : (v as string);
        continue;
      }
      if (a.name === 'corrupt') {
        const v = plainValue(a.value);
        out.corrupt = (Array.isArray(v) ? v : [v]).map(String);
        continue;
      }
      if (codec.name === 'raw') continue;
      if (a.name === undefined) fail(a.at, `${codec.name}: expected name=value (fields: ${[...names].join(', ')})`);
      if (!names.has(a.name)) fail(a.at, new UnknownFieldError(codec.name, a.name, closest(a.name, names), [...names, ...LAYER_KEYS]).message);
      const v = a.value;
      if (v.kind === 'range' || v.kind === 'prefix' || v.kind === 'choice') {
        varying.push({ layer: layers.length, field: a.name, value: v });
        out.fields[a.name] = undefined; // keeps the field's place; expand() sets each value
      } else out.fields[a.name] = plainValue(v);
    }
    if (codec.name === 'raw') {
      const data = rawData(node, fail);
      if (data !== undefined) out.fields.data = data;
    }
    layers.push(out);
    origin.push({ node, chunks: [] });
  }

  const column = (layerIndex: number, field?: string): number => {
    const o = origin[layerIndex];
    if (!o) return 1;
    if (field !== undefined) {
      const path = /^chunks\[(\d+)\]\.?(\w+)?/.exec(field);
      if (path) {
        const node = o.chunks[Number(path[1])];
        const arg = node?.args.find((a) => a.name === path[2]);
        if (node) return (arg ?? node).at + 1;
      }
      const arg = o.node.args.find((a) => a.name === field || (field !== undefined && field.startsWith(`${a.name}`)));
      if (arg) return arg.at + 1;
    }
    return o.node.at + 1;
  };

  return { layers, ast, column, varying };
}

/**
 * Encode `layers` once, so that value errors (a TTL of 300, a bad address) become
 * ExpressionErrors at the column of their field (`at`: the column to use instead, 1-based).
 */
export function checkEncodes(layers: readonly EncodableLayer[], column: ParsedExpression['column'], at?: number): void {
  try {
    encodeLayers(layers, { onWarning: () => {} });
  } catch (error) {
    if (error instanceof FieldValueError || error instanceof UnknownFieldError) {
      const e = error as FieldValueError & { field?: string };
      const index = layers.findIndex((l) => l.layer === e.layer.split(' ')[0]);
      const field = typeof e.field === 'string' ? e.field : undefined;
      throw new ExpressionError(at ?? column(index, field), error.message);
    }
    if (error instanceof RawcraftError) {
      const layer = (error as RawcraftError & { layer?: string }).layer;
      const index = layer ? layers.findIndex((l) => l.layer === layer.split(' ')[0]) : -1;
      throw new ExpressionError(at ?? (index >= 0 ? column(index) : 1), error.message);
    }
    throw error;
  }
}

/**
 * Parse an expression of ONE packet to layers, checking names, the stack and (by encoding it
 * once) every value, so errors point at the column of the culprit. Ranges, prefixes and
 * choices make several packets: they are refused here; `expand()` takes them.
 * @throws {@link ExpressionError} with the column of the culprit, and a suggestion for typos.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#expression-errors}
 */
export function parseExpression(expr: string): ParsedExpression {
  const { layers, ast, column, varying } = analyseExpression(expr);
  if (varying.length) {
    const v = varying[0].value;
    throw new ExpressionError(v.at + 1, `a ${v.kind} gives several packets; this takes one packet (the CLI and expand() take ranges)`);
  }
  checkEncodes(layers, column);
  return { layers, ast, column };
}

/**
 * The layers of a one-line expression (`ipv4(dst=192.0.2.1)/udp(dstPort=53)`), as `encodeLayers`
 * takes them. Ranges (`dstPort=80-90`) are refused here: use `expand`.
 *
 * @throws {@link ExpressionError} with the column of the culprit, and a suggestion for typos.
 * @example
 * {@includeCode ../../examples/api-tour.ts#expressions}
 */
export function parse(expr: string): EncodableLayer[] {
  return parseExpression(expr).layers;
}

/**
 * The bytes of a one-line expression: `encodeLayers(parse(expr))`.
 *
 * @throws {@link ExpressionError} with the column of the culprit.
 * @example
 * {@includeCode ../../examples/api-tour.ts#expressions}
 */
export function build(expr: string): Buffer {
  return encodeLayers(parse(expr), { onWarning: () => {} });
}

/**
 * Write layers back as an expression (hex for bytes); `parse(format(x))` encodes like `x`.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#expression-errors}
 */
export function formatExpression(layers: readonly EncodableLayer[]): string {
  const val = (v: unknown): string => {
    if (v instanceof Uint8Array) return /^\d*$/.test(toHex(v)) ? `'${toHex(v)}'` : toHex(v);
    if (Array.isArray(v)) return `[${v.map(val).join(',')}]`;
    if (v && typeof v === 'object') return `{${Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => `${k}:${val(x)}`).join(',')}}`;
    if (typeof v === 'string') return /^[A-Za-z0-9_.:\-]+$/.test(v) && !/^\d+$/.test(v) ? v : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    return String(v);
  };
  return layers
    .map((l) => {
      const f = (l.fields ?? {}) as Record<string, unknown>;
      if (l.layer === 'raw') return f.data === undefined ? 'raw' : `raw(hex=${typeof f.data === 'string' ? f.data : toHex(f.data as Uint8Array)})`;
      const args = Object.entries(f).filter(([, x]) => x !== undefined).map(([k, x]) => `${k}=${val(x)}`);
      if (l.corrupt?.length) args.push(`corrupt=[${l.corrupt.join(',')}]`);
      if (l.trailer !== undefined) args.push(`trailer=${typeof l.trailer === 'string' ? l.trailer : toHex(l.trailer)}`);
      return args.length ? `${l.layer}(${args.join(',')})` : l.layer;
    })
    .join('/');
}
