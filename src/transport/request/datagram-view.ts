/**
 * A decoded packet reduced to what request/reply matching compares, read by layer name and
 * field (numbers, not names: `type: 0` whether the codec said 'echo-reply' or 0). Where the
 * codec left bytes undecoded (a quote cut after 8 bytes, a protocol without a codec) the few
 * fields matching needs are read from the raw bytes, at their fixed offsets.
 */
import { codecByName } from '../../codec/registry.js';
import { ICMP_TYPES, PARAMETER_PROBLEM_CODES, REDIRECT_CODES, TIME_EXCEEDED_CODES, UNREACHABLE_CODES } from '../../codec/protocols/icmpv4.js';
import {
  ICMPV6_PARAMETER_PROBLEM_CODES,
  ICMPV6_TIME_EXCEEDED_CODES,
  ICMPV6_TYPES,
  ICMPV6_UNREACHABLE_CODES,
} from '../../codec/protocols/icmpv6.js';
import type { Layer } from '../../codec/types.js';

export type IcmpLayerName = 'icmp' | 'icmpv6';

/** What ICMPv6 queries other than echo are matched on. */
export interface IcmpDetails {
  /** Neighbor solicitation/advertisement: the target address. */
  readonly target?: string | undefined;
  /** MLD query: the multicast address asked about (`::`: all). */
  readonly group?: string | undefined;
  /** MLD report: the multicast addresses reported. */
  readonly groups?: readonly string[] | undefined;
  /** Node information query/reply (RFC 4620): the Qtype and the 8-byte Nonce. */
  readonly qtype?: number | undefined;
  readonly nonce?: Uint8Array | undefined;
}

/** The header after the IP header(s), normalized. */
export type UpperView =
  | {
      readonly layer: IcmpLayerName;
      readonly type: number;
      readonly typeName: string;
      readonly code: number;
      readonly id: number | undefined;
      readonly seq: number | undefined;
      /** The datagram an error message quotes. */
      readonly quote: DatagramView | undefined;
    } & IcmpDetails
  | { readonly layer: 'udp'; readonly srcPort: number; readonly dstPort: number; readonly length: number | undefined }
  | {
      readonly layer: 'tcp';
      readonly srcPort: number;
      readonly dstPort: number;
      readonly seq: number;
      readonly ack: number | undefined;
      readonly flags: readonly string[];
      /** Bytes of data after the header (undefined inside a quote). */
      readonly segmentLength: number | undefined;
    }
  | {
      readonly layer: 'sctp';
      readonly srcPort: number;
      readonly dstPort: number;
      readonly verificationTag: number;
      /** The Initiate Tag of an INIT or INIT ACK chunk in the packet. */
      readonly initiateTag: number | undefined;
      /** An ABORT or SHUTDOWN COMPLETE with the T bit: the tag is the receiver's own, reflected. */
      readonly tagReflected: boolean;
    }
  | { readonly layer: 'other'; readonly protocol: number | undefined; readonly head: Uint8Array };

/** The parts of a datagram that request matching looks at: family, addresses, protocol, IP id, TTL, the upper layer. */
export interface DatagramView {
  readonly family: 4 | 6 | undefined;
  /** Undefined when the IP header was not delivered (IPv6 raw sockets) and nobody said. */
  readonly src: string | undefined;
  readonly dst: string | undefined;
  /** The upper-layer protocol number (after IPv6 extension headers). */
  readonly protocol: number | undefined;
  /** IPv4 identification. */
  readonly ipId: number | undefined;
  /** IPv4 TTL or IPv6 hop limit, when the header is there. */
  readonly ttl: number | undefined;
  readonly upper: UpperView | undefined;
}

type LooseLayer = { readonly layer: string; readonly fields: Readonly<Record<string, unknown>> };

const PROTOCOL_OF_LAYER: Readonly<Record<string, number>> = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 };
const IPV6_EXTENSIONS = new Set(['ipv6-hop-by-hop', 'ipv6-routing', 'ipv6-fragment', 'ipv6-dest-options', 'ah']);
const ICMP_ERRORS = new Set([3, 4, 5, 11, 12]);
const ICMPV6_ERRORS = new Set([1, 2, 3, 4]);

/** Is this ICMP/ICMPv6 type an error message (one that quotes a datagram)? */
export function isIcmpError(layer: IcmpLayerName, type: number): boolean {
  return (layer === 'icmp' ? ICMP_ERRORS : ICMPV6_ERRORS).has(type);
}

/**
 * View of decoded layers. `known` fills in what the layers lack: the family, source and
 * protocol of an IPv6 payload delivered without its header.
 */
/**
 * The layers from the IP header on, when link-layer headers (Ethernet, cooked, loopback, 802.11,
 * LLC...: layers no IP protocol number or port selects) come first, as in captured frames.
 */
function withoutLinkHeader(list: readonly LooseLayer[]): readonly LooseLayer[] {
  if (list[0]?.layer === 'ipv4' || list[0]?.layer === 'ipv6') return list;
  const ip = list.findIndex((l) => l.layer === 'ipv4' || l.layer === 'ipv6');
  if (ip <= 0) return list;
  const linkOnly = list.slice(0, ip).every((l) => {
    const codec = codecByName(l.layer);
    return codec !== undefined && codec.name !== 'raw' && codec.ipProtocol === undefined && codec.udpPort === undefined;
  });
  return linkOnly ? list.slice(ip) : list;
}

/**
 * The view of decoded layers that request matching uses (addresses, protocol, ports, ICMP ids).
 * @example
 * {@includeCode ../../../examples/api-transport.ts#matching}
 */
export function viewOf(
  layers: readonly Layer[] | readonly LooseLayer[],
  known: { family?: 4 | 6 | undefined; src?: string; protocol?: number | undefined } = {},
): DatagramView {
  const list = withoutLinkHeader(layers as readonly LooseLayer[]);
  let i = 0;
  let family = known.family;
  let src = known.src || undefined;
  let dst: string | undefined;
  let protocol = known.protocol;
  let ipId: number | undefined;
  let ttl: number | undefined;
  const first = list[0];
  if (first?.layer === 'ipv4') {
    const f = first.fields;
    family = 4;
    src = f.src as string;
    dst = f.dst as string;
    protocol = f.protocol as number;
    ipId = f.id as number;
    ttl = f.ttl as number;
    i = 1;
  } else if (first?.layer === 'ipv6') {
    const f = first.fields;
    family = 6;
    src = f.src as string;
    dst = f.dst as string;
    protocol = f.nextHeader as number;
    ttl = f.hopLimit as number;
    i = 1;
    while (i < list.length && IPV6_EXTENSIONS.has(list[i].layer)) {
      protocol = list[i].fields.nextHeader as number | undefined;
      i++;
    }
  }
  const upperLayer = list[i];
  if (upperLayer && upperLayer.layer !== 'raw') protocol = PROTOCOL_OF_LAYER[upperLayer.layer] ?? protocol;
  const upper = upperLayer ? upperOf(upperLayer, list, i, protocol) : undefined;
  return { family, src, dst, protocol, ipId, ttl, upper };
}

function upperOf(l: LooseLayer, list: readonly LooseLayer[], index: number, protocol: number | undefined): UpperView {
  const f = l.fields;
  switch (l.layer) {
    case 'icmp':
    case 'icmpv6': {
      const type = typeNumber(l.layer, f.type);
      const quote = isIcmpError(l.layer, type) && index + 1 < list.length ? viewOf(list.slice(index + 1)) : undefined;
      const next = list[index + 1];
      const body = next?.layer === 'raw' ? (next.fields.data as Uint8Array) : undefined;
      return {
        layer: l.layer,
        type,
        typeName: typeof f.type === 'string' ? f.type : String(type),
        code: codeNumber(l.layer, type, f.code),
        id: f.id as number | undefined,
        seq: f.seq as number | undefined,
        quote,
        ...(l.layer === 'icmpv6' ? icmpv6Details(type, f, body) : {}),
      };
    }
    case 'udp':
      return { layer: 'udp', srcPort: f.srcPort as number, dstPort: f.dstPort as number, length: f.length as number };
    case 'tcp': {
      const next = list[index + 1];
      const data = next?.layer === 'raw' ? (next.fields.data as Uint8Array).length : 0;
      return {
        layer: 'tcp',
        srcPort: f.srcPort as number,
        dstPort: f.dstPort as number,
        seq: f.seq as number,
        ack: f.ack as number,
        flags: (f.flags as readonly string[]) ?? [],
        segmentLength: data,
      };
    }
    case 'sctp': {
      const chunks = (f.chunks as readonly { type: unknown; initiateTag?: number; flags?: unknown }[] | undefined) ?? [];
      const init = chunks.find((c) => c.type === 'init' || c.type === 'init-ack' || c.type === 1 || c.type === 2);
      const reflected = chunks.some(
        (c) =>
          (c.type === 'abort' || c.type === 'shutdown-complete') &&
          (Array.isArray(c.flags) ? c.flags.includes('tag-reflected') : typeof c.flags === 'number' && (c.flags & 1) !== 0),
      );
      return {
        layer: 'sctp',
        srcPort: f.srcPort as number,
        dstPort: f.dstPort as number,
        verificationTag: f.verificationTag as number,
        initiateTag: init?.initiateTag,
        tagReflected: reflected,
      };
    }
    case 'raw':
      return fromBytes(f.data as Uint8Array, protocol);
    default:
      return { layer: 'other', protocol, head: new Uint8Array(0) };
  }
}

/** What ICMPv6 queries and their answers are matched on (see icmp-answers.ts). */
function icmpv6Details(type: number, f: Readonly<Record<string, unknown>>, body: Uint8Array | undefined): IcmpDetails {
  switch (type) {
    case 130:
    case 131:
      return { group: f.multicastAddress as string | undefined, groups: f.multicastAddress !== undefined ? [f.multicastAddress as string] : [] };
    case 143:
      return { groups: ((f.records as readonly { multicastAddress: string }[] | undefined) ?? []).map((r) => r.multicastAddress) };
    case 135:
    case 136:
      return { target: f.target as string | undefined };
    case 139:
    case 140:
      // The codec leaves the node information body undecoded: Qtype (2), Flags (2), Nonce (8).
      return body && body.length >= 12 ? { qtype: (body[0] << 8) | body[1], nonce: body.slice(4, 12) } : {};
    default:
      return {};
  }
}

/** The matching fields of an upper header the codec did not decode, from its first bytes. */
function fromBytes(b: Uint8Array, protocol: number | undefined): UpperView {
  const u16 = (at: number) => (b[at] << 8) | b[at + 1];
  const u32 = (at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  if ((protocol === 1 || protocol === 58) && b.length >= 8) {
    const layer: IcmpLayerName = protocol === 1 ? 'icmp' : 'icmpv6';
    const echo = protocol === 1 ? [0, 8, 13, 14, 15, 16, 17, 18].includes(b[0]) : b[0] === 128 || b[0] === 129;
    return { layer, type: b[0], typeName: typeName(layer, b[0]), code: b[1], id: echo ? u16(4) : undefined, seq: echo ? u16(6) : undefined, quote: undefined };
  }
  if (protocol === 17 && b.length >= 8) return { layer: 'udp', srcPort: u16(0), dstPort: u16(2), length: u16(4) };
  if (protocol === 6 && b.length >= 8) {
    return { layer: 'tcp', srcPort: u16(0), dstPort: u16(2), seq: u32(4), ack: b.length >= 12 ? u32(8) : undefined, flags: [], segmentLength: undefined };
  }
  if (protocol === 132 && b.length >= 8) return { layer: 'sctp', srcPort: u16(0), dstPort: u16(2), verificationTag: u32(4), initiateTag: undefined, tagReflected: false };
  return { layer: 'other', protocol, head: b.subarray(0, 8) };
}

function typeNumber(layer: IcmpLayerName, type: unknown): number {
  if (typeof type === 'number') return type;
  const table: Readonly<Record<string, number>> = layer === 'icmp' ? ICMP_TYPES : ICMPV6_TYPES;
  return table[String(type)] ?? -1;
}

function typeName(layer: IcmpLayerName, type: number): string {
  const table: Readonly<Record<string, number>> = layer === 'icmp' ? ICMP_TYPES : ICMPV6_TYPES;
  return Object.keys(table).find((k) => table[k] === type) ?? String(type);
}

const ICMP_CODES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  3: UNREACHABLE_CODES,
  5: REDIRECT_CODES,
  11: TIME_EXCEEDED_CODES,
  12: PARAMETER_PROBLEM_CODES,
};
const ICMPV6_CODES: Readonly<Record<number, Readonly<Record<string, number>>>> = {
  1: ICMPV6_UNREACHABLE_CODES,
  3: ICMPV6_TIME_EXCEEDED_CODES,
  4: ICMPV6_PARAMETER_PROBLEM_CODES,
};

function codeNumber(layer: IcmpLayerName, type: number, code: unknown): number {
  if (typeof code === 'number') return code;
  const table = (layer === 'icmp' ? ICMP_CODES : ICMPV6_CODES)[type];
  return table?.[String(code)] ?? -1;
}

/** Short text for a view, e.g. `icmp echo-reply id 7 seq 2 from 127.0.0.1`. */
export function describe(v: DatagramView): string {
  const from = v.src ? ` from ${v.src}` : '';
  const u = v.upper;
  if (!u) return `${v.family ? `IPv${v.family} ` : ''}packet${from} with nothing after the IP header`;
  switch (u.layer) {
    case 'icmp':
    case 'icmpv6': {
      const idSeq = u.id !== undefined ? ` id ${u.id} seq ${u.seq}` : '';
      const code = isIcmpError(u.layer, u.type) ? ` code ${u.code}` : '';
      return `${u.layer} ${u.typeName}${code}${idSeq}${from}`;
    }
    case 'udp':
      return `udp ${u.srcPort} > ${u.dstPort}${from}`;
    case 'tcp':
      return `tcp ${u.srcPort} > ${u.dstPort}${u.flags.length ? ` [${u.flags.map((f) => f.toUpperCase()).join(',')}]` : ''} seq ${u.seq}${u.ack !== undefined ? ` ack ${u.ack}` : ''}${from}`;
    case 'sctp':
      return `sctp ${u.srcPort} > ${u.dstPort} vtag 0x${u.verificationTag.toString(16)}${from}`;
    default:
      return `protocol ${u.protocol ?? '?'} packet${from}`;
  }
}
