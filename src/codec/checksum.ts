/**
 * The Internet checksum (RFC 1071), used by IPv4, ICMP, ICMPv6, UDP and TCP.
 * One routine for all of them: sums are accumulated unfolded and folded once at the end,
 * so a pseudo-header, a header and a payload can be summed separately and added.
 */

/** Add the 16-bit big-endian words of buf[start, end) to `acc` (an odd trailing byte is padded with zero). */
export function sumWords(buf: Uint8Array, start: number, end: number, acc = 0): number {
  let i = start;
  // Four words per step: fewer loop iterations and bounds checks on the payload-sized sums of
  // UDP/TCP/ICMP; the accumulator stays far below 2^53 for any packet.
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    acc += ((buf[i] << 8) | buf[i + 1]) + ((buf[i + 2] << 8) | buf[i + 3]) + ((buf[i + 4] << 8) | buf[i + 5]) + ((buf[i + 6] << 8) | buf[i + 7]);
  }
  for (; i + 1 < end; i += 2) acc += (buf[i] << 8) | buf[i + 1];
  if (i < end) acc += buf[i] << 8;
  return acc;
}

/** Fold an accumulated sum to 16 bits and take the one's complement: the value to write. */
export function finishChecksum(acc: number): number {
  while (acc > 0xffff) acc = (acc & 0xffff) + Math.floor(acc / 0x10000);
  return ~acc & 0xffff;
}

/**
 * Checksum of a byte range in one call.
 * @example
 * {@includeCode ../../examples/api-codec.ts#checksums}
 */
export function internetChecksum(buf: Uint8Array, start = 0, end = buf.length): number {
  return finishChecksum(sumWords(buf, start, end));
}

/** A checksum that is guaranteed wrong: the correct one plus one, skipping 0 and 0xffff (both mean "none" or "all ones" somewhere). */
export function corruptChecksum(correct: number): number {
  let wrong = (correct + 1) & 0xffff;
  while (wrong === 0 || wrong === 0xffff || wrong === correct) wrong = (wrong + 1) & 0xffff;
  return wrong;
}

/**
 * The protocol and length words of an upper-layer pseudo-header. The same sum serves IPv4
 * (zero, protocol, 16-bit length: RFC 768, RFC 9293 section 3.1) and IPv6 (32-bit length,
 * zeros, next header: RFC 8200 section 8.1), because the sum is order-independent.
 */
export function pseudoHeaderTail(protocol: number, length: number): number {
  return protocol + (length >>> 16) + (length & 0xffff);
}
