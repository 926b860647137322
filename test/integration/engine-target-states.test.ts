/**
 * An outdial's targets by state (`targets_by_state`, and `targets` in the campaign's stats), kept from
 * the table's stream as the engine claims, closes and holds targets: they match the targets' own
 * states mid-run and at the end, and stay exact when the stream hands records again (a redelivered
 * batch, or a suffix of one), in a seeded random pattern (FC_SEED=<seed> repeats a run).
 */
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isExhaustedTarget, itemKey, targetCountedKey } from '#adapters/dynamodb/keys.ts';
import { DynamoTargetIndexStore } from '#adapters/dynamodb/target-index-store.ts';
import { mulberry32 } from '#adapters/telephony/simulator/call-distributions.ts';
import { type TargetState, targetStateCounter, targetStates } from '#domain/outdial.ts';
import { toItemChange } from '#functions/events/stream-handler.ts';
import type { ItemChange } from '#services/events/enqueue-deliveries.ts';
import { targetIndexChangesOf } from '#services/events/target-index.ts';
import { toLambdaRecord } from '../../infra/local/events-runtime.ts';
import { type CampaignHandle, engineSteps, phone } from '../support/engine-steps.ts';
import { dynamoEndpoint, localTableClient } from '../support/local-dynamo.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { storedTargetStates, type TargetStateCounts } from '../support/target-states.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000, events: {} });
  steps = engineSteps(sys);
});
afterEach(() => sys.close());

type Counts = TargetStateCounts;

/** What the targets themselves say, read from the table. */
const truthOf = (h: CampaignHandle) => storedTargetStates(sys, h);

/** What the API shows, once the stream has caught up. */
const shownOf = async (h: CampaignHandle) => {
  await sys.events?.drain();
  const outdial = await sys.customer.get(`/outdials/${h.outdialId}`);
  const stats = await sys.customer.get(`/campaigns/${h.id}/stats`);
  expect(outdial.status).toBe(200);
  expect(stats.status).toBe(200);
  expect(stats.body.targets).toEqual(outdial.body.targets_by_state);
  expect(outdial.body.target_count).toBe(outdial.body.targets_by_state.total);
  return outdial.body.targets_by_state as Counts;
};

/** Every record of the system's table stream so far, oldest first per shard. */
const streamRecords = async (): Promise<StreamRecord[]> => {
  const table = await localTableClient().send(new DescribeTableCommand({ TableName: sys.tableName }));
  const streamArn = table.Table?.LatestStreamArn;
  if (!streamArn) throw new Error('the table has no stream');
  const streams = new DynamoDBStreamsClient({
    endpoint: dynamoEndpoint(),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const described = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
  const out: StreamRecord[] = [];
  for (const shard of described.StreamDescription?.Shards ?? []) {
    let iterator = (
      await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      )
    ).ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      out.push(...(page.Records ?? []));
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
  }
  return out;
};

/**
 * The changes handed to the store as the event source mapping might: in batches of random size, and
 * now and then a batch handed again from a random record on (a failed batch's suffix), or whole.
 */
const redeliver = async (changes: ItemChange[], random: () => number) => {
  const store = new DynamoTargetIndexStore(sys.ddb, sys.tableName);
  let redelivered = 0;
  for (let at = 0; at < changes.length; ) {
    const size = 1 + Math.floor(random() * 12);
    const batch = changes.slice(at, at + size);
    await store.record(targetIndexChangesOf(batch, isExhaustedTarget));
    if (random() < 0.5) {
      const from = Math.floor(random() * batch.length);
      await store.record(targetIndexChangesOf(batch.slice(from), isExhaustedTarget));
      redelivered += batch.length - from;
    }
    at += size;
  }
  return redelivered;
};

it('counts targets by state as they move, mid-run and at the end, and once however often the stream repeats', async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`[target states] seed ${seed} (repeat with FC_SEED=${seed})`);
  // One try a week per number: the second target with the busy number is held by the cap.
  const policy = await sys.customer.put('/customer/contact_policy', {
    max_attempts: 1,
    per_days: 7,
    rest_after_contact_days: null,
    calling_hours: null,
  });
  expect(policy.status).toBe(200);
  const shared = phone('busy');
  const h = await steps.given.campaign({
    targets: [
      phone('answer'),
      phone('answer'),
      phone('busy'),
      phone('noanswer'),
      phone('failed'),
      phone('answer'),
      shared,
      shared,
      phone('answer'),
      phone('busy'),
    ],
    maxConcurrentCalls: 3,
    outplan: { max_try_count_0: 2, max_try_count_1: 0, try_interval: 600_000 },
  });
  const start = await shownOf(h);
  expect(start).toEqual({ total: 10, idle: 10, waiting_retry: 0, in_flight: 0, done: 0, held: 0 });

  // Mid-run: three calls ringing, the rest waiting.
  await steps.when.theTickRuns();
  await steps.when.theDialerRuns();
  const mid = await shownOf(h);
  expect(mid).toEqual(await truthOf(h));
  expect(mid.in_flight).toBe(3);

  const seen = new Set<TargetState>();
  for (let round = 0; round < 40; round++) {
    await sys.round(5_000);
    const shown = await shownOf(h);
    expect(shown).toEqual(await truthOf(h));
    for (const s of targetStates) if (shown[s] > 0) seen.add(s);
    if ((await steps.read.status(h.id)) === 'stop') break;
    // The retries' interval passes now and then, and a week (the cap's) twice.
    if (round % 5 === 4) sys.clock.set(sys.clock.peek() + 600_000);
    if (round % 10 === 9) sys.clock.set(sys.clock.peek() + 8 * 86_400_000);
  }
  expect(await steps.read.status(h.id)).toBe('stop');
  expect([...seen].sort()).toEqual(['done', 'held', 'idle', 'in_flight', 'waiting_retry']);
  // A target deleted is counted out.
  await sys.customer.del(`/outdials/${h.outdialId}/targets/${h.targets[0]?.id}`);
  const truth = await truthOf(h);
  expect(await shownOf(h)).toEqual(truth);
  expect(truth.total).toBe(9);

  // The stream again, as the event source mapping may hand it: counts stay where they are.
  const random = mulberry32(seed);
  const ids = new Set(h.targets.map((t) => t.id));
  const changes = (await streamRecords())
    .map((r) => toItemChange(toLambdaRecord(r, 'local')))
    .filter(
      (c) =>
        ids.has(String((c.newImage ?? c.oldImage)?.id)) && (c.newImage ?? c.oldImage)?.et === 'outdialtarget',
    );
  expect(changes.length).toBeGreaterThan(20);
  expect(await redeliver(changes, random)).toBeGreaterThan(0);
  expect(await shownOf(h)).toEqual(truth);

  // And from nothing (no markers, no counters), with repeats on the way: the same counts.
  for (const t of h.targets)
    await sys.ddb.send(new DeleteCommand({ TableName: sys.tableName, Key: targetCountedKey(t.id) }));
  const counters = ['_target_count', ...targetStates.map(targetStateCounter)];
  await sys.ddb.send(
    new UpdateCommand({
      TableName: sys.tableName,
      Key: itemKey('outdial', h.outdialId),
      UpdateExpression: `REMOVE ${counters.map((_, i) => `#c${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(counters.map((c, i) => [`#c${i}`, c])),
    }),
  );
  expect((await sys.customer.get(`/outdials/${h.outdialId}`)).body.targets_by_state.total).toBe(0);
  expect(await redeliver(changes, random)).toBeGreaterThan(0);
  expect(await shownOf(h)).toEqual(truth);
}, 240_000);
