/**
 * The CI recipes of docs/guide-ci-traffic.md work: each yaml block after `<!-- ci: github -->`
 * or `<!-- ci: gitlab -->` is parsed with the `yaml` package and interpreted the way the CI
 * would run it: jobs in order (a job's `needs` must come before it), every combination of its
 * matrix, the workflow/job variables in the environment, GitHub's `${{ matrix.X }}` substituted,
 * each `run` step (GitHub: `bash -eo pipefail`) or the job's before_script + script lines (GitLab:
 * one shell) run in one scratch folder per recipe (standing in for the artifacts passed between
 * jobs), holding the scenario at ci/traffic.yaml as the guide says. `npx rawcraft` runs the
 * built CLI, `sudo` runs its command as is. Actions (`uses`) must be known ones; setup lines
 * (`npm ci`, apt-get) are not run but checked: the tools of the packages they install must be
 * here (they are what the other commands use). Then the merged files must hold exactly the
 * packets of an unsharded run of each seed. Files only: nothing is sent.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { IN_CI, ROOT } from '../transport/helpers.js';
import { CLI, ensureBuilt } from '../transport/built-cli.js';
import { parseCapture } from '../../src/capture/index.js';

const GUIDE = 'docs/guide-ci-traffic.md';

function recipes(): { kind: 'github' | 'gitlab'; text: string }[] {
  const lines = readFileSync(join(ROOT, GUIDE), 'utf8').split('\n');
  const found: { kind: 'github' | 'gitlab'; text: string }[] = [];
  lines.forEach((line, i) => {
    const m = /^<!-- ci: (github|gitlab) -->$/.exec(line.trim());
    if (!m) return;
    const open = lines.findIndex((l, j) => j > i && l.trim() !== '');
    expect(lines[open]).toBe('```yaml');
    const close = lines.findIndex((l, j) => j > open && /^```\s*$/.test(l));
    found.push({ kind: m[1] as 'github' | 'gitlab', text: lines.slice(open + 1, close).join('\n') });
  });
  return found;
}

/** One shell script to run, and where it came from. */
interface Script {
  readonly job: string;
  readonly matrix: Record<string, string>;
  readonly script: string;
  readonly env: Record<string, string>;
}

/** Every combination of a matrix (`{a: [1, 2], b: [3]}` → `[{a:1,b:3}, {a:2,b:3}]`), in order. */
function combinations(matrix: Record<string, unknown[]>): Record<string, string>[] {
  return Object.entries(matrix).reduce<Record<string, string>[]>((acc, [key, values]) => acc.flatMap((c) => values.map((v) => ({ ...c, [key]: String(v) }))), [{}]);
}

const KNOWN_ACTIONS = new Set(['actions/checkout@v4', 'actions/setup-node@v4', 'actions/upload-artifact@v4', 'actions/download-artifact@v4']);
/** Setup lines, not run here; the packages they install and the tools each gives. */
const SETUP = /^(sudo )?apt-get update && (sudo )?apt-get install -y ([\w -]+)$|^npm ci$/;
const PACKAGE_TOOLS: Record<string, string[]> = { tshark: ['tshark', 'mergecap', 'capinfos'] };

function checkSetup(line: string): void {
  const m = SETUP.exec(line.trim());
  expect(m, `a setup line this test knows: ${line}`).not.toBeNull();
  for (const pkg of m![3]?.trim().split(/\s+/) ?? []) {
    expect(Object.keys(PACKAGE_TOOLS), `package ${pkg}`).toContain(pkg);
    for (const tool of PACKAGE_TOOLS[pkg]) expect(spawnSync('sh', ['-c', `command -v ${tool}`]).status, `${tool} (from ${pkg})`).toBe(0);
  }
}

const isSetup = (line: string) => /apt-get|^npm ci$/.test(line.trim());

/** GitHub Actions: the run steps of each job and matrix combination, in job order. */
function githubScripts(doc: { env?: Record<string, unknown>; jobs: Record<string, { needs?: string | string[]; env?: Record<string, unknown>; strategy?: { matrix?: Record<string, unknown[]> }; steps: { uses?: string; run?: string }[] }> }): Script[][] {
  const done = new Set<string>();
  return Object.entries(doc.jobs).map(([name, job]) => {
    for (const need of [job.needs ?? []].flat()) expect(done, `${name} needs ${need}, which must come first`).toContain(need);
    done.add(name);
    const env = Object.fromEntries(Object.entries({ ...doc.env, ...job.env }).map(([k, v]) => [k, String(v)]));
    return combinations(job.strategy?.matrix ?? {}).map((matrix) => {
      const lines: string[] = [];
      for (const step of job.steps) {
        if (step.uses !== undefined) expect(KNOWN_ACTIONS, `action ${step.uses}`).toContain(step.uses);
        if (step.run === undefined) continue;
        const run = step.run.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, k: string) => {
          expect(matrix, `matrix.${k}`).toHaveProperty(k);
          return matrix[k];
        });
        expect(run, 'an expression this test does not know').not.toMatch(/\$\{\{/);
        if (isSetup(run)) checkSetup(run);
        else lines.push(run);
      }
      return { job: name, matrix, script: lines.join('\n'), env };
    });
  });
}

/** GitLab CI: before_script + script of each job and parallel:matrix combination, in stage order. */
function gitlabScripts(doc: Record<string, unknown>): Script[][] {
  const stages = doc.stages as string[];
  const variables = Object.fromEntries(Object.entries((doc.variables ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
  type Job = { stage: string; needs?: string[]; parallel?: { matrix: Record<string, unknown[]>[] }; before_script?: string[]; script: string[] };
  const jobs = Object.entries(doc).filter(([k, v]) => !['stages', 'variables'].includes(k) && typeof v === 'object') as [string, Job][];
  const done = new Set<string>();
  return jobs
    .sort(([, a], [, b]) => stages.indexOf(a.stage) - stages.indexOf(b.stage))
    .map(([name, job]) => {
      expect(stages, `${name}'s stage`).toContain(job.stage);
      for (const need of job.needs ?? []) expect(done, `${name} needs ${need}`).toContain(need);
      done.add(name);
      const matrices = job.parallel ? job.parallel.matrix.flatMap((m) => combinations(m)) : [{}];
      return matrices.map((matrix) => {
        for (const line of job.before_script ?? []) checkSetup(line);
        return { job: name, matrix, script: job.script.join('\n'), env: { ...variables, ...matrix } };
      });
    });
}

const PRELUDE = `npx() { if [ "$1" = rawcraft ]; then shift; "${process.execPath}" "${CLI}" "$@"; else echo "npx $1: not allowed" >&2; return 127; fi; }
sudo() { "$@"; }
`;

function runScript(dir: string, s: Script): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', PRELUDE + s.script], { cwd: dir, env: { ...process.env, ...s.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A capture's packets as sorted `time hex` lines: mergecap orders packets of equal time as it likes. */
const packetsOf = (file: string) =>
  parseCapture(readFileSync(file))
    .map((r) => `${r.timestampNs} ${r.data.toString('hex')}`)
    .sort();

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const missingTools = ['tshark', 'mergecap', 'capinfos', 'bash'].filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

describe(`the CI recipes of ${GUIDE}`, () => {
  const all = recipes();
  it('are there: one GitHub Actions workflow, one GitLab CI file', () => {
    expect(all.map((r) => r.kind)).toEqual(['github', 'gitlab']);
  });

  for (const recipe of all) {
    it(`${recipe.kind}: every job of the matrix runs, tshark agrees with the summaries, the merge equals an unsharded run`, async (ctx) => {
      if (missingTools.length) {
        if (IN_CI) throw new Error(`CI=true but ${missingTools.join(', ')} missing`);
        ctx.skip(`${missingTools.join(', ')} missing`);
      }
      await ensureBuilt();
      const doc = parse(recipe.text) as never;
      const stages = recipe.kind === 'github' ? githubScripts(doc) : gitlabScripts(doc);
      expect(stages.map((s) => s.length)).toEqual([4, 1]); // 2 seeds x 2 shards, then the merge
      const dir = mkdtempSync(join(tmpdir(), `rawcraft-ci-${recipe.kind}-`));
      dirs.push(dir);
      mkdirSync(join(dir, 'ci'));
      copyFileSync(join(ROOT, 'examples', 'ci-traffic.yaml'), join(dir, 'ci', 'traffic.yaml'));
      for (const stage of stages) {
        // The jobs of one stage run in parallel, as on CI.
        const results = await Promise.all(stage.map((s) => runScript(dir, s)));
        results.forEach((r, i) => expect(r.status, `${stage[i].job} ${JSON.stringify(stage[i].matrix)}: exit ${r.status}\n${r.stderr}`).toBe(0));
      }
      for (const seed of ['1', '2']) {
        const whole = join(dir, `whole-${seed}.pcapng`);
        const r = spawnSync(process.execPath, [CLI, 'traffic', join(dir, 'ci', 'traffic.yaml'), '--seed', seed, '--out', whole], { encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        const merged = packetsOf(join(dir, `all-${seed}.pcapng`));
        expect(merged.length).toBe(3700);
        expect(merged).toEqual(packetsOf(whole));
      }
    }, 120_000);
  }
});
