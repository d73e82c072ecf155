/** Random values for one fixed-header field, from its FieldDef (bits and kind). */
import type { FieldDef } from '../codec/field.js';
import type { Rng } from '../traffic/random.js';

const V4_NETS = [0xc0000200, 0xc6336400, 0xcb007100];
const INTERESTING = (bits: number): number[] => {
  const max = 2 ** bits - 1;
  return [0, 1, max, max - 1, 2 ** (bits - 1), 2 ** (bits - 1) - 1].filter((v) => v >= 0 && v <= max);
};

/**
 * A random value for a field: boundary values half of the time for integers.
 * @example
 * {@includeCode ../../examples/api-traffic.ts#random-values}
 */
export function randomFieldValue(def: FieldDef, rng: Rng): unknown {
  switch (def.kind) {
    case 'uint':
      return rng.float() < 0.3 ? rng.pick(INTERESTING(def.bits)) : rng.bits(def.bits);
    case 'flags':
      return rng.bits(def.bits);
    case 'enum': {
      const names = Object.keys(def.values);
      return names.length && rng.float() < 0.6 ? rng.pick(names) : rng.bits(def.bits);
    }
    case 'ipv4':
      return randomIpv4(rng);
    case 'ipv6': {
      const w = Array.from({ length: 6 }, () => rng.bits(16).toString(16));
      return `2001:db8:${w.join(':')}`;
    }
    case 'mac': {
      const b = rng.bytes(6);
      b[0] = (b[0] & 0xfc) | 0x02; // locally administered, unicast
      return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
    }
  }
}

/** An address from the IPv4 documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24). */
export function randomIpv4(rng: Rng): string {
  const n = rng.pick(V4_NETS) + rng.int(1, 254);
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}
