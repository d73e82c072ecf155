/**
 * CRC32c (SCTP's checksum) against a plain slice-by-8 table implementation, the usual fast
 * CRC in JavaScript. Throughput in GB/s (10^9 bytes per second) on 1,500-byte buffers (an
 * Ethernet-sized SCTP packet) and on 64 KiB, at a misaligned offset too, plus the whole SCTP
 * checksum of a 1,500-byte packet as rawcraft computes it when encoding.
 *
 *   import { run } from './crc32c.js'; run();          // prints a table (bench/run.ts wires it in)
 *   node dist/bench/crc32c.js [--json] [--rounds=N] [--round-ms=N] [--warmup-ms=N]
 *
 * Before timing, both implementations must agree with the RFC 3720 vectors and with each other.
 */
import { crc32c, sctpChecksum } from '../src/codec/crc32c.js';
import { compare, sink, type BenchOptions } from './harness.js';

// ---------------------------------------------------------------------------------------------
// The baseline: textbook slice-by-8 (eight 256-entry tables, one 8-byte step per iteration,
// bytes read one at a time), as found in most JavaScript CRC32c packages.

const POLY = 0x82f63b78;
const T = new Int32Array(8 * 256);
for (let i = 0; i < 256; i++) {
  let c = i;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[i] = c;
}
for (let i = 0; i < 256; i++) for (let s = 1; s < 8; s++) T[s * 256 + i] = (T[(s - 1) * 256 + i] >>> 8) ^ T[T[(s - 1) * 256 + i] & 255];

export function sliceBy8(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = -1;
  let i = start;
  const end8 = end - ((end - start) & 7);
  for (; i < end8; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      T[1792 + (a & 255)] ^
      T[1536 + ((a >>> 8) & 255)] ^
      T[1280 + ((a >>> 16) & 255)] ^
      T[1024 + (a >>> 24)] ^
      T[768 + buf[i + 4]] ^
      T[512 + buf[i + 5]] ^
      T[256 + buf[i + 6]] ^
      T[buf[i + 7]];
  }
  for (; i < end; i++) crc = T[(crc ^ buf[i]) & 255] ^ (crc >>> 8);
  return ~crc >>> 0;
}

// ---------------------------------------------------------------------------------------------

const RFC3720: [string, Uint8Array, number][] = [
  ['32 zero bytes', new Uint8Array(32), 0x8a9136aa],
  ['32 bytes 0xff', new Uint8Array(32).fill(0xff), 0x62a8ab43],
  ['32 incrementing bytes', Uint8Array.from({ length: 32 }, (_, i) => i), 0x46dd794e],
];

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function verify(buffers: readonly { name: string; buf: Uint8Array }[]): void {
  for (const [name, buf, want] of RFC3720) {
    if (crc32c(buf) !== want || sliceBy8(buf) !== want) throw new Error(`crc32c bench: ${name}: rawcraft ${crc32c(buf).toString(16)}, baseline ${sliceBy8(buf).toString(16)}, RFC 3720 ${want.toString(16)}`);
  }
  for (const { name, buf } of buffers) {
    if (crc32c(buf) !== sliceBy8(buf)) throw new Error(`crc32c bench: ${name}: rawcraft and baseline disagree`);
  }
}

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}

export interface CrcBenchRow {
  readonly case: string;
  readonly bytes: number;
  readonly gbPerSec: number;
  readonly baselineGbPerSec: number;
  readonly ratio: number;
}

/** Time the cases and print one table row each (or JSON lines with `json`); returns the rows. */
export function run(options?: Partial<BenchOptions> & { json?: boolean }): CrcBenchRow[] {
  const opts: BenchOptions = {
    warmupMs: options?.warmupMs ?? option('warmup-ms', 400),
    roundMs: options?.roundMs ?? option('round-ms', 500),
    rounds: options?.rounds ?? option('rounds', 5),
  };
  const json = options?.json ?? process.argv.includes('--json');
  // A buffer 1 byte into its ArrayBuffer: misaligned for 32-bit reads.
  const misaligned = new Uint8Array(1501);
  misaligned.set(bytes(1500, 7), 1);
  const buffers = [
    { name: 'crc32c 1500 B', buf: bytes(1500, 1) },
    { name: 'crc32c 1500 B misaligned', buf: misaligned.subarray(1) },
    { name: 'crc32c 64 KiB', buf: bytes(65536, 3) },
  ];
  verify(buffers);
  const rows: CrcBenchRow[] = [];
  const cases = buffers.map(({ name, buf }) => ({ name, n: buf.length, ours: () => crc32c(buf), theirs: () => sliceBy8(buf) }));
  // The SCTP checksum as encoding computes it: the packet with its checksum field taken as zero.
  const packet = bytes(1500, 5);
  const zeroed = Uint8Array.from(packet);
  zeroed.fill(0, 8, 12);
  cases.push({ name: 'sctp checksum 1500 B', n: 1500, ours: () => sctpChecksum(packet, 0, packet.length), theirs: () => sliceBy8(zeroed) });
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(26) : c.padStart(16))).join('  ');
  if (!json) {
    console.log(line(['case', 'rawcraft GB/s', 'slice-by-8 GB/s', 'ratio']));
    console.log(line(['-'.repeat(26), '-'.repeat(16), '-'.repeat(16), '-'.repeat(16)]));
  }
  for (const c of cases) {
    const [ours, theirs] = compare([c.ours, c.theirs], opts);
    const row: CrcBenchRow = {
      case: c.name,
      bytes: c.n,
      gbPerSec: (ours.opsPerSec * c.n) / 1e9,
      baselineGbPerSec: (theirs.opsPerSec * c.n) / 1e9,
      ratio: ours.opsPerSec / theirs.opsPerSec,
    };
    rows.push(row);
    if (json) process.stdout.write(JSON.stringify({ ...row, gbPerSec: Number(row.gbPerSec.toFixed(3)), baselineGbPerSec: Number(row.baselineGbPerSec.toFixed(3)), ratio: Number(row.ratio.toFixed(3)) }) + '\n');
    else console.log(line([c.name, row.gbPerSec.toFixed(2), row.baselineGbPerSec.toFixed(2), `${row.ratio.toFixed(2)}x`]) + (row.ratio < 1 ? '  < 1x: slower than slice-by-8' : ''));
  }
  if (!json) console.log(`(sink ${sink()})`);
  return rows;
}

// Run directly: node dist/bench/crc32c.js
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) run();
