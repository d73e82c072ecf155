/**
 * Upper-layer checksums (UDP, TCP, ICMPv6): the pseudo-header always comes from the nearest
 * enclosing IP layer, found here, so no caller ever wires one by hand (gopacket's
 * SetNetworkLayerForChecksum is the fault we avoid). The layers between that IP layer and the
 * upper layer are handed to it too: over IPv6 a Routing header with segments left names the
 * final destination the pseudo-header must use (RFC 8200 section 8.1; libnet, Scapy and tcpdump
 * have all shipped this wrong).
 */
import { finishChecksum, pseudoHeaderTail, sumWords } from './checksum.js';
import { StackError } from './errors.js';
import type { ChecksumVerdict, DecodeContext, EncodeFrame, LayerRef } from './layer.js';

const NONE: readonly LayerRef[] = [];

/** Compute and write the checksum of frames[index] at `checksumAt` bytes into its header, unless it was given. */
export function fillUpperLayerChecksum(
  buf: Uint8Array,
  frames: readonly EncodeFrame[],
  index: number,
  protocol: number,
  checksumAt: number,
  /** UDP writes a computed 0 as 0xffff, since 0 means "no checksum" (RFC 768). */
  zeroAs = 0,
): void {
  const frame = frames[index];
  if (frame.fields.checksum !== undefined) return;
  const ipIndex = frame.ipIndex;
  const ip: EncodeFrame | undefined = ipIndex < 0 ? undefined : frames[ipIndex];
  if (!ip) {
    throw new StackError(frame.codec.name, 'its checksum needs an enclosing IPv4 or IPv6 layer for the pseudo-header: add one, or give checksum explicitly');
  }
  const start = frame.offset;
  const end = frame.payloadEnd;
  // Extension headers between the IP layer and this one (RFC 8200 section 8.1: a Routing header names the final destination).
  const between = ipIndex + 1 < index ? frames.slice(ipIndex + 1, index) : NONE;
  const sum = ip.codec.pseudoHeaderSum!(buf, ip.offset, ip.fields, between) + pseudoHeaderTail(protocol, end - start) + sumWords(buf, start + frame.summedLength, end, frame.headerSum);
  let value = finishChecksum(sum);
  if (value === 0 && zeroAs) value = zeroAs;
  buf[start + checksumAt] = value >>> 8;
  buf[start + checksumAt + 1] = value & 255;
}

/** Verdict on a decoded upper-layer checksum. */
export function verifyUpperLayerChecksum(
  ctx: DecodeContext,
  off: number,
  end: number,
  protocol: number,
  actual: number,
  complete: boolean,
  zeroAs = 0,
): ChecksumVerdict {
  const ipIndex = ctx.ipIndex;
  if (ipIndex < 0 || !complete) return { status: 'unverifiable', actual };
  const ip = ctx.stack[ipIndex];
  const between = ipIndex + 1 < ctx.stack.length ? ctx.stack.slice(ipIndex + 1) : NONE;
  const sum = ip.codec.pseudoHeaderSum!(ctx.buf, ip.offset, ip.fields, between) + pseudoHeaderTail(protocol, end - off) + ctx.sumWords(off, end);
  let expected = finishChecksum(sum - actual);
  if (expected === 0 && zeroAs) expected = zeroAs;
  return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected, actual };
}
