/**
 * Neighbor Discovery options: RFC 4861 section 4.6 (source/target link-layer address, prefix
 * information, redirected header, MTU), RFC 8106 section 5.1 (RDNSS). The length octet counts
 * the whole option, type and length included, in units of 8 octets; 0 is invalid.
 *
 * Round trips are exact: an option decodes to its named form only when that re-encodes to the
 * identical bytes; otherwise it stays raw (`{ kind: number, data }`, data zero-padded to 8
 * octets when encoding). Bytes after a malformed option are kept as `padding`.
 */
import { FieldValueError, type PacketError } from '../errors.js';
import { deviationRules, type DeviationRule } from '../deviation.js';
import { parseHex, parseIpv6, parseMac, readIpv6, readMac } from '../bytes.js';
import { be32, checkUint, putBe16, putBe32 } from '../option-list.js';

type Fail = (field: string, value: unknown, allowed: string) => never;

export const PREFIX_FLAGS = ['l', 'a', 'r'] as const;
/** Prefix information flags: `l` on-link, `a` autonomous address configuration (RFC 4861), `r` router address (RFC 6275). */
export type PrefixFlag = (typeof PREFIX_FLAGS)[number];

/** A Neighbor Discovery option as decoded (RFC 4861 section 4.6): a named kind with its fields, or raw bytes. */
export type NdOption =
  /** Type 1: the sender's link-layer address (an Ethernet MAC). */
  | { readonly kind: 'source-link-layer-address'; readonly address: string; readonly length?: number }
  /** Type 2: the target's link-layer address (an Ethernet MAC). */
  | { readonly kind: 'target-link-layer-address'; readonly address: string; readonly length?: number }
  /** Type 3: a prefix for on-link determination and address autoconfiguration. */
  | {
      readonly kind: 'prefix-information';
      /** Default 64. */
      readonly prefixLength?: number;
      /** Default ['l', 'a']. */
      readonly flags?: readonly PrefixFlag[] | number;
      /** The five reserved bits after the flags. */
      readonly reserved1?: number;
      /** Seconds; default 2592000 (30 days, RFC 4861 AdvValidLifetime). 0xffffffff is infinity. */
      readonly validLifetime?: number;
      /** Seconds; default 604800 (7 days, RFC 4861 AdvPreferredLifetime). */
      readonly preferredLifetime?: number;
      readonly reserved2?: number;
      readonly prefix: string;
      readonly length?: number;
    }
  /** Type 4: the start of the packet that triggered a redirect (zero-padded to 8 octets). */
  | { readonly kind: 'redirected-header'; readonly data: Uint8Array | string; readonly length?: number }
  /** Type 5: the link MTU. */
  | { readonly kind: 'mtu'; readonly mtu: number; readonly reserved?: number; readonly length?: number }
  /** Type 25 (RFC 8106): recursive DNS servers. */
  | { readonly kind: 'rdnss'; /** Seconds; default 1800. */ readonly lifetime?: number; readonly servers: readonly string[]; readonly reserved?: number; readonly length?: number };

/** An ND option kept as bytes. */
export interface NdRawOption {
  readonly kind: number;
  /** The bytes after type and length (hex in JSON); zero-padded so the option is a multiple of 8 octets. */
  readonly data?: Uint8Array | string;
  /** The length octet as written (in 8-octet units); default computed. */
  readonly length?: number;
}

/** A Neighbor Discovery option as the builder takes it: a named kind, or raw bytes. */
export type NdOptionInput = NdOption | NdRawOption;

export const ND_OPTION_TYPES = {
  'source-link-layer-address': 1,
  'target-link-layer-address': 2,
  'prefix-information': 3,
  'redirected-header': 4,
  mtu: 5,
  rdnss: 25,
} as const;

type Named = Extract<NdOption, { kind: string }>;
type Body<K extends Named['kind']> = Omit<Extract<NdOption, { kind: K }>, 'kind' | 'length'>;

interface NdKind {
  readonly code: number;
  /** The lengths (8-octet units) the kind's RFC allows, when it fixes them. */
  readonly lengthRule?: { valid(units: number): boolean; readonly expected: string; readonly rfc: string };
  encodeBody(o: Record<string, unknown>, fail: Fail): Uint8Array;
  decodeBody(body: Uint8Array): Record<string, unknown> | undefined;
  /** True when whatever `decodeBody` returns always encodes back to the same option bytes: decoding need not try. */
  readonly exact?: boolean;
}

function v6(value: unknown, name: string, fail: Fail): Uint8Array {
  const b = typeof value === 'string' ? parseIpv6(value) : undefined;
  return b ?? fail(name, value, 'an IPv6 address such as 2001:db8::1 (no zone id)');
}

function bytesAt(value: unknown, name: string, fail: Fail): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const parsed = typeof value === 'string' ? parseHex(value) : undefined;
  return parsed ?? fail(name, value, 'bytes (a Uint8Array or hex text such as "00ff")');
}

const linkLayer = (code: number): NdKind => ({
  code,
  encodeBody(o, fail) {
    const mac = typeof o.address === 'string' ? parseMac(o.address) : undefined;
    return mac ?? fail('address', o.address, 'a MAC address such as 02:00:00:00:00:01 (other link layers: a raw option)');
  },
  decodeBody: (b) => (b.length === 6 ? ({ address: readMac(b, 0) } satisfies Body<'source-link-layer-address'>) : undefined),
  // Six bytes in one 8-octet unit, read as text and parsed back: the same bytes, always.
  exact: true,
});

function prefixFlags(value: unknown, fail: Fail): number {
  if (value === undefined) return 0xc0;
  if (typeof value === 'number') return checkUint(value, 3, 'flags', fail) << 5;
  if (!Array.isArray(value)) return fail('flags', value, `a list of ${PREFIX_FLAGS.join(', ')} or an integer 0..7`);
  let n = 0;
  for (const name of value) {
    const bit = PREFIX_FLAGS.indexOf(name as PrefixFlag);
    if (bit < 0) fail('flags', value, `a list of ${PREFIX_FLAGS.join(', ')} or an integer 0..7`);
    n |= 0x80 >> bit;
  }
  return n;
}

const kinds: Record<Named['kind'], NdKind> = {
  'source-link-layer-address': linkLayer(1),
  'target-link-layer-address': linkLayer(2),
  'prefix-information': {
    code: 3,
    lengthRule: { valid: (n) => n === 4, expected: '4', rfc: 'RFC 4861 section 4.6.2' },
    encodeBody(o, fail) {
      const b = new Uint8Array(30);
      b[0] = checkUint(o.prefixLength ?? 64, 8, 'prefixLength', fail);
      b[1] = prefixFlags(o.flags, fail) | checkUint(o.reserved1 ?? 0, 5, 'reserved1', fail);
      putBe32(b, 2, checkUint(o.validLifetime ?? 2592000, 32, 'validLifetime', fail));
      putBe32(b, 6, checkUint(o.preferredLifetime ?? 604800, 32, 'preferredLifetime', fail));
      putBe32(b, 10, checkUint(o.reserved2 ?? 0, 32, 'reserved2', fail));
      b.set(v6(o.prefix, 'prefix', fail), 14);
      return b;
    },
    decodeBody(b) {
      if (b.length !== 30) return undefined;
      const out: Record<string, unknown> = {
        prefixLength: b[0],
        flags: PREFIX_FLAGS.filter((_, i) => b[1] & (0x80 >> i)),
        validLifetime: be32(b, 2),
        preferredLifetime: be32(b, 6),
        prefix: readIpv6(b, 14),
      };
      if (b[1] & 0x1f) out.reserved1 = b[1] & 0x1f;
      if (be32(b, 10)) out.reserved2 = be32(b, 10);
      return out;
    },
  },
  'redirected-header': {
    code: 4,
    encodeBody: (o, fail) => {
      const data = bytesAt(o.data ?? new Uint8Array(0), 'data', fail);
      const b = new Uint8Array(6 + data.length);
      b.set(data, 6);
      return b;
    },
    decodeBody: (b) => (b.length >= 6 && b.subarray(0, 6).every((x) => x === 0) ? { data: Buffer.from(b.subarray(6)) } : undefined),
  },
  mtu: {
    code: 5,
    lengthRule: { valid: (n) => n === 1, expected: '1', rfc: 'RFC 4861 section 4.6.4' },
    encodeBody(o, fail) {
      const b = new Uint8Array(6);
      putBe16(b, 0, checkUint(o.reserved ?? 0, 16, 'reserved', fail));
      putBe32(b, 2, checkUint(o.mtu, 32, 'mtu', fail));
      return b;
    },
    decodeBody: (b) => (b.length === 6 ? { mtu: be32(b, 2), ...((b[0] | b[1]) !== 0 ? { reserved: (b[0] << 8) | b[1] } : {}) } : undefined),
  },
  rdnss: {
    code: 25,
    // 8 octets of header, then 16 per address, at least one (RFC 8106 section 5.1).
    lengthRule: { valid: (n) => n >= 3 && n % 2 === 1, expected: '3 or more, odd (1 + 2 per address)', rfc: 'RFC 8106 section 5.1' },
    encodeBody(o, fail) {
      if (!Array.isArray(o.servers)) return fail('servers', o.servers, 'a list of IPv6 addresses');
      const b = new Uint8Array(6 + 16 * o.servers.length);
      putBe16(b, 0, checkUint(o.reserved ?? 0, 16, 'reserved', fail));
      putBe32(b, 2, checkUint(o.lifetime ?? 1800, 32, 'lifetime', fail));
      o.servers.forEach((s: unknown, i: number) => b.set(v6(s, `servers[${i}]`, fail), 6 + 16 * i));
      return b;
    },
    decodeBody(b) {
      if (b.length < 22 || (b.length - 6) % 16) return undefined;
      const servers: string[] = [];
      for (let i = 6; i < b.length; i += 16) servers.push(readIpv6(b, i));
      return { lifetime: be32(b, 2), servers, ...((b[0] | b[1]) !== 0 ? { reserved: (b[0] << 8) | b[1] } : {}) };
    },
  },
};

const byCode = new Map(Object.entries(kinds).map(([name, k]) => [k.code, name as Named['kind']]));

/** The option framing rule, the link-layer address length on Ethernet, and each kind's length rule. */
const ruleList: Record<string, DeviationRule> = {
  'option-length': { field: 'options[].length', expected: '1 or more 8-octet units, the option inside the message', rfc: 'RFC 4861 section 4.6' },
  'link-layer-address-length': { field: 'options[].length', expected: '1 (an Ethernet address: 8 octets with type and length)', rfc: 'RFC 2464 section 6' },
};
for (const [name, kind] of Object.entries(kinds)) {
  if (kind.lengthRule) ruleList[`${name}-length`] = { field: 'options[].length', expected: kind.lengthRule.expected, rfc: kind.lengthRule.rfc };
}
const deviations = deviationRules('icmpv6', ruleList);

function encodeOne(layer: string, option: NdOptionInput, index: number): Uint8Array {
  const fail: Fail = (name, value, allowed) => {
    throw new FieldValueError(layer, `options[${index}]${name ? `.${name}` : ''}`, value, allowed);
  };
  if (option === null || typeof option !== 'object') return fail('', option, 'an option object { kind, ... }');
  const o = option as unknown as Record<string, unknown>;
  let code: number;
  let body: Uint8Array;
  if (typeof o.kind === 'number') {
    code = checkUint(o.kind, 8, 'kind', fail);
    body = o.data === undefined ? new Uint8Array(0) : bytesAt(o.data, 'data', fail);
  } else {
    const kind = typeof o.kind === 'string' ? kinds[o.kind as Named['kind']] : undefined;
    if (!kind) return fail('kind', o.kind, `one of ${Object.keys(kinds).join(', ')}, or a type number 0..255`);
    code = kind.code;
    body = kind.encodeBody(o, fail);
  }
  const total = Math.ceil((2 + body.length) / 8) * 8;
  const length = o.length === undefined ? total / 8 : checkUint(o.length, 8, 'length', fail);
  if (o.length === undefined && length > 255) fail('data', `${body.length} bytes`, 'an option of at most 2040 octets');
  const out = new Uint8Array(total);
  out[0] = code;
  out[1] = length;
  out.set(body, 2);
  return out;
}

/** Encode ND options back to back. */
export function encodeNdOptions(layer: string, options: unknown): Uint8Array {
  if (options === undefined) return new Uint8Array(0);
  if (!Array.isArray(options)) throw new FieldValueError(layer, 'options', options, 'a list of ND options');
  return Buffer.concat(options.map((o: NdOptionInput, i) => encodeOne(layer, o, i)));
}

/** Decode ND options in [start, end); bytes after a malformed option are returned as `padding`. */
export function decodeNdOptions(
  layer: string,
  buf: Uint8Array,
  start: number,
  end: number,
  report: (e: PacketError) => void,
  /** The packet came in an Ethernet frame: link-layer address options hold 6-byte addresses. */
  ethernet = false,
): { options: NdOptionInput[]; padding: Uint8Array } {
  const options: NdOptionInput[] = [];
  let i = start;
  while (i < end) {
    const length = i + 1 < end ? buf[i + 1] : -1;
    // The field's name for a report only: most options draw none.
    const field = (): string => `options[${options.length}].length`;
    // Length 0 would never advance: the rest stays undecoded (as padding) rather than loop.
    if (length <= 0 || i + 8 * length > end) {
      report(deviations.error('option-length', i + 1, length < 0 ? 'missing' : length, { field: field(), expected: `1..${Math.floor((end - i) / 8)} (8-octet units; the option must fit in the message)` }));
      break;
    }
    const code = buf[i];
    const name = byCode.get(code);
    const rule = name && kinds[name].lengthRule;
    if (rule && !rule.valid(length)) report(deviations.error(`${name}-length`, i + 1, length, { field: field() }));
    if (ethernet && (code === 1 || code === 2) && length !== 1) report(deviations.error('link-layer-address-length', i + 1, length, { field: field() }));
    const body = buf.subarray(i + 2, i + 8 * length);
    let option: NdOptionInput | undefined;
    const parsed = name ? kinds[name].decodeBody(body) : undefined;
    if (name && parsed) {
      const named = { kind: name, ...parsed } as NdOption;
      // A named form is kept only when it encodes back to these bytes (exact kinds always do).
      if (kinds[name].exact || Buffer.compare(encodeOne(layer, named, options.length), buf.subarray(i, i + 8 * length)) === 0) option = named;
    }
    options.push(option ?? { kind: code, data: Buffer.from(body) });
    i += 8 * length;
  }
  return { options, padding: buf.subarray(i, end) };
}
