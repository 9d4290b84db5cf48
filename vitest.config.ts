import { defineConfig } from 'vitest/config';

/** Three projects: server tests through app.inject, web unit tests, and browser journeys. */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'web',
          include: ['web/**/*.test.{ts,tsx}'],
          environment: 'node',
        },
      },
    ],
  },
});
