/**
 * Random, valid lists for the list fields fuzz fills when the template does not give them: IPv4
 * and TCP options (at most 40 bytes with padding), SCTP chunks (a few of the known types, in an
 * order the bundling rules allow) and the options of the IPv6 Hop-by-Hop and Destination
 * Options headers. One table row per (layer, field); every draw comes from the packet's seeded
 * Rng, so the same seed gives the same lists. A list is empty a quarter of the time.
 */
import { TIMESTAMP_FLAGS } from '../codec/protocols/ipv4-options.js';
import { ROUTER_ALERT_VALUES } from '../codec/protocols/ipv6-options.js';
import { bundlingViolations, sctpChunks } from '../codec/protocols/sctp-chunks.js';
import type { Rng } from '../traffic/random.js';
import { randomFieldValue, randomIpv4 } from './values.js';

export interface ListSpec {
  readonly layer: string;
  readonly field: string;
  /** Other fields that, given, mean the user shaped this part of the header (its padding). */
  readonly with: readonly string[];
  /** A random valid list. */
  draw(rng: Rng): unknown[];
}

/** Probability that a drawn list is empty. */
const EMPTY = 0.25;

/** One option kind of a length-bounded list: its smallest size, and a random one that fits `room` bytes. */
interface Packed {
  readonly min: number;
  make(rng: Rng, room: number): { option: unknown; size: number };
}

const u32 = (rng: Rng): number => rng.u32();
const data = (rng: Rng, max: number): Uint8Array => rng.bytes(rng.int(0, max));

/**
 * Options back to back within `budget` bytes (the header pads to 4, and 40 is a multiple of 4,
 * so the padded size stays within budget too), sometimes ended by an EOL option.
 */
function packed(kinds: readonly Packed[], budget: number, eolKind: string): (rng: Rng) => unknown[] {
  return (rng) => {
    const out: unknown[] = [];
    let used = 0;
    const wanted = rng.int(1, 6);
    for (let n = 0; n < wanted; n++) {
      const fits = kinds.filter((k) => k.min <= budget - used);
      if (!fits.length) break;
      const { option, size } = rng.pick(fits).make(rng, budget - used);
      out.push(option);
      used += size;
    }
    if (used < budget && rng.float() < 0.2) out.push({ kind: eolKind });
    return out;
  };
}

/** Up to `max` items of `size` bytes after a `fixed`-byte head, fitting `room`. */
const upTo = (rng: Rng, room: number, fixed: number, size: number, max: number): number => rng.int(0, Math.min(max, Math.floor((room - fixed) / size)));

const route = (kind: string): Packed => ({
  min: 3,
  make(rng, room) {
    const k = upTo(rng, room, 3, 4, 9);
    const addresses = Array.from({ length: k }, () => randomIpv4(rng));
    return { option: { kind, pointer: 4 + 4 * rng.int(0, k), addresses }, size: 3 + 4 * k };
  },
});

const IPV4_OPTIONS: readonly Packed[] = [
  { min: 1, make: () => ({ option: { kind: 'nop' }, size: 1 }) },
  route('record-route'),
  route('lsrr'),
  route('ssrr'),
  {
    min: 4,
    make(rng, room) {
      const flag = rng.pick(Object.keys(TIMESTAMP_FLAGS) as (keyof typeof TIMESTAMP_FLAGS)[]);
      const size = flag === 'timestamps-only' ? 4 : 8;
      const k = upTo(rng, room, 4, size, 9);
      const entries = Array.from({ length: k }, () => (size === 8 ? { address: randomIpv4(rng), timestamp: u32(rng) } : { timestamp: u32(rng) }));
      return { option: { kind: 'timestamp', pointer: 5 + size * rng.int(0, k), overflow: rng.bits(4), flag, entries }, size: 4 + size * k };
    },
  },
  { min: 4, make: (rng) => ({ option: { kind: 'router-alert', value: rng.float() < 0.5 ? 0 : rng.bits(16) }, size: 4 }) },
];

const TCP_OPTIONS: readonly Packed[] = [
  { min: 1, make: () => ({ option: { kind: 'nop' }, size: 1 }) },
  { min: 4, make: (rng) => ({ option: { kind: 'mss', value: rng.bits(16) }, size: 4 }) },
  { min: 3, make: (rng) => ({ option: { kind: 'window-scale', shift: rng.float() < 0.7 ? rng.int(0, 14) : rng.bits(8) }, size: 3 }) },
  { min: 2, make: () => ({ option: { kind: 'sack-permitted' }, size: 2 }) },
  {
    min: 10,
    make(rng, room) {
      const k = rng.int(1, Math.min(4, Math.floor((room - 2) / 8)));
      return { option: { kind: 'sack', blocks: Array.from({ length: k }, () => ({ left: u32(rng), right: u32(rng) })) }, size: 2 + 8 * k };
    },
  },
  { min: 10, make: (rng) => ({ option: { kind: 'timestamps', value: u32(rng), echo: u32(rng) }, size: 10 }) },
];

/** IPv6 option types known to the codec; the random unknown ones avoid them. */
const IPV6_KNOWN = new Set([0, 1, 4, 5]);
const IPV6_OPTIONS: readonly ((rng: Rng) => unknown)[] = [
  () => ({ kind: 'pad1' }),
  (rng) => ({ kind: 'padn', length: rng.int(0, 5) }),
  (rng) => ({ kind: 'router-alert', value: rng.float() < 0.5 ? rng.pick(Object.keys(ROUTER_ALERT_VALUES)) : rng.bits(16) }),
  (rng) => {
    // Action bits 00 (skip), may-change bit random: a node that does not know it skips it.
    let kind: number;
    do kind = rng.bits(6);
    while (IPV6_KNOWN.has(kind));
    return { kind, data: data(rng, 6) };
  },
];

function ipv6Options(rng: Rng): unknown[] {
  return Array.from({ length: rng.int(1, 4) }, () => rng.pick(IPV6_OPTIONS)(rng));
}

/** SCTP chunk fields drawn as a few random bytes (opaque tails). */
const SCTP_BYTES = new Set(['data', 'cookie', 'hmac']);
const SCTP_KINDS = [...sctpChunks.byName.values()].map((k) => k.spec);

function randomChunk(rng: Rng): Record<string, unknown> {
  const spec = rng.pick(SCTP_KINDS);
  const chunk: Record<string, unknown> = { type: spec.name };
  if (spec.flags) chunk.flags = spec.flags.filter((f) => f !== '' && rng.float() < 0.5);
  for (const def of spec.fixed ?? []) if (def.role !== 'auto') chunk[def.name] = randomFieldValue(def, rng);
  for (const f of spec.tail?.fields ?? []) if (SCTP_BYTES.has(f)) chunk[f] = data(rng, 12);
  return chunk;
}

/** A few chunks, redrawn until they keep the bundling rules (INIT alone, COOKIE ECHO first, control before data). */
function sctpChunkList(rng: Rng): unknown[] {
  for (let attempt = 0; attempt < 8; attempt++) {
    const chunks = Array.from({ length: rng.int(1, 3) }, () => randomChunk(rng));
    if (!bundlingViolations(chunks.map((c) => sctpChunks.codeOf(c.type) ?? -1)).length) return chunks;
  }
  return [];
}

const ROWS: [layer: string, field: string, withFields: string[], draw: (rng: Rng) => unknown[]][] = [
  ['ipv4', 'options', ['padding'], packed(IPV4_OPTIONS, 40, 'eol')],
  ['tcp', 'options', ['padding'], packed(TCP_OPTIONS, 40, 'eol')],
  ['sctp', 'chunks', [], sctpChunkList],
  ['ipv6-hop-by-hop', 'options', ['padding'], ipv6Options],
  ['ipv6-dest-options', 'options', ['padding'], ipv6Options],
];

/** The list fields fuzz fills when the template leaves them (and their padding) out. */
export const LIST_SPECS: readonly ListSpec[] = ROWS.map(([layer, field, withFields, draw]) => ({
  layer,
  field,
  with: withFields,
  draw: (rng: Rng) => (rng.float() < EMPTY ? [] : draw(rng)),
}));

/** The list fields of a layer that fuzz fills, given the fields the template fixes. */
export function listSpecs(layer: string, fixed: ReadonlySet<string>): ListSpec[] {
  return LIST_SPECS.filter((s) => s.layer === layer && !fixed.has(s.field) && !s.with.some((f) => fixed.has(f)));
}
