/**
 * The JSON-lines packet format shared by `decode --json` and `encode`:
 * `{"index":0,"layers":[{"layer":"ipv4","fields":{...},"checksum":{...}}],"issues":[...]}`.
 * Bytes are lower-case hex text. Every field is present, so encoding the JSON gives back the
 * identical packet; delete a field and it is computed again.
 */
import { toHex } from './bytes.js';
import { InputError, PacketError } from './errors.js';
import type { DecodedPacket } from './decode.js';
import type { EncodableLayer } from './encode.js';

/** One issue as JSON: the error's code, layer, offset and message, plus its extra details. */
export interface IssueJson {
  code: string;
  layer: string;
  offset: number;
  message: string;
  [detail: string]: unknown;
}

/** A decoded packet as JSON (one line of `rawcraft decode --json`): its layers, fields and issues. */
export interface PacketJson {
  index: number;
  layers: { layer: string; fields: Record<string, unknown>; checksum?: unknown; trailer?: string }[];
  issues: IssueJson[];
  /** Capture timestamp in nanoseconds since the epoch, as a decimal string (when read from a capture). */
  timestampNs?: string;
}

/**
 * Convert any value for JSON: bytes become hex, bigints decimal strings.
 * @example
 * {@includeCode ../../examples/api-codec.ts#json-values}
 */
export function toJsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonValue(v);
    return out;
  }
  return value;
}

/**
 * A decoding problem (a PacketError of lax decoding) as JSON: its message, code, layer, field and offset.
 * @example
 * {@includeCode ../../examples/api-codec.ts#json-values}
 */
export function issueToJson(error: PacketError): IssueJson {
  const { message } = error;
  const details: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(error)) details[k] = toJsonValue(v);
  return { ...details, code: error.code, layer: error.layer, offset: error.offset, message };
}

/**
 * A decoded packet as one JSON object: the `rawcraft decode --json` line (`layersFromJson` and
 * `rawcraft encode` turn it back into the same bytes).
 *
 * @example
 * {@includeCode ../../examples/api-tour.ts#json}
 */
export function packetToJson(index: number, packet: DecodedPacket, timestampNs?: bigint): PacketJson {
  const out: PacketJson = {
    index,
    layers: packet.layers.map((l) => {
      const layer: PacketJson['layers'][number] = { layer: l.layer, fields: toJsonValue(l.fields) as Record<string, unknown> };
      if (l.checksum) layer.checksum = l.checksum;
      if (l.trailer) layer.trailer = toHex(l.trailer);
      return layer;
    }),
    issues: packet.issues.map(issueToJson),
  };
  if (timestampNs !== undefined) out.timestampNs = timestampNs.toString();
  return out;
}

/**
 * Read layers from a parsed JSON packet. `checksum` verdicts are ignored (they are output);
 * everything else is passed to the encoder, which validates each field.
 *
 * @throws {@link InputError} the value is not an object with a `layers` list of `{ layer, fields }`.
 * @example
 * {@includeCode ../../examples/api-tour.ts#json}
 */
export function layersFromJson(value: unknown, index: number): EncodableLayer[] {
  const layers = (value as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(layers)) throw new InputError(`packet ${index}: expected an object with a "layers" list`, index);
  return layers.map((l: unknown, i) => {
    if (!l || typeof l !== 'object' || typeof (l as { layer?: unknown }).layer !== 'string') {
      throw new InputError(`packet ${index}, layer ${i}: expected { "layer": name, "fields": {...} }`, index);
    }
    const { layer, fields, trailer, corrupt } = l as { layer: string; fields?: unknown; trailer?: unknown; corrupt?: unknown };
    if (fields !== undefined && (typeof fields !== 'object' || fields === null || Array.isArray(fields))) {
      throw new InputError(`packet ${index}, layer ${i} (${layer}): "fields" must be an object`, index);
    }
    if (trailer !== undefined && typeof trailer !== 'string') throw new InputError(`packet ${index}, layer ${i} (${layer}): "trailer" must be hex text`, index);
    if (corrupt !== undefined && !Array.isArray(corrupt)) throw new InputError(`packet ${index}, layer ${i} (${layer}): "corrupt" must be a list`, index);
    return { layer, fields: fields as Record<string, unknown> | undefined, trailer, corrupt: corrupt as string[] | undefined };
  });
}
