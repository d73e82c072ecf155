/**
 * rawcraft against the hand-written baseline (bench/baseline.ts) on the same datagrams.
 *
 *   npm run bench                 table
 *   npm run bench -- --json       one JSON object per line: { case, opsPerSec, baselineOpsPerSec, ratio }
 *
 * opsPerSec and baselineOpsPerSec are medians over the rounds; ratio is the median of the
 * per-round quotients (rawcraft round k / baseline round k, run back to back), which shrugs off
 * load from other processes better than the quotient of the two medians.
 *   options: --filter=<text> (cases whose name contains it), --rounds=N, --round-ms=N, --warmup-ms=N,
 *            --traffic-packets=N (the traffic section's packets per case, default 2 M)
 *
 * Cases: encode and decode (target 0.5x the hand-written baseline; also a mixed stream of two stacks), templates
 * (PatchableTemplate.patch against a full hand-written encode, target 1.0x), the Internet checksum
 * (0.9x a plain loop), then CRC32c (bench/crc32c.ts, 1.0x slice-by-8) and traffic files
 * (bench/traffic.ts, 1 M packets/s).
 *
 * Before timing anything it checks that both encoders produce identical bytes and both decoders
 * agree on the fields and checksum verdicts (also for deliberately corrupted copies); it exits
 * with status 1 if they do not, since a benchmark of two programs doing different work is void.
 */
import { decode, ipv4, type Layer } from '../src/index.js';
import { ipv6 } from '../src/builders/packet.js';
import { decodeSctp, encodeSctpData, encodeSctpInit, type BaselineSctp } from './baseline-sctp.js';
import { decodePortUnreachable, encodePortUnreachable, type BaselineQuote } from './baseline-quote.js';
import { decodeIpv6, encodeIcmpv6Echo, encodeNeighborSolicitation, encodeTcp6, encodeUdp6, type BaselinePacket6 } from './baseline-ipv6.js';
import { decodeIpv4, encodeIcmpEcho, encodeTcp, encodeUdp, type BaselinePacket } from './baseline.js';
import { compare, median, sink, type BenchOptions, type Op } from './harness.js';
import { run as runCrc32c } from './crc32c.js';
import { main as runTransport } from './transport.js';
import { run as runTraffic } from './traffic.js';
import { templateCases, verifyTemplates } from './templates.js';
import { internetChecksum } from '../src/codec/checksum.js';

// ---------------------------------------------------------------------------------------------
// The datagrams (documentation addresses only; nothing is sent anywhere)

const payload64 = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 255);
const payload56 = Uint8Array.from({ length: 56 }, (_, i) => (i * 53 + 7) & 255);

const SRC = '192.0.2.1';
const DST = '198.51.100.2';

// Object literals are written inline on both sides, as a caller would, so both pay for them.
const rawcraftUdp = (): Buffer =>
  ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 }).udp({ srcPort: 1234, dstPort: 5678 }).payload(payload64).encode();
const baselineUdp = (): Buffer => encodeUdp({ src: SRC, dst: DST, ttl: 64, id: 1 }, { srcPort: 1234, dstPort: 5678 }, payload64);

const rawcraftTcp = (): Buffer =>
  ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 })
    .tcp({
      srcPort: 40000,
      dstPort: 443,
      seq: 0x12345678,
      ack: 0,
      flags: ['syn'],
      window: 64240,
      options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }],
    })
    .payload(payload64)
    .encode();
const baselineTcp = (): Buffer =>
  encodeTcp(
    { src: SRC, dst: DST, ttl: 64, id: 1 },
    {
      srcPort: 40000,
      dstPort: 443,
      seq: 0x12345678,
      ack: 0,
      flags: ['syn'],
      window: 64240,
      options: [{ kind: 'mss', value: 1460 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }],
    },
    payload64,
  );

const rawcraftIcmp = (): Buffer => ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 }).icmp({ type: 'echo-request', id: 1, seq: 1 }).payload(payload56).encode();
const baselineIcmp = (): Buffer => encodeIcmpEcho({ src: SRC, dst: DST, ttl: 64, id: 1 }, { type: 'echo-request', id: 1, seq: 1 }, payload56);

// IPv6: the same shapes, documentation addresses (2001:db8::/32).
const SRC6 = '2001:db8::1';
const DST6 = '2001:db8::2';

const rawcraftUdp6 = (): Buffer => ipv6({ src: SRC6, dst: DST6, hopLimit: 64 }).udp({ srcPort: 1234, dstPort: 5678 }).payload(payload64).encode();
const baselineUdp6 = (): Buffer => encodeUdp6({ src: SRC6, dst: DST6, hopLimit: 64 }, { srcPort: 1234, dstPort: 5678 }, payload64);
const rawcraftTcp6 = (): Buffer =>
  ipv6({ src: SRC6, dst: DST6, hopLimit: 64 })
    .tcp({ srcPort: 40000, dstPort: 443, seq: 0x12345678, ack: 0, flags: ['syn'], window: 64240, options: [{ kind: 'mss', value: 1440 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }] })
    .payload(payload64)
    .encode();
const baselineTcp6 = (): Buffer =>
  encodeTcp6(
    { src: SRC6, dst: DST6, hopLimit: 64 },
    { srcPort: 40000, dstPort: 443, seq: 0x12345678, ack: 0, flags: ['syn'], window: 64240, options: [{ kind: 'mss', value: 1440 }, { kind: 'sack-permitted' }, { kind: 'timestamps', value: 1, echo: 0 }, { kind: 'nop' }, { kind: 'window-scale', shift: 7 }] },
    payload64,
  );
const rawcraftIcmp6 = (): Buffer => ipv6({ src: SRC6, dst: DST6, hopLimit: 64 }).icmpv6({ type: 'echo-request', id: 1, seq: 1 }).payload(payload56).encode();
const baselineIcmp6 = (): Buffer => encodeIcmpv6Echo({ src: SRC6, dst: DST6, hopLimit: 64 }, { type: 'echo-request', id: 1, seq: 1 }, payload56);
const rawcraftNs = (): Buffer =>
  ipv6({ src: SRC6, dst: 'ff02::1:ff00:2', hopLimit: 255 })
    .icmpv6({ type: 'neighbor-solicitation', target: DST6, options: [{ kind: 'source-link-layer-address', address: '02:00:00:00:00:01' }] })
    .encode();
const baselineNs = (): Buffer => encodeNeighborSolicitation({ src: SRC6, dst: 'ff02::1:ff00:2', hopLimit: 255 }, { target: DST6, mac: '02:00:00:00:00:01' });

// SCTP over IPv4 (one DATA chunk of 100 bytes; an INIT with its usual parameters) and an ICMP
// port unreachable quoting a whole IPv4/UDP datagram.
const data100 = Uint8Array.from({ length: 100 }, (_, i) => (i * 29 + 3) & 255);
const rawcraftSctpData = (): Buffer =>
  ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 })
    .sctp({ srcPort: 5000, dstPort: 5001, verificationTag: 0x1234, chunks: [{ type: 'data', flags: ['beginning', 'ending'], tsn: 1, streamId: 0, streamSeq: 0, ppid: 0, data: data100 }] })
    .encode();
const baselineSctpData = (): Buffer =>
  encodeSctpData({ src: SRC, dst: DST, ttl: 64, id: 1 }, { srcPort: 5000, dstPort: 5001, verificationTag: 0x1234 }, { flags: ['beginning', 'ending'], tsn: 1, streamId: 0, streamSeq: 0, ppid: 0, data: data100 });
const rawcraftSctpInit = (): Buffer =>
  ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 })
    .sctp({
      srcPort: 5000,
      dstPort: 5001,
      chunks: [
        {
          type: 'init',
          initiateTag: 0x11223344,
          arwnd: 106496,
          outboundStreams: 10,
          inboundStreams: 65535,
          initialTsn: 0x55667788,
          params: [{ type: 'ipv4-address', address: SRC }, { type: 'supported-address-types', addressTypes: ['ipv4-address'] }, { type: 'ecn-capable' }, { type: 'forward-tsn-supported' }],
        },
      ],
    })
    .encode();
const baselineSctpInit = (): Buffer =>
  encodeSctpInit({ src: SRC, dst: DST, ttl: 64, id: 1 }, { srcPort: 5000, dstPort: 5001, verificationTag: 0 }, { initiateTag: 0x11223344, arwnd: 106496, outboundStreams: 10, inboundStreams: 65535, initialTsn: 0x55667788, params: [{ type: 'ipv4-address', address: SRC }, { type: 'supported-address-types', addressTypes: ['ipv4-address'] }, { type: 'ecn-capable' }, { type: 'forward-tsn-supported' }] });
const payload32 = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 1) & 255);
const rawcraftUnreachable = (): Buffer =>
  ipv4({ src: DST, dst: SRC, ttl: 64, id: 2 })
    .icmp({ type: 'destination-unreachable', code: 'port-unreachable' })
    .ipv4({ src: SRC, dst: DST, ttl: 64, id: 1 })
    .udp({ srcPort: 1234, dstPort: 5678 })
    .payload(payload32)
    .encode();
const baselineUnreachable = (): Buffer => encodePortUnreachable({ src: DST, dst: SRC, ttl: 64, id: 2 }, { src: SRC, dst: DST, ttl: 64, id: 1 }, { srcPort: 1234, dstPort: 5678 }, payload32);

/** How one family of datagrams is checked: the baseline's decoder, and the comparison with rawcraft's layers. */
interface Family {
  readonly decode: (bytes: Uint8Array) => unknown;
  readonly compare: (where: string, ours: readonly Layer[], theirs: unknown) => void;
  /** Byte offsets of the checksums to flip (each must make some verdict invalid). */
  readonly checksums: (bytes: Buffer) => number[];
  /** Whether every checksum verdict of the baseline's result is valid. */
  readonly allValid: (theirs: unknown) => boolean;
  /** A byte of content (not framing) to flip; default the last. */
  readonly contentAt?: number;
}

interface Pair {
  readonly name: string;
  readonly rawcraft: () => Buffer;
  readonly baseline: () => Buffer;
  readonly family: Family;
}

const IPV4_FAMILY: Family = {
  decode: decodeIpv4,
  compare: (where, ours, theirs) => compareDecoded(where, ours, theirs as BaselinePacket),
  checksums: (b) => [11, 20 + (b[9] === 17 ? 6 : b[9] === 6 ? 16 : 2) + 1],
  allValid: (t) => (t as BaselinePacket).ip.checksumOk && (t as BaselinePacket).l4?.checksumOk !== false,
};
const IPV6_FAMILY: Family = {
  decode: decodeIpv6,
  compare: (where, ours, theirs) => compareDecoded6(where, ours, theirs as BaselinePacket6),
  checksums: (b) => [40 + (b[6] === 17 ? 6 : b[6] === 6 ? 16 : 2) + 1],
  allValid: (t) => (t as BaselinePacket6).l4?.checksumOk !== false,
};

const SCTP_FAMILY: Family = {
  decode: decodeSctp,
  compare: (where, ours, theirs) => compareSctp(where, ours, theirs as BaselineSctp),
  checksums: () => [11, 31],
  allValid: (t) => (t as BaselineSctp).ip.checksumOk && (t as BaselineSctp).checksumOk,
  // The DATA chunk's TSN, the INIT's initiate tag: the last byte may be a parameter's length.
  contentAt: 39,
};
const QUOTE_FAMILY: Family = {
  decode: decodePortUnreachable,
  compare: (where, ours, theirs) => compareQuote(where, ours, theirs as BaselineQuote),
  checksums: () => [11, 23, 39, 55],
  allValid: (t) => {
    const q = t as BaselineQuote;
    return q.outer.checksumOk && q.checksumOk && q.quoted.ip.checksumOk && q.quoted.l4?.checksumOk !== false;
  },
};

const pairs: readonly Pair[] = [
  { name: 'ipv4-udp', rawcraft: rawcraftUdp, baseline: baselineUdp, family: IPV4_FAMILY },
  { name: 'ipv4-tcp-options', rawcraft: rawcraftTcp, baseline: baselineTcp, family: IPV4_FAMILY },
  { name: 'ipv4-icmp-echo', rawcraft: rawcraftIcmp, baseline: baselineIcmp, family: IPV4_FAMILY },
  { name: 'ipv6-udp', rawcraft: rawcraftUdp6, baseline: baselineUdp6, family: IPV6_FAMILY },
  { name: 'ipv6-tcp-options', rawcraft: rawcraftTcp6, baseline: baselineTcp6, family: IPV6_FAMILY },
  { name: 'ipv6-icmpv6-echo', rawcraft: rawcraftIcmp6, baseline: baselineIcmp6, family: IPV6_FAMILY },
  { name: 'icmpv6-ns-lladdr', rawcraft: rawcraftNs, baseline: baselineNs, family: IPV6_FAMILY },
  { name: 'ipv4-sctp-data', rawcraft: rawcraftSctpData, baseline: baselineSctpData, family: SCTP_FAMILY },
  { name: 'ipv4-sctp-init', rawcraft: rawcraftSctpInit, baseline: baselineSctpInit, family: SCTP_FAMILY },
  { name: 'ipv4-icmp-unreach-udp', rawcraft: rawcraftUnreachable, baseline: baselineUnreachable, family: QUOTE_FAMILY },
];

// ---------------------------------------------------------------------------------------------
// Verification: same bytes, same decoded fields, same checksum verdicts

class Mismatch extends Error {}

function fail(what: string): never {
  throw new Mismatch(what);
}

/** JSON with object keys sorted, so key order (not semantic) never counts as a difference. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && !ArrayBuffer.isView(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );

function same(where: string, ours: unknown, theirs: unknown): void {
  const a = canonical(ours);
  const b = canonical(theirs);
  if (a !== b) fail(`${where}: rawcraft ${a}, baseline ${b}`);
}

const bitsOf = (names: readonly string[], table: Readonly<Record<string, number>>): number => names.reduce((n, name) => n | (table[name] ?? fail(`unknown flag ${name}`)), 0);
const IPV4_FLAG_BITS: Readonly<Record<string, number>> = { evil: 4, df: 2, mf: 1 };
const TCP_FLAG_BITS: Readonly<Record<string, number>> = { ae: 0x100, cwr: 0x80, ece: 0x40, urg: 0x20, ack: 0x10, psh: 8, rst: 4, syn: 2, fin: 1 };
const ECN: Readonly<Record<string, number>> = { 'not-ect': 0, ect1: 1, ect0: 2, ce: 3 };
const ICMP_TYPES: Readonly<Record<string, number>> = { 'echo-reply': 0, 'echo-request': 8 };
const num = (v: string | number, table: Readonly<Record<string, number>>): number => (typeof v === 'number' ? v : (table[v] ?? fail(`unknown name ${v}`)));

/** rawcraft's verdict in the baseline's terms: true, false, or null (unverifiable). */
function verdict(layer: Layer): boolean | null {
  const status = layer.checksum?.status ?? fail(`${layer.layer}: no checksum verdict`);
  return status === 'unverifiable' ? null : status === 'valid';
}

function compareDecoded(where: string, ours: readonly Layer[], theirs: BaselinePacket): void {
  const [ip, l4, data] = ours;
  if (ours.length !== 3 || ip.layer !== 'ipv4' || data.layer !== 'raw') fail(`${where}: rawcraft layers ${ours.map((l) => l.layer).join('/')}`);
  const f = ip.fields;
  const t = theirs.ip;
  same(`${where} ipv4`, [f.version, f.ihl, f.dscp, num(f.ecn, ECN), f.totalLength, f.id, bitsOf(f.flags, IPV4_FLAG_BITS), f.fragmentOffset, f.ttl, f.protocol, f.checksum, f.src, f.dst, f.options.length], [t.version, t.ihl, t.dscp, t.ecn, t.totalLength, t.id, t.flags, t.fragmentOffset, t.ttl, t.protocol, t.checksum, t.src, t.dst, 0]);
  same(`${where} ipv4 checksum verdict`, verdict(ip), t.checksumOk);
  const b = theirs.l4 ?? fail(`${where}: baseline decoded no transport layer`);
  if (l4.layer === 'udp' && b.proto === 'udp') {
    const u = l4.fields;
    same(`${where} udp`, [u.srcPort, u.dstPort, u.length, u.checksum], [b.srcPort, b.dstPort, b.length, b.checksum]);
  } else if (l4.layer === 'tcp' && b.proto === 'tcp') {
    const u = l4.fields;
    same(`${where} tcp`, [u.srcPort, u.dstPort, u.seq, u.ack, u.dataOffset, u.reserved, bitsOf(u.flags, TCP_FLAG_BITS), u.window, u.checksum, u.urgentPointer], [b.srcPort, b.dstPort, b.seq, b.ack, b.dataOffset, b.reserved, b.flags, b.window, b.checksum, b.urgentPointer]);
    same(`${where} tcp options`, u.options, b.options);
    if (u.padding !== undefined) fail(`${where}: rawcraft found non-zero TCP padding`);
  } else if (l4.layer === 'icmp' && b.proto === 'icmp') {
    const u = l4.fields;
    same(`${where} icmp`, [num(u.type, ICMP_TYPES), u.code, u.checksum, u.id, u.seq], [b.type, b.code, b.checksum, b.id, b.seq]);
  } else {
    fail(`${where}: rawcraft decoded ${l4.layer}, baseline ${b.proto}`);
  }
  same(`${where} ${l4.layer} checksum verdict`, verdict(l4), b.checksumOk);
  if (!Buffer.from(data.fields.data).equals(Buffer.from(theirs.payload))) fail(`${where}: payloads differ`);
}

const ICMPV6_NUMBERS: Readonly<Record<string, number>> = { 'echo-request': 128, 'echo-reply': 129, 'neighbor-solicitation': 135 };

function compareDecoded6(where: string, ours: readonly Layer[], theirs: BaselinePacket6): void {
  const [ip, l4, data] = ours;
  if (ip.layer !== 'ipv6' || l4 === undefined) fail(`${where}: rawcraft layers ${ours.map((l) => l.layer).join('/')}`);
  const f = ip.fields;
  const t = theirs.ip;
  same(`${where} ipv6`, [f.version, f.dscp, num(f.ecn, ECN), f.flowLabel, f.payloadLength, f.nextHeader, f.hopLimit, f.src, f.dst], [t.version, t.dscp, t.ecn, t.flowLabel, t.payloadLength, t.nextHeader, t.hopLimit, t.src, t.dst]);
  const b = theirs.l4 ?? fail(`${where}: baseline decoded no upper layer`);
  if (l4.layer === 'udp' && b.proto === 'udp') {
    const u = l4.fields;
    same(`${where} udp`, [u.srcPort, u.dstPort, u.length, u.checksum], [b.srcPort, b.dstPort, b.length, b.checksum]);
  } else if (l4.layer === 'tcp' && b.proto === 'tcp') {
    const u = l4.fields;
    same(`${where} tcp`, [u.srcPort, u.dstPort, u.seq, u.ack, u.dataOffset, u.reserved, bitsOf(u.flags, TCP_FLAG_BITS), u.window, u.checksum, u.urgentPointer], [b.srcPort, b.dstPort, b.seq, b.ack, b.dataOffset, b.reserved, b.flags, b.window, b.checksum, b.urgentPointer]);
    same(`${where} tcp options`, u.options, b.options);
  } else if (l4.layer === 'icmpv6' && b.proto === 'icmpv6') {
    const u = l4.fields;
    const mac = (u.options ?? []).find((o) => (o as { kind?: unknown }).kind === 'source-link-layer-address') as { address?: string } | undefined;
    same(`${where} icmpv6`, [num(u.type, ICMPV6_NUMBERS), u.code, u.checksum, u.id, u.seq, u.target, mac?.address], [b.type, b.code, b.checksum, b.id, b.seq, b.target, b.sourceMac]);
  } else {
    fail(`${where}: rawcraft decoded ${l4.layer}, baseline ${b.proto}`);
  }
  same(`${where} ${l4.layer} checksum verdict`, verdict(l4), b.checksumOk);
  const ourPayload = data === undefined ? new Uint8Array(0) : data.layer === 'raw' ? data.fields.data : fail(`${where}: rawcraft decoded ${data.layer} after ${l4.layer}`);
  if (!Buffer.from(ourPayload).equals(Buffer.from(theirs.payload))) fail(`${where}: payloads differ`);
}

const SCTP_DATA_FLAG_BITS: Readonly<Record<string, number>> = { immediate: 8, unordered: 4, beginning: 2, ending: 1 };

function compareSctp(where: string, ours: readonly Layer[], theirs: BaselineSctp): void {
  const [ip, sctp] = ours;
  if (ours.length !== 2 || ip.layer !== 'ipv4' || sctp.layer !== 'sctp') fail(`${where}: rawcraft layers ${ours.map((l) => l.layer).join('/')}`);
  const f = ip.fields;
  const t = theirs.ip;
  same(`${where} ipv4`, [f.totalLength, f.id, f.ttl, f.protocol, f.checksum, f.src, f.dst], [t.totalLength, t.id, t.ttl, t.protocol, t.checksum, t.src, t.dst]);
  same(`${where} ipv4 checksum verdict`, verdict(ip), t.checksumOk);
  const s = sctp.fields;
  same(`${where} sctp`, [s.srcPort, s.dstPort, s.verificationTag, s.checksum], [theirs.srcPort, theirs.dstPort, theirs.verificationTag, theirs.checksum]);
  same(`${where} sctp checksum verdict`, verdict(sctp), theirs.checksumOk);
  // rawcraft's chunks in the baseline's terms: DATA flags as bits, bytes as hex.
  const chunks = s.chunks.map((c) => {
    const chunk = c as Record<string, unknown>;
    return chunk.type === 'data' ? { ...chunk, flags: bitsOf(chunk.flags as string[], SCTP_DATA_FLAG_BITS) } : chunk;
  });
  same(`${where} sctp chunks`, chunks, theirs.chunks);
}

const ICMP_ERROR_TYPES: Readonly<Record<string, number>> = { 'destination-unreachable': 3 };
const UNREACHABLE_CODES: Readonly<Record<string, number>> = { 'port-unreachable': 3 };

function compareQuote(where: string, ours: readonly Layer[], theirs: BaselineQuote): void {
  const [ip, icmp] = ours;
  if (ours.length !== 5 || ip.layer !== 'ipv4' || icmp.layer !== 'icmp') fail(`${where}: rawcraft layers ${ours.map((l) => l.layer).join('/')}`);
  const f = ip.fields;
  const t = theirs.outer;
  same(`${where} outer ipv4`, [f.totalLength, f.id, f.ttl, f.protocol, f.checksum, f.src, f.dst], [t.totalLength, t.id, t.ttl, t.protocol, t.checksum, t.src, t.dst]);
  same(`${where} outer ipv4 checksum verdict`, verdict(ip), t.checksumOk);
  const m = icmp.fields;
  const word = (m.unused ?? 0) * 2 ** 24 + (m.length ?? 0) * 2 ** 16 + (m.nextHopMtu ?? 0);
  same(`${where} icmp`, [num(m.type, ICMP_ERROR_TYPES), num(m.code, UNREACHABLE_CODES), m.checksum, word], [theirs.type, theirs.code, theirs.checksum, theirs.unused]);
  same(`${where} icmp checksum verdict`, verdict(icmp), theirs.checksumOk);
  compareDecoded(`${where} quoted`, ours.slice(2), theirs.quoted);
}

function verify(pair: Pair): Buffer {
  const ours = pair.rawcraft();
  const theirs = pair.baseline();
  if (!ours.equals(theirs)) {
    fail(`${pair.name}: encoded bytes differ\n  rawcraft ${ours.toString('hex')}\n  baseline ${theirs.toString('hex')}`);
  }
  // The intact datagram, then copies with one bit flipped in each checksum and in a content byte:
  // both decoders must give the same verdicts (and at least one 'invalid' for each copy).
  const variants: [string, number | undefined, boolean][] = [
    ['intact', undefined, true],
    ...pair.family.checksums(ours).map((at): [string, number, boolean] => [`checksum byte ${at} flipped`, at, false]),
    ['content byte flipped', pair.family.contentAt ?? ours.length - 1, false],
  ];
  for (const [label, at, valid] of variants) {
    const bytes = Buffer.from(ours);
    if (at !== undefined) bytes[at] ^= 0x01;
    const where = `${pair.name} (${label})`;
    const r = decode(bytes);
    if (r.issues.length) fail(`${where}: rawcraft issues ${r.issues.map((e) => e.message).join('; ')}`);
    const b = pair.family.decode(bytes);
    pair.family.compare(where, r.layers, b);
    if (pair.family.allValid(b) !== valid) fail(`${where}: expected ${valid ? 'all checksums valid' : 'an invalid checksum'}`);
  }
  return ours;
}

// ---------------------------------------------------------------------------------------------
// Timing

interface Case {
  readonly name: string;
  readonly rawcraft: Op;
  readonly baseline: Op;
  /** The ratio issue 11 asks for: 0.5 for encoding and decoding, 1.0 for templates, 0.9 for the checksum. */
  readonly target: number;
}

/** The Internet checksum of 1500 bytes as a plain loop would compute it: word by word, folded at the end. */
function plainChecksum(buf: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += (buf[i] << 8) | buf[i + 1];
  if (buf.length & 1) sum += buf[buf.length - 1] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A case whose op is packet k's bytes for k = 0, 1, 2...: a counter per side, so both see the same values. */
function counted(run: (k: number) => Buffer): Op {
  let k = 0;
  return () => run(k++);
}

/** A decode case over several of the pairs' datagrams in turn (same family: the same baseline decoder). */
function mixedDecode(name: string, pairNames: readonly string[], encoded: readonly Buffer[]): Case[] {
  const picked = pairNames.map((n) => pairs.findIndex((p) => p.name === n));
  const stream = picked.map((i) => encoded[i]);
  const theirs = pairs[picked[0]].family.decode;
  let k = 0;
  let j = 0;
  return [
    {
      name: `decode ${name}`,
      rawcraft: () => decode(stream[k++ % stream.length]),
      baseline: () => theirs(stream[j++ % stream.length]),
      target: 0.5,
    },
  ];
}

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  if (!arg) return fallback;
  const n = Number(arg.slice(name.length + 3));
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`--${name}: expected a positive number, got ${arg}`);
  return n;
}

function main(): void {
  const json = process.argv.includes('--json');
  const filter = process.argv.find((a) => a.startsWith('--filter='))?.slice('--filter='.length);
  const options: BenchOptions = { warmupMs: option('warmup-ms', 400), roundMs: option('round-ms', 150), rounds: option('rounds', 16) };
  const log = json ? (s: string) => process.stderr.write(s + '\n') : (s: string) => process.stdout.write(s + '\n');

  let encoded: Buffer[];
  try {
    encoded = pairs.map(verify);
  } catch (error) {
    if (!(error instanceof Mismatch)) throw error;
    process.stderr.write(`\nBENCH ABORTED: rawcraft and the baseline disagree, so timings would be meaningless.\n${error.message}\n\n`);
    process.exit(1);
  }
  log(`verified: identical bytes and decode results for ${pairs.map((p) => p.name).join(', ')}`);

  const templates = templateCases();
  const templateMismatch = verifyTemplates(templates);
  const mtu = Uint8Array.from({ length: 1500 }, (_, i) => (i * 131 + 17) & 255);
  if (templateMismatch !== undefined || internetChecksum(mtu) !== plainChecksum(mtu)) {
    process.stderr.write(`\nBENCH ABORTED: rawcraft and the baseline disagree, so timings would be meaningless.\n${templateMismatch ?? 'internet checksum of 1500 bytes'}\n\n`);
    process.exit(1);
  }
  log(`verified: identical template bytes for ${templates.map((t) => t.name).join(', ')}; the same Internet checksum`);

  const cases: Case[] = [
    ...pairs.map((p) => ({ name: `encode ${p.name}`, rawcraft: p.rawcraft, baseline: p.baseline, target: 0.5 })),
    ...pairs.map((p, i) => {
      const bytes = encoded[i];
      const theirs = p.family.decode;
      return { name: `decode ${p.name}`, rawcraft: () => decode(bytes), baseline: () => theirs(bytes), target: 0.5 };
    }),
    // A mixed stream: echo requests and neighbour solicitations in turn. Decoding must not slow
    // down with the mix of stacks (each stack's fast decoder turns the other's packets away cheaply).
    ...mixedDecode('ipv6-mixed-echo-ns', ['ipv6-icmpv6-echo', 'icmpv6-ns-lladdr'], encoded),
    // PatchableTemplate.patch against the hand-written full encode of the same values.
    ...templates.map((t) => ({ name: `template ${t.name}`, rawcraft: counted(t.rawcraft), baseline: counted(t.baseline), target: 1 })),
    { name: 'internet checksum 1500 B', rawcraft: () => internetChecksum(mtu), baseline: () => plainChecksum(mtu), target: 0.9 },
  ].filter((c) => filter === undefined || c.name.includes(filter));

  log(`timing: ${options.warmupMs} ms warm-up, ${options.rounds} interleaved rounds of ${options.roundMs} ms each, median reported; ratio = median of per-round rawcraft/baseline (node ${process.version})`);
  const header = ['case', 'rawcraft ops/s', 'baseline ops/s', 'ratio'];
  const widths = [30, 16, 16, 8];
  const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  if (!json) {
    log(row(header));
    log(row(widths.map((w) => '-'.repeat(w))));
  }
  const contended: string[] = [];
  for (const c of cases) {
    const [ours, theirs] = compare([c.rawcraft, c.baseline], options);
    // Each round of one ran right next to the same round of the other, so their quotient sees the
    // same machine load; the median of those quotients is steadier than a quotient of medians.
    const ratio = median(ours.rounds.map((r, k) => r / theirs.rounds[k]));
    const share = Math.min(ours.cpuShare, theirs.cpuShare);
    if (share < 0.8) contended.push(`${c.name} (${Math.round(share * 100)}% CPU)`);
    if (json) {
      process.stdout.write(JSON.stringify({ case: c.name, opsPerSec: Math.round(ours.opsPerSec), baselineOpsPerSec: Math.round(theirs.opsPerSec), ratio: Number(ratio.toFixed(3)), target: c.target }) + '\n');
    } else {
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
      log(row([c.name, fmt(ours.opsPerSec), fmt(theirs.opsPerSec), `${ratio.toFixed(2)}x`]) + (ratio < c.target ? `  < ${c.target}x target` : ''));
    }
  }
  if (contended.length) {
    process.stderr.write(`warning: other processes took the CPU during ${contended.join(', ')}; absolute ops/s are understated (ratios less so, since rounds interleave)\n`);
  }
  log(`(sink: ${sink()} results held)`);
  // SCTP's CRC32c against a JavaScript slice-by-8 table, in the same run (issue 4).
  if (!process.argv.some((a) => a.startsWith('--filter=')) || process.argv.includes('--filter=crc32c')) {
    log('');
    runCrc32c({ json });
  }
  // Traffic files at a million packets per second, flat memory (npm run bench:traffic: 10 M packets).
  if (!process.argv.some((a) => a.startsWith('--filter=')) || process.argv.includes('--filter=traffic')) {
    log('');
    runTraffic({ packets: option('traffic-packets', 2_000_000), json });
  }
}

main();
// Sending against a C sendmmsg loop and request() round trips (bench/transport.ts; needs root and cc, skipped with a note otherwise).
if (!process.argv.some((a) => a.startsWith('--filter=')) || process.argv.includes('--filter=transport')) await runTransport(['--versus-c-only', ...process.argv.filter((a) => a === '--json')]);
