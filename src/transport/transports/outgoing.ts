/**
 * A packet on its way out: the bytes (encoding a builder step when given one) and the IP
 * header facts a transport needs to route it (`ip-header.ts`: fixed offsets, no decode on the send path).
 */
import { performance } from 'node:perf_hooks';
import { ipFacts, type IpFacts } from '../ip-header.js';
import { TransportArgumentError } from '../errors.js';
import type { StepBase } from '../../builders/packet.js';
import type { FramedBytes, Sendable } from '../transport.js';

export interface Outgoing {
  readonly bytes: Uint8Array;
  /** The first layer: from the builder, or `ipv4`/`ipv6` from the version nibble of bytes, else `raw`. */
  readonly firstLayer: string;
  /** Present when the packet starts with an IPv4 or IPv6 header. */
  readonly ip: IpFacts | undefined;
}

/** Encode (when needed) and read the IP header. */
export function outgoing(packet: Sendable): Outgoing {
  let bytes: Uint8Array;
  let firstLayer: string;
  if (packet instanceof Uint8Array) {
    bytes = packet;
    firstLayer = versionLayer(bytes);
  } else if (packet && typeof (packet as StepBase).encode === 'function') {
    bytes = (packet as StepBase).encode();
    firstLayer = (packet as StepBase).layers[0]?.layer ?? 'raw';
  } else if (packet && (packet as FramedBytes).bytes instanceof Uint8Array && typeof (packet as FramedBytes).firstLayer === 'string') {
    bytes = (packet as FramedBytes).bytes;
    firstLayer = (packet as FramedBytes).firstLayer;
    if (firstLayer === 'auto') firstLayer = versionLayer(bytes);
  } else {
    throw new TransportArgumentError('packet', packet, 'a builder step (e.g. ipv4().icmp()), a Uint8Array, or { bytes, firstLayer }');
  }
  const ip = firstLayer === 'ipv4' || firstLayer === 'ipv6' ? ipFacts(bytes) : undefined;
  return { bytes, firstLayer, ip };
}

/** `ipv4` or `ipv6` from the version nibble (when the header fits), else `raw`. */
function versionLayer(bytes: Uint8Array): string {
  const version = bytes.length ? bytes[0] >> 4 : 0;
  return version === 4 && bytes.length >= 20 ? 'ipv4' : version === 6 && bytes.length >= 40 ? 'ipv6' : 'raw';
}

/** Wall-clock nanoseconds since the Unix epoch (microsecond precision), the clock RawSocket stamps received datagrams with. */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
