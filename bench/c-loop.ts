/**
 * The C baselines of the transport benchmark: bench/c/sendmmsg-loop.c (and, for the link
 * transport's libpcap path, bench/c/pcap-inject-loop.c with -lpcap), compiled on the spot with
 * `cc -O2` into a temporary folder, then run as a child process (inside a network namespace
 * when asked). Without a compiler (or libpcap's header) the baseline is skipped with a note.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A source of bench/c, found from dist/bench (compiled) or bench (tsx) alike. */
const source = (name: string): string[] => [new URL(`../../bench/c/${name}.c`, import.meta.url), new URL(`./c/${name}.c`, import.meta.url)].map((u) => fileURLToPath(u));

export interface CLoop {
  /** Path of the compiled program. */
  readonly program: string;
  /** Remove the temporary folder. */
  remove(): void;
}

/**
 * Compile bench/c/NAME.c (default the sendmmsg loop; `libs` e.g. ['-lpcap']); a string (the
 * reason) when there is no compiler or the build fails (a missing header, say).
 */
export function compileCLoop(name = 'sendmmsg-loop', libs: readonly string[] = []): CLoop | string {
  const dir = mkdtempSync(join(tmpdir(), 'rawcraft-bench-c-'));
  const program = join(dir, name);
  for (const file of source(name)) {
    const r = spawnSync('cc', ['-O2', '-o', program, file, ...libs], { encoding: 'utf8', timeout: 60_000 });
    if (r.error) {
      rmSync(dir, { recursive: true, force: true });
      return `no C compiler (cc: ${r.error.message})`;
    }
    if (r.status === 0) return { program, remove: () => rmSync(dir, { recursive: true, force: true }) };
    if (!/No such file/.test(r.stderr) || /\.h: No such file/.test(r.stderr)) {
      rmSync(dir, { recursive: true, force: true });
      return `cc ${name}.c failed: ${r.stderr.trim().split('\n')[0]}`;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  return `bench/c/${name}.c not found`;
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

/** Send `frame` `count` times with pcap_inject on `iface` (bench/c/pcap-inject-loop.c); `prefix` as for runCLoop. */
export function runPcapLoop(loop: CLoop, iface: string, frame: Uint8Array, count: number, prefix: readonly string[] = []): CLoopRun {
  const argv = [...prefix, loop.program, iface, String(count), Buffer.from(frame).toString('hex')];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`C pcap loop: ${r.error?.message ?? r.stderr.trim()}`);
  const out = JSON.parse(r.stdout) as { sent: number; ns: number; errors: number };
  return { packetsPerSec: (out.sent * 1e9) / out.ns, retries: out.errors };
}
