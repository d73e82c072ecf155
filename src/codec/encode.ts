/**
 * Encoding a stack of layers: the input is checked here, and encode-plan.ts compiles and runs
 * one encoder per sequence of layers (measure, write outermost first, checksums innermost first).
 */
import { InputError, formatValue, type PacketError } from './errors.js';
import { ROOT, type StackPlan } from './encode-plan.js';
import { layerNames } from './registry.js';
import { didYouMean } from './suggest.js';

/** A layer to encode, untyped: what the JSON format and the builders both produce. */
export interface EncodableLayer {
  readonly layer: string;
  /** Field values by name (a decoded layer's `fields`, or builder input). */
  readonly fields?: object;
  readonly trailer?: Uint8Array | string;
  readonly corrupt?: readonly string[];
}

/** Options of `encodeLayers()`: where warnings about values sent as given (but unusual) go. */
export interface EncodeOptions {
  /**
   * Called with each warning: something the RFCs forbid that is crafted anyway (e.g. an SCTP
   * INIT chunk bundled with other chunks). The bytes are written as asked either way. Default:
   * `process.emitWarning` with type `RawcraftWarning` and the error's code.
   */
  readonly onWarning?: (warning: PacketError) => void;
}

export const emitWarning = (warning: PacketError): void => process.emitWarning(warning.message, { type: 'RawcraftWarning', code: warning.code });

/** The plan for a list of layers, checking that each is an object naming a known layer. */
function planFor(layers: readonly EncodableLayer[]): StackPlan {
  let plan = ROOT;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i];
    if (layer === null || typeof layer !== 'object') throw new InputError(`layer ${i}: expected an object with a "layer" name`);
    const next = typeof layer.layer === 'string' ? plan.child(layer.layer) : undefined;
    if (next === undefined) {
      throw new InputError(`layer ${i}: unknown layer ${formatValue(layer.layer)}${didYouMean(String(layer.layer), layerNames())}; known layers: ${layerNames().join(', ')}`);
    }
    plan = next;
  }
  return plan;
}

/**
 * Encode layers (outermost first) to bytes: computed fields filled, explicit ones as given. The
 * builder's `encode()` for layers held as data (from JSON, expressions, fuzzing).
 *
 * @throws {@link FieldValueError} a value a field cannot hold.
 * @throws {@link UnknownFieldError} a field the layer does not have.
 * @throws {@link StackError} layers in an order the rules refuse, or a checksum without the IP layer it needs.
 * @example
 * {@includeCode ../../examples/api-tour.ts#encode-layers}
 */
export function encodeLayers(layers: readonly EncodableLayer[], options?: EncodeOptions): Buffer {
  return planFor(layers).encodeList(layers, options?.onWarning ?? emitWarning);
}
