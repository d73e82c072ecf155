/**
 * Encoding compiled per layer stack. The first time a sequence of layers (ipv4/udp/raw, ...) is
 * encoded, one function is generated for exactly that sequence, the way header.ts compiles one
 * header: every codec call in it has a single target (so V8 inlines it) and the nearest
 * enclosing IP layer of each frame is worked out once. Encoding a packet is then: check the
 * input, measure, allocate, write, checksum.
 *
 * Plans form a tree keyed by layer name (root = no layer), so a builder step holds its plan and
 * finding it costs one Map lookup per added layer.
 */
import { mayFollow } from './stack-rule.js';
import { FieldValueError, InputError, UnknownFieldError, type PacketError } from './errors.js';
import { corruptChecksum } from './checksum.js';
import { bytesInput } from './bytes.js';
import type { EncodeFrame, LayerCodec } from './layer.js';
import { codecByName, codecs, fieldNames } from './registry.js';
import { closest } from './suggest.js';
import { compileFast, type FastInput, type FastRun } from './encode-fast.js';
import { fastPath } from './fast-path.js';
import { keyChecker } from './key-check.js';

/** A frame as the encoder keeps it: what codecs see, plus the caller's input before it is checked. */
export interface Frame extends EncodeFrame {
  fields: Record<string, unknown>;
  trailer: Uint8Array | undefined;
  warn: (warning: PacketError) => void;
  /** The `trailer` input (bytes or hex), turned into `trailer` when the frame is checked. */
  trailerInput: Uint8Array | string | undefined;
  /** What to spoil on purpose (only `'checksum'`). */
  corrupt: readonly string[] | undefined;
}

type Run = (frames: Frame[], warn: (warning: PacketError) => void) => Buffer;

/** A layer to encode as a list holds it (EncodableLayer, without its name: the plan knows it). */
export interface ListedLayer {
  readonly fields?: object;
  readonly trailer?: Uint8Array | string;
  readonly corrupt?: readonly string[];
}

/** A builder step as the encoder reads it: its layer's fields, the step before, and rare extras. */
export interface ChainLink {
  readonly parent: ChainLink | undefined;
  readonly fields: object;
  readonly extra: { readonly trailer: Uint8Array | string | undefined; readonly corrupt: readonly string[] | undefined } | undefined;
}

function fillFromList(frames: Frame[], layers: readonly ListedLayer[]): void {
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i];
    const layer = layers[i];
    // null stays null, so the encoder reports it rather than treating it as "no fields".
    frame.fields = (layer.fields === undefined ? EMPTY_FIELDS : layer.fields) as Record<string, unknown>;
    frame.trailerInput = layer.trailer;
    frame.corrupt = layer.corrupt;
  }
}

function fillFromChain(frames: Frame[], last: ChainLink): void {
  let link: ChainLink | undefined = last;
  for (let i = frames.length - 1; i >= 0; i--) {
    const frame = frames[i];
    frame.fields = link!.fields as Record<string, unknown>;
    frame.trailerInput = link!.extra?.trailer;
    frame.corrupt = link!.extra?.corrupt;
    link = link!.parent;
  }
}

const EMPTY_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});
const noWarning = (): void => {};

/** Distinct stacks compiled before the tree is dropped and regrown (bounds memory for odd inputs). */
const MAX_COMPILED = 512;
let compiledCount = 0;

export class StackPlan {
  /** The last layer's codec; undefined at the root. */
  readonly codec: LayerCodec | undefined;
  readonly parent: StackPlan | undefined;
  /** Number of layers. */
  readonly depth: number;
  /** Whether the last layer may follow the one before (its codec's `follows`); builders refuse stacks that are not. */
  readonly legal: boolean;
  private readonly children = new Map<string, StackPlan>();
  private readonly byIndex: (StackPlan | undefined)[] = new Array<StackPlan | undefined>(codecs.length).fill(undefined);
  // The child asked for last: builders ask for the same one again and again, and comparing
  // two interned strings is cheaper than a Map lookup.
  private lastName: string | undefined = undefined;
  private lastChild: StackPlan | undefined = undefined;
  private run: Run | undefined = undefined;
  /** The fast paths, for lists and for builder chains; null when the stack has none. */
  private fastList: FastRun | null | undefined = undefined;
  private fastChain: FastRun | null | undefined = undefined;
  private codecList: LayerCodec[] | undefined = undefined;
  /** Per layer, the index of the nearest IP layer before it, or -1. */
  private ipIndexes: number[] | undefined = undefined;

  constructor(parent: StackPlan | undefined, codec: LayerCodec | undefined) {
    this.parent = parent;
    this.codec = codec;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
    this.legal = codec === undefined || mayFollow(codec, parent?.codec?.name);
  }

  /**
   * The plan for this stack plus the layer of `codecs[index]` (the registry's order): one
   * indexed load, for the builder, whose methods know their codec's index.
   */
  childAt(index: number): StackPlan {
    let plan = this.byIndex[index];
    if (plan === undefined) {
      plan = this.child(codecs[index].name)!;
      this.byIndex[index] = plan;
    }
    return plan;
  }

  /** The plan for this stack plus one layer, or undefined when no layer has that name. */
  child(name: string): StackPlan | undefined {
    if (name === this.lastName) return this.lastChild;
    let plan = this.children.get(name);
    if (plan === undefined) {
      const codec = codecByName(name);
      if (codec === undefined) return undefined;
      plan = new StackPlan(this, codec);
      this.children.set(name, plan);
    }
    this.lastName = name;
    this.lastChild = plan;
    return plan;
  }

  /** Encode a list of layers (one per layer of this plan): the fast path when it fits, else the general one. */
  encodeList(layers: readonly ListedLayer[], warn: (warning: PacketError) => void): Buffer {
    let fast = this.fastList;
    if (fast === undefined) fast = this.fastList = this.compileFast('list');
    if (fast !== null && fastPath.enabled) {
      const bytes = fast(layers);
      if (bytes !== undefined) return bytes;
    }
    const frames = this.newFrames();
    fillFromList(frames, layers);
    return (this.run ?? this.compile())(frames, warn);
  }

  /** Encode a builder chain ending at `last`, one link per layer of this plan. */
  encodeChain(last: ChainLink, warn: (warning: PacketError) => void): Buffer {
    let fast = this.fastChain;
    if (fast === undefined) fast = this.fastChain = this.compileFast('chain');
    if (fast !== null && fastPath.enabled) {
      const bytes = fast(last);
      if (bytes !== undefined) return bytes;
    }
    const frames = this.newFrames();
    fillFromChain(frames, last);
    return (this.run ?? this.compile())(frames, warn);
  }

  /**
   * Fresh frames each time: short-lived objects are cheaper for V8 than old ones holding young
   * values (measured: reusing frames was no faster), and an encode inside a warning handler is safe.
   */
  private newFrames(): Frame[] {
    const codecs = this.codecList ?? this.prepare();
    const ipIndexes = this.ipIndexes!;
    const frames = new Array<Frame>(codecs.length);
    for (let i = 0; i < codecs.length; i++) frames[i] = newFrame(codecs[i], ipIndexes[i]);
    return frames;
  }

  /** Work out the codecs of the stack, outermost first, and each layer's nearest IP layer. */
  private prepare(): LayerCodec[] {
    const codecs = new Array<LayerCodec>(this.depth);
    for (let p: StackPlan | undefined = this; p !== undefined && p.codec !== undefined; p = p.parent) codecs[p.depth - 1] = p.codec;
    let ip = -1;
    this.ipIndexes = codecs.map((codec, index) => {
      const before = ip;
      if (codec.pseudoHeaderSum !== undefined) ip = index;
      return before;
    });
    this.codecList = codecs;
    return codecs;
  }

  private compile(): Run {
    countCompile();
    this.run = compileRun(this.codecList ?? this.prepare());
    return this.run;
  }

  private compileFast(input: FastInput): FastRun | null {
    countCompile();
    return compileFast(this.codecList ?? this.prepare(), input) ?? null;
  }

  /** Forget every plan (those still held by builders keep working; the rest can go). */
  static forgetAll(): void {
    ROOT.children.clear();
    ROOT.lastName = undefined;
    ROOT.lastChild = undefined;
  }
}

/** The empty stack: every plan starts here. */
export const ROOT = new StackPlan(undefined, undefined);

/** Bound the generated code kept for odd inputs: past MAX_COMPILED, the tree starts afresh. */
function countCompile(): void {
  if (++compiledCount > MAX_COMPILED) {
    compiledCount = 1;
    StackPlan.forgetAll();
  }
}

function newFrame(codec: LayerCodec, ipIndex: number): Frame {
  return {
    codec,
    fields: EMPTY_FIELDS,
    offset: 0,
    headerLength: 0,
    payloadEnd: 0,
    trailer: undefined,
    state: undefined,
    warn: noWarning,
    ipIndex,
    headerSum: 0,
    summedLength: 0,
    trailerInput: undefined,
    corrupt: undefined,
  };
}

// ---------------------------------------------------------------------------------------------
// The generated code and its helpers (called only on the rare paths: errors, trailers, corrupt)

const unknownFieldCheckers = new Map<LayerCodec, (fields: object) => string | undefined>();

/** The first key of `fields` the layer does not know, or undefined. */
function unknownFieldChecker(codec: LayerCodec): (fields: object) => string | undefined {
  let check = unknownFieldCheckers.get(codec);
  if (check === undefined) {
    check = keyChecker(fieldNames(codec), codec.name);
    unknownFieldCheckers.set(codec, check);
  }
  return check;
}

const helpers = {
  Buffer,
  badFields(codec: LayerCodec, index: number): never {
    throw new InputError(`layer ${index} (${codec.name}): fields must be an object`);
  },
  unknownField(codec: LayerCodec, key: string): never {
    const names = fieldNames(codec);
    throw new UnknownFieldError(codec.name, key, closest(key, names), [...names]);
  },
  /** Check a frame's trailer and corrupt input. */
  prepare(frame: Frame): void {
    const codec = frame.codec;
    const corrupt = frame.corrupt;
    if (corrupt !== undefined) {
      if (!Array.isArray(corrupt)) throw new FieldValueError(codec.name, 'corrupt', corrupt, "a list such as ['checksum']");
      if (corrupt.length === 0) {
        frame.corrupt = undefined;
      } else {
        for (const what of corrupt) {
          if (what !== 'checksum' || codec.checksumOffset === undefined) {
            throw new FieldValueError(codec.name, 'corrupt', what, codec.checksumOffset === undefined ? 'nothing: this layer has no checksum' : "'checksum'");
          }
        }
        // Compute the correct value first, then spoil it: drop any explicit checksum.
        const { checksum: _ignored, ...rest } = frame.fields;
        frame.fields = rest;
      }
    }
    if (frame.trailerInput !== undefined) frame.trailer = bytesInput(codec.name, 'trailer', frame.trailerInput);
  },
  /** Zero bytes after a frame's payload and trailer up to its codec's minimum length; returns the new end. */
  pad(frame: Frame, end: number): number {
    const missing = frame.codec.padTo!(frame.fields) - (end - frame.offset);
    if (missing <= 0) return end;
    const trailer = new Uint8Array((frame.trailer?.length ?? 0) + missing);
    if (frame.trailer !== undefined) trailer.set(frame.trailer);
    frame.trailer = trailer;
    return end + missing;
  },
  /** Write a guaranteed-wrong checksum over the correct one. */
  spoil(buf: Uint8Array, frame: Frame): void {
    const at = frame.offset + frame.codec.checksumOffset!;
    const wrong = corruptChecksum((buf[at] << 8) | buf[at + 1]);
    buf[at] = wrong >>> 8;
    buf[at + 1] = wrong & 255;
  },
};

/**
 * Generate the encoder of one stack. Order as gopacket's: measure every header first so each
 * layer knows its payload length, write headers outermost first, then fill checksums innermost
 * first (outer checksums, such as ICMP's over a quoted datagram, cover inner bytes).
 */
function compileRun(codecs: readonly LayerCodec[]): Run {
  const n = codecs.length;
  const env: Record<string, unknown> = { h: helpers };
  const consts: string[] = ['const h = env.h;'];
  const body: string[] = [];
  const f = (i: number): string => `f${i}`;
  for (let i = 0; i < n; i++) {
    const codec = codecs[i];
    env[`c${i}`] = codec;
    env[`u${i}`] = unknownFieldChecker(codec);
    env[`m${i}`] = codec.measure;
    env[`w${i}`] = codec.write;
    consts.push(`const c${i} = env.c${i}, u${i} = env.u${i}, m${i} = env.m${i}, w${i} = env.w${i};`);
    if (codec.fillChecksum) {
      env[`k${i}`] = codec.fillChecksum;
      consts.push(`const k${i} = env.k${i};`);
    }
  }
  body.push(n ? `const ${codecs.map((_, i) => `${f(i)} = F[${i}]`).join(', ')};` : '', 'let key;');
  for (let i = 0; i < n; i++) {
    body.push(
      `if (typeof ${f(i)}.fields !== 'object' || ${f(i)}.fields === null) h.badFields(c${i}, ${i});`,
      `if ((key = u${i}(${f(i)}.fields)) !== undefined) h.unknownField(c${i}, key);`,
      `if (${f(i)}.trailerInput !== undefined || ${f(i)}.corrupt !== undefined) h.prepare(${f(i)});`,
      `${f(i)}.warn = warn;`,
      `${f(i)}.offset = ${i ? `${f(i - 1)}.offset + ${f(i - 1)}.headerLength` : '0'};`,
      `${f(i)}.headerLength = m${i}.call(c${i}, ${f(i)});`,
    );
  }
  // Innermost content ends where the headers end; each layer's trailer follows its payload.
  body.push(`let end = ${n ? `${f(n - 1)}.offset + ${f(n - 1)}.headerLength` : '0'};`);
  for (let i = n - 1; i >= 0; i--) {
    body.push(`${f(i)}.payloadEnd = end; if (${f(i)}.trailer !== undefined) end += ${f(i)}.trailer.length;`);
    // A layer with a minimum length (Ethernet's padding) lengthens its trailer with zeros.
    if (codecs[i].padTo) body.push(`end = h.pad(${f(i)}, end);`);
  }
  body.push('const buf = h.Buffer.allocUnsafe(end);');
  // Any byte a codec does not write (reserved bits, unused space) must be 0, not pool garbage;
  // zero-filling costs more than the rest of a small packet, so only when some codec needs it.
  if (!codecs.every((c) => c.writesEveryByte === true)) body.push('buf.fill(0);');
  for (let i = 0; i < n; i++) {
    body.push(`w${i}.call(c${i}, buf, F, ${i});`, `if (${f(i)}.trailer !== undefined) buf.set(${f(i)}.trailer, ${f(i)}.payloadEnd);`);
  }
  for (let i = n - 1; i >= 0; i--) {
    if (codecs[i].fillChecksum) body.push(`k${i}.call(c${i}, buf, F, ${i});`);
    if (codecs[i].checksumOffset !== undefined) body.push(`if (${f(i)}.corrupt !== undefined) h.spoil(buf, ${f(i)});`);
  }
  body.push('return buf;');
  const name = `encode_${codecs.map((c) => c.name.replace(/\W/g, '_')).join('_') || 'empty'}`;
  const src = `${consts.join('\n')}\nreturn function ${name}(F, warn) {\n${body.join('\n')}\n};\n//# sourceURL=rawcraft/encode-general/${name}.js`;
  return new Function('env', src)(env) as Run;
}
