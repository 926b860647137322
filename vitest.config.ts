import { defineConfig } from 'vitest/config';

/**
 * Projects (STYLE.md): unit has no I/O; integration, api and the fault suite share one DynamoDB Local per
 * run. The fault suite's latency cases (a healthy customer beside a bad neighbour, compared with the same
 * customer alone) run first, on their own and one at a time (groupOrder 0; everything else is group 1 and
 * starts when they are done), so the ratio they assert measures the neighbour and not the rest of the
 * suite. The fault suite (`npm run test:faults`) prints its figures as a table at the end.
 */
const withDynamo = { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/env.ts'] };
const latencyCases = ['test/faults/webhook-neighbours.test.ts', 'test/faults/api-flood.test.ts'];
const afterLatency = { sequence: { groupOrder: 1 } };
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
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...afterLatency } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          ...withDynamo,
          ...afterLatency,
        },
      },
      { test: { name: 'api', include: ['test/api/**/*.test.ts'], ...withDynamo, ...afterLatency } },
      {
        test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 300_000, ...afterLatency },
      },
      {
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts'],
          exclude: latencyCases,
          ...faults,
          ...afterLatency,
        },
      },
      {
        test: {
          name: 'faults-latency',
          include: latencyCases,
          sequence: { groupOrder: 0 },
          fileParallelism: false,
          ...faults,
        },
      },
    ],
  },
});
