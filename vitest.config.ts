import { defineConfig } from 'vitest/config';

/**
 * Projects (STYLE.md): unit has no I/O; integration, api and the fault suite share one DynamoDB Local per
 * run. The fault suite (`npm run test:faults`) runs after the others (groupOrder), and its latency cases
 * (a healthy customer beside a bad neighbour, compared with the same customer alone) run last and one at a
 * time, so the ratio they assert measures the neighbour and not the rest of the suite. Both print their
 * figures as one table at the end.
 */
const withDynamo = { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/env.ts'] };
const latencyCases = ['test/faults/webhook-neighbours.test.ts', 'test/faults/api-flood.test.ts'];
const faults = {
  globalSetup: [...withDynamo.globalSetup, 'test/faults/support/print-report.ts'],
  setupFiles: withDynamo.setupFiles,
  testTimeout: 600_000,
};

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 90_000,
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], ...withDynamo } },
      { test: { name: 'api', include: ['test/api/**/*.test.ts'], ...withDynamo } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000 } },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          exclude: latencyCases,
          sequence: { groupOrder: 1 },
          ...faults,
        },
      },
      {
        test: {
          name: 'faults-latency',
          include: latencyCases,
          sequence: { groupOrder: 2 },
          fileParallelism: false,
          ...faults,
        },
      },
    ],
  },
});
