/**
 * Re-encoding a template by patching: the template is encoded once; for each packet only the
 * varying fixed-header fields are written at their placements (compileHeader's byte and bit
 * offsets) and the checksums recomputed. Stacks or fields this cannot handle (length changes,
 * variant headers such as ICMP's, options) fall back to a full encode, which is always right.
 */
import { encodeLayers, type EncodableLayer } from '../codec/encode.js';
import { compileHeader, type FieldPlacement } from '../codec/header.js';
import { finishChecksum, pseudoHeaderTail, sumWords } from '../codec/checksum.js';
import { sctpChecksum } from '../codec/crc32c.js';
import { codecByName } from '../codec/registry.js';
import type { LayerCodec } from '../codec/layer.js';
import { FieldValueError } from '../codec/errors.js';

/** Layers whose `fields` are exactly one compiled fixed header at the start of the layer. */
const PATCHABLE_LAYERS = new Set(['ipv4', 'ipv6', 'udp', 'tcp', 'sctp']);
/** Layers whose bytes patching keeps right (checksums recomputed here). */
const SUPPORTED_LAYERS = new Set([...PATCHABLE_LAYERS, 'raw', 'icmp', 'icmpv6']);

const placementCache = new Map<LayerCodec, Map<string, FieldPlacement>>();
function placementsOf(codec: LayerCodec): Map<string, FieldPlacement> {
  let m = placementCache.get(codec);
  if (!m) {
    const compiled = compileHeader(codec.name, codec.fields);
    m = new Map(compiled.placements.map((p) => [p.def.name, p]));
    placementCache.set(codec, m);
  }
  return m;
}

interface LayerSlot {
  readonly codec: LayerCodec;
  readonly offset: number;
  readonly end: number;
  /** The user gave the checksum: leave it alone. */
  readonly checksumGiven: boolean;
}

/** A template encoded once, with the offsets needed to patch it. */
export class PatchableTemplate {
  readonly bytes: Buffer;
  private readonly slots: LayerSlot[] | undefined;

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

  /** Whether `layer.field` (first layer of that name) can be patched in place. */
  canPatch(layerIndex: number, field: string): boolean {
    const slot = this.slots?.[layerIndex];
    if (!slot || !PATCHABLE_LAYERS.has(slot.codec.name)) return false;
    const p = placementsOf(slot.codec).get(field);
    return !!p && p.def.role === undefined;
  }

  /**
   * A copy of the template with `changes` ([layerIndex, field, value]) written in place and the
   * checksums recomputed. Every change must satisfy `canPatch`.
   */
  patch(changes: readonly (readonly [number, string, unknown])[]): Buffer {
    const buf = Buffer.from(this.bytes);
    const slots = this.slots!;
    for (const [index, field, value] of changes) {
      const slot = slots[index];
      const p = placementsOf(slot.codec).get(field)!;
      writeField(buf, slot.offset, p, value, slot.codec.name);
    }
    for (let i = slots.length - 1; i >= 0; i--) this.fixChecksum(buf, i);
    return buf;
  }

  private fixChecksum(buf: Buffer, i: number): void {
    const slot = this.slots![i];
    if (slot.checksumGiven) return;
    const o = slot.offset;
    switch (slot.codec.name) {
      case 'ipv4': {
        const ihl = (buf[o] & 15) * 4;
        buf[o + 10] = buf[o + 11] = 0;
        buf.writeUInt16BE(finishChecksum(sumWords(buf, o, o + ihl)), o + 10);
        return;
      }
      case 'udp':
        return this.upper(buf, i, 17, 6, 0xffff);
      case 'tcp':
        return this.upper(buf, i, 6, 16, 0);
      case 'icmpv6':
        return this.upper(buf, i, 58, 2, 0);
      case 'icmp':
        buf[o + 2] = buf[o + 3] = 0;
        buf.writeUInt16BE(finishChecksum(sumWords(buf, o, slot.end)), o + 2);
        return;
      case 'sctp':
        buf.writeUInt32BE(0, o + 8);
        buf.writeUInt32BE(sctpChecksum(buf, o, slot.end), o + 8);
        return;
    }
  }

  /** Upper-layer checksum over the pseudo-header of the IP layer just before it. */
  private upper(buf: Buffer, i: number, protocol: number, at: number, zeroAs: number): void {
    const slot = this.slots![i];
    const ip = this.slots![i - 1];
    const o = slot.offset;
    buf[o + at] = buf[o + at + 1] = 0;
    let sum = pseudoHeaderTail(protocol, slot.end - o) + sumWords(buf, o, slot.end);
    if (ip?.codec.name === 'ipv4') sum += sumWords(buf, ip.offset + 12, ip.offset + 20);
    else if (ip?.codec.name === 'ipv6') sum += sumWords(buf, ip.offset + 8, ip.offset + 40);
    else return;
    let value = finishChecksum(sum);
    if (value === 0 && zeroAs) value = zeroAs;
    buf.writeUInt16BE(value, o + at);
  }

  /** Whether patching is possible at all for this template (and for the change set's layers). */
  get patchable(): boolean {
    if (!this.slots) return false;
    // Upper-layer checksums need their IP layer right before them (no extension headers).
    return this.slots.every((s, i) => !['udp', 'tcp', 'icmpv6'].includes(s.codec.name) || s.checksumGiven || ['ipv4', 'ipv6'].includes(this.slots![i - 1]?.codec.name ?? ''));
  }
}

function writeField(buf: Buffer, layerOffset: number, p: FieldPlacement, value: unknown, layer: string): void {
  const def = p.def;
  const at = layerOffset + Math.floor(p.bitOffset / 8);
  if (def.kind === 'ipv4' || def.kind === 'ipv6' || def.kind === 'mac') {
    // Reuse the encoder's parsing through a one-field header.
    const one = single(layer, def);
    one.write(buf, at, { [def.name]: value }, {});
    return;
  }
  let n: number;
  if (typeof value === 'number') n = value;
  else if (def.kind === 'enum' && typeof value === 'string' && Object.hasOwn(def.values, value)) n = def.values[value];
  else if (def.kind === 'flags' && Array.isArray(value)) {
    n = 0;
    for (const name of value) {
      const bit = def.names.indexOf(String(name));
      if (bit < 0 || name === '') throw new FieldValueError(layer, def.name, value, `flags from ${def.names.filter(Boolean).join(', ')}`);
      n |= 1 << (def.bits - 1 - bit);
    }
  } else throw new FieldValueError(layer, def.name, value, `an integer 0..${2 ** def.bits - 1}${def.kind === 'enum' ? ' or a name' : ''}`);
  const max = 2 ** def.bits - 1;
  if (!Number.isInteger(n) || n < 0 || n > max) throw new FieldValueError(layer, def.name, value, `an integer 0..${max}`);
  // Read-modify-write the bits [bitOffset, bitOffset + bits) over up to 7 bytes.
  const first = p.bitOffset % 8;
  const span = Math.ceil((first + def.bits) / 8);
  if (span <= 4) {
    // Up to 32 bits: plain arithmetic (multiplications keep it unsigned).
    let w = 0;
    for (let k = 0; k < span; k++) w = w * 256 + buf[at + k];
    const shift = span * 8 - first - def.bits;
    const unit = 2 ** shift;
    const old = Math.floor(w / unit) % 2 ** def.bits;
    w = w - old * unit + n * unit;
    for (let k = span - 1; k >= 0; k--) {
      buf[at + k] = w % 256;
      w = Math.floor(w / 256);
    }
    return;
  }
  let word = 0n;
  for (let k = 0; k < span; k++) word = (word << 8n) | BigInt(buf[at + k]);
  const shift = BigInt(span * 8 - first - def.bits);
  const mask = ((1n << BigInt(def.bits)) - 1n) << shift;
  word = (word & ~mask) | (BigInt(n) << shift);
  for (let k = span - 1; k >= 0; k--) {
    buf[at + k] = Number(word & 255n);
    word >>= 8n;
  }
}

const singles = new Map<string, ReturnType<typeof compileHeader>>();
function single(layer: string, def: Parameters<typeof compileHeader>[1][number]): ReturnType<typeof compileHeader> {
  const key = `${layer}.${def.name}.${def.bits}`;
  let h = singles.get(key);
  if (!h) {
    h = compileHeader(layer, [def]);
    singles.set(key, h);
  }
  return h;
}
