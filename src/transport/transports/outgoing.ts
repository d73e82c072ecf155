/**
 * A packet on its way out: the bytes (encoding a builder step when given one) and the IP
 * header facts a transport needs to route it, read at fixed offsets (no decode on the send path).
 */
import { performance } from 'node:perf_hooks';
import { readIpv4, readIpv6 } from '../../codec/bytes.js';
import { finishChecksum, sumWords } from '../../codec/checksum.js';
import { TransportArgumentError } from '../errors.js';
import type { StepBase } from '../../builders/packet.js';
import type { FramedBytes, Sendable } from '../transport.js';

/** The IP header of an outgoing packet, as built. */
export interface IpFacts {
  readonly family: 4 | 6;
  /** IPv4: IHL * 4; IPv6: 40 (extension headers are payload to the kernel). */
  readonly headerLength: number;
  readonly src: string;
  readonly dst: string;
  /** IPv4 protocol, or the IPv6 header's Next Header. */
  readonly protocol: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** IPv4 TOS byte (DSCP and ECN) or IPv6 traffic class. */
  readonly tos: number;
  /** IPv4 only (0 for IPv6). */
  readonly id: number;
  readonly df: boolean;
  readonly mf: boolean;
  readonly evil: boolean;
  readonly fragmentOffset: number;
  /** IPv4 total length field. */
  readonly totalLength: number;
  /** IPv4 header checksum as written (0 for IPv6). */
  readonly checksum: number;
  /** IPv4 header checksum verifies. */
  readonly checksumValid: boolean;
  /** IPv6 only (0 for IPv4). */
  readonly flowLabel: number;
  /** IPv6 payload length field. */
  readonly payloadLength: number;
}

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

/** IP header facts from bytes starting with an IPv4 or IPv6 header; undefined when too short or another version. */
export function ipFacts(b: Uint8Array): IpFacts | undefined {
  const version = b.length ? b[0] >> 4 : 0;
  if (version === 4 && b.length >= 20) {
    const headerLength = Math.max(20, (b[0] & 0x0f) * 4);
    const frag = (b[6] << 8) | b[7];
    return {
      family: 4,
      headerLength: Math.min(headerLength, b.length),
      src: readIpv4(b, 12),
      dst: readIpv4(b, 16),
      protocol: b[9],
      ttl: b[8],
      tos: b[1],
      id: (b[4] << 8) | b[5],
      evil: (frag & 0x8000) !== 0,
      df: (frag & 0x4000) !== 0,
      mf: (frag & 0x2000) !== 0,
      fragmentOffset: frag & 0x1fff,
      totalLength: (b[2] << 8) | b[3],
      checksum: (b[10] << 8) | b[11],
      checksumValid: headerLength <= b.length && finishChecksum(sumWords(b, 0, headerLength)) === 0,
      flowLabel: 0,
      payloadLength: 0,
    };
  }
  if (version === 6 && b.length >= 40) {
    return {
      family: 6,
      headerLength: 40,
      src: readIpv6(b, 8),
      dst: readIpv6(b, 24),
      protocol: b[6],
      ttl: b[7],
      tos: ((b[0] & 0x0f) << 4) | (b[1] >> 4),
      id: 0,
      df: false,
      mf: false,
      evil: false,
      fragmentOffset: 0,
      totalLength: 0,
      checksum: 0,
      checksumValid: true,
      flowLabel: ((b[1] & 0x0f) << 16) | (b[2] << 8) | b[3],
      payloadLength: (b[4] << 8) | b[5],
    };
  }
  return undefined;
}

/** Wall-clock nanoseconds since the Unix epoch (microsecond precision), the clock RawSocket stamps received datagrams with. */
export function nowNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}
