/**
 * ICMP errors quoting ICMP errors (RFC 792: each error quotes the datagram that caused it, and
 * nothing stops that datagram from being an ICMP error itself). Every level has a checksum over
 * everything after it; the decoder must verify them all in time linear in the packet, not
 * quadratic. The work is counted in bytes read for checksums (deterministic), not wall time.
 */
import { describe, expect, it } from 'vitest';
import { decode, internetChecksum } from '../../src/index.js';
import { sumWords } from '../../src/codec/checksum.js';
import { PrefixSums, rangeSumBytesRead } from '../../src/codec/range-sum.js';

/** An IPv4 header (TEST-NET addresses, protocol ICMP) around `payload`, checksum filled. */
function ipv4Around(payload: Uint8Array): Uint8Array {
  const ip = new Uint8Array(20 + payload.length);
  ip[0] = 0x45;
  ip[2] = ip.length >> 8;
  ip[3] = ip.length & 255;
  ip[8] = 64;
  ip[9] = 1;
  ip.set([192, 0, 2, 1], 12);
  ip.set([192, 0, 2, 2], 16);
  const c = internetChecksum(ip, 0, 20);
  ip[10] = c >> 8;
  ip[11] = c & 255;
  ip.set(payload, 20);
  return ip;
}

/** An ICMP message of `type` with `body`, checksum filled. */
function icmp(type: number, body: Uint8Array): Uint8Array {
  const m = new Uint8Array(8 + body.length);
  m[0] = type;
  if (type === 8) m.set([0, 1, 0, 1], 4);
  m.set(body, 8);
  const c = internetChecksum(m);
  m[2] = c >> 8;
  m[3] = c & 255;
  return m;
}

/** `levels` time-exceeded messages, each quoting the next, around an echo request. */
function nest(levels: number): Uint8Array {
  let inner = icmp(8, new Uint8Array(0));
  for (let i = 0; i < levels; i++) inner = icmp(11, ipv4Around(inner));
  return ipv4Around(inner);
}

/** Bytes read for checksums while decoding `bytes`. */
function checksumWork(bytes: Uint8Array): { work: number; layers: number } {
  const before = rangeSumBytesRead();
  const packet = decode(bytes);
  expect(packet.issues).toEqual([]);
  for (const layer of packet.layers) if (layer.layer === 'icmp') expect(layer.checksum?.status).toBe('valid');
  return { work: rangeSumBytesRead() - before, layers: packet.layers.length };
}

describe('ICMP errors nested in ICMP errors', () => {
  it('verifies every level with work linear in the packet length', () => {
    const small = nest(1000);
    const large = nest(2000);
    const a = checksumWork(small);
    const b = checksumWork(large);
    expect(a.layers).toBe(2 * 1000 + 2);
    expect(b.layers).toBe(2 * 2000 + 2);
    // Quadratic work would read about levels * length / 2 bytes (28 million at 2,000 levels).
    expect(b.work).toBeLessThanOrEqual(4 * large.length);
    expect(b.work / a.work).toBeLessThan(2.5);
  });

  it('still finds the one wrong checksum deep inside', () => {
    const bytes = nest(1500);
    // The 1,000th ICMP header: 20 bytes of IPv4 and 8 of ICMP per level.
    const at = 28 * 999 + 20;
    expect(bytes[at]).toBe(11);
    bytes[at + 4] ^= 0x01; // an unused byte: only that level's checksum (and every outer one) breaks
    const layers = decode(bytes).layers.filter((l) => l.layer === 'icmp');
    const statuses = layers.map((l) => l.checksum?.status);
    expect(statuses.slice(0, 1000).every((s) => s === 'invalid')).toBe(true);
    expect(statuses.slice(1000).every((s) => s === 'valid')).toBe(true);
  });

  it('prefix sums equal direct sums for any range, odd starts and ends included', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const buf = Uint8Array.from({ length: 301 }, () => Math.floor(random() * 256));
    const sums = new PrefixSums(buf);
    for (let k = 0; k < 2000; k++) {
      const start = Math.floor(random() * buf.length);
      const end = start + Math.floor(random() * (buf.length - start + 1));
      expect(sums.sum(start, end)).toBe(sumWords(buf, start, end));
    }
  });
});
