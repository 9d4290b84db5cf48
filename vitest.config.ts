import { defineConfig } from 'vitest/config';

const pgUrl = process.env.ADMIT_TEST_PG_URL;
const server = {
  include: ['test/**/*.test.ts'],
  environment: 'node' as const,
  globalSetup: ['test/global-setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
};

if (!pgUrl) {
  console.log(
    '[admit] ADMIT_TEST_PG_URL is not set: the server suite runs on SQLite only; the PostgreSQL run is skipped. ' +
      'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run the suite on PostgreSQL too.',
  );
}

/**
 * Projects: the server suite through app.inject on SQLite (and again on PostgreSQL when
 * ADMIT_TEST_PG_URL is set), web unit tests, and browser journeys.
 */
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'server', ...server, env: { ADMIT_TEST_STORE: 'sqlite' } } },
      ...(pgUrl ? [{ test: { name: 'server-pg', ...server, env: { ADMIT_TEST_STORE: 'postgres' } } }] : []),
      {
        test: {
          name: 'web',
          include: ['web/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/**/*.e2e.test.ts'],
          environment: 'node',
          globalSetup: ['e2e/global-setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
