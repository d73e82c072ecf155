/**
 * The fluent, typed packet DSL: `ipv4({ dst: '127.0.0.1' }).udp({ dstPort: 53 }).payload('hi').encode()`.
 *
 * Typestate: each step offers only the layers that may follow the last one, derived from the
 * bindings of the protocol files (`follows` and `carries`, codec/types.ts LayerBinding), so the compiler rejects
 * `ipv4().udp().tcp()`. The methods themselves are generated from the codec registry, so a new
 * protocol needs no change here.
 */
import { emitWarning, type EncodableLayer } from '../codec/encode.js';
import { ROOT, type StackPlan } from '../codec/encode-plan.js';
import { decode } from '../codec/decode.js';
import { StackError } from '../codec/errors.js';
import { codecs } from '../codec/registry.js';
import { stackError } from '../codec/stack-rule.js';
import type { Layer, LayerName, LayerTypes } from '../codec/types.js';

/** `ipv4-options` → `ipv4Options`: the method name of a layer. */
export type CamelCase<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

/** What layer L's binding says it carries (never for `start` and layers that carry nothing extra). */
type CarriedBy<L extends string> = L extends LayerName ? (LayerTypes[L] extends { carries: infer C } ? C : never) : never;

/** Layers that may follow layer L (`start` for the first layer): those that follow L, and those L carries. */
export type NextLayers<L extends string> = {
  [K in LayerName]: L extends LayerTypes[K]['follows'] ? K : K extends CarriedBy<L> ? K : never;
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

/** A step's rare extras: bytes after its payload, checksums to spoil. */
interface StepExtra {
  readonly trailer: Uint8Array | string | undefined;
  readonly corrupt: readonly string[] | undefined;
}

class PacketBuilder {
  // A linked list: each step keeps its parent, its layer's input and the encoder plan of its
  // stack (codec/encode-plan.ts), so adding a layer is O(1), builders sharing a prefix share it,
  // and encode() needs no lookup. Steps are small (one per layer of every packet built): the
  // rare trailer and corrupt requests live in `extra`. The fields are `declare`d (TypeScript
  // emits no define-then-assign class fields) and not private: the encoder reads steps as
  // ChainLinks; the public type of a step (Step) does not show them.
  declare readonly parent: PacketBuilder | undefined;
  declare readonly plan: StackPlan;
  declare readonly fields: object;
  declare readonly extra: StepExtra | undefined;

  constructor(parent: PacketBuilder | undefined, plan: StackPlan, fields: object, extra: StepExtra | undefined) {
    this.parent = parent;
    this.plan = plan;
    this.fields = fields;
    this.extra = extra;
  }

  /** The layers so far, outermost first, as given. */
  get layers(): readonly EncodableLayer[] {
    const out = new Array<EncodableLayer>(this.plan.depth);
    for (let b: PacketBuilder | undefined = this; b !== undefined && b.plan.codec !== undefined; b = b.parent) out[b.plan.depth - 1] = b.layer();
    return out;
  }

  encode(): Buffer {
    return this.plan.encodeChain(this, emitWarning);
  }

  build(): Built {
    const bytes = this.encode();
    const first = this.layers[0]?.layer ?? 'raw';
    return { bytes, layers: decode(bytes, { from: first, mode: 'lax' }).layers };
  }

  corrupt(field: 'checksum'): PacketBuilder {
    const parent = this.withLast();
    return new PacketBuilder(parent, this.plan, this.fields, { trailer: this.extra?.trailer, corrupt: [...(this.extra?.corrupt ?? []), field] });
  }

  trailer(bytes: Uint8Array | string): PacketBuilder {
    const parent = this.withLast();
    return new PacketBuilder(parent, this.plan, this.fields, { trailer: bytes, corrupt: this.extra?.corrupt });
  }

  payload(data: string | Uint8Array): PacketBuilder {
    return this.add(RAW_INDEX, { data: typeof data === 'string' ? Buffer.from(data, 'utf8') : data });
  }

  /** Add the layer of `codecs[index]` (the registry's order). */
  add(index: number, fields: object | undefined): PacketBuilder {
    const plan = this.plan.childAt(index);
    if (!plan.legal) throw stackError(plan.codec!, this.plan.codec?.name);
    return new PacketBuilder(this, plan, fields ?? EMPTY, undefined);
  }

  /** This step's layer as an EncodableLayer (trailer and corrupt only when given). */
  private layer(): EncodableLayer {
    const layer: { layer: string; fields: object; trailer?: Uint8Array | string; corrupt?: readonly string[] } = { layer: this.plan.codec!.name, fields: this.fields };
    if (this.extra?.trailer !== undefined) layer.trailer = this.extra.trailer;
    if (this.extra?.corrupt !== undefined) layer.corrupt = this.extra.corrupt;
    return layer;
  }

  /** The parent, after checking there is a last layer to change. */
  private withLast(): PacketBuilder | undefined {
    if (this.plan.codec === undefined) throw new StackError('packet', 'there is no layer yet');
    return this.parent;
  }
}

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

const RAW_INDEX = codecs.findIndex((c) => c.name === 'raw');

// One method per registered layer: `.ipv4()`, `.udp()`, `.linuxSll()`...
codecs.forEach((codec, index) => {
  Object.defineProperty(PacketBuilder.prototype, camel(codec.name), {
    value: function (this: PacketBuilder, fields?: object) {
      return this.add(index, fields);
    },
    writable: true,
    configurable: true,
  });
});

/**
 * Is this a step of rawcraft's builder (not some other object with an encode())? Its encode()
 * gives the same bytes every time, which lets a transport encode and check a step given many
 * times in one batch once.
 */
export function isBuilderStep(value: unknown): boolean {
  return value instanceof PacketBuilder;
}

/**
 * Start an empty packet, for stacks that begin with another layer than IPv4 or IPv6:
 * `packet().ethernet().ipv4()...`. Each step offers only the layers that may follow it.
 *
 * @throws {@link StackError} when a JavaScript caller chains a layer that may not follow
 * (TypeScript refuses it at compile time).
 * @example
 * {@includeCode ../../examples/api-codec.ts#packet-start}
 */
export function packet(): Step<'start'> {
  return START;
}

// Builders are immutable, so every packet can start from one empty step.
const START = new PacketBuilder(undefined, ROOT, EMPTY, undefined) as unknown as Step<'start'>;

/**
 * Start a packet with an IPv4 header (RFC 791). Fields left out are computed (`ihl`,
 * `totalLength`, `protocol`, `checksum`) or take their defaults (`rawcraft ls ipv4`); fields given
 * are written as given, even when wrong. Chain what follows (`.udp()`, `.tcp()`, `.icmp()`,
 * `.sctp()`...), then `.payload()`, and `.encode()` for the bytes or `.build()` for the bytes and
 * the layers decoded back.
 *
 * @throws {@link FieldValueError} from `encode()`: a value the field cannot hold (`ttl: 256`).
 * @throws {@link UnknownFieldError} from `encode()`: a field the layer does not have, with a suggestion.
 * @throws {@link StackError} when a JavaScript caller chains a layer that may not follow.
 * @example
 * {@includeCode ../../examples/api-tour.ts#builders}
 */
export const ipv4 = (fields?: InputOf<'ipv4'>): Step<'ipv4'> => START.ipv4(fields);
/**
 * Start a frame with an Ethernet II header (VLAN tags in `vlans`). Left out, `type` is computed
 * from the next layer. Send whole frames with the `link` transport.
 *
 * @throws {@link FieldValueError} from `encode()`: a value the field cannot hold.
 * @throws {@link UnknownFieldError} from `encode()`: a field the layer does not have.
 * @example
 * {@includeCode ../../examples/api-codec.ts#packet-start}
 */
export const ethernet = (fields?: InputOf<'ethernet'>): Step<'ethernet'> => START.ethernet(fields);
/**
 * Start a packet with an IPv6 header (RFC 8200). `payloadLength` and `nextHeader` are computed
 * when left out; extension headers chain like any layer (`.ipv6HopByHop()`, `.ipv6Routing()`,
 * `.ipv6Fragment()`, `.ipv6DestOptions()`, `.ah()`, `.esp()`).
 *
 * @throws {@link FieldValueError} from `encode()`: a value the field cannot hold.
 * @throws {@link UnknownFieldError} from `encode()`: a field the layer does not have.
 * @throws {@link StackError} when a JavaScript caller chains a layer that may not follow.
 * @example
 * {@includeCode ../../examples/api-tour.ts#builders}
 */
export const ipv6 = (fields?: InputOf<'ipv6'>): Step<'ipv6'> => START.ipv6(fields);
