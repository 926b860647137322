/**
 * Calls per second achieved through the shared CPS budget (DynamoDB Local bucket + rate-limited Twilio
 * adapter) against a fake Twilio, for budgets of 1, 10 and 100 CPS. Several dialers, each with its own
 * bucket client (as separate Lambda instances), drain one list of calls; a throttled call goes back in
 * line after its Retry-After, as the dial queue would redeliver it. Printed per budget: achieved rate
 * and its ratio to the budget, the most creates the fake saw in any rolling second, and how many it
 * refused for exceeding the budget.
 * Usage: npm run bench:cps
 */
import { randomBytes } from 'node:crypto';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { DynamoCpsBucket } from '#adapters/dynamodb/cps-bucket.ts';
import { RateLimitedProvider } from '#adapters/telephony/twilio/rate-limited-provider.ts';
import { TwilioProvider } from '#adapters/telephony/twilio/twilio-provider.ts';
import type { PlaceCallRequest } from '#ports/telephony.ts';
import { ensureTable, startDynamoLocal } from '../infra/local/dynamodb-local.ts';
import { FakeTwilio } from '../test/support/fake-twilio.ts';

const TABLE = 'outbound-bench-cps';
const DIALERS = 10;
const BUDGETS = [1, 10, 100];
/** Enough calls for about five seconds at each budget (at least 8). */
const callsFor = (cps: number) => Math.max(8, cps * 5);

const request = (i: number): PlaceCallRequest => ({
  idempotencyKey: `cc-${i}`,
  from: '+15550000001',
  to: `+1555${String(1_000_000 + i).slice(-7)}`,
  ringTimeoutSec: 30,
  machineDetection: false,
  maxCallSec: 14_400,
  statusCallbackUrl: `http://127.0.0.1:9/v1.0/providers/twilio/events?cc=cc-${i}`,
  metadata: {},
});

const run = async (endpoint: string, cps: number) => {
  const accountSid = `AC${randomBytes(16).toString('hex')}`;
  const authToken = randomBytes(16).toString('hex');
  const fake = await FakeTwilio.start({ accountSid, authToken, cps });
  fake.sendCallbacks = false;
  const ddb = createDocumentClient(endpoint);
  const dialers = Array.from(
    { length: DIALERS },
    () =>
      new RateLimitedProvider(
        new TwilioProvider({ accountSid, authToken, baseUrl: fake.baseUrl }),
        new DynamoCpsBucket(ddb, { tableName: TABLE, name: `twilio#${accountSid}`, cps }),
      ),
  );
  const total = callsFor(cps);
  const queue = Array.from({ length: total }, (_, i) => request(i));
  let placed = 0;
  let throttled = 0;
  const started = performance.now();
  await Promise.all(
    dialers.map(async (dialer) => {
      while (placed < total) {
        const job = queue.shift();
        if (!job) {
          await new Promise((r) => setTimeout(r, 20));
          continue;
        }
        const outcome = await dialer.placeCall(job);
        if (outcome.ok) {
          placed++;
        } else if (outcome.kind === 'throttled') {
          throttled++;
          // The dial queue redelivers the job later (here within a second, to keep the bench short).
          setTimeout(() => queue.push(job), Math.min(outcome.retryAfterMs ?? 1000, 1000));
        } else {
          throw new Error(`call ${job.idempotencyKey}: ${JSON.stringify(outcome)}`);
        }
      }
    }),
  );
  const wallMs = performance.now() - started;
  const accepted = fake.creates.filter((c) => c.status === 201).map((c) => c.atMs);
  const span = Math.max(...accepted) - Math.min(...accepted);
  // n calls at a steady rate span n - 1 intervals.
  const achieved = ((accepted.length - 1) / span) * 1000;
  const result = {
    budget: cps,
    calls: accepted.length,
    wallSec: (wallMs / 1000).toFixed(1),
    achievedCps: achieved.toFixed(2),
    ratio: (achieved / cps).toFixed(3),
    maxInAnySecond: fake.maxCreatesPerSecond('all'),
    refusedOverCps: fake.creates.filter((c) => c.overCps).length,
    throttledInOurQueue: throttled,
  };
  await fake.close();
  return result;
};

const main = async () => {
  process.env.TABLE_NAME ??= TABLE;
  const dynamo = await startDynamoLocal();
  try {
    await ensureTable(dynamo.endpoint, TABLE);
    console.log(
      `CPS budget: ${DIALERS} dialers share one DynamoDB token bucket (10 % headroom), fake Twilio enforces the budget`,
    );
    const rows = [];
    for (const cps of BUDGETS) rows.push(await run(dynamo.endpoint, cps));
    console.table(rows);
  } finally {
    await dynamo.stop();
  }
};

await main();
