import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Raw-socket tests share the machine's loopback; keep files in one fork pool but let them run in parallel.
    pool: 'forks',
    // vitest's default on a 2-core machine is one worker; most test time is spent waiting on
    // child processes, namespaces and sockets, so two workers keep npm test near half the time.
    maxWorkers: 2,
  },
});
