/**
 * Type-length-value options of the IPv6 Hop-by-Hop and Destination Options headers (RFC 8200
 * section 4.2) and, with other type numbers, the TLVs of the Segment Routing Header (RFC 8754
 * section 2.1). Unlike IPv4's, the length octet counts only the data, type 0 (Pad1) is a
 * single octet that does not end the list, and the list is padded to a multiple of 8 octets
 * with Pad1 or PadN, which the encoder fills in.
 *
 * Round trips are exact: an option decodes to its named form only when that re-encodes to the
 * identical bytes; otherwise it stays raw (`{ kind: number, data }`). Bytes after a malformed
 * option are kept as `padding`.
 */
import { FieldValueError, type PacketError } from '../errors.js';
import { deviationRules } from '../deviation.js';
import { parseHex, parseIpv6, readIpv6 } from '../bytes.js';
import { be32, checkUint, putBe16, putBe32 } from '../option-list.js';

type Fail = (field: string, value: unknown, allowed: string) => never;

/**
 * What a node that does not recognise an option does, from the two high-order bits of its type
 * (RFC 8200 section 4.2): skip it, discard the packet, discard and send an ICMP Parameter
 * Problem, or discard and send one unless the destination was multicast.
 */
export const OPTION_ACTIONS = ['skip', 'discard', 'discard-icmp', 'discard-icmp-unless-multicast'] as const;
/** What a node does with an option type it does not know (RFC 8200 section 4.2: the two high-order bits). */
export type Ipv6OptionAction = (typeof OPTION_ACTIONS)[number];

/** A TLV option kept as bytes: any type number, with its data and optionally an explicit (maybe wrong) length octet. */
export interface Ipv6RawOption {
  /** The option type octet, action and may-change bits included (e.g. 0x3e). */
  readonly kind: number;
  /** Option data after the type and length octets (hex text in JSON). */
  readonly data?: Uint8Array | string;
  /** The length octet as written; default: the data length. */
  readonly length?: number;
  /** Decoded only, for reading: the action bits of `kind`. Checked against `kind` when given. */
  readonly action?: Ipv6OptionAction;
  /** Decoded only, for reading: the may-change bit of `kind`. Checked against `kind` when given. */
  readonly mayChange?: boolean;
}

export const ROUTER_ALERT_VALUES = { mld: 0, rsvp: 1, 'active-networks': 2 } as const;
/** A Router Alert value by name (RFC 2711: `mld`, `rsvp`, `active-networks`). */
export type RouterAlertName = keyof typeof ROUTER_ALERT_VALUES;

/** Options of the Hop-by-Hop and Destination Options headers. */
export type Ipv6Option =
  /** One octet of padding (type 0). */
  | { readonly kind: 'pad1' }
  /** N octets of padding (type 1): `length` zero octets after the type and length octets. */
  | { readonly kind: 'padn'; readonly length?: number }
  /** Router Alert (type 5, RFC 2711): 0 MLD, 1 RSVP, 2 Active Networks. */
  | { readonly kind: 'router-alert'; readonly value?: RouterAlertName | number; readonly length?: number }
  /** Jumbo Payload (type 0xC2, RFC 2675): the payload length when above 65535; computed when left out. */
  | { readonly kind: 'jumbo'; readonly payloadLength?: number; readonly length?: number }
  /** Tunnel Encapsulation Limit (type 4, RFC 2473), in Destination Options. */
  | { readonly kind: 'tunnel-encapsulation-limit'; readonly limit: number; readonly length?: number }
  /** Home Address (type 0xC9, RFC 6275 section 6.3), in Destination Options. */
  | { readonly kind: 'home-address'; readonly address: string; readonly length?: number };

/** An IPv6 Hop-by-Hop / Destination option as the builder takes it: a named option, or raw bytes. */
export type Ipv6OptionInput = Ipv6Option | Ipv6RawOption;

/** TLVs of the Segment Routing Header (RFC 8754 section 2.1). */
export type SrhTlv =
  | { readonly kind: 'pad1' }
  | { readonly kind: 'padn'; readonly length?: number }
  /** HMAC TLV (type 5, RFC 8754 section 2.1.2): D flag, key id and the HMAC itself. */
  | { readonly kind: 'hmac'; readonly d?: number; readonly keyId: number; readonly hmac: Uint8Array | string; readonly length?: number };

/** A Segment Routing Header TLV as the builder takes it: a named TLV, or raw bytes. */
export type SrhTlvInput = SrhTlv | Ipv6RawOption;

/** How one named TLV kind is written and read. */
export interface TlvKind {
  readonly name: string;
  readonly code: number;
  readonly doc: string;
  /** Data octets after type and length; absent for the one-octet Pad1. */
  encodeBody?(option: Record<string, unknown>, fail: Fail): Uint8Array;
  /** Named fields from data octets; undefined when they do not fit the named form. */
  decodeBody?(body: Uint8Array): Record<string, unknown> | undefined;
}

export interface TlvListCodec<O> {
  /** Encode options back to back; `offsets[i]` is where option i starts. */
  encode(options: readonly O[]): { bytes: Uint8Array; offsets: number[] };
  /** Padding (Pad1 or PadN) that brings `length` octets up to a multiple of 8. */
  padTo8(length: number): Uint8Array;
  /** Decode [start, end): the options, and any bytes after a malformed option. */
  decode(buf: Uint8Array, start: number, end: number, report: (e: PacketError) => void): { options: O[]; padding: Uint8Array };
}

/** The action bits and may-change bit of an option type (RFC 8200 section 4.2). */
export function optionTypeBits(type: number): { action: Ipv6OptionAction; mayChange: boolean } {
  return { action: OPTION_ACTIONS[type >> 6], mayChange: (type & 0x20) !== 0 };
}

export function tlvListCodec<O extends { readonly kind: string | number }>(
  layer: string,
  field: string,
  kinds: readonly TlvKind[],
  pad: { readonly pad1: number; readonly padN: number },
  /** Whether decoded raw options show their action bits (IPv6 options do; SRH TLVs have none). */
  showActionBits: boolean,
  /** The sections defining the list's TLV framing and its PadN option. */
  rfc: { readonly framing: string; readonly padN: string },
): TlvListCodec<O> {
  const deviations = deviationRules(layer, {
    'option-length': { field: `${field}[].length`, expected: 'a length that keeps the option inside the header', rfc: rfc.framing },
    'padn-data': { field: `${field}[].data`, expected: 'zeros (PadN carries zero-valued octets)', rfc: rfc.padN },
  });
  const byName = new Map(kinds.map((k) => [k.name, k]));
  const byCode = new Map(kinds.map((k) => [k.code, k]));
  const failAt = (index: number): Fail => (name, value, allowed) => {
    throw new FieldValueError(layer, `${field}[${index}]${name ? `.${name}` : ''}`, value, allowed);
  };

  function encodeOne(option: Record<string, unknown>, index: number): Uint8Array {
    const fail = failAt(index);
    if (option === null || typeof option !== 'object') return fail('', option, 'an option object { kind, ... }');
    let code: number;
    let body: Uint8Array;
    if (typeof option.kind === 'number') {
      code = checkUint(option.kind, 8, 'kind', fail);
      body = option.data === undefined ? new Uint8Array(0) : bytesAt(option.data, 'data', fail);
      if (showActionBits) {
        const bits = optionTypeBits(code);
        if (option.action !== undefined && option.action !== bits.action) fail('action', option.action, `${JSON.stringify(bits.action)} (the two high bits of kind ${code}), or leave it out`);
        if (option.mayChange !== undefined && option.mayChange !== bits.mayChange) fail('mayChange', option.mayChange, `${bits.mayChange} (bit 0x20 of kind ${code}), or leave it out`);
      }
      // The Pad1 type is a single octet; a raw one with data writes the data after it verbatim.
      if (code === pad.pad1 && option.length === undefined) {
        const out = new Uint8Array(1 + body.length);
        out[0] = code;
        out.set(body, 1);
        return out;
      }
    } else {
      const kind = typeof option.kind === 'string' ? byName.get(option.kind) : undefined;
      if (!kind) return fail('kind', option.kind, `one of ${[...byName.keys()].join(', ')}, or a type number 0..255`);
      code = kind.code;
      if (!kind.encodeBody) return Uint8Array.of(code);
      body = kind.encodeBody(option, fail);
    }
    const length = option.length === undefined ? body.length : checkUint(option.length, 8, 'length', fail);
    if (body.length > 255) fail('data', `${body.length} bytes`, 'at most 255 bytes of option data');
    const out = new Uint8Array(2 + body.length);
    out[0] = code;
    out[1] = length;
    out.set(body, 2);
    return out;
  }

  return {
    encode(options) {
      if (!Array.isArray(options)) failAt(0)('', options, 'a list of options');
      const parts = options.map((o, i) => encodeOne(o as unknown as Record<string, unknown>, i));
      const offsets: number[] = [];
      let total = 0;
      for (const p of parts) {
        offsets.push(total);
        total += p.length;
      }
      const bytes = new Uint8Array(total);
      parts.forEach((p, i) => bytes.set(p, offsets[i]));
      return { bytes, offsets };
    },
    padTo8(length) {
      const need = (8 - (length % 8)) % 8;
      if (need === 0) return new Uint8Array(0);
      if (need === 1) return Uint8Array.of(pad.pad1);
      const out = new Uint8Array(need);
      out[0] = pad.padN;
      out[1] = need - 2;
      return out;
    },
    decode(buf, start, end, report) {
      const options: O[] = [];
      let i = start;
      while (i < end) {
        const code = buf[i];
        const kind = byCode.get(code);
        if (code === pad.pad1) {
          options.push({ kind: kind?.name ?? code } as unknown as O);
          i += 1;
          continue;
        }
        const length = i + 1 < end ? buf[i + 1] : -1;
        if (length < 0 || i + 2 + length > end) {
          const expected = `0..${Math.max(0, end - i - 2)} (the option must fit in the header)`;
          report(deviations.error('option-length', i, length < 0 ? 'missing' : length, { field: `${field}[${options.length}].length`, expected }));
          break;
        }
        const body = buf.subarray(i + 2, i + 2 + length);
        if (code === pad.padN) {
          for (let k = 0; k < length; k++) {
            if (body[k] !== 0) {
              report(deviations.error('padn-data', i + 2 + k, body[k], { field: `${field}[${options.length}].data` }));
              break;
            }
          }
        }
        let option: Record<string, unknown> | undefined;
        const parsed = kind?.decodeBody?.(body);
        if (kind && parsed) {
          const named = { kind: kind.name, ...parsed };
          const again = encodeOne(named, options.length);
          if (again.length === length + 2 && Buffer.compare(again, buf.subarray(i, i + 2 + length)) === 0) option = named;
        }
        option ??= showActionBits ? { kind: code, ...optionTypeBits(code), data: Buffer.from(body) } : { kind: code, data: Buffer.from(body) };
        options.push(option as unknown as O);
        i += 2 + length;
      }
      return { options, padding: buf.subarray(i, end) };
    },
  };
}

function bytesAt(value: unknown, name: string, fail: Fail): Uint8Array {
  if (value instanceof Uint8Array) return value;
  const parsed = typeof value === 'string' ? parseHex(value) : undefined;
  return parsed ?? fail(name, value, 'bytes (a Uint8Array or hex text such as "00ff")');
}

const padKinds = (padN: number): TlvKind[] => [
  { name: 'pad1', code: 0, doc: 'Pad1: one octet of padding' },
  {
    name: 'padn',
    code: padN,
    doc: 'PadN: `length` zero octets of padding after the type and length octets',
    encodeBody: (o, fail) => new Uint8Array(checkUint(o.length ?? 0, 8, 'length', fail)),
    decodeBody: (b) => (b.every((x) => x === 0) ? { length: b.length } : undefined),
  },
];

function address(value: unknown, name: string, fail: Fail): Uint8Array {
  const b = typeof value === 'string' ? parseIpv6(value) : undefined;
  return b ?? fail(name, value, 'an IPv6 address such as 2001:db8::1 (no zone id)');
}

const routerAlertNames = new Map(Object.entries(ROUTER_ALERT_VALUES).map(([k, v]) => [v as number, k]));

const optionKinds: TlvKind[] = [
  ...padKinds(1),
  {
    name: 'router-alert',
    code: 5,
    doc: 'Router Alert (RFC 2711): value 0 MLD, 1 RSVP, 2 Active Networks',
    encodeBody(o, fail) {
      const v = typeof o.value === 'string' ? ROUTER_ALERT_VALUES[o.value as RouterAlertName] : (o.value ?? 0);
      if (v === undefined) fail('value', o.value, `one of ${Object.keys(ROUTER_ALERT_VALUES).join(', ')} or 0..65535`);
      const b = new Uint8Array(2);
      putBe16(b, 0, checkUint(v, 16, 'value', fail));
      return b;
    },
    decodeBody: (b) => (b.length === 2 ? { value: routerAlertNames.get((b[0] << 8) | b[1]) ?? (b[0] << 8) | b[1] } : undefined),
  },
  {
    name: 'jumbo',
    code: 0xc2,
    doc: 'Jumbo Payload (RFC 2675): payload length above 65535; computed when left out',
    encodeBody(o, fail) {
      const b = new Uint8Array(4);
      // Left out: written as 0 here and patched by the Hop-by-Hop header once the payload is known.
      putBe32(b, 0, o.payloadLength === undefined ? 0 : checkUint(o.payloadLength, 32, 'payloadLength', fail));
      return b;
    },
    decodeBody: (b) => (b.length === 4 ? { payloadLength: be32(b, 0) } : undefined),
  },
  {
    name: 'tunnel-encapsulation-limit',
    code: 4,
    doc: 'Tunnel Encapsulation Limit (RFC 2473)',
    encodeBody: (o, fail) => Uint8Array.of(checkUint(o.limit, 8, 'limit', fail)),
    decodeBody: (b) => (b.length === 1 ? { limit: b[0] } : undefined),
  },
  {
    name: 'home-address',
    code: 0xc9,
    doc: 'Home Address (RFC 6275 section 6.3)',
    encodeBody: (o, fail) => address(o.address, 'address', fail),
    decodeBody: (b) => (b.length === 16 ? { address: readIpv6(b, 0) } : undefined),
  },
];

const OPTION_RFC = { framing: 'RFC 8200 section 4.2', padN: 'RFC 8200 section 4.2' };

/** Options of Hop-by-Hop and Destination Options headers: Pad1 0, PadN 1. */
export const ipv6OptionLists = {
  'ipv6-hop-by-hop': tlvListCodec<Ipv6OptionInput>('ipv6-hop-by-hop', 'options', optionKinds, { pad1: 0, padN: 1 }, true, OPTION_RFC),
  'ipv6-dest-options': tlvListCodec<Ipv6OptionInput>('ipv6-dest-options', 'options', optionKinds, { pad1: 0, padN: 1 }, true, OPTION_RFC),
};

const srhKinds: TlvKind[] = [
  ...padKinds(4),
  {
    name: 'hmac',
    code: 5,
    doc: 'HMAC (RFC 8754 section 2.1.2): D flag, HMAC key id, HMAC',
    encodeBody(o, fail) {
      const hmac = o.hmac === undefined ? new Uint8Array(0) : bytesAt(o.hmac, 'hmac', fail);
      const b = new Uint8Array(6 + hmac.length);
      b[0] = checkUint(o.d ?? 0, 1, 'd', fail) << 7;
      putBe32(b, 2, checkUint(o.keyId, 32, 'keyId', fail));
      b.set(hmac, 6);
      return b;
    },
    decodeBody: (b) => (b.length >= 6 && (b[0] & 0x7f) === 0 && b[1] === 0 ? { d: b[0] >> 7, keyId: be32(b, 2), hmac: Buffer.from(b.subarray(6)) } : undefined),
  },
];

/** TLVs of the Segment Routing Header: Pad1 0, PadN 4, HMAC 5. */
export const srhTlvList = tlvListCodec<SrhTlvInput>('ipv6-routing', 'tlvs', srhKinds, { pad1: 0, padN: 4 }, false, {
  framing: 'RFC 8754 section 2.1',
  padN: 'RFC 8754 section 2.1.1.2',
});

/** Whether an options list holds a Jumbo Payload option (named or raw type 0xC2). */
export function hasJumbo(options: unknown): boolean {
  return Array.isArray(options) && options.some((o: { kind?: unknown } | null) => o?.kind === 'jumbo' || o?.kind === 0xc2);
}
