/**
 * Seeded randomness. Every packet's random values are a function of (seed, flow, index) only,
 * so a shard can generate packet i without generating the packets before it.
 */

/** Mix 32-bit words into one (murmur3 finaliser steps). */
function mix(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Mix one key, a whole number up to 2^53: both 32-bit halves count. */
function mixKey(h: number, k: number): number {
  return mix(mix(h, k >>> 0), Math.floor(k / 0x100000000) >>> 0);
}

/**
 * A small, fast, seeded generator (sfc32).
 * @example
 * {@includeCode ../../examples/api-traffic.ts#random-values}
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** Seeded by any number of integers, e.g. `new Rng(seed, flow, index)`. */
  constructor(...keys: number[]) {
    let h = 0x9e3779b9;
    for (const k of keys) h = mixKey(h, k);
    this.a = this.b = this.c = this.d = 0;
    this.start(h);
  }

  /** Seed again, as `new Rng(seed, flow, index)` would, without a new object (one per packet adds up). */
  seed(seed: number, flow: number, index: number): void {
    this.start(mixKey(mixKey(mixKey(0x9e3779b9, seed), flow), index));
  }

  private start(h: number): void {
    this.a = fmix(h ^ 0x243f6a88);
    this.b = fmix(h ^ 0x85a308d3);
    this.c = fmix(h ^ 0x13198a2e);
    this.d = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / 0x100000000;
  }

  /** Uniform integer in [lo, hi] (inclusive; up to 2^53). */
  int(lo: number, hi: number): number {
    const span = hi - lo + 1;
    if (span <= 0x100000000) return lo + Math.floor(this.float() * span);
    return lo + Math.floor((this.u32() * 0x100000000 + this.u32()) / 2 ** 64 * span);
  }

  /** A uniform unsigned value of `bits` bits (1..53). */
  bits(bits: number): number {
    if (bits <= 32) return bits === 32 ? this.u32() : this.u32() >>> (32 - bits);
    return (this.u32() >>> (64 - bits)) * 0x100000000 + this.u32();
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const w = this.u32();
      out[i] = w & 255;
      if (i + 1 < n) out[i + 1] = (w >>> 8) & 255;
      if (i + 2 < n) out[i + 2] = (w >>> 16) & 255;
      if (i + 3 < n) out[i + 3] = w >>> 24;
    }
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)];
  }
}
