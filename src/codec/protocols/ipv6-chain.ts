/**
 * What IPv6 extension headers share (RFC 8200 section 4): the layer names of the chain, the
 * Next Header value written when a field is left out, and the walk over a chain in raw bytes
 * that fragmentation, reassembly and the jumbo check need.
 */
import type { EncodeFrame } from '../layer.js';

/** Layers that may sit between an IPv6 header and the upper layer, in the order RFC 8200 section 4.1 recommends. */
export const IPV6_EXTENSION_LAYERS = ['ipv6-hop-by-hop', 'ipv6-dest-options', 'ipv6-routing', 'ipv6-fragment', 'ah'] as const;
/** The layer names of the IPv6 extension headers rawcraft decodes and builds. */
export type Ipv6ExtensionLayer = (typeof IPV6_EXTENSION_LAYERS)[number];

/** Next Header 59: nothing follows; octets after the header are ignored by receivers (RFC 8200 section 4.7). */
export const NO_NEXT_HEADER = 59;

export const IP_PROTOCOL = {
  hopByHop: 0,
  ipv4: 4,
  tcp: 6,
  udp: 17,
  ipv6: 41,
  routing: 43,
  fragment: 44,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNextHeader: 59,
  destOptions: 60,
} as const;

/** The Next Header value for the layer after frames[index]: its own protocol number, or 59 when raw data or nothing follows. */
export function nextHeaderAfter(frames: readonly EncodeFrame[], index: number): number {
  return frames[index + 1]?.codec.ipProtocol ?? NO_NEXT_HEADER;
}

/** One header of a chain, found by walking raw bytes. */
export interface ChainHeader {
  /** Its protocol number (the Next Header value naming it). */
  readonly type: number;
  readonly offset: number;
  readonly length: number;
}

/**
 * Walk the extension headers of an IPv6 packet starting at `offset` (just after the fixed
 * header) with `first` as the first Next Header value. Stops at the first header that is not
 * Hop-by-Hop, Routing, Fragment, Destination Options or AH, or at the end of the bytes.
 * Returns the headers walked and the Next Header value and offset of what follows them.
 */
export function walkChain(buf: Uint8Array, first: number, offset: number, end: number): { headers: ChainHeader[]; next: number; offset: number; truncated: boolean } {
  const headers: ChainHeader[] = [];
  let type = first;
  let at = offset;
  for (;;) {
    let length: number;
    if (type === IP_PROTOCOL.hopByHop || type === IP_PROTOCOL.routing || type === IP_PROTOCOL.destOptions) {
      if (at + 2 > end) return { headers, next: type, offset: at, truncated: true };
      length = (buf[at + 1] + 1) * 8;
    } else if (type === IP_PROTOCOL.fragment) {
      length = 8;
    } else if (type === IP_PROTOCOL.ah) {
      if (at + 2 > end) return { headers, next: type, offset: at, truncated: true };
      length = (buf[at + 1] + 2) * 4;
    } else {
      return { headers, next: type, offset: at, truncated: false };
    }
    if (at + length > end) return { headers, next: type, offset: at, truncated: true };
    headers.push({ type, offset: at, length });
    type = buf[at];
    at += length;
  }
}
