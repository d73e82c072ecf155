/**
 * Encoding a stack of layers, gopacket-style: measure every header first so each layer knows
 * its payload length, write headers outermost first, then fill checksums innermost first
 * (outer checksums, such as ICMP's over a quoted datagram, cover inner bytes).
 */
import { FieldValueError, InputError, UnknownFieldError, formatValue, type PacketError } from './errors.js';
import { corruptChecksum } from './checksum.js';
import { bytesInput } from './bytes.js';
import type { EncodeFrame, LayerCodec } from './layer.js';
import { codecByName, fieldNames, layerNames } from './registry.js';
import { closest, didYouMean } from './suggest.js';

/** A layer to encode, untyped: what the JSON format and the builders both produce. */
export interface EncodableLayer {
  readonly layer: string;
  /** Field values by name (a decoded layer's `fields`, or builder input). */
  readonly fields?: object;
  readonly trailer?: Uint8Array | string;
  readonly corrupt?: readonly string[];
}

const EMPTY_FIELDS: Readonly<Record<string, unknown>> = Object.freeze({});

export interface EncodeOptions {
  /**
   * Called with each warning: something the RFCs forbid that is crafted anyway (e.g. an SCTP
   * INIT chunk bundled with other chunks). The bytes are written as asked either way. Default:
   * `process.emitWarning` with type `RawcraftWarning` and the error's code.
   */
  readonly onWarning?: (warning: PacketError) => void;
}

const emitWarning = (warning: PacketError): void => process.emitWarning(warning.message, { type: 'RawcraftWarning', code: warning.code });

/**
 * A codec with what the encoder needs from it in one fixed-shape object. Codecs are object
 * literals of many shapes, so reading their methods in the loops below is a megamorphic load
 * each time; these entries are monomorphic. `unknownField` returns the first key of `fields`
 * the layer does not know, or undefined.
 */
interface CodecEntry {
  readonly codec: LayerCodec;
  readonly unknownField: (fields: object) => string | undefined;
  readonly measure: LayerCodec['measure'];
  readonly write: LayerCodec['write'];
  readonly fillChecksum: LayerCodec['fillChecksum'];
  readonly writesEveryByte: boolean;
}

const entryCache = new Map<string, CodecEntry>();

/**
 * The check as straight-line code: a string switch over the known names is several times
 * cheaper per key than a Set lookup, and a typo must still never be silently dropped.
 */
function entryFor(name: string): CodecEntry | undefined {
  let entry = entryCache.get(name);
  if (entry === undefined) {
    const codec = codecByName(name);
    if (!codec) return undefined;
    const cases = [...fieldNames(codec)].map((n) => `case ${JSON.stringify(n)}:`).join(' ');
    const unknownField = new Function('f', `for (const k in f) { switch (k) { ${cases} break; default: return k; } } return undefined;`) as CodecEntry['unknownField'];
    entry = { codec, unknownField, measure: codec.measure, write: codec.write, fillChecksum: codec.fillChecksum, writesEveryByte: codec.writesEveryByte === true };
    entryCache.set(name, entry);
  }
  return entry;
}

function frameFor(layer: EncodableLayer, index: number, warn: (warning: PacketError) => void, entries: CodecEntry[]): EncodeFrame {
  if (layer === null || typeof layer !== 'object') throw new InputError(`layer ${index}: expected an object with a "layer" name`);
  const entry = typeof layer.layer === 'string' ? entryFor(layer.layer) : undefined;
  if (!entry) {
    throw new InputError(`layer ${index}: unknown layer ${formatValue(layer.layer)}${didYouMean(String(layer.layer), layerNames())}; known layers: ${layerNames().join(', ')}`);
  }
  const codec = entry.codec;
  entries[index] = entry;
  if (layer.fields !== undefined && (layer.fields === null || typeof layer.fields !== 'object')) {
    throw new InputError(`layer ${index} (${codec.name}): fields must be an object`);
  }
  let fields = (layer.fields ?? EMPTY_FIELDS) as Readonly<Record<string, unknown>>;
  const unknown = entry.unknownField(fields);
  if (unknown !== undefined) {
    const names = fieldNames(codec);
    throw new UnknownFieldError(codec.name, unknown, closest(unknown, names), [...names]);
  }
  const corrupt = layer.corrupt;
  if (corrupt !== undefined && corrupt.length) {
    for (const what of corrupt) {
      if (what !== 'checksum' || codec.checksumOffset === undefined) {
        throw new FieldValueError(codec.name, 'corrupt', what, codec.checksumOffset === undefined ? 'nothing: this layer has no checksum' : "'checksum'");
      }
    }
    // Compute the correct value first, then spoil it: drop any explicit checksum.
    const { checksum: _ignored, ...rest } = fields;
    fields = rest;
  }
  const trailer = layer.trailer === undefined ? undefined : bytesInput(codec.name, 'trailer', layer.trailer);
  // One literal shape for every frame (a class with field initialisers deoptimised more in V8).
  return { codec, fields: fields as Record<string, unknown>, offset: 0, headerLength: 0, payloadEnd: 0, trailer, state: undefined, warn };
}

/** Encode layers (outermost first) to bytes: computed fields filled, explicit ones as given. */
export function encodeLayers(layers: readonly EncodableLayer[], options?: EncodeOptions): Buffer {
  const warn = options?.onWarning ?? emitWarning;
  const n = layers.length;
  const frames: EncodeFrame[] = new Array<EncodeFrame>(n);
  const entries: CodecEntry[] = new Array<CodecEntry>(n);
  let offset = 0;
  let trailers = 0;
  // Any byte a codec does not write (reserved bits, unused space) must be 0, not pool garbage;
  // zero-filling costs more than the rest of a small packet, so skip it when every codec writes all.
  let everyByte = true;
  for (let i = 0; i < n; i++) {
    const frame = frameFor(layers[i], i, warn, entries);
    const entry = entries[i];
    frame.offset = offset;
    frame.headerLength = entry.measure.call(entry.codec, frame);
    offset += frame.headerLength;
    if (frame.trailer !== undefined) trailers += frame.trailer.length;
    if (!entry.writesEveryByte) everyByte = false;
    frames[i] = frame;
  }
  // Innermost content ends where the headers end; each layer's trailer follows its payload.
  let end = offset;
  for (let i = n - 1; i >= 0; i--) {
    const frame = frames[i];
    frame.payloadEnd = end;
    if (frame.trailer !== undefined) end += frame.trailer.length;
  }
  const buf = Buffer.allocUnsafe(offset + trailers);
  if (!everyByte) buf.fill(0);
  for (let i = 0; i < n; i++) {
    const frame = frames[i];
    entries[i].write.call(entries[i].codec, buf, frames, i);
    if (frame.trailer !== undefined) buf.set(frame.trailer, frame.payloadEnd);
  }
  for (let i = n - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.fillChecksum !== undefined) entry.fillChecksum.call(entry.codec, buf, frames, i);
    const corrupt = layers[i].corrupt;
    if (corrupt !== undefined && corrupt.length) {
      const at = frames[i].offset + entry.codec.checksumOffset!;
      const wrong = corruptChecksum((buf[at] << 8) | buf[at + 1]);
      buf[at] = wrong >>> 8;
      buf[at + 1] = wrong & 255;
    }
  }
  return buf;
}
