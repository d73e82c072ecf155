/**
 * The contract between the codec engine and one protocol. A protocol file exports one
 * LayerCodec; the registry lists them; encode.ts and decode.ts drive them.
 */
import type { AnswerRule } from './answers.js';
import type { PacketError } from './errors.js';
import type { FieldDef } from './field.js';
import type { CompiledHeader } from './header.js';

/** Verdict on a layer's checksum after decoding. */
export interface ChecksumVerdict {
  /** `unverifiable` when the covered bytes are not all present (a fragment, a truncated or quoted packet). */
  readonly status: 'valid' | 'invalid' | 'unverifiable';
  /** The value a correct sender would have written (when it could be computed). */
  readonly expected?: number;
  /** The value in the packet. */
  readonly actual: number;
}

/** One encoded layer in the middle of being written. Offsets are into the packet buffer. */
export interface EncodeFrame {
  readonly codec: LayerCodec;
  readonly fields: Record<string, unknown>;
  /** Start of this layer's header. */
  offset: number;
  /** Length of this layer's own header (options included, payload excluded). */
  headerLength: number;
  /** End of this layer's payload: where its trailer starts. */
  payloadEnd: number;
  /** Bytes after the payload that the layer's length fields do not count (e.g. Ethernet padding). */
  readonly trailer: Uint8Array | undefined;
  /** Anything `measure` prepared for `write` (e.g. encoded options), to avoid doing it twice. */
  state: unknown;
  /** Report something the RFCs forbid that is being crafted anyway (see `EncodeOptions.onWarning`). */
  readonly warn?: (warning: PacketError) => void;
  /** Index of the nearest enclosing IP layer's frame (one with `pseudoHeaderSum`), or -1. */
  readonly ipIndex: number;
  /**
   * A codec's `write` may record the unfolded RFC 1071 sum of the first `summedLength` bytes of
   * its header as written (what a compiled header's `write` returns), so checksums over those
   * bytes need not read them back. `summedLength` stays 0 when the codec does not; it must be even.
   */
  headerSum: number;
  summedLength: number;
}

/** How a layer names what comes next: directly, or by a number the registry binds. */
export type NextLayer = string | { readonly ipProtocol: number } | { readonly etherType: number };

/** What a codec hands back after decoding its header. */
export interface DecodeStep {
  readonly fields: Record<string, unknown>;
  /** End of this layer's header. */
  readonly headerEnd: number;
  /** End of the bytes this layer's length fields claim (clamped to what is present). */
  readonly payloadEnd: number;
  /** What decodes the payload: a layer name, or a binding the registry resolves; undefined when nothing follows. */
  readonly next: NextLayer | undefined;
  /** Decode the payload as a quoted (ICMP error) packet: issues there are always lax. */
  readonly quotes?: boolean;
  /** Whether a transport checksum inside this layer can cover all its bytes (false for fragments, truncation). */
  readonly complete?: boolean;
}

/**
 * A DecodeStep, always with the same properties in the same order: the decode loop reads steps
 * of every codec at one place, and one object shape keeps those reads monomorphic (fast).
 */
export function decodeStep(
  fields: Record<string, unknown>,
  headerEnd: number,
  payloadEnd: number,
  next: NextLayer | undefined,
  complete = true,
  quotes = false,
): DecodeStep {
  return { fields, headerEnd, payloadEnd, next, quotes, complete };
}

/** One decoded layer, as `decode()` returns it and `encode()` takes it. */
export interface DecodedLayerBase {
  readonly layer: string;
  readonly fields: Record<string, unknown>;
  checksum?: ChecksumVerdict;
  trailer?: Uint8Array;
}

/** A layer placed in a packet: its codec, where its header starts and its fields (encode input or decoded). */
export interface LayerRef {
  readonly codec: LayerCodec;
  readonly offset: number;
  readonly fields: Record<string, unknown>;
}

/** What a codec sees of the layers around it while decoding. */
export interface DecodeContext {
  readonly buf: Uint8Array;
  /** Layers decoded so far, outermost first, with their byte offsets. */
  readonly stack: readonly { readonly codec: LayerCodec; readonly offset: number; readonly fields: Record<string, unknown>; readonly complete: boolean }[];
  /** Index in `stack` of the nearest IP layer (one with `pseudoHeaderSum`), or -1: kept up to date as layers are pushed. */
  readonly ipIndex: number;
  /** Record a problem: throws in strict mode, collects it in lax mode. A method: call it on the context. */
  report(error: PacketError): void;
  /** True while decoding inside an ICMP-quoted packet. */
  readonly quoted: boolean;
  /**
   * The unfolded RFC 1071 sum of buf[start, end), as `sumWords` gives it. Checksums over whole
   * messages use it: ICMP errors quoting ICMP errors nest, and summing each level's bytes again
   * would take quadratic time; this takes linear time over the whole packet. A method.
   */
  sumWords(start: number, end: number): number;
}

/** How an automatic field is computed on the fast path (see FastForm). */
export type FastAuto =
  /** The header length in 32-bit words (IPv4 IHL, TCP data offset). */
  | 'headerWords'
  /** Bytes from the start of this layer to the end of the packet (IPv4 total length, UDP length). */
  | 'length'
  /** Bytes after this layer's header to the end of the packet (IPv6 payload length). */
  | 'payloadLength'
  /** The next layer's protocol number, or this number when it has none or nothing follows. */
  | { readonly nextProtocol: number }
  /** The UDP port the next layer is bound to (its codec's `udpPort`), or this number (a `defaultFromNext` field). */
  | { readonly nextUdpPort: number };

/**
 * The common, fixed-layout case of a layer, described so that the encoder and the decoder of a
 * whole layer stack can be generated as straight-line code (encode-fast.ts, decode-fast.ts): no
 * frames or decode steps, checksums summed in place. Whenever a packet does not fit it (a field
 * the fast form does not name, a value outside `when`, a trailer, an invalid value, anything the
 * decoder would report...), the codec's own functions run instead and decide the bytes, the
 * fields or the error; so a fast form only covers what it covers. Tests compare both paths.
 */
export interface FastForm {
  /** The fixed header; its field names (and `tail.field`) are the only ones the fast path takes. */
  readonly header?: CompiledHeader<unknown>;
  /** Instead of a header: the field whose bytes are the whole layer (raw data). */
  readonly bytes?: string;
  /** Values a field must have, when given, for `header` to be the layout (ICMP: the echo types). */
  readonly when?: Readonly<Record<string, readonly (string | number)[]>>;
  /** The automatic fields of `header`, by name. */
  readonly auto?: Readonly<Record<string, FastAuto>>;
  /**
   * An option list after the fixed header, written in place and padded with zeros to 32 bits.
   * Decoding, its end is the header-words field's (`auto`), or the end of the packet without one.
   */
  readonly tail?: {
    readonly field: string;
    /** Encoded length, or -1 for anything the fast path should leave to the codec. */
    measure(value: unknown): number;
    /** Write what `measure` accepted at `at`. */
    write(value: unknown, buf: Uint8Array, at: number): number;
    /** Largest header length with the tail. */
    readonly maxHeader: number;
  };
  /**
   * Which checksum the layer carries at `checksumOffset`: an RFC 1071 sum over its header, over
   * the whole message, or an upper-layer one with a pseudo-header; or SCTP's CRC32c over the
   * whole message (32 bits, crc32c.ts).
   */
  readonly checksum?:
    | { readonly kind: 'header' }
    | { readonly kind: 'message' }
    | { readonly kind: 'upper'; readonly protocol: number; readonly zeroAs: number }
    | { readonly kind: 'crc32c' };
  /** The layer that always follows, for a form that names no next protocol (ICMP errors quote `ipv4`). */
  readonly next?: string;
  /** IP layers: the address fields whose values make the pseudo-header. */
  readonly pseudo?: { readonly src: string; readonly dst: string };
  /**
   * Decoding: after `header` was read at `start` (the header ends at `headerEnd`), finish the
   * fields exactly as the codec's decode would (e.g. an empty `options` list), or return false
   * when the codec's decode must run (anything it would report, or that it would decode
   * differently: a fragment, a bound UDP port...). Without it the fields are taken as read.
   * The fast decoder only runs on packets whose lengths are all exact, so every layer's message
   * runs to `buf.length`.
   */
  decoded?(fields: Record<string, unknown>, buf: Uint8Array, start: number, headerEnd: number): boolean;
}

/** How one protocol is encoded, decoded and bound to its neighbours: one per file of src/codec/protocols. */
export interface LayerCodec {
  /** Layer name used by decode output, JSON and builders, e.g. `ipv4`. */
  readonly name: string;
  /** Human title, e.g. `Internet Protocol version 4`. */
  readonly title: string;
  /** Defining documents, e.g. `RFC 791`. */
  readonly rfc: string;
  /** The fixed-header fields, for docs, printing and fuzzing; variable parts are described in `extraFields`. */
  readonly fields: readonly FieldDef[];
  /** Fields beyond the fixed header (options, variant parts, data), name and description. */
  readonly extraFields?: readonly { readonly name: string; readonly doc: string }[];
  /** Layers this one may follow (`start` when it may begin a packet): from its LayerBinding (types.ts). */
  readonly follows: readonly string[];
  /** Layers that may follow this one although their own `follows` does not name it: from its LayerBinding. */
  readonly carries?: readonly string[];
  /** The protocol number or EtherType that selects this layer: from its LayerBinding. */
  readonly ipProtocol?: number;
  readonly etherType?: number;
  /** The well-known UDP port that selects this layer over UDP (SCTP: 9899, RFC 6951): from its LayerBinding. */
  readonly udpPort?: number;
  /**
   * True when `write` sets every byte of the header (reserved bits included), so the encoder may
   * skip zero-filling the buffer first. Leave out when unsure: zero-filling is the safe default.
   */
  readonly writesEveryByte?: boolean;
  /** Validate the fields and return this layer's header length; may stash work in `frame.state`. */
  measure(frame: EncodeFrame): number;
  /** Write the header; every frame's offset and payloadEnd are known. */
  write(buf: Uint8Array, frames: readonly EncodeFrame[], index: number): void;
  /**
   * The least length of this layer with its payload and trailer (Ethernet's 60-byte minimum when
   * asked for): a shorter one gets zero bytes added to its trailer. 0 or less: no padding.
   */
  padTo?(fields: Record<string, unknown>): number;
  /** Byte offset of the 16-bit checksum within the header, for `corrupt('checksum')`. */
  readonly checksumOffset?: number;
  /** Fill the checksum field when it was left out; called innermost layer first. */
  fillChecksum?(buf: Uint8Array, frames: readonly EncodeFrame[], index: number): void;
  /** Decode the header at `off`; bytes up to `end` belong to this layer and its payload. */
  decode(ctx: DecodeContext, off: number, end: number): DecodeStep;
  /**
   * Verify the checksum of a decoded layer spanning [off, end). `complete` is false when bytes the
   * checksum covers are missing (a fragment, a truncated or quoted datagram). `ctx.stack` holds the
   * layers around this one, not this one.
   */
  verifyChecksum?(ctx: DecodeContext, off: number, end: number, fields: Record<string, unknown>, complete: boolean): ChecksumVerdict | undefined;
  /**
   * IP layers: the pseudo-header address sum for upper-layer checksums (RFC 768, 9293, 8200
   * section 8.1). `between` holds the layers between this IP layer and the upper layer (IPv6
   * extension headers), outermost first: a Routing header there may name the final destination.
   */
  pseudoHeaderSum?(buf: Uint8Array, offset: number, fields: Record<string, unknown>, between: readonly LayerRef[]): number;
  /**
   * Layers between an IP layer and an upper layer (the IPv6 Routing header): the final
   * destination (16 bytes) when this layer still routes the packet on, which upper-layer
   * pseudo-headers use instead of the IP header's destination (RFC 8200 section 8.1).
   * `fields` are encode input or decoded fields.
   */
  finalDestination?(fields: Record<string, unknown>): Uint8Array | undefined;
  /** One-line summary for printing (like tcpdump), given decoded fields. */
  summary?(fields: Record<string, unknown>): string;
  /**
   * The layer's common case for the encoders and decoders compiled per stack; optional. When
   * present it is also the one declaration of the layer's automatic fields and checksum, from
   * which `write`, `fillChecksum` and `verifyChecksum` can be derived (fast-form.ts).
   */
  readonly fast?: FastForm;
  /** Further common cases (other message types, each with its `when`), tried after `fast`. */
  readonly fastVariants?: readonly FastForm[];
  /**
   * Which packets of this protocol answer which (replies to requests, errors quoting them), for
   * request() and requestMany(): see answers.ts. Typed in the protocol's file; `never` here
   * because each rule reads its own protocol's fields.
   */
  readonly answers?: AnswerRule<object, never>;
}
