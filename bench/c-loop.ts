/**
 * The C baseline of the transport benchmark: bench/c/sendmmsg-loop.c, compiled on the spot
 * with `cc -O2` into a temporary folder, then run as a child process (inside a network
 * namespace when asked). Without a compiler the baseline is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The source, found from dist/bench (compiled) or bench (tsx) alike. */
const SOURCE = [new URL('../../bench/c/sendmmsg-loop.c', import.meta.url), new URL('./c/sendmmsg-loop.c', import.meta.url)].map((u) => fileURLToPath(u));

export interface CLoop {
  /** Path of the compiled program. */
  readonly program: string;
  /** Remove the temporary folder. */
  remove(): void;
}

/** Compile the loop; a string (the reason) when there is no compiler or the build fails. */
export function compileCLoop(): CLoop | string {
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-bench-c-'));
  const program = join(dir, 'sendmmsg-loop');
  for (const source of SOURCE) {
    const r = spawnSync('cc', ['-O2', '-o', program, source], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) {
      rmSync(dir, { recursive: true, force: true });
      return `no C compiler (cc: ${r.error.message})`;
    }
    if (r.status === 0) return { program, remove: () => rmSync(dir, { recursive: true, force: true }) };
    if (!/No such file/.test(r.stderr)) {
      rmSync(dir, { recursive: true, force: true });
      return `cc failed: ${r.stderr.trim().split('\n')[0]}`;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return 'bench/c/sendmmsg-loop.c not found';
}

/** What one run of the C loop reports. */
export interface CLoopRun {
  readonly packetsPerSec: number;
  /** ENOBUFS/EAGAIN retries. */
  readonly retries: number;
}

/**
 * Send `bytes` `count` times in batches of `batch`: `raw` to an IPv4 address through IPPROTO_RAW,
 * or `packet` on an interface through AF_PACKET. `prefix` runs it inside a namespace
 * (['ip', 'netns', 'exec', NS]). Throws with the program's message when it fails.
 */
export function runCLoop(loop: CLoop, mode: 'raw' | 'packet', target: string, bytes: Uint8Array, count: number, batch = 64, prefix: readonly string[] = []): CLoopRun {
  const argv = [...prefix, loop.program, mode, target, String(count), String(batch), Buffer.from(bytes).toString('hex')];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`C loop: ${r.error?.message ?? r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { sent: number; ns: number; errors: number };
  return { packetsPerSec: (out.sent * 1e9) / out.ns, retries: out.errors };
}
