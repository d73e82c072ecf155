/**
 * Turning delivered bytes into a `ReceivedPacket` (decoded with the codec, in lax mode so a
 * malformed packet never ends a receive loop) and a receive filter into a predicate.
 */
import { isMatching } from 'ts-pattern';
import { decode, type DecodedPacket } from '../../codec/decode.js';
import { codecs } from '../../codec/registry.js';
import { TransportArgumentError } from '../errors.js';
import type { PacketFilter, ReceivedPacket } from '../transport.js';

/** The layer name that decodes the payload of IP protocol `protocol` (`raw` when the codec has none). */
export function layerForProtocol(protocol: number): string {
  return codecs.find((c) => c.ipProtocol === protocol && c.name !== 'ipv4' && c.name !== 'ipv6')?.name ?? 'raw';
}

export interface Delivered {
  readonly bytes: Uint8Array;
  readonly includesIpHeader: boolean;
  readonly family: 4 | 6 | undefined;
  /** IP protocol of the socket, when it came from one. */
  readonly protocol: number | undefined;
  /** Source address from the socket; '' to take it from the IP header. */
  readonly from: string;
  readonly receivedAt: bigint;
  /** First layer, when known (e.g. from the sender's builder); default from the IP version or `protocol`. */
  readonly firstLayer?: string;
}

/** Decode a delivered datagram. IPv6 raw sockets deliver only the payload: it is decoded from the socket's protocol. */
export function decodeReceived(d: Delivered): ReceivedPacket {
  let firstLayer =
    d.firstLayer ?? (d.includesIpHeader ? (d.family === 6 ? 'ipv6' : d.family === 4 ? 'ipv4' : 'auto') : layerForProtocol(d.protocol ?? -1));
  let packet: DecodedPacket;
  try {
    packet = decode(d.bytes, { from: firstLayer, mode: 'lax' });
  } catch {
    // Unknown first layer (a codec not registered): keep the bytes as one raw layer.
    firstLayer = 'raw';
    packet = decode(d.bytes, { from: firstLayer, mode: 'lax' });
  }
  let from = d.from;
  if (!from && d.includesIpHeader) {
    const ip = packet.layers[0];
    if (ip && (ip.layer === 'ipv4' || ip.layer === 'ipv6')) from = ip.fields.src;
  }
  return {
    bytes: d.bytes,
    packet,
    firstLayer,
    includesIpHeader: d.includesIpHeader,
    from,
    family: d.family,
    protocol: d.protocol,
    receivedAt: d.receivedAt,
  };
}

/** A filter as a predicate over received packets; undefined keeps everything. */
export function compileFilter(filter: PacketFilter | undefined): ((r: ReceivedPacket) => boolean) | undefined {
  if (filter === undefined) return undefined;
  if (typeof filter === 'function') return (r) => filter(r.packet, r);
  if (typeof filter !== 'object' || filter === null) {
    throw new TransportArgumentError('filter', filter, 'a predicate (packet, received) => boolean or a ts-pattern pattern over the decoded packet');
  }
  const test = isMatching(filter as P_Unknown);
  return (r) => test(r.packet);
}

// isMatching's single-argument overload takes any pattern; the decoded-packet typing is checked at the call site.
type P_Unknown = Parameters<typeof isMatching>[0];

/**
 * An async iterable over `generator` whose `return()` also runs `cleanup` when iteration never
 * started (a generator's own `finally` only runs once it has), so a receive() that is given up
 * before its first `next()` (e.g. because the send after it failed) releases its sockets at once.
 */
export function releasing<T>(generator: AsyncGenerator<T, void, undefined>, cleanup: () => void): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: () => generator.next(),
    return: async () => {
      cleanup();
      return generator.return(undefined);
    },
    throw: (error?: unknown) => generator.throw(error),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
