/**
 * Upper-layer checksums (UDP, TCP, ICMPv6): the pseudo-header always comes from the nearest
 * enclosing IP layer, found here, so no caller ever wires one by hand (gopacket's
 * SetNetworkLayerForChecksum is the fault we avoid).
 */
import { finishChecksum, pseudoHeaderTail, sumWords } from './checksum.js';
import { StackError } from './errors.js';
import type { ChecksumVerdict, DecodeContext, EncodeFrame } from './layer.js';

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
  let ip: EncodeFrame | undefined;
  for (let j = index - 1; j >= 0; j--) {
    if (frames[j].codec.pseudoHeaderSum) {
      ip = frames[j];
      break;
    }
  }
  if (!ip) {
    throw new StackError(frame.codec.name, 'its checksum needs an enclosing IPv4 or IPv6 layer for the pseudo-header: add one, or give checksum explicitly');
  }
  const start = frame.offset;
  const end = frame.payloadEnd;
  const sum = ip.codec.pseudoHeaderSum!(buf, ip.offset, ip.fields) + pseudoHeaderTail(protocol, end - start) + sumWords(buf, start, end);
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
  let ip: DecodeContext['stack'][number] | undefined;
  for (let j = ctx.stack.length - 1; j >= 0; j--) {
    if (ctx.stack[j].codec.pseudoHeaderSum) {
      ip = ctx.stack[j];
      break;
    }
  }
  if (!ip || !complete) return { status: 'unverifiable', actual };
  const sum = ip.codec.pseudoHeaderSum!(ctx.buf, ip.offset, ip.fields) + pseudoHeaderTail(protocol, end - off) + sumWords(ctx.buf, off, end);
  let expected = finishChecksum(sum - actual);
  if (expected === 0 && zeroAs) expected = zeroAs;
  return { status: finishChecksum(sum) === 0 ? 'valid' : 'invalid', expected, actual };
}
