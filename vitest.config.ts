import { defineConfig } from 'vitest/config';

/**
 * Projects (STYLE.md): unit has no I/O; integration, api and faults share one DynamoDB Local per run;
 * faults (the fault suite, `npm run test:faults`) also prints its figures as a table at the end.
 */
const withDynamo = { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/env.ts'] };

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...withDynamo } },
      { test: { name: 'api', include: ['test/api/**/*.test.ts'], ...withDynamo } },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          globalSetup: [...withDynamo.globalSetup, 'test/faults/support/print-report.ts'],
          setupFiles: withDynamo.setupFiles,
          testTimeout: 300_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000 } },
    ],
  },
});
