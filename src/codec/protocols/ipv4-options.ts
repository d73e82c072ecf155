/**
 * IPv4 options (RFC 791 section 3.1; Router Alert RFC 2113). Option-type octets include the
 * copied flag and class: LSRR is 131, not 3.
 */
import { optionListCodec, checkList, checkObject, checkUint, putBe32, be32, type RawOption, type OptionKind } from '../option-list.js';
import { parseHex, parseIpv4, readIpv4 } from '../bytes.js';

export type RouteOptionKind = 'record-route' | 'lsrr' | 'ssrr';
export const TIMESTAMP_FLAGS = { 'timestamps-only': 0, 'with-addresses': 1, prespecified: 3 } as const;
export type TimestampFlag = keyof typeof TIMESTAMP_FLAGS;

/** An IPv4 option as decoded (RFC 791 section 3.1): a named kind with its fields, or raw bytes. */
export type Ipv4Option =
  | { readonly kind: 'eol'; readonly length?: number }
  | { readonly kind: 'nop'; readonly length?: number }
  | {
      readonly kind: RouteOptionKind;
      /** Offset (from the option start, 1-based) of the next address slot; default 4, the first. */
      readonly pointer?: number;
      readonly addresses: readonly string[];
      readonly length?: number;
    }
  | {
      readonly kind: 'timestamp';
      /** Default: 5 + the bytes of entries already filled (here: 5, the first slot). */
      readonly pointer?: number;
      /** Count of modules that could not register a timestamp (4 bits). */
      readonly overflow?: number;
      readonly flag?: TimestampFlag | number;
      readonly entries: readonly { readonly address?: string; readonly timestamp: number }[];
      readonly length?: number;
    }
  | { readonly kind: 'router-alert'; readonly value?: number; readonly length?: number };

/** An IPv4 option as decoded or given: a named form, or a raw one with its type number. */
export type Ipv4OptionInput = Ipv4Option | RawOption;

type Fail = (field: string, value: unknown, allowed: string) => never;

function address(text: unknown, name: string, fail: Fail): number {
  const n = typeof text === 'string' ? parseIpv4(text) : undefined;
  return n === undefined ? fail(name, text, 'an IPv4 address such as 192.0.2.1') : n;
}

function routeKind(name: RouteOptionKind, code: number, doc: string): OptionKind<Ipv4Option> {
  return {
    name,
    code,
    doc,
    encodeBody(o, fail) {
      const opt = o as Extract<Ipv4Option, { kind: RouteOptionKind }>;
      const addrs = checkList<string>(opt.addresses ?? [], 'addresses', fail);
      const body = new Uint8Array(1 + 4 * addrs.length);
      body[0] = checkUint(opt.pointer ?? 4, 8, 'pointer', fail);
      addrs.forEach((a, i) => putBe32(body, 1 + 4 * i, address(a, `addresses[${i}]`, fail)));
      return body;
    },
    // A pointer octet and whole addresses (RFC 791 section 3.1).
    lengthRule: { valid: (length) => length >= 3 && (length - 3) % 4 === 0, expected: '3 + 4 per address', rfc: 'RFC 791 section 3.1' },
    decodeBody(body) {
      if (body.length < 1 || (body.length - 1) % 4) return undefined;
      const addresses: string[] = [];
      for (let i = 1; i < body.length; i += 4) addresses.push(readIpv4(body, i));
      return { pointer: body[0], addresses } as Omit<Ipv4Option, 'kind' | 'length'>;
    },
  };
}

const kinds: OptionKind<Ipv4Option>[] = [
  { name: 'eol', code: 0, doc: 'End of option list' },
  { name: 'nop', code: 1, doc: 'No operation (alignment)' },
  routeKind('record-route', 7, 'Record Route'),
  routeKind('lsrr', 131, 'Loose Source and Record Route'),
  routeKind('ssrr', 137, 'Strict Source and Record Route'),
  {
    name: 'timestamp',
    code: 68,
    doc: 'Internet Timestamp',
    encodeBody(o, fail) {
      const opt = o as Extract<Ipv4Option, { kind: 'timestamp' }>;
      const flag = typeof opt.flag === 'string' ? TIMESTAMP_FLAGS[opt.flag] : opt.flag ?? 0;
      if (flag === undefined) fail('flag', opt.flag, `one of ${Object.keys(TIMESTAMP_FLAGS).join(', ')} or 0..15`);
      checkUint(flag, 4, 'flag', fail);
      const withAddress = flag === 1 || flag === 3;
      const entries = checkList<{ address?: string; timestamp: number }>(opt.entries ?? [], 'entries', fail);
      const size = withAddress ? 8 : 4;
      const body = new Uint8Array(2 + size * entries.length);
      body[0] = checkUint(opt.pointer ?? 5, 8, 'pointer', fail);
      body[1] = (checkUint(opt.overflow ?? 0, 4, 'overflow', fail) << 4) | flag;
      entries.forEach((item, i) => {
        const e = checkObject<{ address?: string; timestamp: number }>(item, `entries[${i}]`, fail);
        let at = 2 + size * i;
        if (withAddress) {
          putBe32(body, at, address(e.address, `entries[${i}].address`, fail));
          at += 4;
        }
        putBe32(body, at, checkUint(e.timestamp, 32, `entries[${i}].timestamp`, fail));
      });
      return body;
    },
    // Pointer and overflow/flag octets, then whole entries: 4 bytes, or 8 with addresses (RFC 791 section 3.1).
    lengthRule: {
      valid: (length, buf, at) => length >= 4 && length <= 40 && (length - 4) % ((buf[at + 3] & 15) === 1 || (buf[at + 3] & 15) === 3 ? 8 : 4) === 0,
      expected: 'at most 40: 4 + 4 per timestamp, or 4 + 8 per address and timestamp',
      rfc: 'RFC 791 section 3.1',
    },
    decodeBody(body) {
      if (body.length < 2) return undefined;
      const flagNum = body[1] & 15;
      const withAddress = flagNum === 1 || flagNum === 3;
      const size = withAddress ? 8 : 4;
      if ((body.length - 2) % size) return undefined;
      const entries: { address?: string; timestamp: number }[] = [];
      for (let i = 2; i < body.length; i += size) {
        entries.push(withAddress ? { address: readIpv4(body, i), timestamp: be32(body, i + 4) } : { timestamp: be32(body, i) });
      }
      const name = (Object.keys(TIMESTAMP_FLAGS) as TimestampFlag[]).find((k) => TIMESTAMP_FLAGS[k] === flagNum);
      return { pointer: body[0], overflow: body[1] >> 4, flag: name ?? flagNum, entries } as Omit<Ipv4Option, 'kind' | 'length'>;
    },
  },
  {
    name: 'router-alert',
    code: 148,
    doc: 'Router Alert (RFC 2113)',
    encodeBody(o, fail) {
      const v = checkUint((o as { value?: number }).value ?? 0, 16, 'value', fail);
      return Uint8Array.of(v >> 8, v & 255);
    },
    lengthRule: { valid: (length) => length === 4, expected: '4', rfc: 'RFC 2113 section 2.1' },
    decodeBody(body) {
      return body.length === 2 ? ({ value: (body[0] << 8) | body[1] } as Omit<Ipv4Option, 'kind' | 'length'>) : undefined;
    },
  },
];

export const ipv4Options = optionListCodec<Ipv4Option>('ipv4', 'options', kinds, 'RFC 791 section 3.1');

/**
 * The final destination named by a source-route option (the last address of LSRR/SSRR), which
 * upper-layer pseudo-headers use instead of the header's destination (RFC 1122 section 4.1.3.6,
 * RFC 9293 section 3.1). Undefined when there is no source route.
 */
export function finalDestination(options: unknown): number | undefined {
  if (!Array.isArray(options)) return undefined;
  for (const o of options as Ipv4OptionInput[]) {
    if (o === null || typeof o !== 'object') continue;
    let body: Uint8Array | undefined;
    if (o.kind === 'lsrr' || o.kind === 'ssrr') {
      const named = o as Extract<Ipv4Option, { kind: RouteOptionKind }>;
      const addresses = Array.isArray(named.addresses) ? named.addresses : [];
      // A pointer past the last address means the route is done: the header's destination is final.
      const pointer = named.pointer ?? 4;
      if (!addresses.length || pointer > 3 + 4 * addresses.length) return undefined;
      return parseIpv4(addresses[addresses.length - 1]);
    }
    if ((o.kind === 131 || o.kind === 137) && 'data' in o) {
      body = typeof o.data === 'string' ? parseHex(o.data) : o.data instanceof Uint8Array ? o.data : undefined;
      if (!body || body.length < 5 || (body.length - 1) % 4 || body[0] > 3 + body.length - 1) return undefined;
      return be32(body, body.length - 4);
    }
  }
  return undefined;
}
