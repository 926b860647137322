import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.ts';

/**
 * Projects (STYLE.md): unit has no I/O; integration, api and the fault suite use DynamoDB Local. Two
 * files run at once (`maxWorkers`), on 2 cores too: most of a file's time is spent waiting on DynamoDB
 * Local and HTTP. Each worker slot has a DynamoDB Local of its own (test/support/global-setup.ts says
 * why one shared instance breaks the stream readers), so two files never share one.
 * The fault suite's latency cases (a healthy customer beside a bad neighbour, compared with the same
 * customer alone) run on their own and one at a time, so the ratio they assert measures the neighbour
 * and not the rest of the suite: a project with groupOrder 0 and one worker goes into Vitest's group
 * of sequential files, which runs after all the others, so they run last, each on a fresh DynamoDB
 * Local of the project's own (not the slots' instances, full of what the suite left). The fault suite (`npm run test:faults`) prints
 * its figures as a table at the end. webhooks-slow-receiver runs alone too, first (project
 * integration-alone, group 1): it asserts that a whole campaign run takes less wall time than one
 * webhook delivery's timeout (10 s), and beside another file it took 12–15 s (beside a latency case in
 * group 0 too, since groups run files of different projects at once). Everything else is group 2.
 */
const withDynamo = { globalSetup: ['test/support/global-setup.ts'], setupFiles: ['test/support/env.ts'] };
const latencyCases = ['test/faults/webhook-neighbours.test.ts', 'test/faults/api-flood.test.ts'];
const aloneIntegrationCases = ['test/integration/webhooks-slow-receiver.test.ts'];
const afterLatency = { sequence: { groupOrder: 2 } };
const faults = {
  globalSetup: [...withDynamo.globalSetup, 'test/faults/support/print-report.ts'],
  setupFiles: withDynamo.setupFiles,
  testTimeout: 600_000,
};

export default defineConfig({
  test: {
    // Generous: a timeout is not what a test asserts, and on 2 busy cores an engine file of a few
    // seconds has taken over 30 (the agent-time case: 8 s alone, past 30 s in a full run).
    testTimeout: 120_000,
    hookTimeout: 90_000,
    maxWorkers: 2,
    // Within a group, the longest files start first, across projects (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], ...afterLatency } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: aloneIntegrationCases,
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
        // The console in a real browser and the CLI, each against its own `npm start` (a child process
        // with its own DynamoDB Local), as an operator uses them.
        test: {
          name: 'console',
          include: ['test/console/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          ...afterLatency,
        },
      },
      {
        test: {
          name: 'integration-alone',
          include: aloneIntegrationCases,
          sequence: { groupOrder: 1 },
          fileParallelism: false,
          ...withDynamo,
        },
      },
      {
        test: {
          name: 'faults-latency',
          include: latencyCases,
          sequence: { groupOrder: 0 },
          fileParallelism: false,
          ...faults,
          // A DynamoDB Local of their own, fresh when they run (test/support/global-setup-own-dynamo.ts).
          globalSetup: ['test/support/global-setup-own-dynamo.ts', 'test/faults/support/print-report.ts'],
        },
      },
    ],
  },
});
