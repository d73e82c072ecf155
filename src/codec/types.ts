/**
 * Type-level registry of layers. Each protocol file adds its entry with declaration merging,
 * its `follows` and `carries` taken from the binding its codec spreads (LayerBinding, below):
 *
 *   const binding = { follows: ['ipv4', 'ipv6'], ipProtocol: 17 } as const satisfies LayerBinding;
 *   declare module '../types.js' {
 *     interface LayerTypes { udp: { fields: UdpFields; input: UdpInput } & BindingTypes<typeof binding> }
 *   }
 *
 * The decoded-layer union, the builder's typestate and the JSON types are all derived from it.
 */
import type { PacketError } from './errors.js';
import type { ChecksumVerdict } from './layer.js';

// eslint-disable-next-line @typescript-eslint/no-empty-interface
/** Every layer's field types, by layer name: each protocol file adds its own entry (declaration merging). */
export interface LayerTypes {}

/** The name of a layer rawcraft knows: `ipv4`, `udp`, `tcp`, `ethernet`... */
export type LayerName = keyof LayerTypes & string;

/** The decoded fields of layer K, e.g. `LayerFields<'gre'>`: every registered protocol's types without an export line each. */
export type LayerFields<K extends LayerName> = LayerTypes[K] extends { fields: infer F } ? F : never;
/** What the builder and encodeLayers take for layer K, e.g. `LayerFieldsInput<'vxlan'>`. */
export type LayerFieldsInput<K extends LayerName> = LayerTypes[K] extends { input: infer I } ? I : never;

/**
 * Where a layer sits in a packet, declared once per protocol file `as const`, so that the
 * builder's typestate (through `BindingTypes` in the file's LayerTypes entry) and the runtime
 * rule (stack-rule.ts, the registry's dispatch) read the same lists:
 *
 *   const binding = { follows: ['ipv4', 'ipv6'], carries: ['ipv4', 'ipv6', 'ethernet', 'raw'], ipProtocol: 47 } as const satisfies LayerBinding;
 *
 * `follows`: the layers this one may come after (`start`: it may begin a packet). `carries`:
 * layers that may come after this one, so a new protocol can sit on or under existing ones
 * without editing their files (like Scapy's bind_layers). The numbers select this layer when
 * the layer before it names what follows by IP protocol, EtherType or UDP port.
 */
export interface LayerBinding {
  readonly follows: readonly (LayerName | 'start')[];
  readonly carries?: readonly LayerName[];
  readonly ipProtocol?: number;
  readonly etherType?: number;
  readonly udpPort?: number;
}

/** The typestate entries of a binding: what a layer follows and carries, as unions of layer names. */
export type BindingTypes<B extends { readonly follows: readonly string[]; readonly carries?: readonly string[] }> = {
  follows: B['follows'][number];
  carries: B extends { readonly carries: readonly (infer C)[] } ? C : never;
};

/**
 * A decoded layer: a discriminated union on `layer`, ready for ts-pattern's `match`.
 * @example
 * {@includeCode ../../examples/api-codec.ts#layers}
 */
export type Layer = {
  [K in LayerName]: {
    readonly layer: K;
    readonly fields: LayerTypes[K] extends { fields: infer F } ? F : never;
    /** Present on layers that carry a checksum. */
    checksum?: ChecksumVerdict;
    /** Bytes after this layer's payload that its length fields do not count (e.g. Ethernet padding). */
    trailer?: Uint8Array;
  };
}[LayerName];

/** A layer to encode: any field may be left out (computed) or set explicitly (written as given). */
export type LayerInput = {
  [K in LayerName]: {
    readonly layer: K;
    readonly fields?: LayerTypes[K] extends { input: infer I } ? I : never;
    readonly trailer?: Uint8Array | string;
    /** Fields to write deliberately wrong (currently: `checksum`). */
    readonly corrupt?: readonly 'checksum'[];
  };
}[LayerName];

/** Bytes in input: a Uint8Array, or hex text (as in the JSON format). */
export type BytesInput = Uint8Array | string;

/**
 * What decode() returns (decode-fast.ts builds the same).
 * @example
 * {@includeCode ../../examples/api-codec.ts#layers}
 */
export interface DecodedPacket {
  /** Outermost first. */
  readonly layers: Layer[];
  /** Problems found (lax mode, and always inside ICMP-quoted datagrams). */
  readonly issues: PacketError[];
}

/**
 * The LayerTypes entry of a layer's answer rule (answers.ts), as BindingTypes is of its binding:
 * `AnswerTypes<typeof answers>` gives `answerView`, the view the rule reads, so the rule is
 * declared once and the typed views of request() narrow on it.
 */
export type AnswerTypes<R extends { view(...args: never[]): object }> = { answerView: ReturnType<R['view']> };

/**
 * The view of every layer with an answer rule, by layer name: a union on `layer`, for ts-pattern
 * and narrowing (`view.layer === 'tcp' && view.flags`). Each protocol file with an
 * `answers` rule (answers.ts) adds its `answerView` to its LayerTypes entry (AnswerTypes).
 */
export type AnswerView = {
  [K in LayerName]: LayerTypes[K] extends { answerView: infer V } ? { readonly layer: K } & V : never;
}[LayerName];
