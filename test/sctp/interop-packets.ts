/**
 * The SCTP packets of the interop tests: semantically valid bundles (arbitraries.ts), each chunk
 * kind alone first, then random bundles; over IPv4, IPv6, and UDP encapsulation over both.
 * Documentation addresses only (RFC 5737, RFC 3849); nothing is sent anywhere.
 */
import fc from 'fast-check';
import { encodeLayers, type EncodableLayer } from '../../src/index.js';
import { validBundleArb, validChunkArb } from './arbitraries.js';

export type Carrier = 'ipv4' | 'ipv6' | 'ipv4-udp' | 'ipv6-udp';
export const CARRIERS: readonly Carrier[] = ['ipv4', 'ipv6', 'ipv4-udp', 'ipv6-udp'];

export interface InteropPacket {
  readonly bytes: Buffer;
  readonly carrier: Carrier;
  readonly chunks: readonly Record<string, unknown>[];
  readonly srcPort: number;
  readonly dstPort: number;
  readonly verificationTag: number;
}

export function interopPackets(count: number, seed = 9260): InteropPacket[] {
  const singles = fc.sample(validChunkArb.map((c) => [c]), { numRuns: Math.min(300, count), seed });
  const bundles = fc.sample(validBundleArb, { numRuns: Math.max(0, count - singles.length), seed: seed + 1 });
  return [...singles, ...bundles].map((chunks, i) => {
    const carrier = CARRIERS[i % CARRIERS.length];
    const layers: EncodableLayer[] = [
      carrier.startsWith('ipv4') ? { layer: 'ipv4', fields: { src: '192.0.2.1', dst: '198.51.100.2', id: i & 0xffff } } : { layer: 'ipv6', fields: { src: '2001:db8::1', dst: '2001:db8::2' } },
    ];
    if (carrier.endsWith('udp')) layers.push({ layer: 'udp', fields: { srcPort: 9899, dstPort: 9899 } });
    // Ports Wireshark binds to no upper-layer protocol.
    const srcPort = 20000 + (i % 1000);
    const dstPort = 30000 + (i % 977);
    const verificationTag = (i * 2654435761) >>> 0;
    layers.push({ layer: 'sctp', fields: { srcPort, dstPort, verificationTag, chunks } });
    return { bytes: encodeLayers(layers, { onWarning: () => {} }), carrier, chunks, srcPort, dstPort, verificationTag };
  });
}
