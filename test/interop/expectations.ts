/**
 * What tshark should print for a packet, worked out from rawcraft's decoded layers and the raw
 * bytes; and whether the decoded layers carry what the generator asked for. Name-to-number tables
 * are written out here from the RFCs rather than imported, so a wrong table in src/ shows up.
 * (Not a test file itself.)
 */
import type { EncodableLayer, Layer } from '../../src/index.js';

/** RFC 792, 950, 1256 message types. */
export const ICMP_TYPE_NUMBERS: Record<string, number> = {
  'echo-reply': 0, 'destination-unreachable': 3, 'source-quench': 4, redirect: 5, 'echo-request': 8,
  'router-advertisement': 9, 'router-solicitation': 10, 'time-exceeded': 11, 'parameter-problem': 12,
  'timestamp-request': 13, 'timestamp-reply': 14, 'information-request': 15, 'information-reply': 16,
  'address-mask-request': 17, 'address-mask-reply': 18,
};
/** Code names per type (RFC 792, RFC 1812 section 5.2.7.1, RFC 1108). */
export const ICMP_CODE_NUMBERS: Record<number, Record<string, number>> = {
  3: {
    'net-unreachable': 0, 'host-unreachable': 1, 'protocol-unreachable': 2, 'port-unreachable': 3,
    'fragmentation-needed': 4, 'source-route-failed': 5, 'destination-network-unknown': 6,
    'destination-host-unknown': 7, 'source-host-isolated': 8, 'network-prohibited': 9, 'host-prohibited': 10,
    'network-unreachable-for-tos': 11, 'host-unreachable-for-tos': 12, 'communication-prohibited': 13,
    'host-precedence-violation': 14, 'precedence-cutoff': 15,
  },
  5: { network: 0, host: 1, 'tos-network': 2, 'tos-host': 3 },
  11: { 'ttl-exceeded': 0, 'reassembly-time-exceeded': 1 },
  12: { pointer: 0, 'missing-option': 1, 'bad-length': 2 },
};
/** RFC 3168 section 5: ECT(1) is 01, ECT(0) is 10. */
const ECN_NUMBERS: Record<string, number> = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };
/** Flag bits from the most significant down (RFC 791 + RFC 3514; RFC 9293 + RFC 3168 + AccECN). */
const IPV4_FLAG_BITS: Record<string, number> = { evil: 4, df: 2, mf: 1 };
const TCP_FLAG_BITS: Record<string, number> = { ae: 256, cwr: 128, ece: 64, urg: 32, ack: 16, psh: 8, rst: 4, syn: 2, fin: 1 };
const IPV4_OPTION_NUMBERS: Record<string, number> = { eol: 0, nop: 1, 'record-route': 7, timestamp: 68, lsrr: 131, ssrr: 137, 'router-alert': 148 };

type Fields = Record<string, unknown>;

const bits = (value: unknown, table: Record<string, number>): number =>
  Array.isArray(value) ? value.reduce((n: number, name: string) => n | table[name], 0) : (value as number);
const named = (value: unknown, table: Record<string, number> | undefined): number =>
  typeof value === 'string' ? (table?.[value] ?? NaN) : (value as number);
const ipv4Number = (text: string): number => text.split('.').reduce((n, o) => n * 256 + Number(o), 0);

export const icmpType = (f: Fields): number => named(f.type, ICMP_TYPE_NUMBERS);
export const icmpCode = (f: Fields): number => named(f.code, ICMP_CODE_NUMBERS[icmpType(f)]);

/** Header length of a decoded layer, worked out from its own fields. */
function headerLength(layer: Layer): number {
  const f = layer.fields as unknown as Fields;
  switch (layer.layer) {
    case 'ethernet':
      return 14 + 4 * (f.vlans as unknown[]).length;
    case 'ipv4':
      return Math.max(5, f.ihl as number) * 4;
    case 'icmp': {
      const type = icmpType(f);
      return type === 13 || type === 14 ? 20 : type === 17 || type === 18 ? 12 : 8;
    }
    case 'udp':
      return 8;
    case 'tcp':
      return Math.max(5, f.dataOffset as number) * 4;
    default:
      return 0;
  }
}

/**
 * Option kinds as tshark lists them, read straight from the bytes. tshark 4.0 stops IPv4 options
 * at the first end-of-list, but shows every remaining (zero) byte of TCP options as one more
 * end-of-list.
 */
export function optionKinds(bytes: Uint8Array, start: number, end: number, stopAtEol: boolean): number[] {
  const kinds: number[] = [];
  let i = start;
  while (i < end) {
    const kind = bytes[i];
    kinds.push(kind);
    if (kind === 0 && stopAtEol) break;
    if (kind === 0 || kind === 1) {
      i += 1;
      continue;
    }
    i += Math.max(2, bytes[i + 1]);
  }
  return kinds;
}

/** A source route still on its way (pointer within the option): tshark shows its last address as ip.dst. */
function routeInProgress(options: Fields[]): string | undefined {
  for (const o of options) {
    if ((o.kind === 'lsrr' || o.kind === 'ssrr') && (o.pointer as number) <= 3 + 4 * (o.addresses as string[]).length) {
      return (o.addresses as string[]).at(-1);
    }
  }
  return undefined;
}

export type Expected = Record<string, (string | number)[]>;

/** The fields compared with tshark's, built from rawcraft's decoded layers over `bytes`. */
export const COMPARED_FIELDS = [
  'eth.dst', 'eth.src', 'eth.type', 'vlan.id', 'vlan.priority', 'vlan.dei', 'vlan.etype',
  'ip.src', 'ip.dst', 'ip.cur_rt', 'ip.ttl', 'ip.id', 'ip.flags', 'ip.proto', 'ip.dsfield', 'ip.len', 'ip.hdr_len', 'ip.opt.type', 'ip.checksum.status',
  'icmp.type', 'icmp.code', 'icmp.checksum.status', 'icmp.ident', 'icmp.seq', 'icmp.mtu', 'icmp.redir_gw', 'icmp.pointer',
  'icmp.originate_timestamp', 'icmp.receive_timestamp', 'icmp.transmit_timestamp', 'icmp.address_mask',
  'icmp.num_addrs', 'icmp.lifetime', 'icmp.router_address',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum.status',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.flags', 'tcp.window_size_value', 'tcp.hdr_len', 'tcp.urgent_pointer', 'tcp.option_kind', 'tcp.checksum.status',
] as const;

/** A checksum status that tshark may print in more than one way: checked separately. */
export const ANY = '*';

function status(layer: Layer): string {
  const verdict = layer.checksum;
  if (!verdict) return ANY;
  if (verdict.status === 'valid') return '1';
  if (verdict.status === 'invalid') return '0';
  return ANY;
}

export function expectedFields(bytes: Uint8Array, layers: Layer[]): Expected {
  const out: Expected = Object.fromEntries(COMPARED_FIELDS.map((f) => [f, []]));
  const push = (field: (typeof COMPARED_FIELDS)[number], ...values: (string | number)[]) => out[field].push(...values);
  let off = 0;
  /** The ICMP error type whose quoted datagram is being walked. */
  let quotedBy: number | undefined;
  layers.forEach((layer, index) => {
    const f = layer.fields as unknown as Fields;
    const length = headerLength(layer);
    switch (layer.layer) {
      case 'ethernet': {
        const vlans = f.vlans as { tpid: number; pcp: number; dei: number; vid: number }[];
        push('eth.dst', f.dst as string);
        push('eth.src', f.src as string);
        push('eth.type', vlans.length ? vlans[0].tpid : (f.etherType as number));
        vlans.forEach((v, k) => {
          push('vlan.id', v.vid);
          push('vlan.priority', v.pcp);
          push('vlan.dei', v.dei);
          push('vlan.etype', k + 1 < vlans.length ? vlans[k + 1].tpid : (f.etherType as number));
        });
        break;
      }
      case 'ipv4': {
        const final = routeInProgress(f.options as Fields[]);
        push('ip.src', f.src as string);
        push('ip.dst', final ?? (f.dst as string));
        if (final !== undefined) push('ip.cur_rt', f.dst as string);
        push('ip.ttl', f.ttl as number);
        push('ip.id', f.id as number);
        push('ip.flags', bits(f.flags, IPV4_FLAG_BITS));
        push('ip.proto', f.protocol as number);
        push('ip.dsfield', ((f.dscp as number) << 2) | named(f.ecn, ECN_NUMBERS));
        push('ip.len', f.totalLength as number);
        push('ip.hdr_len', length);
        push('ip.opt.type', ...optionKinds(bytes, off + 20, off + length, true));
        push('ip.checksum.status', status(layer));
        break;
      }
      case 'icmp': {
        const type = icmpType(f);
        const code = icmpCode(f);
        if ([3, 4, 5, 11, 12].includes(type)) quotedBy = type;
        push('icmp.type', type);
        push('icmp.code', code);
        push('icmp.checksum.status', status(layer));
        if ([0, 8, 13, 14, 15, 16, 17, 18].includes(type)) {
          push('icmp.ident', f.id as number);
          push('icmp.seq', f.seq as number);
        }
        if (type === 3 && code === 4) push('icmp.mtu', f.nextHopMtu as number);
        if (type === 5) push('icmp.redir_gw', f.gateway as string);
        if (type === 12) push('icmp.pointer', f.pointer as number);
        if (type === 13 || type === 14) {
          push('icmp.originate_timestamp', f.originate as number);
          push('icmp.receive_timestamp', f.receive as number);
          push('icmp.transmit_timestamp', f.transmit as number);
        }
        if (type === 17 || type === 18) push('icmp.address_mask', f.mask as string);
        if (type === 9) {
          push('icmp.num_addrs', f.addressCount as number);
          push('icmp.lifetime', f.lifetime as number);
          const data = layers[index + 1]?.layer === 'raw' ? ((layers[index + 1].fields as unknown as Fields).data as Uint8Array) : new Uint8Array(0);
          for (let i = 0; i + 8 <= data.length; i += 8) push('icmp.router_address', `${data[i]}.${data[i + 1]}.${data[i + 2]}.${data[i + 3]}`);
        }
        break;
      }
      case 'udp':
        push('udp.srcport', f.srcPort as number);
        push('udp.dstport', f.dstPort as number);
        push('udp.length', f.length as number);
        // tshark 4.0 does not verify a UDP checksum quoted in a redirect.
        push('udp.checksum.status', f.checksum === 0 && layer.checksum?.status === 'unverifiable' ? '3' : quotedBy === 5 ? '2' : status(layer));
        break;
      case 'tcp':
        push('tcp.srcport', f.srcPort as number);
        push('tcp.dstport', f.dstPort as number);
        // With relative sequence numbers off, tcp.seq is the number on the wire; tshark leaves out
        // seq_raw in a quoted segment.
        push('tcp.seq', f.seq as number);
        if (quotedBy === undefined) push('tcp.seq_raw', f.seq as number);
        // In a redirect tshark 4.0 shows only the first 8 bytes of a quoted segment (ports, seq).
        if (quotedBy === 5) break;
        push('tcp.ack_raw', f.ack as number);
        push('tcp.flags', ((f.reserved as number) << 9) | bits(f.flags, TCP_FLAG_BITS));
        push('tcp.window_size_value', f.window as number);
        push('tcp.hdr_len', length);
        push('tcp.urgent_pointer', f.urgentPointer as number);
        push('tcp.option_kind', ...optionKinds(bytes, off + 20, off + length, false));
        push('tcp.checksum.status', status(layer));
        break;
    }
    off += length;
  });
  return out;
}

/** Compare tshark's printed values with the expected ones; returns the differences as text. */
export function compareFields(expected: Expected, actual: Record<string, string[]>): string[] {
  const problems: string[] = [];
  for (const [field, want] of Object.entries(expected)) {
    const got = actual[field] ?? [];
    const same =
      want.length === got.length &&
      want.every((w, i) => w === ANY || (typeof w === 'number' ? Number(got[i]) === w : got[i].toLowerCase() === w.toLowerCase()));
    if (!same) problems.push(`${field}: tshark ${JSON.stringify(got)}, rawcraft ${JSON.stringify(want)}`);
  }
  return problems;
}

const hex = (v: unknown): string => (typeof v === 'string' ? v : Buffer.from(v as Uint8Array).toString('hex'));

function sameOption(input: Fields, decoded: Fields): boolean {
  if (typeof input.kind === 'number') return decoded.kind === input.kind && hex(decoded.data) === hex(input.data);
  return JSON.stringify(Object.entries(input).sort()) === JSON.stringify(Object.entries(decoded).sort());
}

function normalized(layer: string, key: string, value: unknown, fields: Fields): unknown {
  if (layer === 'ipv4' && key === 'flags') return bits(value, IPV4_FLAG_BITS);
  if (layer === 'ipv4' && key === 'ecn') return named(value, ECN_NUMBERS);
  if (layer === 'tcp' && key === 'flags') return bits(value, TCP_FLAG_BITS);
  if (layer === 'icmp' && key === 'type') return named(value, ICMP_TYPE_NUMBERS);
  if (layer === 'icmp' && key === 'code') return named(value, ICMP_CODE_NUMBERS[icmpType(fields)]);
  if (layer === 'raw' && key === 'data') return hex(value);
  return value;
}

/**
 * Whether the decoded layers carry what the generator asked for: the same layers (an empty raw
 * payload decodes to nothing), every given field with the same value (names and numbers alike),
 * options the same (plus the end-of-list that zero padding reads as).
 */
export function inputProblems(input: readonly EncodableLayer[], decoded: Layer[]): string[] {
  const problems: string[] = [];
  const wanted = input.filter((l) => !(l.layer === 'raw' && hex((l.fields as Fields | undefined)?.data ?? '') === ''));
  if (wanted.map((l) => l.layer).join('/') !== decoded.map((l) => l.layer).join('/')) {
    return [`layers: asked for ${wanted.map((l) => l.layer).join('/')}, decoded ${decoded.map((l) => l.layer).join('/')}`];
  }
  wanted.forEach((want, i) => {
    const got = decoded[i].fields as unknown as Fields;
    for (const [key, value] of Object.entries(want.fields ?? {})) {
      if (key === 'options') {
        const given = value as Fields[];
        let have = got.options as Fields[];
        // The encoder pads with zeros, which read back as one end-of-list option.
        if (have.length === given.length + 1 && have.at(-1)!.kind === 'eol' && given.at(-1)?.kind !== 'eol') have = have.slice(0, -1);
        if (have.length !== given.length || !given.every((o, k) => sameOption(o, have[k]))) {
          problems.push(`${want.layer}.options: asked for ${JSON.stringify(given)}, decoded ${JSON.stringify(have)}`);
        }
      } else if (key === 'vlans') {
        const given = value as Fields[];
        const have = got.vlans as Fields[];
        if (have.length !== given.length || !given.every((v, k) => v.vid === have[k].vid && v.pcp === have[k].pcp && v.dei === have[k].dei && have[k].tpid === 0x8100)) {
          problems.push(`ethernet.vlans: asked for ${JSON.stringify(given)}, decoded ${JSON.stringify(have)}`);
        }
      } else {
        const a = normalized(want.layer, key, value, want.fields as Fields);
        const b = normalized(want.layer, key, got[key], got);
        if (a !== b) problems.push(`${want.layer}.${key}: asked for ${JSON.stringify(value)}, decoded ${JSON.stringify(got[key])}`);
      }
    }
  });
  return problems;
}

export { ipv4Number };
