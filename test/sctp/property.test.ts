/**
 * Round-trip properties over arbitrary chunk bundles: typed chunks encode and decode back to
 * the same fields, and any bytes at all decode (lax) and re-encode to the identical bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeLayers, toJsonValue, type EncodableLayer } from '../../src/index.js';
import { bundleArb } from './arbitraries.js';

const quiet = { onWarning: () => {} };
const json = (v: unknown): unknown => toJsonValue(v);

function sctpPacket(chunks: unknown[], over: 'ipv4' | 'udp' = 'ipv4'): Buffer {
  const layers: EncodableLayer[] = [{ layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.7' } }];
  if (over === 'udp') layers.push({ layer: 'udp', fields: { srcPort: 9899, dstPort: 9899 } });
  layers.push({ layer: 'sctp', fields: { srcPort: 5001, dstPort: 5002, verificationTag: 7, chunks } });
  return encodeLayers(layers, quiet);
}

describe('sctp round trips', () => {
  it('typed bundles: decode(encode(chunks)) has the same chunks, a valid CRC32c, and re-encodes identically', () => {
    fc.assert(
      fc.property(bundleArb, fc.constantFrom('ipv4' as const, 'udp' as const), (chunks, over) => {
        const bytes = sctpPacket(chunks, over);
        const packet = decode(bytes, { mode: 'lax' });
        const layer = packet.layers[packet.layers.length - 1];
        expect(layer.layer).toBe('sctp');
        if (layer.layer !== 'sctp') return;
        expect(json(layer.fields.chunks)).toEqual(json(chunks));
        expect(layer.checksum?.status).toBe('valid');
        expect(packet.issues.filter((i) => i.code !== 'E_BUNDLING')).toEqual([]);
        expect(encodeLayers(packet.layers, quiet).equals(bytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('any bytes: a lax decode re-encodes to the identical bytes', () => {
    const sctpBytes = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 120 }),
      // Plausible chunk framing with random contents: more interesting than uniform noise.
      fc.array(fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 40 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 4 }).map((chunks) => {
        const parts = chunks.map(([type, flags, length, body]) => Buffer.concat([Buffer.from([type, flags, length >> 8, length & 255]), body]));
        return Buffer.concat([Buffer.alloc(12, 1), ...parts]);
      }),
    );
    fc.assert(
      fc.property(sctpBytes, (bytes) => {
        const packet = decode(bytes, { from: 'sctp', mode: 'lax' });
        const again = encodeLayers(packet.layers, quiet);
        expect(again.toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
        // And the decode is stable: the same fields the second time.
        expect(json(decode(again, { from: 'sctp', mode: 'lax' }).layers)).toEqual(json(packet.layers));
      }),
      { numRuns: 5000 },
    );
  });

  it('damaged packets (bytes changed, cut short, extended): a lax decode re-encodes to the identical bytes', () => {
    const damage = fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
        fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
        fc.record({ kind: fc.constant('add' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 7 }) }),
      ),
      { minLength: 1, maxLength: 4 },
    );
    fc.assert(
      fc.property(bundleArb, damage, (chunks, edits) => {
        let bytes = sctpPacket(chunks).subarray(20); // the SCTP packet alone
        for (const e of edits) {
          if (e.kind === 'set') {
            bytes = Buffer.from(bytes);
            bytes[12 + (e.at % Math.max(1, bytes.length - 12))] = e.value;
          } else if (e.kind === 'cut') bytes = bytes.subarray(0, 12 + (e.at % Math.max(1, bytes.length - 11)));
          else bytes = Buffer.concat([bytes, e.bytes]);
        }
        const packet = decode(bytes, { from: 'sctp', mode: 'lax' });
        expect(encodeLayers(packet.layers, quiet).toString('hex')).toBe(bytes.toString('hex'));
      }),
      { numRuns: 3000 },
    );
  });
});
