import { defineConfig } from 'vitest/config';

/** `npm run test:windows` (scripts/test-windows.sh): the Windows transport under Wine. */
export default defineConfig({
  test: {
    include: ['test/windows/**/*.wine.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One Wine prefix per user: run the files one after the other.
    fileParallelism: false,
  },
});
