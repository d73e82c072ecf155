/**
 * Generating a scenario's packets: flows merged in timestamp order (a k-way merge that holds one
 * pending packet per flow: bounded memory), each packet a function of (seed, flow, index) only,
 * made by a compiled template patcher when its varying fields allow (patch-compile.ts),
 * so `shard` (packet number modulo N) yields disjoint parts whose union is the whole.
 * Timestamps come from the scenario's epoch and each flow's rate, never the clock.
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { codecByName } from '../codec/registry.js';
import { PcapngWriter } from '../capture/writers.js';
import { AtomicFile } from '../capture/atomic-file.js';
import { LinkType } from '../capture/link-types.js';
import { Rng } from './random.js';
import { PatchableTemplate } from './patch.js';
import type { Patcher } from './patch-compile.js';
import { BREAK_KINDS, applyValue, type BreakKind, type Flow, type FlowTemplate, type Scenario } from './scenario.js';

/** Options of `generateTraffic()`: a seed that overrides the scenario's, and the shard to generate. */
export interface TrafficOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Part `index` (0-based) of `count`: packets whose number modulo count is index. */
  readonly shard?: { readonly index: number; readonly count: number };
}

/** One packet `generateTraffic()` yields: number, flow, timestamp, bytes, and whether it was broken on purpose. */
export interface TrafficPacket {
  /** Number in the whole scenario's output (timestamp order), before sharding. */
  readonly number: number;
  readonly flow: string;
  /** Index within its flow. */
  readonly flowIndex: number;
  readonly timestampNs: bigint;
  readonly data: Buffer;
  /** How the packet was deliberately broken, if it was (a truncated packet is short on the wire too). */
  readonly broken: BreakKind | undefined;
  /** Whether the bytes were made by patching the encoded template (else a full encode). */
  readonly patched: boolean;
}

interface TemplateState {
  readonly t: FlowTemplate;
  readonly compiled: PatchableTemplate;
  /** The compiled patcher when every variation patches in place, else undefined (a full encode). */
  readonly patcher: Patcher | undefined;
  /** Reused for each packet's values (the patcher keeps none of them). */
  readonly values: unknown[];
}

interface FlowState {
  readonly flow: Flow;
  readonly number: number;
  next: number;
  /** The next packet's time after the epoch, in ns (exact: flows start and run for less than 104 days). */
  nextAt: number;
  readonly startNs: number;
  readonly intervalNs: number;
  readonly templates: TemplateState[];
  readonly totalWeight: number;
}

/** A packet's time after the epoch, in ns, as a number (exact below 2^53 ns). */
const offsetOf = (s: FlowState, i: number): number => s.startNs + Math.floor(i * s.intervalNs);

/** One packet made, before it is handed out: the flow state, its index, number and bytes. */
interface Made {
  readonly s: FlowState;
  readonly i: number;
  readonly number: number;
  readonly atNs: number;
  readonly data: Buffer;
  readonly broken: BreakKind | undefined;
  readonly patched: boolean;
}

/** A TrafficPacket whose bigint timestamp is made only when read (most writers never do). */
class Packet implements TrafficPacket {
  constructor(
    readonly number: number,
    readonly flow: string,
    readonly flowIndex: number,
    private readonly epochNs: bigint,
    private readonly atNs: number,
    readonly data: Buffer,
    readonly broken: BreakKind | undefined,
    readonly patched: boolean,
  ) {}

  get timestampNs(): bigint {
    return this.epochNs + BigInt(this.atNs);
  }
}

/**
 * The scenario's packets in timestamp order (or one shard's), each handed to `visit`; a promise
 * `visit` returns is awaited before the next packet, so writers wait only when they must.
 */
async function eachPacket(scenario: Scenario, options: TrafficOptions, visit: (p: Made) => Promise<void> | undefined): Promise<void> {
  for (const p of made(scenario, options)) {
    const wait = visit(p);
    if (wait !== undefined) await wait;
  }
}

/** The packets, made one at a time (a k-way merge holding one pending packet per flow). */
function* made(scenario: Scenario, options: TrafficOptions): Generator<Made> {
  const seed = options.seed ?? scenario.seed;
  const shard = options.shard ?? { index: 0, count: 1 };
  const rng = new Rng(0);
  const states: FlowState[] = scenario.flows.map((flow, number) => {
    const templates = flow.templates.map((t): TemplateState => {
      const compiled = new PatchableTemplate(t.layers);
      const patchAll = compiled.patchable && t.variations.every((v) => compiled.canPatch(v.layerIndex, v.field));
      const patcher = patchAll && t.variations.length ? compiled.patcherFor(t.variations.map((v) => [v.layerIndex, v.field] as const)) : undefined;
      return { t, compiled, patcher: patchAll ? (patcher ?? (() => compiled.bytes)) : undefined, values: new Array<unknown>(t.variations.length) };
    });
    const startNs = Number(flow.startNs);
    if (!Number.isSafeInteger(startNs)) throw new RangeError(`flow ${flow.name}: start ${flow.startNs} ns is too far from the epoch`);
    const s: FlowState = { flow, number, next: 0, nextAt: 0, startNs, intervalNs: 1e9 / flow.rate, templates, totalWeight: flow.templates.reduce((a, t) => a + t.weight, 0) };
    s.nextAt = offsetOf(s, 0);
    return s;
  });
  let number = 0;
  for (;;) {
    let best: FlowState | undefined;
    for (let k = 0; k < states.length; k++) {
      const s = states[k];
      if (s.next < s.flow.count && (best === undefined || s.nextAt < best.nextAt)) best = s;
    }
    if (best === undefined) return;
    const i = best.next++;
    const atNs = best.nextAt;
    best.nextAt = offsetOf(best, best.next);
    if (number++ % shard.count !== shard.index) continue;
    yield makePacket(best, i, atNs, number - 1, seed, rng);
  }
}

/**
 * Every packet of the scenario (or of one shard), in timestamp order. Deterministic: the same
 * scenario and seed give the same packets, timestamps included.
 *
 * @throws {@link ScenarioError} a varied `raw.size` that is not a byte count (possible in a Scenario built by hand; parseScenario checks it).
 * @example
 * {@includeCode ../../examples/api-tour.ts#scenario}
 */
export function* generateTraffic(scenario: Scenario, options: TrafficOptions = {}): Generator<TrafficPacket> {
  for (const p of made(scenario, options)) yield toPacket(scenario, p);
}

const toPacket = (scenario: Scenario, p: Made): TrafficPacket => new Packet(p.number, p.s.flow.name, p.i, scenario.epochNs, p.atNs, p.data, p.broken, p.patched);

function makePacket(s: FlowState, i: number, atNs: number, number: number, seed: number, rng: Rng): Made {
  rng.seed(seed, s.number, i);
  let tpl = s.templates[0];
  if (s.templates.length > 1) {
    let r = rng.float() * s.totalWeight;
    tpl = s.templates.find((t) => (r -= t.t.weight) < 0) ?? s.templates[s.templates.length - 1];
  }
  let broken: BreakKind | undefined;
  let r = rng.float();
  for (const k of BREAK_KINDS) {
    const p = s.flow.broken[k];
    if (p && (r -= p) < 0) {
      broken = k;
      break;
    }
  }
  const variations = tpl.t.variations;
  const values = tpl.values;
  for (let k = 0; k < variations.length; k++) values[k] = variations[k].generate(i, rng);
  if (broken === undefined && tpl.patcher !== undefined) return { s, i, number, atNs, data: tpl.patcher(values), broken, patched: true };
  let layers: EncodableLayer[] = tpl.t.layers.slice();
  variations.forEach((v, k) => {
    if (v.field === 'content' && values[k] === 'random') {
      const cur = layers[v.layerIndex].fields as { data?: Uint8Array | string } | undefined;
      const len = cur?.data === undefined ? 0 : typeof cur.data === 'string' ? cur.data.length / 2 : cur.data.length;
      layers = applyValue(layers, v.layerIndex, 'content', `hex:${Buffer.from(rng.bytes(len)).toString('hex')}`);
    } else layers = applyValue(layers, v.layerIndex, v.field, values[k]);
  });
  let data: Buffer;
  [data, broken] = breakPacket(layers, broken, rng);
  return { s, i, number, atNs, data, broken, patched: false };
}

const quiet = { onWarning: () => {} };

/** Encode, spoiling the packet as `kind` asks; a kind the stack cannot show falls back to another. */
function breakPacket(layers: EncodableLayer[], kind: BreakKind | undefined, rng: Rng): [Buffer, BreakKind | undefined] {
  if (kind === 'options') {
    const ip = layers.findIndex((l) => l.layer === 'ipv4');
    const tcp = layers.findIndex((l) => l.layer === 'tcp');
    const at = ip >= 0 ? ip : tcp;
    if (at >= 0) {
      const out = layers.slice();
      const fields = { ...((out[at].fields ?? {}) as Record<string, unknown>) };
      delete fields.options;
      // An option whose length runs past the header: record-route (IPv4) or MSS (TCP) with a length of 39.
      fields.padding = at === ip ? '07270400' : '02270000';
      out[at] = { ...out[at], fields };
      return [encodeLayers(out, quiet), kind];
    }
    kind = 'length';
  }
  if (kind === 'checksum') {
    let at = -1;
    for (let k = layers.length - 1; k >= 0 && at < 0; k--) if (codecByName(layers[k].layer)?.checksumOffset !== undefined) at = k;
    if (at >= 0) {
      const out = layers.slice();
      const { checksum: _drop, ...fields } = (out[at].fields ?? {}) as Record<string, unknown>;
      out[at] = { ...out[at], fields, corrupt: ['checksum'] };
      return [encodeLayers(out, quiet), kind];
    }
    kind = 'truncated';
  }
  const good = encodeLayers(layers, quiet);
  if (kind === 'length') {
    const first = layers[0]?.layer;
    if (first === 'ipv4' || first === 'ipv6') {
      const out = layers.slice();
      const lie = rng.int(1, 64);
      const fields = { ...((out[0].fields ?? {}) as Record<string, unknown>) };
      if (first === 'ipv4') fields.totalLength = Math.min(0xffff, good.length + lie);
      else fields.payloadLength = Math.min(0xffff, good.length - 40 + lie);
      out[0] = { ...out[0], fields };
      return [encodeLayers(out, quiet), kind];
    }
    kind = 'truncated';
  }
  if (kind === 'truncated' && good.length > 1) return [good.subarray(0, rng.int(1, good.length - 1)), kind];
  return [good, kind === 'truncated' ? undefined : kind];
}

/** What `writeTraffic()` wrote: packets, bytes, broken and patched packets, per flow, with the seed and shard. */
export interface TrafficSummary {
  readonly packets: number;
  readonly bytes: number;
  readonly broken: number;
  readonly patched: number;
  readonly flows: { readonly name: string; readonly packets: number; readonly broken: number }[];
  readonly seed: number;
  readonly shard: { readonly index: number; readonly count: number };
}

/** First-packet comment of each flow: what it is. */
export function flowComment(flow: Flow): string {
  const t = flow.templates.map((x) => x.text).join(' | ');
  return `flow ${flow.name}: ${t} (count ${flow.count}, rate ${flow.rate}/s)`;
}

/**
 * Generate the scenario (or one shard) into a pcapng file (a `.pcap` name: classic pcap), written
 * atomically; resolves with the summary.
 *
 * @throws {@link CaptureWriteError} the file cannot be written.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#scenario-file}
 */
export async function writeTraffic(scenario: Scenario, path: string, options: TrafficOptions = {}, onPacket?: (p: TrafficPacket) => void): Promise<TrafficSummary> {
  const file = new AtomicFile(path);
  const writer = new PcapngWriter(file.stream, { interfaces: [{ linkType: LinkType.RAW }] }, file);
  const summary = newSummary(scenario, options);
  const seen = new Set<FlowState>();
  // Timestamps as two 32-bit halves of nanoseconds: the epoch's, plus each packet's offset (a number).
  const epochHigh = Number(scenario.epochNs / 0x100000000n);
  const epochLow = Number(scenario.epochNs % 0x100000000n);
  try {
    await eachPacket(scenario, options, (p) => {
      count(summary, p.s.flow.name, p.data.length, p.broken, p.patched);
      if (onPacket !== undefined) onPacket(toPacket(scenario, p));
      if (p.broken !== undefined || !seen.has(p.s)) {
        const comments: string[] = [];
        if (!seen.has(p.s)) {
          seen.add(p.s);
          comments.push(flowComment(p.s.flow));
        }
        if (p.broken) comments.push(`broken: ${p.broken}`);
        return writer.write({ data: p.data, timestampNs: scenario.epochNs + BigInt(p.atNs), interfaceId: 0, comment: comments.join('; ') });
      }
      const low = epochLow + p.atNs;
      const carry = Math.floor(low / 0x100000000);
      return writer.writePacket(0, epochHigh + carry, low - carry * 0x100000000, p.data);
    });
  } catch (error) {
    // A failed run leaves no half-written file.
    writer.abort();
    throw error;
  }
  await writer.close();
  return finish(summary);
}

type MutableSummary = { -readonly [K in keyof TrafficSummary]: TrafficSummary[K] } & { byFlow: Map<string, { name: string; packets: number; broken: number }> };

export function newSummary(scenario: Scenario, options: TrafficOptions): MutableSummary {
  const byFlow = new Map(scenario.flows.map((f) => [f.name, { name: f.name, packets: 0, broken: 0 }]));
  return { packets: 0, bytes: 0, broken: 0, patched: 0, flows: [...byFlow.values()], seed: options.seed ?? scenario.seed, shard: options.shard ?? { index: 0, count: 1 }, byFlow };
}

/** Count a packet into the summary (a TrafficPacket, or its parts). */
export function count(s: MutableSummary, p: TrafficPacket): void;
export function count(s: MutableSummary, flow: string, bytes: number, broken: BreakKind | undefined, patched: boolean): void;
export function count(s: MutableSummary, p: TrafficPacket | string, bytes?: number, broken?: BreakKind, patched?: boolean): void {
  if (typeof p !== 'string') return count(s, p.flow, p.data.length, p.broken, p.patched);
  s.packets++;
  s.bytes += bytes!;
  if (patched) s.patched++;
  const f = s.byFlow.get(p)!;
  f.packets++;
  if (broken) {
    s.broken++;
    f.broken++;
  }
}

export function finish(s: MutableSummary): TrafficSummary {
  const { byFlow: _b, ...rest } = s;
  return rest;
}
