/**
 * The IP header of a datagram about to be sent, read at fixed offsets (no decode, so a
 * deliberately broken header still reads): the one reader the transports (routing, which
 * socket, what the kernel rewrites) and pre-flight (what the OS will refuse) share.
 */
import { readIpv4, readIpv6 } from '../codec/bytes.js';
import { finishChecksum, sumWords } from '../codec/checksum.js';
import { walkChain } from '../codec/protocols/ipv6-chain.js';

/** The IP header at the front of some bytes, as built. Fields of the other family are 0. */
export interface IpFacts {
  readonly family: 4 | 6;
  /** IPv4: IHL * 4 (at least 20, at most the bytes there); IPv6: 40 (extension headers are payload to the kernel). */
  readonly headerLength: number;
  readonly src: string;
  readonly dst: string;
  /** IPv4 protocol, or the IPv6 header's Next Header. */
  readonly protocol: number;
  /**
   * The upper-layer protocol: IPv4's protocol; for IPv6, what follows the extension headers the
   * codec knows (hop-by-hop, routing, fragment, destination options, AH: `walkChain`), or the
   * first one that does not fit in the bytes.
   */
  readonly upperProtocol: number;
  /** IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
  /** IPv4 TOS byte (DSCP and ECN) or IPv6 traffic class. */
  readonly tos: number;
  /** IPv4 only. */
  readonly id: number;
  readonly df: boolean;
  readonly mf: boolean;
  readonly evil: boolean;
  readonly fragmentOffset: number;
  /** IPv4 header length field (IHL, in 32-bit words) as written, even when below 5. */
  readonly ihl: number;
  /** IPv4 total length field. */
  readonly totalLength: number;
  /** IPv4 header checksum as written. */
  readonly checksum: number;
  /** The IPv4 header checksum this header should carry (computed with the field taken as 0). */
  readonly correctChecksum: number;
  /** IPv4 header checksum verifies (IPv6: true, it has none). */
  readonly checksumValid: boolean;
  /** IPv6 only. */
  readonly flowLabel: number;
  /** IPv6 payload length field. */
  readonly payloadLength: number;
}

/** IP header facts from bytes starting with an IPv4 (20+ bytes) or IPv6 (40+ bytes) header; undefined otherwise. */
export function ipFacts(b: Uint8Array): IpFacts | undefined {
  const version = b.length ? b[0] >> 4 : 0;
  if (version === 4 && b.length >= 20) {
    const ihl = b[0] & 0x0f;
    const headerLength = Math.min(Math.max(20, ihl * 4), b.length);
    const frag = (b[6] << 8) | b[7];
    const checksum = (b[10] << 8) | b[11];
    const correctChecksum = finishChecksum(sumWords(b, 12, headerLength, sumWords(b, 0, 10)));
    return {
      family: 4,
      headerLength,
      src: readIpv4(b, 12),
      dst: readIpv4(b, 16),
      protocol: b[9],
      upperProtocol: b[9],
      ttl: b[8],
      tos: b[1],
      id: (b[4] << 8) | b[5],
      evil: (frag & 0x8000) !== 0,
      df: (frag & 0x4000) !== 0,
      mf: (frag & 0x2000) !== 0,
      fragmentOffset: frag & 0x1fff,
      ihl,
      totalLength: (b[2] << 8) | b[3],
      checksum,
      correctChecksum,
      checksumValid: ihl * 4 <= b.length && checksum === correctChecksum,
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
      upperProtocol: walkChain(b, b[6], 40, b.length).next,
      ttl: b[7],
      tos: ((b[0] & 0x0f) << 4) | (b[1] >> 4),
      id: 0,
      df: false,
      mf: false,
      evil: false,
      fragmentOffset: 0,
      ihl: 0,
      totalLength: 0,
      checksum: 0,
      correctChecksum: 0,
      checksumValid: true,
      flowLabel: ((b[1] & 0x0f) << 16) | (b[2] << 8) | b[3],
      payloadLength: (b[4] << 8) | b[5],
    };
  }
  return undefined;
}
