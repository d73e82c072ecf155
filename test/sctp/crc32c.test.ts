/**
 * CRC32c against published vectors (RFC 3720 appendix B.4, the iSCSI CRC examples, which list
 * the CRC bytes in the order they go on the wire, the order RFC 9260 appendix B uses), the
 * standard check value, and a bit-at-a-time reference on random inputs, offsets and alignments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32c, sctpChecksum } from '../../src/index.js';
import { byteSwap32, crc32cUpdate, sctpChecksumDelta } from '../../src/codec/crc32c.js';

/** The definition, one bit at a time (RFC 9260 appendix B). */
function reference(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** The CRC's bytes as RFC 3720 lists them (least significant first). */
const wire = (crc: number): string => Buffer.from([crc & 255, (crc >>> 8) & 255, (crc >>> 16) & 255, crc >>> 24]).toString('hex');

describe('CRC32c', () => {
  // RFC 3720 appendix B.4 "CRC Examples".
  const vectors: [string, Uint8Array, string][] = [
    ['32 bytes of zeroes', new Uint8Array(32), 'aa36918a'],
    ['32 bytes of ones', new Uint8Array(32).fill(0xff), '43aba862'],
    ['32 bytes of incrementing 00..1f', Uint8Array.from({ length: 32 }, (_, i) => i), '4e79dd46'],
    ['32 bytes of decrementing 1f..00', Uint8Array.from({ length: 32 }, (_, i) => 31 - i), '5cdb3f11'],
    [
      'an iSCSI - SCSI Read (10) Command PDU',
      Buffer.from('01c00000000000000000000000000000' + '14000000000004000000001400000018' + '28000000000000000200000000000000', 'hex'),
      '563a96d9',
    ],
  ];
  it.each(vectors)('RFC 3720 B.4: %s', (_name, bytes, expected) => {
    expect(wire(crc32c(bytes))).toBe(expected);
    expect(wire(reference(bytes))).toBe(expected);
  });

  it('the CRC-32C check value: "123456789" gives 0xE3069283', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('equals the bit-at-a-time definition for any bytes, range and alignment (JavaScript and WebAssembly paths)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(7), fc.nat(), fc.nat(), (data, shift, a, b) => {
        // Place the data at an arbitrary byte offset of its ArrayBuffer.
        const backing = new Uint8Array(data.length + shift);
        backing.set(data, shift);
        const view = backing.subarray(shift);
        const start = data.length ? a % data.length : 0;
        const end = start + (data.length - start ? b % (data.length - start + 1) : 0);
        expect(crc32c(view, start, end)).toBe(reference(data.subarray(start, end)));
      }),
      { numRuns: 600 },
    );
  });

  it('more than one 64 KiB window at a time', () => {
    const big = Uint8Array.from({ length: 200_003 }, (_, i) => (i * 7919) & 255);
    expect(crc32c(big)).toBe(reference(big));
    expect(crc32c(big, 5, 131_077)).toBe(reference(big.subarray(5, 131_077)));
  });

  it('can be computed in pieces', () => {
    const data = Uint8Array.from({ length: 1000 }, (_, i) => i & 255);
    let state = -1;
    for (const [s, e] of [[0, 7], [7, 500], [500, 501], [501, 1000]]) state = crc32cUpdate(state, data, s, e);
    expect(~state >>> 0).toBe(reference(data));
  });

  it('sctpChecksum: the CRC of the packet with its checksum field zeroed, as the field reads big-endian', () => {
    for (const n of [12, 16, 47, 48, 1500, 70_000]) {
      const packet = Uint8Array.from({ length: n }, (_, i) => (i * 31 + 5) & 255);
      const zeroed = Uint8Array.from(packet);
      zeroed.fill(0, 8, 12);
      expect(sctpChecksum(packet, 0, n)).toBe(byteSwap32(reference(zeroed)));
      expect(Buffer.from(packet).subarray(0, 12).equals(Buffer.from(Uint8Array.from({ length: 12 }, (_, i) => (i * 31 + 5) & 255)))).toBe(true);
    }
  });

  it('sctpChecksum on every length around the short-packet path (JavaScript below 128 bytes, WebAssembly above), at any offset', () => {
    for (let n = 12; n <= 200; n++) {
      for (const at of [0, 1, 3]) {
        const buf = Uint8Array.from({ length: at + n + 2 }, (_, i) => (i * 131 + n) & 255);
        const zeroed = buf.slice(at, at + n);
        zeroed.fill(0, 8, 12);
        expect(sctpChecksum(buf, at, at + n), `length ${n} at ${at}`).toBe(byteSwap32(reference(zeroed)));
      }
    }
  });

  it('sctpChecksumDelta: a changed byte moves the checksum by its table entry, for any packet, byte and change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 3000 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (packet, pick, change) => {
        // Any byte but the checksum field's, which counts as zero.
        const at = [...Array(packet.length).keys()].filter((i) => i < 8 || i >= 12)[pick % (packet.length - 4)];
        if (at === undefined) return;
        const changed = packet.slice();
        changed[at] ^= change;
        const moved = (sctpChecksum(packet, 0, packet.length) ^ sctpChecksumDelta(packet.length - at - 1)[change]) >>> 0;
        expect(moved).toBe(sctpChecksum(changed, 0, changed.length));
      }),
      { numRuns: 300 },
    );
  });
});
