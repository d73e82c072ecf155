/**
 * Running tshark on files rawcraft wrote, and what tshark should report for a decoded packet.
 * Not a test file itself.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { decode, type Layer } from '../../src/index.js';

const run = promisify(execFile);
const onPath = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

export const hasTshark = onPath('tshark');
export const inCI = process.env.CI === 'true';
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Expert-info severities (epan/proto.h). */
export const SEVERITY = { chat: 0x200000, note: 0x400000, warn: 0x600000, error: 0x800000 } as const;

/** Preferences: verify every checksum, and leave out the cross-packet analyses that judge a conversation rather than a packet. */
export const CHECK_PREFS = [
  '-o', 'ip.check_checksum:TRUE',
  '-o', 'udp.check_checksum:TRUE',
  '-o', 'tcp.check_checksum:TRUE',
  '-o', 'tcp.analyze_sequence_numbers:FALSE',
  '-o', 'esp.do_esp_sequence_analysis:FALSE',
];

export type TsharkPacket = Record<string, string[]>;

/** tshark -T json with the given fields: one record per frame, every field a list of its occurrences. */
export async function tsharkFields(path: string, fields: readonly string[], prefs: readonly string[] = CHECK_PREFS, filter?: string): Promise<TsharkPacket[]> {
  const { stdout, stderr } = await run(
    'tshark',
    ['-r', path, ...prefs, ...(filter ? ['-Y', filter] : []), '-T', 'json', ...fields.flatMap((f) => ['-e', f])],
    { maxBuffer: 1 << 28 },
  );
  const noise = stderr.split('\n').filter((line) => line.trim() !== '' && !/^Running as user/.test(line));
  if (noise.length) throw new Error(`tshark wrote to stderr: ${noise.join('\n')}`);
  const frames = JSON.parse(stdout) as { _source: { layers: TsharkPacket } }[];
  return frames.map((f) => f._source.layers);
}

/** Fields tshark prints as bare hex digits. */
const BARE_HEX = new Set(['ipv6.routing.srh.tag']);

/** A tshark value as a number (decimal or 0x hex) or, for addresses, canonical text. */
export function normalise(value: string, field = ''): string | number {
  if (BARE_HEX.has(field)) return parseInt(value, 16);
  if (/^0x[0-9a-f]+$/i.test(value)) return parseInt(value, 16);
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

const OPTION_CODES: Record<string, number> = { pad1: 0, padn: 1, 'router-alert': 5, jumbo: 0xc2, 'tunnel-encapsulation-limit': 4, 'home-address': 0xc9 };
const ND_CODES: Record<string, number> = {
  'source-link-layer-address': 1,
  'target-link-layer-address': 2,
  'prefix-information': 3,
  'redirected-header': 4,
  mtu: 5,
  rdnss: 25,
};
const ROUTING_CODES: Record<string, number> = { 'source-route': 0, nimrod: 1, 'mobile-ipv6': 2, rpl: 3, 'segment-routing': 4 };
const ICMPV6_CODES: Record<string, number> = {
  'destination-unreachable': 1,
  'packet-too-big': 2,
  'time-exceeded': 3,
  'parameter-problem': 4,
  'echo-request': 128,
  'echo-reply': 129,
  'mld-query': 130,
  'mld-report': 131,
  'mld-done': 132,
  'router-solicitation': 133,
  'router-advertisement': 134,
  'neighbor-solicitation': 135,
  'neighbor-advertisement': 136,
  redirect: 137,
  'mldv2-report': 143,
};
const ECN_CODES: Record<string, number> = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };
const TCP_FLAG_BITS: Record<string, number> = { ae: 0x100, cwr: 0x80, ece: 0x40, urg: 0x20, ack: 0x10, psh: 0x08, rst: 0x04, syn: 0x02, fin: 0x01 };

const num = (table: Record<string, number>, v: unknown): number => (typeof v === 'number' ? v : table[v as string]);

/** The fields compared with tshark's, and the values rawcraft's decoder gives for them, in tshark's order of occurrence. */
export function expectedFields(layers: readonly Layer[]): Record<string, (string | number)[]> {
  const out: Record<string, (string | number)[]> = {};
  const push = (field: string, value: string | number): void => {
    (out[field] ??= []).push(value);
  };
  for (const layer of layers) {
    switch (layer.layer) {
      case 'ipv6': {
        const f = layer.fields;
        push('ipv6.src', f.src);
        push('ipv6.dst', f.dst);
        push('ipv6.plen', f.payloadLength);
        push('ipv6.nxt', f.nextHeader);
        push('ipv6.hlim', f.hopLimit);
        push('ipv6.flow', f.flowLabel);
        push('ipv6.tclass', (f.dscp << 2) | num(ECN_CODES, f.ecn));
        break;
      }
      case 'ipv6-hop-by-hop':
      case 'ipv6-dest-options': {
        const prefix = layer.layer === 'ipv6-hop-by-hop' ? 'ipv6.hopopts' : 'ipv6.dstopts';
        push(`${prefix}.nxt`, layer.fields.nextHeader);
        push(`${prefix}.len`, layer.fields.length);
        for (const o of layer.fields.options) {
          push('ipv6.opt.type', num(OPTION_CODES, o.kind));
          if (o.kind === 'router-alert') push('ipv6.opt.router_alert', num({ mld: 0, rsvp: 1, 'active-networks': 2 }, o.value));
        }
        break;
      }
      case 'ipv6-routing': {
        const f = layer.fields;
        push('ipv6.routing.nxt', f.nextHeader);
        push('ipv6.routing.len', f.length);
        push('ipv6.routing.type', num(ROUTING_CODES, f.routingType));
        push('ipv6.routing.segleft', f.segmentsLeft);
        for (const a of f.addresses ?? []) push('ipv6.routing.src.addr', a);
        if (f.homeAddress !== undefined) push('ipv6.routing.mipv6.home_address', f.homeAddress);
        for (const a of f.segments ?? []) push('ipv6.routing.srh.addr', a);
        if (f.segments) {
          push('ipv6.routing.srh.last_entry', f.lastEntry!);
          push('ipv6.routing.srh.tag', f.tag!);
        }
        break;
      }
      case 'ipv6-fragment':
        push('ipv6.fraghdr.nxt', layer.fields.nextHeader);
        push('ipv6.fraghdr.offset', layer.fields.fragmentOffset);
        push('ipv6.fraghdr.ident', layer.fields.id);
        break;
      case 'ah':
        push('ah.next_header', layer.fields.nextHeader);
        push('ah.length', layer.fields.payloadLength);
        push('ah.spi', layer.fields.spi);
        push('ah.sequence', layer.fields.seq);
        break;
      case 'esp':
        push('esp.spi', layer.fields.spi);
        push('esp.sequence', layer.fields.seq);
        break;
      case 'ipv4':
        push('ip.src', layer.fields.src);
        push('ip.dst', layer.fields.dst);
        push('ip.proto', layer.fields.protocol);
        break;
      case 'udp':
        push('udp.srcport', layer.fields.srcPort);
        push('udp.dstport', layer.fields.dstPort);
        push('udp.length', layer.fields.length);
        push('udp.checksum', layer.fields.checksum);
        break;
      case 'tcp':
        push('tcp.srcport', layer.fields.srcPort);
        push('tcp.dstport', layer.fields.dstPort);
        push('tcp.seq_raw', layer.fields.seq);
        push('tcp.ack_raw', layer.fields.ack);
        push('tcp.window_size_value', layer.fields.window);
        push('tcp.checksum', layer.fields.checksum);
        push('tcp.flags', layer.fields.flags.reduce((n, name) => n | TCP_FLAG_BITS[name], layer.fields.reserved << 9));
        break;
      case 'icmpv6': {
        const f = layer.fields;
        const type = num(ICMPV6_CODES, f.type);
        push('icmpv6.type', type);
        push('icmpv6.checksum', f.checksum);
        if (f.id !== undefined) {
          push('icmpv6.echo.identifier', f.id);
          push('icmpv6.echo.sequence_number', f.seq!);
        }
        if (type === 2) push('icmpv6.mtu', f.mtu!);
        if (type === 4) push('icmpv6.pointer', f.pointer!);
        if (type === 135) push('icmpv6.nd.ns.target_address', f.target!);
        if (type === 136) push('icmpv6.nd.na.target_address', f.target!);
        if (type === 137) push('icmpv6.nd.rd.target_address', f.target!);
        if (type === 134) {
          push('icmpv6.nd.ra.cur_hop_limit', f.curHopLimit!);
          push('icmpv6.nd.ra.router_lifetime', f.routerLifetime!);
          push('icmpv6.nd.ra.reachable_time', f.reachableTime!);
          push('icmpv6.nd.ra.retrans_timer', f.retransTimer!);
        }
        if (type === 130 || type === 131 || type === 132) push('icmpv6.mld.multicast_address', f.multicastAddress!);
        for (const s of f.sources ?? []) push('icmpv6.mld.source_address', s);
        if (f.records) {
          push('icmpv6.mldr.nb_mcast_records', f.numberOfRecords!);
          for (const r of f.records) {
            push('icmpv6.mldr.mar.multicast_address', r.multicastAddress);
            for (const s of r.sources) push('icmpv6.mldr.mar.source_address', s);
          }
        }
        for (const o of f.options ?? []) {
          push('icmpv6.opt.type', num(ND_CODES, o.kind));
          if (o.kind === 'prefix-information') push('icmpv6.opt.prefix', o.prefix);
          if (o.kind === 'mtu') push('icmpv6.opt.mtu', o.mtu);
          if (o.kind === 'rdnss') for (const s of o.servers) push('icmpv6.opt.rdnss', s);
          if (o.kind === 'source-link-layer-address' || o.kind === 'target-link-layer-address') push('icmpv6.opt.linkaddr', o.address);
          if (o.kind === 'redirected-header') {
            // tshark dissects the redirected packet in place: its fields come next.
            const inner = decode(typeof o.data === 'string' ? Buffer.from(o.data, 'hex') : o.data, { from: 'ipv6', mode: 'lax' }).layers;
            for (const [k, values] of Object.entries(expectedFields(inner))) for (const value of values) push(k, value);
          }
        }
        break;
      }
      default:
        break;
    }
  }
  return out;
}

/** The fields `expectedFields` knows, to ask tshark for. */
export const COMPARED_FIELDS = [
  ...['src', 'dst', 'plen', 'nxt', 'hlim', 'flow', 'tclass'].map((f) => `ipv6.${f}`),
  'ipv6.hopopts.nxt', 'ipv6.hopopts.len', 'ipv6.dstopts.nxt', 'ipv6.dstopts.len', 'ipv6.opt.type', 'ipv6.opt.router_alert',
  'ipv6.routing.nxt', 'ipv6.routing.len', 'ipv6.routing.type', 'ipv6.routing.segleft', 'ipv6.routing.src.addr',
  'ipv6.routing.mipv6.home_address', 'ipv6.routing.srh.addr', 'ipv6.routing.srh.last_entry', 'ipv6.routing.srh.tag',
  'ipv6.fraghdr.nxt', 'ipv6.fraghdr.offset', 'ipv6.fraghdr.ident',
  'ah.next_header', 'ah.length', 'ah.spi', 'ah.sequence', 'esp.spi', 'esp.sequence',
  'ip.src', 'ip.dst', 'ip.proto',
  'udp.srcport', 'udp.dstport', 'udp.length', 'udp.checksum',
  'tcp.srcport', 'tcp.dstport', 'tcp.seq_raw', 'tcp.ack_raw', 'tcp.window_size_value', 'tcp.checksum', 'tcp.flags',
  'icmpv6.type', 'icmpv6.checksum', 'icmpv6.echo.identifier', 'icmpv6.echo.sequence_number', 'icmpv6.mtu', 'icmpv6.pointer',
  'icmpv6.nd.ns.target_address', 'icmpv6.nd.na.target_address', 'icmpv6.nd.rd.target_address',
  'icmpv6.nd.ra.cur_hop_limit', 'icmpv6.nd.ra.router_lifetime', 'icmpv6.nd.ra.reachable_time', 'icmpv6.nd.ra.retrans_timer',
  'icmpv6.mld.multicast_address', 'icmpv6.mld.source_address', 'icmpv6.mldr.nb_mcast_records', 'icmpv6.mldr.mar.multicast_address',
  'icmpv6.mldr.mar.source_address', 'icmpv6.opt.type', 'icmpv6.opt.prefix', 'icmpv6.opt.mtu', 'icmpv6.opt.rdnss', 'icmpv6.opt.linkaddr',
];

/** tshark's values for the compared fields, normalised. */
export function actualFields(packet: TsharkPacket): Record<string, (string | number)[]> {
  const out: Record<string, (string | number)[]> = {};
  for (const field of COMPARED_FIELDS) if (packet[field]) out[field] = packet[field].map((v) => normalise(v, field));
  return out;
}

/** Decode bytes strictly: the generated packets are legal, so any issue is a bug. */
export function decodeStrict(bytes: Uint8Array): Layer[] {
  return decode(bytes, { mode: 'strict' }).layers;
}
