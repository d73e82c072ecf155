/**
 * A small timing harness: warm-up, then several rounds of fixed duration timed with
 * process.hrtime.bigint(); the result is the median round's ops/sec.
 *
 * Each operation returns its result (the encoded Buffer, the decoded object) and the loop stores
 * it into a module-level sink array. A stored object escapes, so V8 must build it completely: an
 * inlined operation cannot have its unused fields, strings or checksums optimised away, which a
 * `result.length`-style sink would allow. Every benchmark gets its own loop function compiled
 * from source, so the call site of `op` stays monomorphic and one case's feedback does not
 * pessimise another's.
 */

export type Op = () => unknown;

export interface BenchOptions {
  /** Warm-up time per operation before any timed round, in ms. */
  readonly warmupMs: number;
  /** Duration of one timed round, in ms. */
  readonly roundMs: number;
  /** Number of timed rounds (the median is reported). */
  readonly rounds: number;
}

export interface BenchResult {
  /** Median of the rounds' ops/sec. */
  readonly opsPerSec: number;
  /** Every round's ops/sec, in the order run. */
  readonly rounds: readonly number[];
  /**
   * Median over the rounds of process CPU time / wall time. Well below 1 means other processes
   * took the CPU away during the rounds, so the wall-clock figures understate the speed.
   */
  readonly cpuShare: number;
}

type Loop = (op: Op, n: number, out: unknown[]) => void;

const SINK_SIZE = 16;
const sinkSlots: unknown[] = new Array<unknown>(SINK_SIZE).fill(undefined);

/** How many sink slots hold a result (print it: the sink is observable, so the work is not dead). */
export function sink(): number {
  return sinkSlots.filter((v) => v !== undefined).length;
}

let loops = 0;

function freshLoop(): Loop {
  // The numbered comment makes every source text unique: V8 caches `new Function` by source, and
  // a cache hit would share one feedback vector (and so one call-site history) between loops.
  return new Function('op', 'n', 'out', `// bench loop ${++loops}\nfor (let i = 0; i < n; i++) out[i & ${SINK_SIZE - 1}] = op();`) as Loop;
}

/** An operation bound to its own loop, with a batch size that keeps clock reads off the profile. */
class Runner {
  private readonly loop: Loop = freshLoop();
  private batch = 1;

  constructor(private readonly op: Op) {}

  /** Run for about `ms`; return [ops, elapsed wall ns, process CPU µs]. */
  run(ms: number): [number, bigint, number] {
    const budget = BigInt(Math.round(ms * 1e6));
    const cpu0 = process.cpuUsage();
    const start = process.hrtime.bigint();
    let ops = 0;
    let now = start;
    while (now - start < budget) {
      this.loop(this.op, this.batch, sinkSlots);
      ops += this.batch;
      now = process.hrtime.bigint();
    }
    const cpu = process.cpuUsage(cpu0);
    return [ops, now - start, cpu.user + cpu.system];
  }

  /** Warm up, growing the batch until one batch takes about 2 ms. */
  warm(ms: number): void {
    const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
    while (process.hrtime.bigint() < deadline) {
      const t0 = process.hrtime.bigint();
      this.loop(this.op, this.batch, sinkSlots);
      const took = Number(process.hrtime.bigint() - t0);
      if (took < 2e6 && this.batch < 1 << 20) this.batch *= 2;
    }
  }
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Benchmark one operation. */
export function bench(op: Op, options: BenchOptions): BenchResult {
  return compare([op], options)[0];
}

/**
 * Benchmark several operations with their rounds interleaved (A B, B A, A B...), so drift in
 * clock speed or background load is shared rather than landing on one of them.
 */
export function compare(ops: readonly Op[], options: BenchOptions): BenchResult[] {
  const runners = ops.map((op) => new Runner(op));
  for (const r of runners) r.warm(options.warmupMs);
  const rounds: number[][] = runners.map(() => []);
  const shares: number[][] = runners.map(() => []);
  for (let k = 0; k < options.rounds; k++) {
    const order = runners.map((_, i) => i);
    if (k % 2) order.reverse();
    for (const i of order) {
      const [n, ns, cpuMicros] = runners[i].run(options.roundMs);
      rounds[i].push((n * 1e9) / Number(ns));
      shares[i].push((cpuMicros * 1e3) / Number(ns));
    }
  }
  return rounds.map((r, i) => ({ opsPerSec: median(r), rounds: r, cpuShare: median(shares[i]) }));
}
