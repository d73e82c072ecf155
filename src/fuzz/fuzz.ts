/**
 * Seeded fuzzing: random values for every fixed-header field the template does not fix, from
 * the layouts' FieldDef (bits and kinds). Computed fields (lengths, next-protocol numbers,
 * checksums) stay coherent unless asked to break them. Packet i depends only on (seed, i), so
 * the same seed gives the same packets. Values are always within the field's bits, and a
 * combination the encoder refuses is retried without the offending field: fuzz never throws
 * for a valid template. Random addresses come from the documentation ranges only
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { FieldValueError, InputError, RawcraftError, UnknownFieldError } from '../codec/errors.js';
import type { FieldDef } from '../codec/field.js';
import { codecByName } from '../codec/registry.js';
import { parse } from '../expr/parse.js';
import { Rng } from '../traffic/random.js';

/** What may be deliberately broken: checksums (written wrong) and lengths (random length fields). */
export type FuzzBreak = 'checksums' | 'lengths';

export interface FuzzOptions {
  /** Required: the same seed gives the same packets. */
  readonly seed: number;
  /** How many packets; default unbounded (take what you need). */
  readonly count?: number;
  readonly break?: readonly FuzzBreak[];
}

export interface FuzzedPacket {
  readonly index: number;
  /** The layers as fuzzed (random values filled in), ready for `encodeLayers` or `formatExpression`. */
  readonly layers: EncodableLayer[];
  readonly bytes: Buffer;
}

/** Fields that name the header itself: randomising them makes it another protocol, not a fuzzed one. */
const KEEP = new Set(['ipv4.version', 'ipv6.version']);
const V4_NETS = [0xc0000200, 0xc6336400, 0xcb007100];
const INTERESTING = (bits: number): number[] => {
  const max = 2 ** bits - 1;
  return [0, 1, max, max - 1, 2 ** (bits - 1), 2 ** (bits - 1) - 1].filter((v) => v >= 0 && v <= max);
};

/** A random value for a field: boundary values half of the time for integers. */
export function randomFieldValue(def: FieldDef, rng: Rng): unknown {
  switch (def.kind) {
    case 'uint':
      return rng.float() < 0.3 ? rng.pick(INTERESTING(def.bits)) : rng.bits(def.bits);
    case 'flags':
      return rng.bits(def.bits);
    case 'enum': {
      const names = Object.keys(def.values);
      return names.length && rng.float() < 0.6 ? rng.pick(names) : rng.bits(def.bits);
    }
    case 'ipv4': {
      const n = rng.pick(V4_NETS) + rng.int(1, 254);
      return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
    }
    case 'ipv6': {
      const w = Array.from({ length: 6 }, () => rng.bits(16).toString(16));
      return `2001:db8:${w.join(':')}`;
    }
    case 'mac': {
      const b = rng.bytes(6);
      b[0] = (b[0] & 0xfc) | 0x02; // locally administered, unicast
      return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    }
  }
}

function templateLayers(template: string | readonly EncodableLayer[]): readonly EncodableLayer[] {
  return typeof template === 'string' ? parse(template) : template;
}

/** Fuzz a template (an expression or layers). Deterministic for `seed`. */
export function* fuzz(template: string | readonly EncodableLayer[], options: FuzzOptions): Generator<FuzzedPacket> {
  if (!Number.isSafeInteger(options?.seed)) throw new InputError(`fuzz: seed must be an integer (got ${String(options?.seed)}): fuzzing is always seeded`);
  const layers = templateLayers(template);
  const breaks = new Set(options.break ?? []);
  const count = options.count ?? Infinity;
  // Check the template itself encodes.
  encodeLayers(layers, { onWarning: () => {} });
  const plans = layers.map((l) => {
    const codec = codecByName(l.layer)!;
    const fixed = new Set(Object.keys(l.fields ?? {}));
    const defs = codec.fields.filter((d) => {
      if (fixed.has(d.name) || KEEP.has(`${codec.name}.${d.name}`)) return false;
      if (d.role === 'checksum') return false;
      if (d.role === 'auto') return breaks.has('lengths');
      return true;
    });
    const corrupt = breaks.has('checksums') && codec.checksumOffset !== undefined && !fixed.has('checksum');
    return { defs, corrupt };
  });
  for (let index = 0; index < count; index++) {
    const rng = new Rng(options.seed, 0x46555a5a, index);
    const out: EncodableLayer[] = layers.map((l, i) => {
      const fields: Record<string, unknown> = { ...(l.fields ?? {}) };
      for (const def of plans[i].defs) fields[def.name] = randomFieldValue(def, rng);
      const corrupt = plans[i].corrupt && rng.float() < 0.5 ? ['checksum'] : l.corrupt;
      return { ...l, fields, ...(corrupt && { corrupt }) };
    });
    yield { index, layers: out, bytes: encodeRetrying(out, layers) };
  }
}

/** Encode; when a random value is refused (a field that does not fit the random ICMP type...), drop it and retry. */
function encodeRetrying(out: EncodableLayer[], template: readonly EncodableLayer[]): Buffer {
  for (let attempt = 0; attempt < 64; attempt++) {
    try {
      return encodeLayers(out, { onWarning: () => {} });
    } catch (error) {
      if (!(error instanceof RawcraftError)) throw error;
      const e = error as RawcraftError & { layer?: string; field?: string };
      const name = String(e.layer ?? '').split(' ')[0];
      const i = out.findIndex((l, k) => l.layer === name && Object.keys(l.fields ?? {}).some((f) => !(f in (template[k].fields ?? {}))));
      if (i < 0) break;
      const fields = { ...(out[i].fields as Record<string, unknown>) };
      const given = template[i].fields ?? {};
      const field = (error instanceof FieldValueError || error instanceof UnknownFieldError) && e.field && e.field in fields && !(e.field in given) ? e.field : Object.keys(fields).reverse().find((f) => !(f in given));
      if (field === undefined) break;
      delete fields[field];
      out[i] = { ...out[i], fields };
    }
  }
  return encodeLayers(template, { onWarning: () => {} });
}
