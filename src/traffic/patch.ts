/**
 * Re-encoding a template by patching: the template is encoded once; for each packet only the
 * varying fixed-header fields are written at their placements (compileHeader's byte and bit
 * offsets) and the checksums updated, by code compiled per field list (patch-compile.ts). Stacks or fields this cannot handle (length changes,
 * variant headers such as ICMP's, options) fall back to a full encode, which is always right.
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { compileHeader, type CompiledHeader, type FieldPlacement } from '../codec/header.js';
import { codecByName } from '../codec/registry.js';
import type { LayerCodec } from '../codec/layer.js';
import { compilePatcher, type PatchSlot, type Patcher } from './patch-compile.js';

/** Layers whose `fields` are exactly one compiled fixed header at the start of the layer. */
const PATCHABLE_LAYERS = new Set(['ipv4', 'ipv6', 'udp', 'tcp', 'sctp']);
/** Layers whose fixed header depends on the message type: patchable in their fast form's layout (echo). */
const PATCHABLE_IN_FAST_FORM = new Set(['icmp', 'icmpv6']);
/** Layers whose bytes patching keeps right (checksums recomputed here). */
const SUPPORTED_LAYERS = new Set([...PATCHABLE_LAYERS, ...PATCHABLE_IN_FAST_FORM, 'raw']);

interface Placements {
  readonly header: CompiledHeader<unknown>;
  readonly byName: ReadonlyMap<string, FieldPlacement>;
}

const placementCache = new Map<CompiledHeader<unknown> | LayerCodec, Placements>();
function placementsOf(codec: LayerCodec, fields: Record<string, unknown> | undefined): Placements | undefined {
  let key: CompiledHeader<unknown> | LayerCodec = codec;
  if (PATCHABLE_IN_FAST_FORM.has(codec.name)) {
    // ICMP and ICMPv6: the layout is the fast form's (echo) when the template's type selects it.
    const form = codec.fast;
    if (form?.header === undefined) return undefined;
    for (const [field, values] of Object.entries(form.when ?? {})) {
      const value = fields?.[field];
      if (value !== undefined && !values.includes(value as string | number)) return undefined;
    }
    key = form.header;
  } else if (!PATCHABLE_LAYERS.has(codec.name)) return undefined;
  let m = placementCache.get(key);
  if (!m) {
    const header = key === codec ? compileHeader(codec.name, codec.fields) : (key as CompiledHeader<unknown>);
    m = { header, byName: new Map(header.placements.map((p) => [p.def.name, p])) };
    placementCache.set(key, m);
  }
  return m;
}

type LayerSlot = PatchSlot;

/**
 * A template encoded once, with the offsets needed to patch it.
 * @throws {@link FieldValueError} a patched value the field cannot hold.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#patchable-template}
 */
export class PatchableTemplate {
  readonly bytes: Buffer;
  private readonly slots: LayerSlot[] | undefined;
  private readonly patchers: { readonly fields: readonly (readonly [number, string])[]; readonly patcher: Patcher }[] = [];

  constructor(readonly layers: readonly EncodableLayer[]) {
    this.bytes = encodeLayers(layers, { onWarning: () => {} });
    this.slots = this.locate();
  }

  /** Offsets of each layer: encode each suffix (checksums given, so no IP layer is needed). */
  private locate(): LayerSlot[] | undefined {
    if (!this.layers.every((l) => SUPPORTED_LAYERS.has(l.layer) && l.trailer === undefined && !l.corrupt?.length)) return undefined;
    const slots: LayerSlot[] = [];
    try {
      for (let i = 0; i < this.layers.length; i++) {
        const suffix = this.layers.slice(i).map((l) => {
          const codec = codecByName(l.layer)!;
          return codec.fields.some((f) => f.name === 'checksum') ? { ...l, fields: { checksum: 0, ...(l.fields ?? {}) } } : l;
        });
        const len = encodeLayers(suffix, { onWarning: () => {} }).length;
        const codec = codecByName(this.layers[i].layer)!;
        slots.push({ codec, offset: this.bytes.length - len, end: this.bytes.length, checksumGiven: (this.layers[i].fields as Record<string, unknown> | undefined)?.checksum !== undefined });
      }
    } catch {
      return undefined;
    }
    return slots;
  }

  private fieldsOf(layerIndex: number): Record<string, unknown> | undefined {
    return this.layers[layerIndex]?.fields as Record<string, unknown> | undefined;
  }

  /** Whether `layer.field` (first layer of that name) can be patched in place. */
  canPatch(layerIndex: number, field: string): boolean {
    const slot = this.slots?.[layerIndex];
    if (!slot) return false;
    const p = placementsOf(slot.codec, this.fieldsOf(layerIndex))?.byName.get(field);
    return !!p && p.def.role === undefined;
  }

  /**
   * A copy of the template with `changes` ([layerIndex, field, value]) written in place and the
   * checksums brought up to date. Every change must satisfy `canPatch`.
   */
  patch(changes: readonly (readonly [number, string, unknown])[]): Buffer {
    const patcher = this.patcherFor(changes);
    const values = new Array<unknown>(changes.length);
    for (let k = 0; k < changes.length; k++) values[k] = changes[k][2];
    return patcher(values);
  }

  /**
   * The compiled patcher for these fields ([layerIndex, field], in this order): call it with the
   * values, in the same order, once per packet. Compiled once per field list (patch-compile.ts).
   */
  patcherFor(fields: readonly (readonly [number, string, ...unknown[]])[]): Patcher {
    for (const known of this.patchers) {
      if (known.fields.length === fields.length && known.fields.every(([i, f], k) => fields[k][0] === i && fields[k][1] === f)) return known.patcher;
    }
    const slots = this.slots!;
    const compiled = fields.map(([index, field]) => {
      const slot = slots[index];
      const placements = placementsOf(slot.codec, this.fieldsOf(index));
      const placement = placements?.byName.get(field);
      if (placement === undefined || !this.canPatch(index, field)) throw new Error(`patch: ${slot.codec.name}.${field} cannot be patched (check canPatch first)`);
      return { slot: index, placement, header: placements!.header };
    });
    const patcher = compilePatcher(this.bytes, slots, compiled);
    if (this.patchers.length >= 16) this.patchers.shift();
    this.patchers.push({ fields: fields.map(([i, f]) => [i, f] as const), patcher });
    return patcher;
  }

  /** Whether patching is possible at all for this template (and for the change set's layers). */
  get patchable(): boolean {
    if (!this.slots) return false;
    // Upper-layer checksums need their IP layer right before them (no extension headers).
    return this.slots.every((s, i) => !['udp', 'tcp', 'icmpv6'].includes(s.codec.name) || s.checksumGiven || ['ipv4', 'ipv6'].includes(this.slots![i - 1]?.codec.name ?? ''));
  }
}
