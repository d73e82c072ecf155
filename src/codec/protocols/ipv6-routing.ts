/**
 * IPv6 Routing header: RFC 8200 section 4.4 (layout), type 0 (RFC 2460 section 4.4, deprecated
 * by RFC 5095 but kept for crafting), type 2 (Mobile IPv6, RFC 6275 section 6.4), type 4
 * (Segment Routing Header, RFC 8754) with its TLVs. Other types keep their type-specific data raw.
 *
 * With segments left, the last address of the route is the final destination, which the
 * upper-layer pseudo-header uses instead of the IPv6 destination (RFC 8200 section 8.1).
 */
import { compileHeader, type CompiledHeader } from '../header.js';
import type { BindingTypes, LayerBinding } from '../types.js';
import { enumOf, uint, type FieldDef } from '../field.js';
import { bytesInput, parseIpv6, readIpv6 } from '../bytes.js';
import { FieldValueError, LengthError, UnknownFieldError } from '../errors.js';
import { closest } from '../suggest.js';
import type { LayerCodec } from '../layer.js';
import { decodeStep } from '../layer.js';
import { deviationRules } from '../deviation.js';
import { IP_PROTOCOL, IPV6_EXTENSION_LAYERS, NO_NEXT_HEADER, nextHeaderAfter } from './ipv6-chain.js';
import { srhTlvList, type SrhTlvInput } from './ipv6-options.js';

export const ROUTING_TYPES = { 'source-route': 0, nimrod: 1, 'mobile-ipv6': 2, rpl: 3, 'segment-routing': 4 } as const;
/** A Routing header type by name (`source-route`, `nimrod`, `mobile-ipv6`, `rpl`, `segment-routing`). */
export type RoutingTypeName = keyof typeof ROUTING_TYPES;

/** Routing header fields as decoded. Which of the optional ones are present depends on the type. */
export interface Ipv6RoutingFields {
  nextHeader: number;
  /** Hdr Ext Len: header length in 8-octet units, not counting the first 8. */
  length: number;
  routingType: RoutingTypeName | number;
  /** Route segments still to visit. */
  segmentsLeft: number;
  /** Types 0 and 2: the reserved word after the fixed fields. */
  reserved?: number;
  /** Type 0: the addresses still to visit, the final destination last. */
  addresses?: string[];
  /** Type 2: the mobile node's home address (the final destination). */
  homeAddress?: string;
  /** Type 4 (SRH): index of the last element of the segment list. */
  lastEntry?: number;
  /** Type 4 (SRH): flags octet. */
  flags?: number;
  /** Type 4 (SRH): tag. */
  tag?: number;
  /** Type 4 (SRH): Segment List[0] first, which is the final segment (RFC 8754 section 2). */
  segments?: string[];
  /** Type 4 (SRH): TLVs after the segment list, padding TLVs included. */
  tlvs?: SrhTlvInput[];
  /** Type 4 (SRH): bytes after a malformed TLV. */
  padding?: Uint8Array;
  /** Any other type, or a header that does not fit its type's layout: the type-specific data. */
  data?: Uint8Array;
}

/** What the builders and `encodeLayers` take for IPv6 Routing header (RFC 8200 section 4.4): any field may be left out (defaults, computed lengths and checksums). */
export interface Ipv6RoutingInput {
  /** Default: from the next layer; 59 when raw data or nothing follows. */
  nextHeader?: number;
  /** Default: computed. */
  length?: number;
  /** Default: 4 when SRH fields are given, 2 with homeAddress, else 0. */
  routingType?: RoutingTypeName | number;
  /** Default: the number of addresses (type 0), 1 (type 2), segments - 1 (SRH), else 0. */
  segmentsLeft?: number;
  reserved?: number;
  addresses?: readonly string[];
  homeAddress?: string;
  /** Default: segments - 1. */
  lastEntry?: number;
  flags?: number;
  tag?: number;
  segments?: readonly string[];
  /** Padding to a multiple of 8 octets (Pad1 or PadN) is added after them unless `padding` is given. */
  tlvs?: readonly SrhTlvInput[];
  padding?: Uint8Array | string;
  /** Type-specific data, for other types (zero-padded to a multiple of 8 octets). */
  data?: Uint8Array | string;
}

declare module '../types.js' {
  interface LayerTypes {
    'ipv6-routing': { fields: Ipv6RoutingFields; input: Ipv6RoutingInput } & BindingTypes<typeof binding>;
  }
}

const LAYER = 'ipv6-routing';

/** Length rules of the routing types rawcraft decodes; the SRH's TLVs have theirs in ipv6-options.ts. */
const deviations = deviationRules(LAYER, {
  'source-route-length': { field: 'length', expected: 'an even number (two units per address)', rfc: 'RFC 2460 section 4.4' },
  'mobile-ipv6-length': { field: 'length', expected: '2 (one home address)', rfc: 'RFC 6275 section 6.4' },
  lastEntry: { field: 'lastEntry', expected: 'a segment list that fits in the header', rfc: 'RFC 8754 section 2' },
  segmentsLeft: { field: 'segmentsLeft', expected: 'at most the number of segments listed', rfc: 'RFC 8200 section 4.4' },
});

const head: FieldDef[] = [
  uint('nextHeader', 8, { doc: 'Protocol number of the next header', role: 'auto' }),
  uint('length', 8, { doc: 'Header length in 8-octet units, not counting the first 8', role: 'auto' }),
  enumOf('routingType', 8, ROUTING_TYPES, { doc: 'Routing type (0 source route, 2 Mobile IPv6, 4 segment routing)', role: 'auto' }),
  uint('segmentsLeft', 8, { doc: 'Route segments still to visit', role: 'auto' }),
];
const reserved = uint('reserved', 32, { doc: 'Reserved' });

type Kind = 'source-route' | 'mobile-ipv6' | 'segment-routing' | 'data';

interface Variant {
  readonly kind: Kind;
  readonly header: CompiledHeader<Ipv6RoutingFields>;
  readonly names: ReadonlySet<string>;
}

function variant(kind: Kind, defs: FieldDef[], extra: string[]): Variant {
  const header = compileHeader<Ipv6RoutingFields>(LAYER, defs);
  return { kind, header, names: new Set([...defs.map((d) => d.name), ...extra]) };
}

const variants: Record<Kind, Variant> = {
  'source-route': variant('source-route', [...head, reserved], ['addresses']),
  'mobile-ipv6': variant('mobile-ipv6', [...head, reserved], ['homeAddress']),
  'segment-routing': variant(
    'segment-routing',
    [
      ...head,
      uint('lastEntry', 8, { doc: 'Index of the last element of the segment list', role: 'auto' }),
      uint('flags', 8, { doc: 'Flags' }),
      uint('tag', 16, { doc: 'Tag: packets in a class or group' }),
    ],
    ['segments', 'tlvs', 'padding'],
  ),
  data: variant('data', head, ['data']),
};

const allFields = [...new Map(Object.values(variants).flatMap((v) => v.header.fields).map((f) => [f.name, f])).values()];

function typeNumber(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value in ROUTING_TYPES) return ROUTING_TYPES[value as RoutingTypeName];
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 255) return value;
  throw new FieldValueError(LAYER, 'routingType', value, `an integer 0..255 or one of ${Object.keys(ROUTING_TYPES).join(', ')}`);
}

/** The layout fields select: raw data when given, else by type, else by which fields are present. */
function choose(f: Ipv6RoutingInput): { variant: Variant; type: number } {
  let type = typeNumber(f.routingType);
  if (f.data !== undefined) return { variant: variants.data, type: type ?? 0 };
  if (type === undefined) {
    if (f.segments !== undefined || f.lastEntry !== undefined || f.tlvs !== undefined || f.tag !== undefined || f.flags !== undefined) type = 4;
    else if (f.homeAddress !== undefined) type = 2;
    else type = 0;
  }
  const kind: Kind = type === 0 ? 'source-route' : type === 2 ? 'mobile-ipv6' : type === 4 ? 'segment-routing' : 'data';
  return { variant: variants[kind], type };
}

function addressBytes(value: unknown, field: string): Uint8Array {
  const b = typeof value === 'string' ? parseIpv6(value) : undefined;
  if (!b) throw new FieldValueError(LAYER, field, value, 'an IPv6 address such as 2001:db8::1 (no zone id)');
  return b;
}

function addressList(value: unknown, field: string): Uint8Array[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new FieldValueError(LAYER, field, value, 'a list of IPv6 addresses');
  return value.map((a, i) => addressBytes(a, `${field}[${i}]`));
}

function defaultSegmentsLeft(kind: Kind, f: Ipv6RoutingInput): number {
  switch (kind) {
    case 'source-route':
      return Array.isArray(f.addresses) ? f.addresses.length : 0;
    case 'mobile-ipv6':
      return 1;
    case 'segment-routing':
      return Array.isArray(f.segments) ? Math.max(0, f.segments.length - 1) : 0;
    case 'data':
      return 0;
  }
}

interface State {
  variant: Variant;
  type: number;
  body: Uint8Array;
}

const auto = { nextHeader: 0, length: 0, routingType: 0, segmentsLeft: 0, lastEntry: 0 };

const binding = { follows: ['ipv6', ...IPV6_EXTENSION_LAYERS], ipProtocol: IP_PROTOCOL.routing } as const satisfies LayerBinding;

export const ipv6Routing: LayerCodec = {
  name: LAYER,
  title: 'IPv6 Routing header',
  rfc: 'RFC 8200 section 4.4, RFC 6275, RFC 8754',
  fields: allFields,
  extraFields: [
    { name: 'addresses', doc: 'Type 0: addresses still to visit, final destination last' },
    { name: 'homeAddress', doc: 'Type 2: the home address (final destination)' },
    { name: 'segments', doc: 'Type 4 (SRH): Segment List[0] (the final segment) first' },
    { name: 'tlvs', doc: 'Type 4 (SRH): TLVs: pad1, padn, hmac, or raw { kind, data }' },
    { name: 'padding', doc: 'Type 4 (SRH): bytes after the TLVs (default: Pad1/PadN to a multiple of 8 octets)' },
    { name: 'data', doc: 'Other types: type-specific data after the first four octets' },
  ],
  ...binding,

  measure(frame) {
    const f = frame.fields as Ipv6RoutingInput;
    const { variant: v, type } = choose(f);
    for (const key in f) {
      if (!v.names.has(key)) throw new UnknownFieldError(`${LAYER} (${v.kind === 'data' ? `type ${type}, raw data` : v.kind})`, key, closest(key, v.names), [...v.names]);
    }
    let body: Uint8Array;
    switch (v.kind) {
      case 'source-route':
        body = Buffer.concat(addressList(f.addresses, 'addresses'));
        break;
      case 'mobile-ipv6':
        body = addressBytes(f.homeAddress ?? '::', 'homeAddress');
        break;
      case 'segment-routing': {
        const segments = addressList(f.segments, 'segments');
        if (!segments.length && f.lastEntry === undefined) throw new FieldValueError(LAYER, 'segments', f.segments, 'at least one segment (or give lastEntry explicitly)');
        const tlvs = srhTlvList.encode(f.tlvs ?? []).bytes;
        const before = 8 + 16 * segments.length + tlvs.length;
        const padding = f.padding !== undefined ? bytesInput(LAYER, 'padding', f.padding) : srhTlvList.padTo8(before);
        body = Buffer.concat([...segments, tlvs, padding]);
        break;
      }
      case 'data': {
        const data = bytesInput(LAYER, 'data', f.data ?? new Uint8Array(0));
        const pad = (8 - ((4 + data.length) % 8)) % 8;
        body = pad ? Buffer.concat([data, new Uint8Array(pad)]) : data;
        break;
      }
    }
    const length = v.header.length + body.length;
    if (f.length === undefined && (length % 8 !== 0 || length > 2048)) {
      throw new FieldValueError(LAYER, v.kind === 'segment-routing' ? 'padding' : 'addresses', `${length} header bytes`, 'a header that is a multiple of 8 bytes, at most 2048 (or give length explicitly)');
    }
    frame.state = { variant: v, type, body } satisfies State;
    return length;
  },

  write(buf, frames, index) {
    const frame = frames[index];
    const state = frame.state as State;
    const f = frame.fields as Ipv6RoutingInput;
    auto.nextHeader = nextHeaderAfter(frames, index);
    auto.length = Math.max(0, Math.ceil(frame.headerLength / 8) - 1);
    auto.routingType = state.type;
    auto.segmentsLeft = defaultSegmentsLeft(state.variant.kind, f);
    auto.lastEntry = Array.isArray(f.segments) ? Math.max(0, f.segments.length - 1) : 0;
    state.variant.header.write(buf, frame.offset, frame.fields as unknown as Ipv6RoutingFields, auto);
    buf.set(state.body, frame.offset + state.variant.header.length);
  },

  decode(ctx, off, end) {
    const buf = ctx.buf;
    if (end - off < 8) throw new LengthError(LAYER, off, 8, end - off, 'buffer');
    const headerLength = (buf[off + 1] + 1) * 8;
    if (off + headerLength > end) throw new LengthError(LAYER, off, headerLength, end - off, `${LAYER}.length`);
    const type = buf[off + 2];
    const hEnd = off + headerLength;
    const segmentsLeft = buf[off + 3];
    let fields: Ipv6RoutingFields | undefined;
    if (type === 0 && (headerLength - 8) % 16 !== 0) ctx.report(deviations.error('source-route-length', off + 1, buf[off + 1]));
    if (type === 2 && headerLength !== 24) ctx.report(deviations.error('mobile-ipv6-length', off + 1, buf[off + 1]));
    if (type === 0 && (headerLength - 8) % 16 === 0) {
      fields = variants['source-route'].header.read(buf, off);
      fields.addresses = [];
      for (let at = off + 8; at < hEnd; at += 16) fields.addresses.push(readIpv6(buf, at));
      if (segmentsLeft > fields.addresses.length) ctx.report(deviations.error('segmentsLeft', off + 3, segmentsLeft, { expected: `at most ${fields.addresses.length}, the addresses listed` }));
    } else if (type === 2 && headerLength === 24) {
      fields = variants['mobile-ipv6'].header.read(buf, off);
      fields.homeAddress = readIpv6(buf, off + 8);
    } else if (type === 4) {
      const count = buf[off + 4] + 1;
      if (8 + 16 * count <= headerLength) {
        fields = variants['segment-routing'].header.read(buf, off);
        fields.segments = [];
        for (let i = 0; i < count; i++) fields.segments.push(readIpv6(buf, off + 8 + 16 * i));
        const { options, padding } = srhTlvList.decode(buf, off + 8 + 16 * count, hEnd, (e) => ctx.report(e));
        fields.tlvs = options;
        if (padding.length) fields.padding = Buffer.from(padding);
        if (segmentsLeft > count) ctx.report(deviations.error('segmentsLeft', off + 3, segmentsLeft, { expected: `at most ${count}, Last Entry + 1` }));
      } else {
        ctx.report(deviations.error('lastEntry', off + 4, count - 1, { expected: `at most ${Math.floor((headerLength - 8) / 16) - 1} (the segment list must fit in the header)` }));
      }
    }
    if (!fields) {
      fields = variants.data.header.read(buf, off);
      fields.data = Buffer.from(buf.subarray(off + 4, hEnd));
    }
    return decodeStep(fields as unknown as Record<string, unknown>, hEnd, end, fields.nextHeader === NO_NEXT_HEADER ? 'raw' : { ipProtocol: fields.nextHeader });
  },

  finalDestination(fields) {
    const f = fields as Ipv6RoutingInput;
    const { variant: v } = choose(f);
    const left = f.segmentsLeft ?? defaultSegmentsLeft(v.kind, f);
    if (!left) return undefined;
    let final: unknown;
    if (v.kind === 'source-route') final = f.addresses?.[f.addresses.length - 1];
    else if (v.kind === 'mobile-ipv6') final = f.homeAddress ?? '::';
    else if (v.kind === 'segment-routing') final = f.segments?.[0];
    return typeof final === 'string' ? parseIpv6(final) : undefined;
  },

  summary(f) {
    const route = (f.addresses ?? f.segments ?? (f.homeAddress ? [f.homeAddress] : [])) as string[];
    return `RH type ${f.routingType} left ${f.segmentsLeft}${route.length ? ` [${route.join(',')}]` : ''}`;
  },
};
