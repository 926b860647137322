import { defineConfig } from 'vitest/config';

/** Four projects (STYLE.md): unit has no I/O; integration and api share one DynamoDB Local per run. */
const withDynamo = { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/env.ts'] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...withDynamo } },
      { test: { name: 'api', include: ['test/api/**/*.test.ts'], ...withDynamo } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000 } },
    ],
  },
});
