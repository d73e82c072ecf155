/**
 * Encoding a stack of layers, gopacket-style: measure every header first so each layer knows
 * its payload length, write headers outermost first, then fill checksums innermost first
 * (outer checksums, such as ICMP's over a quoted datagram, cover inner bytes).
 */
import { FieldValueError, InputError, UnknownFieldError, formatValue, type PacketError } from './errors.js';
import { corruptChecksum } from './checksum.js';
import { bytesInput } from './bytes.js';
import type { EncodeFrame } from './layer.js';
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

function frameFor(layer: EncodableLayer, index: number, warn: (warning: PacketError) => void): EncodeFrame {
  if (layer === null || typeof layer !== 'object') throw new InputError(`layer ${index}: expected an object with a "layer" name`);
  const codec = typeof layer.layer === 'string' ? codecByName(layer.layer) : undefined;
  if (!codec) {
    throw new InputError(`layer ${index}: unknown layer ${formatValue(layer.layer)}${didYouMean(String(layer.layer), layerNames())}; known layers: ${layerNames().join(', ')}`);
  }
  if (layer.fields !== undefined && (layer.fields === null || typeof layer.fields !== 'object')) {
    throw new InputError(`layer ${index} (${codec.name}): fields must be an object`);
  }
  let fields = (layer.fields ?? EMPTY_FIELDS) as Readonly<Record<string, unknown>>;
  const names = fieldNames(codec);
  for (const key in fields) {
    if (!names.has(key)) {
      throw new UnknownFieldError(codec.name, key, closest(key, names), [...names]);
    }
  }
  if (layer.corrupt?.length) {
    for (const what of layer.corrupt) {
      if (what !== 'checksum' || codec.checksumOffset === undefined) {
        throw new FieldValueError(codec.name, 'corrupt', what, codec.checksumOffset === undefined ? 'nothing: this layer has no checksum' : "'checksum'");
      }
    }
    // Compute the correct value first, then spoil it: drop any explicit checksum.
    const { checksum: _ignored, ...rest } = fields;
    fields = rest;
  }
  return {
    codec,
    fields: fields as Record<string, unknown>,
    offset: 0,
    headerLength: 0,
    payloadEnd: 0,
    trailer: layer.trailer === undefined ? undefined : bytesInput(codec.name, 'trailer', layer.trailer),
    state: undefined,
    warn,
  };
}

/** Encode layers (outermost first) to bytes: computed fields filled, explicit ones as given. */
export function encodeLayers(layers: readonly EncodableLayer[], options?: EncodeOptions): Buffer {
  const warn = options?.onWarning ?? emitWarning;
  const n = layers.length;
  const frames: EncodeFrame[] = new Array(n);
  let offset = 0;
  let trailers = 0;
  for (let i = 0; i < n; i++) {
    const frame = frameFor(layers[i], i, warn);
    frame.offset = offset;
    frame.headerLength = frame.codec.measure(frame);
    offset += frame.headerLength;
    if (frame.trailer) trailers += frame.trailer.length;
    frames[i] = frame;
  }
  // Innermost content ends where the headers end; each layer's trailer follows its payload.
  let end = offset;
  for (let i = n - 1; i >= 0; i--) {
    frames[i].payloadEnd = end;
    if (frames[i].trailer) end += frames[i].trailer!.length;
  }
  const buf = Buffer.allocUnsafe(offset + trailers);
  // Any byte a codec does not write (reserved bits, unused space) must be 0, not pool garbage;
  // zero-filling costs more than the rest of a small packet, so skip it when every codec writes all.
  let everyByte = true;
  for (let i = 0; i < n; i++) if (!frames[i].codec.writesEveryByte) everyByte = false;
  if (!everyByte) buf.fill(0);
  for (let i = 0; i < n; i++) {
    const frame = frames[i];
    frame.codec.write(buf, frames, i);
    if (frame.trailer) buf.set(frame.trailer, frame.payloadEnd);
  }
  for (let i = n - 1; i >= 0; i--) {
    const frame = frames[i];
    frame.codec.fillChecksum?.(buf, frames, i);
    if (layers[i].corrupt?.length) {
      const at = frame.offset + frame.codec.checksumOffset!;
      const wrong = corruptChecksum((buf[at] << 8) | buf[at + 1]);
      buf[at] = wrong >>> 8;
      buf[at + 1] = wrong & 255;
    }
  }
  return buf;
}
