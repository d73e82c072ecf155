/**
 * Running the Windows-side program (test/windows/remote/suite.ts, transpiled by
 * scripts/windows-build.mjs) with Windows node.exe under Wine, as root or as nobody.
 * scripts/test-windows.sh prepares everything and passes the paths in RAWCRAFT_WINE_*.
 * node.exe's stdout and stderr go to files: under Wine it dies with EBADF on a pipe.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const IN_CI = process.env.CI === 'true';

const env = process.env;
const NODE = env.RAWCRAFT_WINE_NODE ?? '';
const PREFIX = env.RAWCRAFT_WINE_PREFIX ?? '';
const BUILD = env.RAWCRAFT_WINE_BUILD ?? '';
const NOBODY = env.RAWCRAFT_WINE_NOBODY ?? '';

/** Why the suite cannot run, or undefined when it can. */
export function missingSetup(): string | undefined {
  if (!NODE || !PREFIX || !BUILD || !NOBODY) return 'run it with `npm run test:windows` (scripts/test-windows.sh sets up Wine and passes RAWCRAFT_WINE_*)';
  if (spawnSync('wine', ['--version']).status !== 0) return 'wine is not installed';
  for (const p of [NODE, join(PREFIX, '.rawcraft-win10'), join(BUILD, 'test/windows/remote/suite.js'), join(NOBODY, 'stage/node.exe')]) {
    if (!existsSync(p)) return `${p} is missing: run npm run test:windows`;
  }
  return undefined;
}

/** Skip without the Wine setup, except with CI=true, where it is a failure. */
export function requireWine(ctx: { skip: (note?: string) => void }): void {
  const missing = missingSetup();
  if (!missing) return;
  if (IN_CI) throw new Error(`CI=true but the Wine suite cannot run: ${missing}`);
  ctx.skip(missing);
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface ScenarioResult {
  readonly ok: boolean;
  /** What the scenario returned (ok) . */
  readonly data?: Record<string, Json>;
  /** What it threw (not ok). */
  readonly error?: Record<string, Json>;
  /** Wall time of the Wine run, in ms. */
  readonly ms: number;
  /** node.exe's output (stdout and stderr), for failure messages. */
  readonly output: string;
}

const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

/** Run one scenario of the Windows-side suite under Wine and read its JSON result. */
export async function runScenario(scenario: string, args: Record<string, Json> = {}, user: 'root' | 'nobody' = 'root'): Promise<ScenarioResult> {
  const nobody = user === 'nobody';
  const dir = nobody ? join(NOBODY, 'results') : mkdtempSync(join(tmpdir(), 'rawcraft-wine-'));
  const result = join(dir, `${scenario}-${process.pid}-${Date.now()}.json`);
  const log = `${result}.log`;
  const fd = openSync(log, 'w', 0o666);
  const wineEnv: NodeJS.ProcessEnv = {
    PATH: env.PATH,
    WINEDEBUG: '-all',
    WINEDLLOVERRIDES: 'mscoree,mshtml=',
    WINEPREFIX: nobody ? join(NOBODY, 'prefix') : PREFIX,
    HOME: nobody ? join(NOBODY, 'home') : (env.HOME ?? '/root'),
  };
  const node = nobody ? join(NOBODY, 'stage/node.exe') : NODE;
  const script = join(nobody ? join(NOBODY, 'stage') : BUILD, 'test/windows/remote/suite.js');
  const wineArgs = [node, script, scenario, result, JSON.stringify(args)];
  const [cmd, ...rest] = nobody ? [...AS_NOBODY, 'wine', ...wineArgs] : ['wine', ...wineArgs];
  const started = Date.now();
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(cmd, rest, { env: wineEnv, stdio: ['ignore', fd, fd], cwd: nobody ? join(NOBODY, 'stage') : BUILD });
      child.on('error', reject);
      child.on('exit', (c) => resolve(c));
    });
    const output = readFileSync(log, 'utf8');
    if (!existsSync(result)) throw new Error(`node.exe under Wine wrote no result (exit ${code}):\n${output}`);
    const parsed = JSON.parse(readFileSync(result, 'utf8')) as { ok: boolean; data?: Record<string, Json>; error?: Record<string, Json> };
    return { ...parsed, ms: Date.now() - started, output };
  } finally {
    closeSync(fd);
    rmSync(result, { force: true });
    rmSync(log, { force: true });
    if (!nobody) rmSync(dir, { recursive: true, force: true });
  }
}

/** Stop the wineservers of both prefixes (ours only). */
export function stopWine(): void {
  if (missingSetup()) return;
  spawnSync('wineserver', ['-k'], { env: { ...env, WINEPREFIX: PREFIX } });
  spawnSync(AS_NOBODY[0], [...AS_NOBODY.slice(1), 'env', `HOME=${join(NOBODY, 'home')}`, `WINEPREFIX=${join(NOBODY, 'prefix')}`, 'wineserver', '-k']);
}

/** A value at a dotted path in JSON (for readable assertions). */
export function at(value: Json | undefined, path: string): Json | undefined {
  let v: Json | undefined = value;
  for (const key of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = Array.isArray(v) ? v[Number(key)] : v[key];
  }
  return v;
}
