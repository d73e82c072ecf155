/**
 * The source address of a packet whose first IP layer leaves it out: the one the kernel would
 * send from towards the packet's destination (a route lookup, as Scapy does). The codec stays
 * pure (its defaults are loopback, whatever the destination); whoever is about to send or show
 * a packet fills the source in first: the raw transport, `rawcraft send` and `rawcraft build`.
 */
import { encodeLayers, type EncodableLayer } from '../../codec/encode.js';
import type { StepBase } from '../../builders/packet.js';
import type { Sendable } from '../transport.js';
import { codecByName } from '../../codec/registry.js';
import { sourceAddressFor } from './route.js';

export interface RoutedSource {
  /** The layers, with the first IP layer's source filled in when it was left out and a route exists. */
  readonly layers: readonly EncodableLayer[];
  /** The source filled in; undefined when the packet had one, or is not IP. */
  readonly filled?: string;
  /** The destination there is no route to (the source was left to the codec's default). */
  readonly unrouted?: string;
}

/** A route lookup: `sourceAddressFor`, or a cache of it (SourceCache.get). */
export type SourceLookup = (destination: string, family: 4 | 6) => Promise<string | undefined>;

/** Fill in the first layer's source when it is IPv4 or IPv6 and leaves `src` out. */
export async function withRouteSource(layers: readonly EncodableLayer[], lookup: SourceLookup = sourceAddressFor): Promise<RoutedSource> {
  const first = layers[0];
  const family = first?.layer === 'ipv4' ? 4 : first?.layer === 'ipv6' ? 6 : undefined;
  if (family === undefined) return { layers };
  const fields = (first.fields ?? {}) as { src?: unknown; dst?: unknown };
  if (fields.src !== undefined) return { layers };
  const dst = typeof fields.dst === 'string' ? fields.dst : defaultDestination(first.layer);
  if (dst === undefined) return { layers };
  const src = await lookup(dst, family);
  if (src === undefined) return { layers, unrouted: dst };
  return { layers: [{ ...first, fields: { ...fields, src } }, ...layers.slice(1)], filled: src };
}

/** Does this first layer leave its source out (so that withRouteSource has work to do)? */
export function leavesSourceOut(layer: EncodableLayer | undefined): boolean {
  if (layer?.layer !== 'ipv4' && layer?.layer !== 'ipv6') return false;
  return (layer.fields as { src?: unknown } | undefined)?.src === undefined;
}

function defaultDestination(layer: string): string | undefined {
  const field = codecByName(layer)?.fields.find((f) => f.name === 'dst') as { default?: unknown } | undefined;
  return typeof field?.default === 'string' ? field.default : undefined;
}

/** Is `packet` a builder step whose first IP layer leaves its source out? (Cheap: no await on the common path.) */
export function leavesSourceOutOf(packet: Sendable): boolean {
  return !(packet instanceof Uint8Array) && typeof (packet as StepBase).encode === 'function' && leavesSourceOut((packet as StepBase).layers[0]);
}

/** Such a step re-encoded with the route's source (withRouteSource); given only when leavesSourceOutOf(packet). */
export async function withSourceFilled(packet: StepBase, lookup: SourceLookup): Promise<Sendable> {
  const layers = packet.layers;
  const routed = await withRouteSource(layers, lookup);
  return routed.filled === undefined ? packet : { bytes: encodeLayers(routed.layers), firstLayer: layers[0].layer };
}
