/**
 * Traffic scenarios (JSON or YAML): flows of packet templates whose fields vary. Validated with
 * errors that name the key path and the line: `flows[0].vary.udp.dport: ... (line 12)`.
 * See docs/traffic.md for the format.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, type Document } from 'yaml';
import { RawcraftError } from '../codec/errors.js';
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { parseIpv4, parseIpv6 } from '../codec/bytes.js';
import { codecByName, fieldNames } from '../codec/registry.js';
import { closest } from '../codec/suggest.js';
import { parseExpression } from '../expr/parse.js';
import { layersFromJson } from '../codec/json.js';
import type { Rng } from './random.js';

/**
 * A scenario file that is not valid: names the key path and (when known) the line.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#scenario-file}
 */
export class ScenarioError extends RawcraftError {
  readonly code = 'E_SCENARIO';
  constructor(
    /** Key path, e.g. `flows[0].vary.udp.dstPort`. */
    readonly path: string,
    /** 1-based line in the file, when known. */
    readonly line: number | undefined,
    readonly detail: string,
    file?: string,
  ) {
    super(`${file ? `${file}` : 'scenario'}${line !== undefined ? `:${line}` : ''}: ${path || '(top)'}: ${detail}`);
  }
}

/** Kinds of deliberately broken packets. */
export type BreakKind = 'checksum' | 'truncated' | 'length' | 'options';
export const BREAK_KINDS: readonly BreakKind[] = ['checksum', 'truncated', 'length', 'options'];

/** A value generator: packet index and its random stream to a value. */
export type Generator = (index: number, rng: Rng) => unknown;

/** How one field of a template varies (a range, a list, a sequence...): the layer, field and value generator. */
export interface Variation {
  /** Index into the template's layers. */
  readonly layerIndex: number;
  /** A field name, or `size` / `content` for the raw layer. */
  readonly field: string;
  readonly generate: Generator;
  /** The key as written, e.g. `udp.srcPort`. */
  readonly key: string;
}

/** A flow's template, parsed: the expression, its layers, its weight and its variations. */
export interface FlowTemplate {
  readonly layers: EncodableLayer[];
  readonly weight: number;
  readonly text: string;
  readonly variations: Variation[];
}

/** One flow of a scenario: its templates, count, rate, start, and what it breaks on purpose. */
export interface Flow {
  readonly name: string;
  readonly templates: FlowTemplate[];
  readonly count: number;
  /** Packets per second (timestamps, and pacing with --send). */
  readonly rate: number;
  /** Start offset from the epoch, in nanoseconds. */
  readonly startNs: bigint;
  readonly broken: Readonly<Partial<Record<BreakKind, number>>>;
}

/**
 * A traffic scenario (a YAML file): seed, flows, and how each varies and breaks.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#scenario-file}
 */
export interface Scenario {
  readonly seed: number;
  /** Timestamps start here (nanoseconds since the Unix epoch); never the clock. */
  readonly epochNs: bigint;
  readonly flows: Flow[];
}

/** Default epoch: 2026-01-01T00:00:00Z. */
export const DEFAULT_EPOCH_NS = 1_767_225_600n * 1_000_000_000n;

type Path = (string | number)[];

const pathText = (path: Path): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i ? `.${p}` : p)).join('');

class Checker {
  constructor(
    readonly doc: Document | undefined,
    readonly lines: LineCounter | undefined,
    readonly file: string | undefined,
  ) {}

  line(path: Path): number | undefined {
    if (!this.doc || !this.lines) return undefined;
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node && typeof node === 'object' && node.range) return this.lines.linePos(node.range[0]).line;
      // A map key: find the pair to point at the key itself.
      if (n === path.length && n > 0) {
        const parent = this.doc.getIn(path.slice(0, n - 1), true);
        if (isMap(parent)) {
          const pair = parent.items.find((it) => (it.key as { value?: unknown } | null)?.value === path[n - 1]);
          const range = (pair?.key as { range?: [number, number, number] } | null)?.range;
          if (range) return this.lines.linePos(range[0]).line;
        }
      }
    }
    return undefined;
  }

  fail(path: Path, detail: string): never {
    throw new ScenarioError(pathText(path), this.line(path), detail, this.file);
  }

  object(value: unknown, path: Path, keys: readonly string[]): Record<string, unknown> {
    if (!value || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'expected a mapping (key: value)');
    for (const k of Object.keys(value)) {
      if (!keys.includes(k)) {
        const hit = closest(k, keys);
        this.fail([...path, k], `unknown key '${k}'${hit ? ` (did you mean ${hit}?)` : ''}; expected ${keys.join(', ')}`);
      }
    }
    return value as Record<string, unknown>;
  }

  number(value: unknown, path: Path, min: number, max: number, integer: boolean): number {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      this.fail(path, `expected ${integer ? 'an integer' : 'a number'} ${min}..${max}, got ${JSON.stringify(value)}`);
    }
    return value;
  }
}

/**
 * A scenario from YAML or JSON text (`file` names it in messages). See docs/traffic.md.
 *
 * @throws {@link ScenarioError} naming the file, line and key path of the problem.
 * @example
 * {@includeCode ../../examples/api-tour.ts#scenario}
 */
export function parseScenario(text: string, file?: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new ScenarioError('(syntax)', e.linePos?.[0]?.line, e.message.split('\n')[0], file);
  }
  return checkScenario(doc.toJS() as unknown, new Checker(doc, lines, file));
}

/**
 * A scenario from a YAML or JSON file.
 *
 * @throws {@link ScenarioError} the file cannot be read, or its content is wrong (file, line, key path).
 * @example
 * {@includeCode ../../examples/api-traffic.ts#scenario-file}
 */
export function loadScenario(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError('', undefined, `cannot read: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`, path);
  }
  return parseScenario(text, path);
}

/**
 * Validate a scenario given as an object (from a script).
 * @throws {@link ScenarioError} naming the key path of the problem (`flows[0].count`).
 * @example
 * {@includeCode ../../examples/api-traffic.ts#scenario-file}
 */
export function scenarioFromObject(value: unknown): Scenario {
  return checkScenario(value, new Checker(undefined, undefined, undefined));
}

function checkScenario(root: unknown, c: Checker): Scenario {
  const top = c.object(root, [], ['seed', 'epoch', 'flows']);
  const seed = top.seed === undefined ? 1 : c.number(top.seed, ['seed'], 0, Number.MAX_SAFE_INTEGER, true);
  let epochNs = DEFAULT_EPOCH_NS;
  if (top.epoch !== undefined) {
    if (typeof top.epoch === 'number') epochNs = BigInt(Math.round(c.number(top.epoch, ['epoch'], 0, 2 ** 33, false) * 1e3)) * 1_000_000n;
    else if (typeof top.epoch === 'string' && !Number.isNaN(Date.parse(top.epoch))) epochNs = BigInt(Date.parse(top.epoch)) * 1_000_000n;
    else if (top.epoch instanceof Date) epochNs = BigInt(top.epoch.getTime()) * 1_000_000n;
    else c.fail(['epoch'], 'expected seconds since 1970 or an ISO 8601 date, e.g. 2026-01-01T00:00:00Z');
  }
  if (!Array.isArray(top.flows) || top.flows.length === 0) c.fail(['flows'], 'expected a non-empty list of flows');
  const names = new Set<string>();
  const flows = top.flows.map((f: unknown, i: number) => {
    const flow = checkFlow(f, ['flows', i], c);
    if (names.has(flow.name)) c.fail(['flows', i, 'name'], `duplicate flow name '${flow.name}'`);
    names.add(flow.name);
    return flow;
  });
  return { seed, epochNs, flows };
}

function checkFlow(value: unknown, path: Path, c: Checker): Flow {
  const f = c.object(value, path, ['name', 'template', 'templates', 'count', 'rate', 'duration', 'start', 'vary', 'broken']);
  const name = f.name === undefined ? `flow${path[1]}` : typeof f.name === 'string' && /^[\w.\-]+$/.test(f.name) ? f.name : c.fail([...path, 'name'], 'expected a name of letters, digits, _ . -');
  const rate = f.rate === undefined ? 100 : c.number(f.rate, [...path, 'rate'], 1e-6, 1e9, false);
  let count: number;
  if (f.count !== undefined && f.duration !== undefined) c.fail([...path, 'duration'], 'give count or duration, not both');
  if (f.count !== undefined) count = c.number(f.count, [...path, 'count'], 0, 1e10, true);
  else if (f.duration !== undefined) count = Math.floor(c.number(f.duration, [...path, 'duration'], 0, 1e7, false) * rate);
  else c.fail(path, 'a flow needs count or duration');
  const start = f.start === undefined ? 0 : c.number(f.start, [...path, 'start'], 0, 1e7, false);
  if ((f.template === undefined) === (f.templates === undefined)) c.fail(path, 'give template (one packet) or templates (a weighted mix)');
  const templateItems: { value: unknown; weight: number; path: Path }[] = [];
  if (f.template !== undefined) templateItems.push({ value: f.template, weight: 1, path: [...path, 'template'] });
  else {
    if (!Array.isArray(f.templates) || !f.templates.length) c.fail([...path, 'templates'], 'expected a non-empty list of { template, weight }');
    f.templates.forEach((t: unknown, k: number) => {
      const tp = [...path, 'templates', k];
      const o = c.object(t, tp, ['template', 'weight']);
      if (o.template === undefined) c.fail(tp, 'missing template');
      templateItems.push({ value: o.template, weight: o.weight === undefined ? 1 : c.number(o.weight, [...tp, 'weight'], 0, 1e9, false), path: [...tp, 'template'] });
    });
    if (!templateItems.some((t) => t.weight > 0)) c.fail([...path, 'templates'], 'at least one weight must be above 0');
  }
  // Any key is allowed (layer.field); `vary:` left empty (null) is refused by c.object, not by Object.keys.
  const vary = f.vary === undefined ? {} : c.object(f.vary, [...path, 'vary'], f.vary !== null && typeof f.vary === 'object' ? Object.keys(f.vary) : []);
  const templates = templateItems.map((t) => {
    const layers = checkTemplate(t.value, t.path, c);
    const variations = Object.entries(vary).map(([key, spec]) => checkVariation(key, spec, layers, [...path, 'vary', key], c, { flow: name, count: count! }));
    return { layers, weight: t.weight, text: typeof t.value === 'string' ? t.value : JSON.stringify(t.value), variations: variations.filter((v): v is Variation => v !== undefined) };
  });
  const broken: Partial<Record<BreakKind, number>> = {};
  if (f.broken !== undefined) {
    const b = c.object(f.broken, [...path, 'broken'], BREAK_KINDS);
    let total = 0;
    for (const k of BREAK_KINDS) if (b[k] !== undefined) total += broken[k] = c.number(b[k], [...path, 'broken', k], 0, 1, false);
    if (total > 1) c.fail([...path, 'broken'], `fractions add up to ${total}, more than 1`);
  }
  const startNs = BigInt(Math.round(start * 1e9));
  return { name, templates, count: count!, rate, startNs, broken };
}

function checkTemplate(value: unknown, path: Path, c: Checker): EncodableLayer[] {
  try {
    if (typeof value === 'string') return parseExpression(value).layers;
    if (Array.isArray(value)) {
      const layers = layersFromJson({ layers: value }, 0);
      encodeLayers(layers, { onWarning: () => {} });
      return layers;
    }
  } catch (error) {
    if (error instanceof RawcraftError) c.fail(path, error.message);
    throw error;
  }
  c.fail(path, "expected an expression, e.g. 'ipv4(dst=192.0.2.1)/udp(dstPort=53)', or a list of { layer, fields }");
}

const layerIndexOf = (layers: readonly EncodableLayer[], name: string): number => layers.findIndex((l) => l.layer === name);

/** The flow a value spec belongs to: a sequence that must not wrap is checked against its count. */
interface FlowInfo {
  readonly flow: string;
  readonly count: number;
}

/** What a sequence wraps at: the number of values the field holds, and its name for messages. */
interface FieldRange {
  readonly name: string;
  readonly size: bigint;
}

function checkVariation(key: string, spec: unknown, layers: readonly EncodableLayer[], path: Path, c: Checker, flow: FlowInfo): Variation | undefined {
  const m = /^([\w\-]+)\.(\w+)$/.exec(key);
  if (!m) c.fail(path, `expected layer.field, e.g. udp.srcPort, ipv4.ttl, raw.size, raw.content`);
  const [, layerName, field] = m;
  const codec = codecByName(layerName);
  if (!codec) {
    const hit = closest(layerName, layers.map((l) => l.layer));
    c.fail(path, `unknown layer '${layerName}'${hit ? ` (did you mean ${hit}?)` : ''}`);
  }
  const layerIndex = layerIndexOf(layers, layerName);
  if (layerIndex < 0) c.fail(path, `the template has no ${layerName} layer (it has ${layers.map((l) => l.layer).join('/')})`);
  const names = codec.name === 'raw' ? new Set(['size', 'content', 'data']) : fieldNames(codec);
  if (!names.has(field)) {
    const hit = closest(field, names);
    c.fail(path, `${layerName} has no field '${field}'${hit ? ` (did you mean ${hit}?)` : ''}`);
  }
  const def = codec.fields.find((d) => d.name === field);
  // raw.size is a byte count up to 65535 (applyValue); header fields hold 2^bits values.
  const size = def ? 2n ** BigInt(def.bits) : codec.name === 'raw' && field === 'size' ? 65536n : undefined;
  const range = size === undefined ? undefined : { name: key, size };
  const generate = checkSpec(spec, path, c, def?.kind === 'ipv4' ? 4 : def?.kind === 'ipv6' ? 6 : undefined, range, flow);
  // Try the values a spec names (range ends, list items) in the template: bad values fail here, with the line.
  const samples = specSamples(spec);
  for (const [value, at] of samples) {
    const probe = applyValue(layers, layerIndex, field, value);
    try {
      encodeLayers(probe, { onWarning: () => {} });
    } catch (error) {
      if (error instanceof RawcraftError) c.fail([...path, ...at], error.message);
      throw error;
    }
  }
  return { layerIndex, field, key, generate };
}

const SPEC_KEYS = ['range', 'sequence', 'choice', 'weighted'];

/** Turn a value spec into a generator. Addresses (family 4 or 6) get address arithmetic. */
function checkSpec(spec: unknown, path: Path, c: Checker, family: 4 | 6 | undefined, range: FieldRange | undefined, flow: FlowInfo): Generator {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    if (Array.isArray(spec)) return () => spec; // a fixed list value (flags, options)
    return () => spec;
  }
  const o = c.object(spec, path, SPEC_KEYS);
  const keys = Object.keys(o);
  if (keys.length !== 1) c.fail(path, `give exactly one of ${SPEC_KEYS.join(', ')}`);
  const kind = keys[0];
  const v = o[kind];
  const p = [...path, kind];
  const toNum = (x: unknown, at: Path): bigint => {
    if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
    if (family === 4 && typeof x === 'string') {
      const n = parseIpv4(x);
      if (n !== undefined) return BigInt(n);
    }
    if (family === 6 && typeof x === 'string') {
      const b = parseIpv6(x);
      if (b) return BigInt(`0x${Buffer.from(b).toString('hex')}`);
    }
    c.fail(at, `expected ${family === 4 ? 'an IPv4 address' : family === 6 ? 'an IPv6 address' : 'a whole number'}, got ${JSON.stringify(x)}`);
  };
  const fromNum = (n: bigint): unknown => {
    if (family === 4) return [24n, 16n, 8n, 0n].map((s) => Number((n >> s) & 255n)).join('.');
    if (family === 6) {
      const hex = n.toString(16).padStart(32, '0');
      return hex.match(/.{4}/g)!.join(':');
    }
    return Number(n);
  };
  switch (kind) {
    case 'range': {
      if (!Array.isArray(v) || v.length !== 2) c.fail(p, 'expected [low, high]');
      const lo = toNum(v[0], [...p, 0]);
      const hi = toNum(v[1], [...p, 1]);
      if (hi < lo) c.fail(p, 'high is below low');
      const span = hi - lo + 1n;
      if (span <= 2n ** 52n) {
        const loN = Number(lo);
        const spanN = Number(span);
        // Plain numbers stay numbers: no BigInt per packet.
        if (family === undefined) return (_i, rng) => loN + Math.floor(rng.float() * spanN);
        return (_i, rng) => fromNum(BigInt(loN + Math.floor(rng.float() * spanN)));
      }
      return (_i, rng) => fromNum(lo + ((BigInt(rng.u32()) << 32n) | BigInt(rng.u32())) % span);
    }
    case 'sequence': {
      if (Array.isArray(v)) {
        if (!v.length) c.fail(p, 'expected a non-empty list');
        return (i) => v[i % v.length];
      }
      const s = c.object(v, p, ['start', 'step', 'end', 'wrap']);
      const start = toNum(s.start ?? 0, [...p, 'start']);
      const step = BigInt(s.step === undefined ? 1 : c.number(s.step, [...p, 'step'], 0, 2 ** 32, true));
      const end = s.end === undefined ? undefined : toNum(s.end, [...p, 'end']);
      if (s.wrap !== undefined && typeof s.wrap !== 'boolean') c.fail([...p, 'wrap'], `expected true or false, got ${JSON.stringify(s.wrap)}`);
      if (end !== undefined && end < start) c.fail([...p, 'end'], 'end is below start');
      if (end !== undefined) {
        // start, start + step, ... up to end, then from start again.
        const period = step === 0n ? undefined : (end - start) / step + 1n;
        return (i) => fromNum(start + step * (period === undefined ? BigInt(i) : BigInt(i) % period));
      }
      const last = start + step * BigInt(Math.max(0, flow.count - 1));
      // Plain numbers that stay exact as doubles: the same values without BigInt per packet.
      const exact = family === undefined && last < 2n ** 53n;
      if (range === undefined) {
        if (exact) {
          const [startN, stepN] = [Number(start), Number(step)];
          return (i) => startN + stepN * i;
        }
        return (i) => fromNum(start + step * BigInt(i));
      }
      if (s.wrap === false && last >= range.size) {
        const first = (range.size - start + step - 1n) / step;
        c.fail(p, `flow ${flow.flow}: packet ${first} of ${flow.count} would set ${range.name} to ${start + step * first}, past its largest value ${range.size - 1n}; give end, fewer packets, or drop wrap: false to wrap modulo ${range.size}`);
      }
      // Like a counter: modulo the number of values the field holds (ipv4.id 65535 -> 0).
      if (exact) {
        const [startN, stepN, sizeN] = [Number(start), Number(step), Number(range.size)];
        return (i) => (startN + stepN * i) % sizeN;
      }
      return (i) => fromNum((start + step * BigInt(i)) % range.size);
    }
    case 'choice': {
      if (!Array.isArray(v) || !v.length) c.fail(p, 'expected a non-empty list');
      return (_i, rng) => v[Math.floor(rng.float() * v.length)];
    }
    case 'weighted': {
      if (!Array.isArray(v) || !v.length) c.fail(p, 'expected a non-empty list of { value, weight }');
      const items = v.map((it: unknown, k: number) => {
        const o2 = c.object(it, [...p, k], ['value', 'weight']);
        if (o2.value === undefined) c.fail([...p, k], 'missing value');
        return { value: o2.value, weight: c.number(o2.weight, [...p, k, 'weight'], 0, 1e9, false) };
      });
      const total = items.reduce((s, it) => s + it.weight, 0);
      if (total <= 0) c.fail(p, 'weights add up to 0');
      return (_i, rng) => {
        let r = rng.float() * total;
        for (const it of items) if ((r -= it.weight) < 0) return it.value;
        return items[items.length - 1].value;
      };
    }
  }
  c.fail(path, `give one of ${SPEC_KEYS.join(', ')}`);
}


function specSamples(spec: unknown): [unknown, Path][] {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return [[spec, []]];
  const o = spec as Record<string, unknown>;
  if (Array.isArray(o.range)) return o.range.map((v, i) => [v, ['range', i]] as [unknown, Path]);
  if (Array.isArray(o.sequence)) return o.sequence.map((v, i) => [v, ['sequence', i]] as [unknown, Path]);
  if (o.sequence && typeof o.sequence === 'object') {
    const s = o.sequence as Record<string, unknown>;
    return [[s.start ?? 0, ['sequence', 'start']], ...(s.end !== undefined ? [[s.end, ['sequence', 'end']] as [unknown, Path]] : [])];
  }
  if (Array.isArray(o.choice)) return o.choice.map((v, i) => [v, ['choice', i]] as [unknown, Path]);
  if (Array.isArray(o.weighted)) return o.weighted.map((v, i) => [(v as { value?: unknown })?.value, ['weighted', i, 'value']] as [unknown, Path]);
  return [];
}

/** The template's layers with one field (or raw size/content) set. */
export function applyValue(layers: readonly EncodableLayer[], layerIndex: number, field: string, value: unknown): EncodableLayer[] {
  const out = layers.slice();
  const l = out[layerIndex];
  const fields = { ...((l.fields ?? {}) as Record<string, unknown>) };
  if (l.layer === 'raw' && (field === 'size' || field === 'content')) {
    const current = fields.data === undefined ? new Uint8Array(0) : typeof fields.data === 'string' ? Buffer.from(fields.data, 'hex') : (fields.data as Uint8Array);
    if (field === 'size') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 65535) throw new ScenarioError('', undefined, `raw.size: expected a byte count 0..65535, got ${JSON.stringify(value)}`);
      const b = new Uint8Array(value);
      b.set(current.subarray(0, value));
      fields.data = b;
    } else if (typeof value === 'string' && !['zeros', 'random'].includes(value)) {
      fields.data = Buffer.from(value.startsWith('hex:') ? value.slice(4) : value, value.startsWith('hex:') ? 'hex' : 'utf8');
    } else if (value !== 'zeros' && value !== 'random') {
      throw new ScenarioError('', undefined, `raw.content: expected zeros, random, hex:BYTES or text, got ${JSON.stringify(value)}`);
    }
  } else fields[field] = value;
  out[layerIndex] = { ...l, fields };
  return out;
}
