/**
 * Typed errors. Every error names where it happened (layer, field, byte offset) and,
 * where the caller can fix something, what is allowed. Modelled on etherparse's LenError,
 * with a stable `code` for machines.
 */

/**
 * Base class of every error rawcraft throws on purpose.
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export abstract class RawcraftError extends Error {
  abstract readonly code: string;
  override get name(): string {
    return this.constructor.name;
  }
}

/**
 * Base class of errors about packet contents (building or decoding).
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export abstract class PacketError extends RawcraftError {
  constructor(
    message: string,
    /** Layer name, e.g. `ipv4`. */
    readonly layer: string,
    /** Byte offset in the whole packet where the problem lies (-1 when building). */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Where a length that turned out too long or too short came from. */
export type LengthSource = 'buffer' | string;

/**
 * The bytes are shorter than a header or a length field says they must be.
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class LengthError extends PacketError {
  readonly code = 'E_LENGTH';
  constructor(
    layer: string,
    offset: number,
    /** Bytes required. */
    readonly required: number,
    /** Bytes actually available. */
    readonly actual: number,
    /** What demanded the length: `buffer` for a fixed header, or the field, e.g. `ipv4.totalLength`. */
    readonly source: LengthSource,
    detail?: string,
  ) {
    super(
      `${layer} at offset ${offset}: needs ${required} bytes (${source === 'buffer' ? 'fixed header' : `from ${source}`}) but ${actual} ${actual === 1 ? 'is' : 'are'} available${detail ? `: ${detail}` : ''}`,
      layer,
      offset,
    );
  }
}

/**
 * A field holds a value the format does not allow (when decoding).
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class ContentError extends PacketError {
  readonly code = 'E_CONTENT';
  constructor(
    layer: string,
    offset: number,
    readonly field: string,
    readonly value: unknown,
    readonly expected: string,
  ) {
    super(`${layer}.${field} at offset ${offset}: ${formatValue(value)} is not valid; expected ${expected}`, layer, offset);
  }
}

/**
 * A value given to a builder does not fit the field (out of range, wrong type, bad address...).
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class FieldValueError extends PacketError {
  readonly code = 'E_FIELD';
  constructor(
    layer: string,
    readonly field: string,
    readonly value: unknown,
    /** What the field accepts, e.g. `an integer 0..255`. */
    readonly allowed: string,
  ) {
    super(`${layer}.${field}: ${formatValue(value)} is not allowed; expected ${allowed}`, layer, -1);
  }
}

/**
 * A field name the layer does not have (usually a typo): refusing it beats losing it silently.
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class UnknownFieldError extends PacketError {
  readonly code = 'E_UNKNOWN_FIELD';
  constructor(
    layer: string,
    readonly field: string,
    /** The closest known field, when the name looks like a typo of it. */
    readonly suggestion: string | undefined,
    readonly known: readonly string[],
  ) {
    super(`${layer} has no field '${field}'${suggestion ? ` (did you mean ${suggestion}?)` : ''}; its fields are ${known.join(', ')}`, layer, -1);
  }
}

/**
 * Layers stacked in a way the formats cannot express (e.g. a TCP layer with no IP layer around it).
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class StackError extends PacketError {
  readonly code = 'E_STACK';
  constructor(layer: string, message: string) {
    super(`${layer}: ${message}`, layer, -1);
  }
}

/**
 * A checksum did not verify. rawcraft itself does not throw it: `decode()` gives each layer's
 * checksum verdict (`layer.checksum.status`) instead; it is for callers that enforce checksums.
 * @example
 * {@includeCode ../../examples/api-codec.ts#checksum-error}
 */
export class ChecksumError extends PacketError {
  readonly code = 'E_CHECKSUM';
  constructor(
    layer: string,
    offset: number,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`${layer} at offset ${offset}: checksum 0x${hex(actual)} is wrong, expected 0x${hex(expected)}`, layer, offset);
  }
}

/**
 * Input that is not a packet at all: bad hex, bad JSON, an unknown layer name.
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export class InputError extends RawcraftError {
  readonly code = 'E_INPUT';
  constructor(
    message: string,
    /** Index of the packet or record the problem belongs to, when known. */
    readonly index?: number,
  ) {
    super(message);
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(4, '0');
}

/** Longest rendering of a value in a message, and how deep lists and objects are shown. */
const MAX_VALUE_TEXT = 80;
const MAX_VALUE_DEPTH = 3;

/**
 * Render a value for an error message without ever throwing: at most 80 characters and three
 * levels of nesting, whatever the value (a list nested 5,000 deep, a megabyte string, a getter
 * that throws), without recursing deeper than that.
 * @example
 * {@includeCode ../../examples/api-codec.ts#errors}
 */
export function formatValue(value: unknown): string {
  let text: string;
  try {
    text = render(value, 0);
  } catch {
    text = `<${typeof value}>`;
  }
  return text.length > MAX_VALUE_TEXT ? text.slice(0, MAX_VALUE_TEXT - 3) + '...' : text;
}

function render(value: unknown, depth: number): string {
  if (typeof value === 'string') return JSON.stringify(value.length > MAX_VALUE_TEXT ? value.slice(0, MAX_VALUE_TEXT) : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : String(value);
  if (value === null || typeof value !== 'object') return String(value);
  if (value instanceof Uint8Array) return `<${value.length} bytes>`;
  const list = Array.isArray(value);
  if (depth >= MAX_VALUE_DEPTH) return list ? '[...]' : '{...}';
  const parts: string[] = [];
  let length = 0;
  const entries = list ? (value as unknown[]).entries() : Object.entries(value).values();
  for (const entry of entries) {
    if (length > MAX_VALUE_TEXT) {
      parts.push('...');
      break;
    }
    const part = list ? render(entry[1], depth + 1) : `${JSON.stringify(entry[0])}:${render(entry[1], depth + 1)}`;
    parts.push(part);
    length += part.length + 1;
  }
  return list ? `[${parts.join(',')}]` : `{${parts.join(',')}}`;
}

/**
 * Chunks bundled in a way the SCTP rules forbid (RFC 9260 sections 5.1 and 6.10: INIT, INIT ACK
 * and SHUTDOWN COMPLETE alone, COOKIE ECHO and COOKIE ACK first, control chunks before DATA):
 * a warning when crafting, an issue when decoding.
 * @example
 * {@includeCode ../../examples/api-codec.ts#sctp-bundling}
 */
export class BundlingError extends PacketError {
  readonly code = 'E_BUNDLING';
  constructor(
    layer: string,
    offset: number,
    /** Index of the offending chunk in the layer's chunk list. */
    readonly chunk: number,
    message: string,
  ) {
    super(`${layer}${offset >= 0 ? ` at offset ${offset}` : ''}: chunks[${chunk}]: ${message}`, layer, offset);
  }
}
