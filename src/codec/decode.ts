/**
 * Decoding bytes into typed layers. Strict mode throws the first problem; lax mode keeps going
 * and reports problems as issues. Either way, the layers always cover every byte: whatever
 * cannot be decoded becomes a raw layer, so re-encoding gives back the identical bytes.
 */
import { InputError, PacketError, formatValue } from './errors.js';
import { didYouMean } from './suggest.js';
import type { DecodeContext, DecodedLayerBase, LayerCodec, NextLayer } from './layer.js';
import { codecByName, layerNames, resolveNextEntry, type DecodeEntry } from './registry.js';
import type { DecodedPacket, Layer } from './types.js';
import { asBuffer } from './bytes.js';
import { compileFastDecode, type FastDecode } from './decode-fast.js';
import { fastPath } from './fast-path.js';
import { firstOf } from './fast-form.js';
import { PrefixSums, directSum } from './range-sum.js';
import { FIRST_LAYERS } from './protocols/link-layers.js';

/** How `decode()` reads: strict or lax, the layer to start from, whether to verify checksums. */
export interface DecodeOptions {
  /**
   * The first layer: a layer name, or `auto` (the default) to pick IPv4 or IPv6 from the
   * version nibble, as for a raw-IP capture.
   */
  from?: string;
  /** `strict` (default) throws typed errors; `lax` returns what it could read plus `issues`. */
  mode?: 'strict' | 'lax';
  /** Attach checksum verdicts to layers that carry a checksum (default true). */
  verifyChecksums?: boolean;
}

export type { DecodedPacket } from './types.js';

/**
 * The first layer for a capture link type (LINKTYPE_ values), or undefined when unsupported.
 * @example
 * {@includeCode ../../examples/api-codec.ts#registry}
 */
export function layerForLinkType(linkType: number): string | undefined {
  return FIRST_LAYERS.get(linkType);
}

const IPV4 = resolveNextEntry('ipv4');
const IPV6 = resolveNextEntry('ipv6');
const RAW = resolveNextEntry('raw');

function firstCodec(bytes: Uint8Array, from: string): DecodeEntry {
  if (from !== 'auto') return resolveNextEntry(from);
  const version = bytes.length ? bytes[0] >> 4 : 0;
  return version === 4 ? IPV4 : version === 6 ? IPV6 : RAW;
}

interface StackEntry {
  readonly codec: LayerCodec;
  readonly offset: number;
  readonly fields: Record<string, unknown>;
  readonly complete: boolean;
}

interface MutableContext extends DecodeContext {
  quoted: boolean;
  ipIndex: number;
  readonly stack: StackEntry[];
  readonly strict: boolean;
  readonly issues: PacketError[];
  /** Bytes checksums may still sum directly before prefix sums pay (range-sum.ts). */
  sumBudget: number;
  /** Built once the budget is spent: never for most packets. */
  prefixSums: PrefixSums | undefined;
}

/** Shared by every context (a method, not a closure made per packet). */
function report(this: MutableContext, error: PacketError): void {
  if (this.strict && !this.quoted) throw error;
  this.issues.push(error);
}

/** Shared like `report`: range sums in linear total time (range-sum.ts). */
function sumRange(this: MutableContext, start: number, end: number): number {
  if (this.prefixSums !== undefined) return this.prefixSums.sum(start, end);
  if (end - start <= this.sumBudget) {
    this.sumBudget -= end - start;
    return directSum(this.buf, start, end);
  }
  return (this.prefixSums = new PrefixSums(this.buf)).sum(start, end);
}

/**
 * Decode one packet into typed layers (a union on `layer`, ready for ts-pattern), each with its
 * checksum verdict. Decoding starts at `options.from` (default: IPv4 or IPv6 by the version
 * nibble) and follows each layer's binding (protocol numbers, EtherTypes, UDP ports). Strict by
 * default; with `{ mode: 'lax' }` problems go to `issues` (layer, field and byte offset) and
 * whatever can be read is kept.
 *
 * @throws {@link LengthError} (strict) a header or a length field runs past the bytes.
 * @throws {@link ContentError} (strict) a field holds a value the format does not allow.
 * @throws {@link InputError} an unknown `from` layer.
 * @example
 * {@includeCode ../../examples/api-tour.ts#decode}
 */
export function decode(bytes: Uint8Array, options?: DecodeOptions): DecodedPacket {
  const buf = asBuffer(bytes);
  const from = options?.from;
  const verify = options?.verifyChecksums !== false;
  if (from !== undefined && from !== 'auto' && !codecByName(from)) {
    throw new InputError(`decode: unknown first layer ${formatValue(from)}${didYouMean(String(from), layerNames())}`);
  }
  const first = firstCodec(buf, from ?? 'auto');
  // The stacks this first layer led to lately, decoded by generated code when the packet fits.
  const fast = verify && fastPath.enabled ? fastDecoders.get(first) : undefined;
  if (fast !== undefined) {
    const packet = fast.run(buf);
    if (packet !== undefined) return packet;
  }
  const strict = options?.mode !== 'lax';
  const layers: DecodedLayerBase[] = [];
  const issues: PacketError[] = [];
  // A plain literal, not a class instance: class fields (define semantics) made V8 deoptimise
  // the codecs' decode functions over and over once several layer types had been seen.
  const ctx: MutableContext = { buf, stack: [], quoted: false, ipIndex: -1, strict, issues, report, sumBudget: 2 * buf.length, prefixSums: undefined, sumWords: sumRange };
  let entry = first;
  let off = 0;
  let end = buf.length;
  let complete = true;
  for (;;) {
    const codec = entry.codec;
    let step;
    try {
      step = entry.decode.call(codec, ctx, off, end);
    } catch (error) {
      if (!(error instanceof PacketError) || (strict && !ctx.quoted)) throw error;
      issues.push(error);
      // What could not be decoded stays as raw bytes, so nothing is lost.
      if (end > off) layers.push({ layer: 'raw', fields: { data: buf.subarray(off, end) } });
      break;
    }
    const fields = step.fields;
    const payloadEnd = step.payloadEnd;
    complete = complete && step.complete !== false;
    const verifyChecksum = entry.verifyChecksum;
    const verdict = verify && verifyChecksum !== undefined ? verifyChecksum.call(codec, ctx, off, payloadEnd, fields, complete) : undefined;
    // Whole literals rather than properties added later: fewer hidden-class transitions, and
    // absent properties stay absent (never present as undefined).
    const trailer = payloadEnd < end ? buf.subarray(payloadEnd, end) : undefined;
    const name = entry.name;
    let layer: DecodedLayerBase;
    if (trailer === undefined) layer = verdict ? { layer: name, fields, checksum: verdict } : { layer: name, fields };
    else layer = verdict ? { layer: name, fields, trailer, checksum: verdict } : { layer: name, fields, trailer };
    layers.push(layer);
    // The nearest IP layer is tracked here, so upper-layer checksums never scan the stack for it.
    if (entry.isIp) ctx.ipIndex = ctx.stack.length;
    ctx.stack.push({ codec, offset: off, fields, complete });
    // Inside a quoted datagram problems are expected (it is usually cut short): report, never throw.
    if (step.quotes) ctx.quoted = true;
    const next: NextLayer | undefined = step.next;
    if (next === undefined || step.headerEnd >= payloadEnd) break;
    entry = resolveNextEntry(next);
    off = step.headerEnd;
    end = payloadEnd;
  }
  if (verify && issues.length === 0) learn(first, layers);
  return { layers: layers as unknown as Layer[], issues };
}

// ---------------------------------------------------------------------------------------------
// Fast decoders for the stacks seen often (decode-fast.ts)

/**
 * Per first layer, the fast decoders of its latest stacks (newest first), and one function that
 * tries them, the one that took the last packet first (firstOf): a stream of one stack costs one
 * call, where going down the list cost a call per newer stack (ipv4-udp, learnt first, was
 * tried after five others in the benchmark).
 */
const fastDecoders = new Map<DecodeEntry, { readonly list: readonly FastDecode[]; readonly run: FastDecode }>();
const compiledStacks = new Map<string, FastDecode | null>();
const sightings = new Map<string, number>();
/** Bounds: odd inputs (a fuzzer) must not grow the caches without limit. */
const MAX_STACKS = 64;
const MAX_DEPTH = 8;
const PER_FIRST_LAYER = 8;

/** After a packet the fast decoders did not take: count its stack, and compile one for it when it comes again. */
function learn(first: DecodeEntry, layers: readonly DecodedLayerBase[]): void {
  if (layers.length > MAX_DEPTH) return;
  let key = '';
  for (const layer of layers) {
    if (layer.trailer !== undefined) return;
    key += `${layer.layer}/`;
  }
  let fast = compiledStacks.get(key);
  if (fast === undefined) {
    const seen = (sightings.get(key) ?? 0) + 1;
    if (sightings.size >= 4 * MAX_STACKS) sightings.clear();
    sightings.set(key, seen);
    if (seen < 2) return;
    if (compiledStacks.size >= MAX_STACKS) {
      compiledStacks.clear();
      fastDecoders.clear();
    }
    fast = compileFastDecode(layers.map((layer) => codecByName(layer.layer)!)) ?? null;
    compiledStacks.set(key, fast);
  }
  if (fast === null) return;
  // Already listed (it turned this packet down: a bad checksum, an option it does not cover):
  // the order stays. Moving it to the front on every such packet made a mixed stream rebuild
  // the list and try the other stacks' decoders first, packet after packet.
  const list = fastDecoders.get(first)?.list ?? [];
  if (list.includes(fast)) return;
  const newer = [fast, ...list].slice(0, PER_FIRST_LAYER);
  fastDecoders.set(first, { list: newer, run: firstOf(newer)! });
}
