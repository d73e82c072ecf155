#!/usr/bin/env node
/**
 * `npm run fuzz:cli`: the CLI campaign of test/cli/fuzz-campaign.test.ts at a large size
 * (CAMPAIGN_RUNS, default 20000: about 70 seconds on a 2-core machine) with a fresh seed each run unless CAMPAIGN_SEED is
 * given. The seed is printed first, so a failure found in CI can be replayed:
 * `CAMPAIGN_SEED=S CAMPAIGN_CASE=I npx vitest run test/cli/fuzz-campaign.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';

const seed = process.env.CAMPAIGN_SEED ?? String(randomInt(1, 2 ** 31));
const runs = process.env.CAMPAIGN_RUNS ?? '20000';
console.log(`fuzz:cli: seed ${seed}, ${runs} cases (replay with CAMPAIGN_SEED=${seed})`);
const result = spawnSync('npx', ['vitest', 'run', 'test/cli/fuzz-campaign.test.ts'], {
  stdio: 'inherit',
  env: { ...process.env, CAMPAIGN_SEED: seed, CAMPAIGN_RUNS: runs },
});
process.exit(result.status ?? 1);
