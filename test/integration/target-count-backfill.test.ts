/**
 * The backfill of lists written before the stream kept their counts (scripts/backfill-target-counts.ts):
 * run while the engine dials the list and the stream counts its changes, it leaves the counts exact,
 * and run again it changes nothing.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { itemKey, targetCountedKey } from '#adapters/dynamodb/keys.ts';
import { backfillTargetCounts } from '#adapters/dynamodb/target-count-backfill.ts';
import { targetStateCounter, targetStates } from '#domain/outdial.ts';
import type { LocalEvents } from '../../infra/local/events-runtime.ts';
import { type CampaignHandle, engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { storedTargetStates } from '../support/target-states.ts';

let sys: TestSystem;
let events: LocalEvents | undefined;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
});
afterEach(async () => {
  await events?.stop();
  await sys.close();
});

const truthOf = (h: CampaignHandle) => storedTargetStates(sys, h);

it('counts a list from before the counts exactly while the engine dials it, and once however often it runs', async () => {
  const kinds = ['answer', 'busy', 'noanswer', 'failed'] as const;
  const h = await engineSteps(sys).given.campaign({
    targets: Array.from({ length: 30 }, (_, i) => phone(kinds[i % kinds.length] ?? 'answer')),
    maxConcurrentCalls: 5,
    outplan: { max_try_count_0: 2, max_try_count_1: 0, try_interval: 0 },
  });
  // As an older release left it: no counts by state; the first 10 targets counted in the total only
  // (their markers without a state), the others never counted.
  const counters = ['_counted_by_state', ...targetStates.map(targetStateCounter)];
  await sys.ddb.send(
    new UpdateCommand({
      TableName: sys.tableName,
      Key: itemKey('outdial', h.outdialId),
      UpdateExpression: `SET #total = :ten REMOVE ${counters.map((_, i) => `#c${i}`).join(', ')}`,
      ExpressionAttributeNames: {
        '#total': '_target_count',
        ...Object.fromEntries(counters.map((c, i) => [`#c${i}`, c])),
      },
      ExpressionAttributeValues: { ':ten': 10 },
    }),
  );
  for (const t of h.targets.slice(0, 10)) {
    await sys.ddb.send(
      new PutCommand({
        TableName: sys.tableName,
        Item: { ...targetCountedKey(t.id), et: 'targetcounted', outdial_id: h.outdialId },
      }),
    );
  }
  const before = await sys.customer.get(`/outdials/${h.outdialId}`);
  expect(before.body).toMatchObject({ target_count: 10, targets_by_state: null });
  expect((await sys.customer.get(`/campaigns/${h.id}/stats`)).body.targets).toBeNull();

  // The stream counts changes from now on, while the backfill runs and the engine dials.
  events = await sys.startEvents();
  const dialing = (async () => {
    for (let round = 0; round < 6; round++) {
      await sys.round(3_000);
      await events?.drain();
    }
  })();
  const [first] = await Promise.all([backfillTargetCounts(sys.ddb, sys.tableName, h.outdialId), dialing]);
  expect(first.targets).toBe(30);
  expect(first.countedIn + first.stateGiven + first.alreadyCounted).toBe(30);
  expect(first.countedIn).toBeGreaterThan(0);

  for (let round = 0; round < 3; round++) await sys.round(3_000);
  await events.drain();
  const truth = await truthOf(h);
  const shown = await sys.customer.get(`/outdials/${h.outdialId}`);
  expect(shown.body.targets_by_state).toEqual(truth);
  expect(shown.body.target_count).toBe(30);
  expect((await sys.customer.get(`/campaigns/${h.id}/stats`)).body.targets).toEqual(truth);

  const again = await backfillTargetCounts(sys.ddb, sys.tableName, h.outdialId);
  expect(again).toMatchObject({ targets: 30, countedIn: 0, stateGiven: 0, alreadyCounted: 30 });
  await events.drain();
  expect((await sys.customer.get(`/outdials/${h.outdialId}`)).body.targets_by_state).toEqual(
    await truthOf(h),
  );
}, 240_000);
