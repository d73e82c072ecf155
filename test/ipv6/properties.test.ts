/**
 * Round-trip properties (fast-check) over arbitrary legal IPv6 packets: extension-header chains
 * in any order with repeats (RFC 8200 section 4.1), ICMPv6 with ND options and MLD, UDP, TCP,
 * tunnels; and over arbitrary and mutated bytes, which lax decoding must cover byte-exactly.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseIpv6 } from '../../src/codec/bytes.js';
import { decode, encodeLayers, layersFromJson, packetToJson, show, summary, type LayerInput } from '../../src/index.js';
import { extensionChain, ipv6Packet, sixInFour } from './generators.js';

/** decode --json | encode: through JSON text, exactly as the CLI does it. */
function viaJson(bytes: Uint8Array, from: string, mode: 'strict' | 'lax'): Buffer {
  const text = JSON.stringify(packetToJson(0, decode(bytes, { from, mode })));
  return encodeLayers(layersFromJson(JSON.parse(text), 0));
}

/** Keys whose lists the encoder extends with padding (Pad1/PadN options, SRH TLVs, TCP end-of-list). */
const PADDED_LISTS = new Set(['options', 'tlvs']);

/** Every value given when building appears, equal, in what the decoder reads back (addresses compared as addresses). */
function expectSubset(given: unknown, decoded: unknown, path: string): void {
  if (typeof given === 'string' && typeof decoded === 'string' && given.includes(':') && parseIpv6(given) && parseIpv6(decoded)) {
    expect(Buffer.from(parseIpv6(decoded)!).toString('hex'), path).toBe(Buffer.from(parseIpv6(given)!).toString('hex'));
    return;
  }
  if (given instanceof Uint8Array) {
    expect(decoded instanceof Uint8Array ? Buffer.from(decoded).toString('hex') : decoded, path).toBe(Buffer.from(given).toString('hex'));
    return;
  }
  if (Array.isArray(given)) {
    expect(Array.isArray(decoded), path).toBe(true);
    const list = decoded as unknown[];
    const key = path.slice(path.lastIndexOf('.') + 1);
    if (PADDED_LISTS.has(key)) expect(list.length, path).toBeGreaterThanOrEqual(given.length);
    else expect(list.length, path).toBe(given.length);
    given.forEach((g, i) => expectSubset(g, list[i], `${path}[${i}]`));
    return;
  }
  if (given && typeof given === 'object') {
    expect(decoded && typeof decoded === 'object', path).toBe(true);
    for (const [k, v] of Object.entries(given)) if (v !== undefined) expectSubset(v, (decoded as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(decoded, path).toBe(given);
}

describe('IPv6 round trips over legal packets', () => {
  it('build -> decode (strict) gives every given field back, valid checksums, no issues; JSON re-encodes identically', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 9, arbitrary: ipv6Packet }, { weight: 1, arbitrary: sixInFour }), (layers: LayerInput[]) => {
        const bytes = encodeLayers(layers);
        const packet = decode(bytes, { mode: 'strict' });
        expect(packet.issues).toEqual([]);
        expect(packet.layers.map((l) => l.layer)).toEqual(layers.map((l) => l.layer));
        layers.forEach((l, i) => expectSubset(l.fields ?? {}, packet.layers[i].fields, `${i}:${l.layer}`));
        for (const l of packet.layers) if (l.checksum) expect(l.checksum.status, l.layer).toBe('valid');
        // Printing handles every layer.
        expect(summary(packet).split(' / ')).toHaveLength(layers.length);
        expect(show(packet)).toContain(layers[layers.length - 1].layer);
        expect(viaJson(bytes, 'auto', 'strict').equals(bytes)).toBe(true);
        // And from a capture's point of view: version nibble picks IPv4 or IPv6.
        expect(decode(bytes).layers.length).toBe(layers.length);
      }),
      { numRuns: 400 },
    );
  });

  it('extension headers chain their Next Header values and lengths correctly, in any order and repeated', () => {
    fc.assert(
      fc.property(extensionChain, (chain) => {
        const layers: LayerInput[] = [{ layer: 'ipv6', fields: { src: '2001:db8::1', dst: '2001:db8::2' } }, ...chain, { layer: 'udp', fields: { srcPort: 50000, dstPort: 50001 } }];
        const bytes = encodeLayers(layers);
        // Walk the chain by hand (RFC 8200 section 4): every header names the next, lengths add up.
        const next = { 'ipv6-hop-by-hop': 0, 'ipv6-routing': 43, 'ipv6-fragment': 44, 'ipv6-dest-options': 60, ah: 51, udp: 17 } as Record<string, number>;
        let type = bytes[6];
        let at = 40;
        for (const l of [...chain, layers[layers.length - 1]]) {
          expect(type).toBe(next[l.layer]);
          if (l.layer === 'udp') break;
          type = bytes[at];
          at += l.layer === 'ipv6-fragment' ? 8 : l.layer === 'ah' ? (bytes[at + 1] + 2) * 4 : (bytes[at + 1] + 1) * 8;
          if (l.layer !== 'ah') expect((at - 40) % 8).toBe(0);
        }
        expect(bytes.readUInt16BE(4)).toBe(bytes.length - 40);
        expect(bytes.readUInt16BE(at + 4)).toBe(bytes.length - at);
      }),
      { numRuns: 300 },
    );
  });
});

describe('IPv6 round trips over any bytes (lax)', () => {
  it('arbitrary bytes decode to layers that re-encode to the identical bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom('ipv6', 'ipv6-hop-by-hop', 'ipv6-routing', 'ipv6-dest-options', 'ipv6-fragment', 'ah', 'esp', 'icmpv6'), (bytes, from) => {
        // A version-6 nibble, so the IPv6 decoder gets past the first check.
        if (from === 'ipv6' && bytes.length) bytes[0] = 0x60 | (bytes[0] & 15);
        expect(viaJson(bytes, from, 'lax').equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('mutated, truncated and extended legal packets decode and re-encode byte-exactly', () => {
    fc.assert(
      fc.property(
        ipv6Packet,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
        fc.oneof(fc.constant(0), fc.integer({ min: -40, max: 24 })),
        (layers, flips, resize) => {
          const good = encodeLayers(layers);
          let bytes = Buffer.from(good);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          if (resize < 0) bytes = bytes.subarray(0, Math.max(0, bytes.length + resize));
          else if (resize > 0) bytes = Buffer.concat([bytes, Buffer.alloc(resize, 0xa5)]);
          expect(viaJson(bytes, 'ipv6', 'lax').equals(bytes)).toBe(true);
          expect(viaJson(bytes, 'auto', 'lax').equals(bytes)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });
});
