import { configDefaults, defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

/**
 * The speed tests: browser tests that measure the UI against the bars. They run after
 * every other test file has finished, one file at a time, so that what they measure is the UI
 * and not the neighbouring test files competing for the same cores.
 */
const SPEED_TESTS = 'test/e2e/*-speed.int.test.ts';

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources directly; the built dist/ is for `npm start`.
    alias: { '@pharos/core': fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url)) },
  },
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      // `extends: true`: each project takes the settings above, then its own (lists add up, so
      // `include` is set per project only).
      { extends: true, test: { name: 'tests', include: ['packages/*/src/**/*.test.ts', 'demo/src/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, SPEED_TESTS], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'speed', include: [SPEED_TESTS], fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
