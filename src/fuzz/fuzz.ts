/**
 * Seeded fuzzing: random values for every fixed-header field the template does not fix, from
 * the layouts' FieldDef (bits and kinds), and random valid lists for the list fields it leaves
 * out (IPv4/TCP options, SCTP chunks, IPv6 Hop-by-Hop/Destination options: see lists.ts). Computed fields (lengths, next-protocol numbers,
 * checksums) stay coherent unless asked to break them. Packet i depends only on (seed, i), so
 * the same seed gives the same packets. Values are always within the field's bits, and a
 * combination the encoder refuses is retried without the offending field: fuzz never throws
 * for a valid template. Random addresses come from the documentation ranges only
 * (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32).
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { FieldValueError, InputError, RawcraftError, UnknownFieldError } from '../codec/errors.js';
import { codecByName } from '../codec/registry.js';
import { parse } from '../expr/parse.js';
import { Rng } from '../traffic/random.js';
import { listSpecs, type ListSpec } from './lists.js';
import { randomFieldValue } from './values.js';

export { randomFieldValue } from './values.js';

/** What may be deliberately broken: checksums (written wrong) and lengths (random length fields). */
export type FuzzBreak = 'checksums' | 'lengths';

/** Options of `fuzz()`: the seed (required), the number of packets, and what to break. */
export interface FuzzOptions {
  /** Required: the same seed gives the same packets. */
  readonly seed: number;
  /** How many packets; default unbounded (take what you need). */
  readonly count?: number;
  readonly break?: readonly FuzzBreak[];
}

/** One packet of `fuzz()`: its index, its layers and its bytes. */
export interface FuzzedPacket {
  readonly index: number;
  /** The layers as fuzzed (random values filled in), ready for `encodeLayers` or `formatExpression`. */
  readonly layers: EncodableLayer[];
  readonly bytes: Buffer;
}

/** Fields that name the header itself: randomising them makes it another protocol, not a fuzzed one. */
const KEEP = new Set(['ipv4.version', 'ipv6.version']);
function templateLayers(template: string | readonly EncodableLayer[]): readonly EncodableLayer[] {
  return typeof template === 'string' ? parse(template) : template;
}

/**
 * Random values for every header field the template does not fix (addresses from the
 * documentation ranges), lengths and checksums kept right unless `break` names them. Always
 * seeded: the same seed gives the same packets.
 *
 * @throws {@link InputError} no integer `seed`.
 * @throws {@link ExpressionError} a template expression that does not parse.
 * @example
 * {@includeCode ../../examples/api-tour.ts#fuzz}
 */
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
    return { defs, corrupt, lists: listSpecs(codec.name, fixed) };
  });
  for (let index = 0; index < count; index++) {
    const rng = new Rng(options.seed, 0x46555a5a, index);
    const out: EncodableLayer[] = layers.map((l, i) => {
      const fields: Record<string, unknown> = { ...(l.fields ?? {}) };
      for (const def of plans[i].defs) fields[def.name] = randomFieldValue(def, rng);
      for (const list of plans[i].lists) fields[list.field] = list.draw(rng);
      const corrupt = plans[i].corrupt && rng.float() < 0.5 ? ['checksum'] : l.corrupt;
      return { ...l, fields, ...(corrupt && { corrupt }) };
    });
    const redraw = (i: number, field: string): ListSpec | undefined => plans[i].lists.find((l) => l.field === field);
    yield { index, layers: out, bytes: encodeRetrying(out, layers, rng, redraw) };
  }
}

/** How many times a refused random list is drawn again before it is left out. */
const LIST_REDRAWS = 3;

/**
 * Encode; when a random value is refused (a field that does not fit the random ICMP type...),
 * drop it and retry. A refused random list (IPv4 options, SCTP chunks...) is drawn again a few
 * times first, from the packet's Rng, so the result stays a function of (seed, index).
 */
function encodeRetrying(out: EncodableLayer[], template: readonly EncodableLayer[], rng: Rng, lists: (layer: number, field: string) => ListSpec | undefined): Buffer {
  const redraws = new Map<string, number>();
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
      // `options[2].value` is the options list's.
      const named = (error instanceof FieldValueError || error instanceof UnknownFieldError) && e.field ? String(e.field).split(/[.[]/)[0] : undefined;
      const field = named !== undefined && named in fields && !(named in given) ? named : Object.keys(fields).reverse().find((f) => !(f in given));
      if (field === undefined) break;
      const list = lists(i, field);
      const key = `${i}.${field}`;
      const tries = redraws.get(key) ?? 0;
      if (list && tries < LIST_REDRAWS) {
        redraws.set(key, tries + 1);
        fields[field] = list.draw(rng);
      } else delete fields[field];
      out[i] = { ...out[i], fields };
    }
  }
  return encodeLayers(template, { onWarning: () => {} });
}
