/**
 * The fluent, typed packet DSL: `ipv4({ dst: '127.0.0.1' }).udp({ dstPort: 53 }).payload('hi').encode()`.
 *
 * Typestate: each step offers only the layers that may follow the last one, derived from the
 * `follows` lists of the protocol files (codec/types.ts), so the compiler rejects
 * `ipv4().udp().tcp()`. The methods themselves are generated from the codec registry, so a new
 * protocol needs no change here.
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { decode } from '../codec/decode.js';
import { StackError } from '../codec/errors.js';
import { codecs } from '../codec/registry.js';
import type { Layer, LayerName, LayerTypes } from '../codec/types.js';

/** `ipv4-options` → `ipv4Options`: the method name of a layer. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** Layers that may follow layer L (`start` for the first layer). */
export type NextLayers<L extends string> = {
  [K in LayerName]: L extends LayerTypes[K]['follows'] ? K : never;
}[LayerName];

type InputOf<K extends LayerName> = LayerTypes[K]['input'];

/** What `build()` returns: the bytes and the layers as a decoder reads them back (computed fields visible). */
export interface Built {
  readonly bytes: Buffer;
  readonly layers: Layer[];
}

/** Methods every step has. */
export interface StepBase {
  /** The layers so far, outermost first, as given. */
  readonly layers: readonly EncodableLayer[];
  /** Encode to bytes: left-out fields computed, explicit ones written as given. */
  encode(): Buffer;
  /** Encode and decode back, so the computed values can be inspected. */
  build(): Built;
  /** Write a guaranteed-wrong checksum in the last layer (the correct one plus one, never 0). */
  corrupt(field: 'checksum'): this;
  /** Append bytes after the last layer's payload that its length fields do not count. */
  trailer(bytes: Uint8Array | string): this;
}

/** A builder step after layer L. */
export type Step<L extends string> = StepBase & {
  [K in NextLayers<L> as CamelCase<K>]: (fields?: InputOf<K>) => Step<K>;
} & ('raw' extends NextLayers<L> ? { payload(data: string | Uint8Array): Step<'raw'> } : unknown);

const camel = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

class PacketBuilder {
  // A linked list: each step keeps its parent and its own layer, so adding a layer is O(1)
  // and builders sharing a prefix share it. The array is built once, when asked for.
  // Fields are assigned in the constructor only (no class-field initialisers): one hidden class.
  private readonly parent: PacketBuilder | undefined;
  private readonly last: EncodableLayer | undefined;
  /** Number of layers so far, so `layers` fills an array of the right size without reversing. */
  private readonly depth: number;
  private cached: EncodableLayer[] | undefined;

  constructor(parent: PacketBuilder | undefined, last: EncodableLayer | undefined) {
    this.parent = parent;
    this.last = last;
    this.depth = parent === undefined ? 0 : parent.depth + 1;
    this.cached = undefined;
  }

  /** The layers so far, outermost first, as given. */
  get layers(): readonly EncodableLayer[] {
    let out = this.cached;
    if (out === undefined) {
      out = new Array<EncodableLayer>(this.depth);
      let i = this.depth;
      for (let b: PacketBuilder | undefined = this; b !== undefined && b.last !== undefined; b = b.parent) out[--i] = b.last;
      this.cached = out;
    }
    return out;
  }

  encode(): Buffer {
    return encodeLayers(this.layers);
  }

  build(): Built {
    const bytes = this.encode();
    const first = this.layers[0]?.layer ?? 'raw';
    return { bytes, layers: decode(bytes, { from: first, mode: 'lax' }).layers };
  }

  corrupt(field: 'checksum'): PacketBuilder {
    return this.replaceLast((last) => ({ ...last, corrupt: [...(last.corrupt ?? []), field] }));
  }

  trailer(bytes: Uint8Array | string): PacketBuilder {
    return this.replaceLast((last) => ({ ...last, trailer: bytes }));
  }

  payload(data: string | Uint8Array): PacketBuilder {
    return this.add('raw', { data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data }, RAW_FOLLOWS);
  }

  add(layer: string, fields: object | undefined, follows: ReadonlySet<string> = followSets.get(layer)!): PacketBuilder {
    const previous = this.last === undefined ? 'start' : this.last.layer;
    if (!follows.has(previous)) {
      throw new StackError(layer, `cannot follow ${previous === 'start' ? 'the start of a packet' : previous}; it may follow ${[...follows].join(', ')}`);
    }
    return new PacketBuilder(this, { layer, fields: fields ?? EMPTY });
  }

  private replaceLast(change: (last: EncodableLayer) => EncodableLayer): PacketBuilder {
    if (this.last === undefined) throw new StackError('packet', 'there is no layer yet');
    return new PacketBuilder(this.parent, change(this.last));
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});
const followSets = new Map(codecs.map((c) => [c.name, new Set(c.follows)]));

const RAW_FOLLOWS = followSets.get('raw')!;

// One method per registered layer: `.ipv4()`, `.udp()`, `.linuxSll()`...
for (const codec of codecs) {
  const name = codec.name;
  const follows = followSets.get(name)!; // looked up once here, not on every call
  Object.defineProperty(PacketBuilder.prototype, camel(name), {
    value: function (this: PacketBuilder, fields?: object) {
      return this.add(name, fields, follows);
    },
    writable: true,
    configurable: true,
  });
}

/** Start an empty packet: `packet().ethernet().ipv4()...`. */
export function packet(): Step<'start'> {
  return new PacketBuilder(undefined, undefined) as unknown as Step<'start'>;
}

/** Start with an IPv4 layer. */
export const ipv4 = (fields?: InputOf<'ipv4'>): Step<'ipv4'> => packet().ipv4(fields);
/** Start with an Ethernet layer. */
export const ethernet = (fields?: InputOf<'ethernet'>): Step<'ethernet'> => packet().ethernet(fields);
/** Start with an IPv6 layer. */
export const ipv6 = (fields?: InputOf<'ipv6'>): Step<'ipv6'> => packet().ipv6(fields);
