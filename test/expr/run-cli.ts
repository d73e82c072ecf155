/** Spawn the built binary (`npm run build` first; `npm test` does it). */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli/main.js');

export interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], options: { input?: string; onSpawn?: (child: ChildProcess) => void; timeout?: number } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeout ?? 60_000 });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') }));
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
    options.onSpawn?.(child);
  });
}

/** A usage or input error: exit 2 and exactly one line on stderr, `rawcraft: ...`. */
export function expectOneLineError(r: Result, pattern: RegExp): void {
  if (r.code !== 2) throw new Error(`expected exit 2, got ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trimEnd().split('\n');
  if (lines.length !== 1 || !lines[0].startsWith('rawcraft: ')) throw new Error(`expected one 'rawcraft: ' line, got ${JSON.stringify(r.stderr)}`);
  if (!pattern.test(lines[0])) throw new Error(`${JSON.stringify(lines[0])} does not match ${pattern}`);
}
