/**
 * rawcraft against the hand-written baseline (bench/baseline.ts) on the same datagrams.
 *
 *   npm run bench                 table
 *   npm run bench -- --json       one JSON object per line: { case, opsPerSec, baselineOpsPerSec, ratio }
 *
 * opsPerSec and baselineOpsPerSec are medians over the rounds; ratio is the median of the
 * per-round quotients (rawcraft round k / baseline round k, run back to back), which shrugs off
 * load from other processes better than the quotient of the two medians.
 *   options: --filter=<text> (cases whose name contains it), --rounds=N, --round-ms=N, --warmup-ms=N
 *
 * Before timing anything it checks that both encoders produce identical bytes and both decoders
 * agree on the fields and checksum verdicts (also for deliberately corrupted copies); it exits
 * with status 1 if they do not, since a benchmark of two programs doing different work is void.
 */
import { decode, ipv4, type Layer } from '../src/index.js';
import { decodeIpv4, encodeIcmpEcho, encodeTcp, encodeUdp, type BaselinePacket } from './baseline.js';
import { compare, median, sink, type BenchOptions, type Op } from './harness.js';
import { run as runCrc32c } from './crc32c.js';
import { main as runTransport } from './transport.js';

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

interface Pair {
  readonly name: string;
  readonly rawcraft: () => Buffer;
  readonly baseline: () => Buffer;
}

const pairs: readonly Pair[] = [
  { name: 'ipv4-udp', rawcraft: rawcraftUdp, baseline: baselineUdp },
  { name: 'ipv4-tcp-options', rawcraft: rawcraftTcp, baseline: baselineTcp },
  { name: 'ipv4-icmp-echo', rawcraft: rawcraftIcmp, baseline: baselineIcmp },
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

function verify(pair: Pair): Buffer {
  const ours = pair.rawcraft();
  const theirs = pair.baseline();
  if (!ours.equals(theirs)) {
    fail(`${pair.name}: encoded bytes differ\n  rawcraft ${ours.toString('hex')}\n  baseline ${theirs.toString('hex')}`);
  }
  // The intact datagram, then copies with one bit flipped in each checksum and in the payload:
  // both decoders must give the same verdicts (and at least one 'invalid' for each copy).
  const l4 = 20;
  const checksumAt = ours[9] === 17 ? l4 + 6 : ours[9] === 6 ? l4 + 16 : l4 + 2;
  const variants: [string, number | undefined, boolean][] = [
    ['intact', undefined, true],
    ['ipv4 checksum flipped', 11, false],
    ['transport checksum flipped', checksumAt + 1, false],
    ['payload byte flipped', ours.length - 1, false],
  ];
  for (const [label, at, valid] of variants) {
    const bytes = Buffer.from(ours);
    if (at !== undefined) bytes[at] ^= 0x01;
    const where = `${pair.name} (${label})`;
    const r = decode(bytes);
    if (r.issues.length) fail(`${where}: rawcraft issues ${r.issues.map((e) => e.message).join('; ')}`);
    const b = decodeIpv4(bytes);
    compareDecoded(where, r.layers, b);
    const allValid = b.ip.checksumOk && b.l4?.checksumOk !== false;
    if (allValid !== valid) fail(`${where}: expected ${valid ? 'all checksums valid' : 'an invalid checksum'}`);
  }
  return ours;
}

// ---------------------------------------------------------------------------------------------
// Timing

interface Case {
  readonly name: string;
  readonly rawcraft: Op;
  readonly baseline: Op;
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

  const [udpBytes, tcpBytes, icmpBytes] = encoded;
  const cases: Case[] = [
    { name: 'encode ipv4-udp', rawcraft: rawcraftUdp, baseline: baselineUdp },
    { name: 'encode ipv4-tcp-options', rawcraft: rawcraftTcp, baseline: baselineTcp },
    { name: 'encode ipv4-icmp-echo', rawcraft: rawcraftIcmp, baseline: baselineIcmp },
    { name: 'decode ipv4-udp', rawcraft: () => decode(udpBytes), baseline: () => decodeIpv4(udpBytes) },
    { name: 'decode ipv4-tcp-options', rawcraft: () => decode(tcpBytes), baseline: () => decodeIpv4(tcpBytes) },
    { name: 'decode ipv4-icmp-echo', rawcraft: () => decode(icmpBytes), baseline: () => decodeIpv4(icmpBytes) },
  ].filter((c) => filter === undefined || c.name.includes(filter));

  log(`timing: ${options.warmupMs} ms warm-up, ${options.rounds} interleaved rounds of ${options.roundMs} ms each, median reported; ratio = median of per-round rawcraft/baseline (node ${process.version})`);
  const header = ['case', 'rawcraft ops/s', 'baseline ops/s', 'ratio'];
  const widths = [26, 16, 16, 8];
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
      process.stdout.write(JSON.stringify({ case: c.name, opsPerSec: Math.round(ours.opsPerSec), baselineOpsPerSec: Math.round(theirs.opsPerSec), ratio: Number(ratio.toFixed(3)) }) + '\n');
    } else {
      const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
      log(row([c.name, fmt(ours.opsPerSec), fmt(theirs.opsPerSec), `${ratio.toFixed(2)}x`]) + (ratio < 0.5 ? '  < 0.5x target' : ''));
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
}

main();
// Sending against a C sendmmsg loop and request() round trips (bench/transport.ts; needs root and cc, skipped with a note otherwise).
if (!process.argv.some((a) => a.startsWith('--filter=')) || process.argv.includes('--filter=transport')) await runTransport(['--versus-c-only', ...process.argv.filter((a) => a === '--json')]);
