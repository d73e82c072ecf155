/**
 * The CLI never crashes on input (issue 16): a seeded campaign (test/cli/campaign.ts) of random
 * and mutated inputs for decode, encode, send (capture files only), preflight, build, fuzz and
 * traffic (--out only). Small in `npm test`; `npm run fuzz:cli` runs it large (CAMPAIGN_RUNS).
 * CAMPAIGN_SEED picks the seed (default: a fixed one in npm test, a fresh one in fuzz:cli, so
 * each CI run explores new cases); CAMPAIGN_CASE replays one case. A few cases also run through
 * the real binary (dist/src/cli/main.js), which must agree with the in-process run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { describeFailure, makeCase, runCase, type CampaignFailure } from './campaign.js';
import { runInProcess, STACK_TRACE } from './in-process.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const RUNS = Number(process.env.CAMPAIGN_RUNS ?? 200);
const SEED = Number(process.env.CAMPAIGN_SEED ?? 20261204);
const ONLY = process.env.CAMPAIGN_CASE === undefined ? undefined : Number(process.env.CAMPAIGN_CASE);
/** Minutes for the large run; the small one takes seconds. */
const TIMEOUT_MS = Math.max(120_000, RUNS * 200);

const openDescriptors = (): number => readdirSync('/proc/self/fd').length;

const root = mkdtempSync(join(tmpdir(), 'rawcraft-campaign-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe(`CLI campaign, seed ${SEED}`, () => {
  it(`${ONLY === undefined ? RUNS : 1} random and mutated inputs: no exit 70, no stack trace, no file left by a failed run`, async () => {
    const failures: CampaignFailure[] = [];
    const indexes = ONLY === undefined ? Array.from({ length: RUNS }, (_, i) => i) : [ONLY];
    const started = Date.now();
    const descriptors = openDescriptors();
    for (const index of indexes) {
      const failure = await runCase(SEED, index, join(root, 'case'));
      if (failure) failures.push(failure);
      if (failures.length >= 20) break;
    }
    if (process.env.CAMPAIGN_RUNS) console.log(`campaign seed ${SEED}: ${indexes.length} cases in ${Date.now() - started} ms, ${failures.length} failures`);
    expect(failures.map(describeFailure).join('\n\n'), `campaign seed ${SEED} (reproduce with CAMPAIGN_SEED=${SEED})`).toBe('');
    // Failed runs release their input files too (a few descriptors may be opened lazily by Node).
    expect(openDescriptors() - descriptors).toBeLessThanOrEqual(3);
  }, TIMEOUT_MS);

  it('the real binary agrees with the in-process run on a few cases', async () => {
    expect(existsSync(CLI), 'npm run build first (npm test does)').toBe(true);
    let checked = 0;
    for (let index = 0; checked < 4 && index < 200; index++) {
      const dir = join(root, `child-${index}`);
      mkdirSync(dir, { recursive: true });
      const c = makeCase(SEED + 1, index, dir);
      if (c.argv.includes('-')) continue; // files only: the child reads the same bytes
      for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
      const inProcess = await runInProcess(c.argv);
      for (const o of c.outputs) rmSync(join(dir, o), { force: true });
      const child = spawnSync(process.execPath, [CLI, ...c.argv], { encoding: 'utf8', timeout: 30_000 });
      expect(child.status, `${JSON.stringify(c.argv)}\n${child.stderr}`).toBe(inProcess.code);
      expect(child.stderr).not.toMatch(STACK_TRACE);
      expect(child.stderr).not.toMatch(/internal error/);
      checked++;
    }
    expect(checked).toBe(4);
  }, 120_000);
});
