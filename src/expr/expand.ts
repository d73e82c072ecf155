/**
 * Ranges in expressions, as hping3 and nping allow them: a header field given several values
 * makes a packet per value, and several such fields a packet per combination.
 *
 *   tcp(dstPort=80-90)              11 packets, ports 80..90
 *   ipv4(dst=192.0.2.0/28)          16 packets, every address of the prefix (nping's way:
 *                                   the network and broadcast addresses included)
 *   tcp(dstPort=(22|80|443))        3 packets; alternatives may be ranges: (22|8000-8010)
 *
 * Combinations come in the order of nested loops over the fields as written, the rightmost
 * field changing fastest (`ipv4(dst=A/31)/tcp(dstPort=(1|2))`: A:1, A:2, A+1:1, A+1:2).
 */
import type { EncodableLayer } from '../codec/encode.js';
import { formatIpv4, parseIpv4, parseIpv6, readIpv6 } from '../codec/bytes.js';
import { analyseExpression, checkEncodes, ExpressionError, plainValue, type ExprValue, type ParsedExpression, type VaryingField } from './parse.js';

/** More packets than this from one expression is refused (a typo like /8 would be 16 million). */
export const MAX_EXPANSION = 1_000_000;

/** The packets of an expression: iterate for the layers of each, in order. */
export interface ExpandedExpression extends Iterable<EncodableLayer[]> {
  /** How many packets (1 without ranges). */
  readonly count: number;
  /** The layers of packet `index` (0 <= index < count). */
  at(index: number): EncodableLayer[];
  /** Where each layer and field was written, as parseExpression gives it. */
  readonly column: ParsedExpression['column'];
}

/** The values one varying field takes: how many, and the k-th. */
interface Values {
  readonly count: bigint;
  value(k: number): unknown;
}

/**
 * Parse an expression that may contain ranges, prefixes and choices. Every value is checked
 * (the first and last of each range, every alternative): errors point at their column.
 * Throws ExpressionError, also when there would be more than MAX_EXPANSION packets.
 *
 * @throws {@link ExpressionError} with the column of the culprit, or of the field past the bound.
 * @example
 * {@includeCode ../../examples/api-tour.ts#expressions}
 */
export function expand(expr: string): ExpandedExpression {
  const { layers, column, varying } = analyseExpression(expr);
  const values = varying.map((v) => valuesOf(v.value));
  let total = 1n;
  for (let i = 0; i < values.length; i++) {
    total *= values[i].count;
    if (total > BigInt(MAX_EXPANSION)) {
      throw new ExpressionError(varying[i].value.at + 1, `the ranges give ${total > 10n ** 15n ? 'more than 10^15' : total.toLocaleString('en-US')} packets${i + 1 < values.length ? ' or more' : ''}; at most ${MAX_EXPANSION.toLocaleString('en-US')} are allowed`);
    }
  }
  const count = Number(total);
  const radix = values.map((v) => Number(v.count));
  const at = (index: number, pick?: { readonly field: number; readonly k: number }): EncodableLayer[] => {
    const out = layers.map((l) => ({ ...l, fields: { ...(l.fields as Record<string, unknown>) } }));
    let rest = index;
    for (let i = values.length - 1; i >= 0; i--) {
      const k = pick?.field === i ? pick.k : rest % radix[i];
      rest = Math.floor(rest / radix[i]);
      out[varying[i].layer].fields[varying[i].field] = values[i].value(k);
    }
    return out;
  };
  checkEncodes(at(0), column);
  // Each field's other extremes and alternatives, with the rest at their first values.
  values.forEach((v, i) => {
    for (const k of samples(varying[i], radix[i])) checkEncodes(at(0, { field: i, k }), column, varying[i].value.at + 1);
  });
  return {
    count,
    column,
    at: (index) => {
      if (!(Number.isInteger(index) && index >= 0 && index < count)) throw new RangeError(`packet index ${index} out of 0..${count - 1}`);
      return at(index);
    },
    *[Symbol.iterator]() {
      for (let i = 0; i < count; i++) yield at(i);
    },
  };
}

/** Which values of a field to check beyond the first: the last, and every alternative of a choice. */
function samples(v: VaryingField, n: number): number[] {
  if (v.value.kind !== 'choice') return n > 1 ? [n - 1] : [];
  return Array.from({ length: n - 1 }, (_, k) => k + 1);
}

function valuesOf(v: ExprValue): Values {
  switch (v.kind) {
    case 'range':
      return { count: BigInt(v.to - v.from + 1), value: (k) => v.from + k };
    case 'prefix':
      return v.address.includes(':') ? ipv6Prefix(v.address, v.bits) : ipv4Prefix(v.address, v.bits);
    case 'choice': {
      const parts = v.items.map(valuesOf);
      const count = parts.reduce((sum, p) => sum + p.count, 0n);
      return {
        count,
        value: (k) => {
          let rest = k;
          for (const p of parts) {
            if (rest < Number(p.count)) return p.value(rest);
            rest -= Number(p.count);
          }
          return undefined;
        },
      };
    }
    default: {
      const single = plainValue(v);
      return { count: 1n, value: () => single };
    }
  }
}

/** Every address of an IPv4 prefix, network and broadcast included (as nping and nmap do). */
function ipv4Prefix(address: string, bits: number): Values {
  const size = 2 ** (32 - bits);
  const base = (parseIpv4(address)! - (parseIpv4(address)! % size)) >>> 0;
  return { count: BigInt(size), value: (k) => formatIpv4(base + k) };
}

/** Every address of an IPv6 prefix. */
function ipv6Prefix(address: string, bits: number): Values {
  const bytes = parseIpv6(address)!;
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  const hostBits = BigInt(128 - bits);
  const base = (value >> hostBits) << hostBits;
  return {
    count: 1n << hostBits,
    value: (k) => {
      const out = new Uint8Array(16);
      let n = base + BigInt(k);
      for (let i = 15; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
      return readIpv6(out, 0);
    },
  };
}
