/**
 * Running the built CLI (`node dist/src/cli/main.js`, what `npx rawcraft` runs) from tests:
 * dist is rebuilt first when a source file is newer than it (`npm test` builds it anyway).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './helpers.js';

export const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

function newestSource(path: string): number {
  let newest = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** `tsc` when dist is missing or older than src; one build at a time (a lock directory). */
export async function ensureBuilt(): Promise<void> {
  const fresh = () => {
    try {
      return statSync(CLI).mtimeMs >= newestSource(join(ROOT, 'src'));
    } catch {
      return false;
    }
  };
  if (fresh()) return;
  const lock = join(tmpdir(), 'rawcraft-build.lock');
  for (const deadline = Date.now() + 180_000; ; ) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`waited 180 s for ${lock}; remove it if no build is running`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(ROOT, 'tsconfig.json')], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 });
    if (!fresh()) throw new Error(`the build did not produce ${CLI}: ${r.stdout}${r.stderr}`);
  } finally {
    rmdirSync(lock);
  }
}

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI with `args` (in `cwd`, default the repository) and wait for it. */
export function cli(args: readonly string[], options: { cwd?: string; input?: string; timeout?: number } = {}): CliRun {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: options.cwd ?? ROOT, timeout: options.timeout ?? 30_000, ...(options.input !== undefined && { input: options.input }) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** tcpdump on `iface` writing `file` until `count` packets matched `filter`; resolves once it listens. */
export async function tcpdump(iface: string, file: string, filter: string, count = 1): Promise<{ done: Promise<number | null>; stop: () => void }> {
  const child = spawn('tcpdump', ['-i', iface, '-U', '-c', String(count), '-w', file, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`tcpdump did not start: ${err}`)), 10_000);
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      if (/listening on/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('close', () => {
      clearTimeout(timer);
      reject(new Error(`tcpdump exited: ${err}`));
    });
  });
  return { done, stop: () => child.kill('SIGTERM') };
}
