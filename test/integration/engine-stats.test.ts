/**
 * GET /campaigns/{id}/stats (Outbound's addition): the running totals the engine keeps on the
 * campaign's runtime shards as attempts open, answer and close, checked against the attempts themselves.
 */
import { randomUUID } from 'node:crypto';
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { expect, it } from 'vitest';
import { openMember } from '#adapters/dynamodb/campaign-runtime.ts';
import { itemKey, lineKey, openAttemptKeys, runtimeShardKey } from '#adapters/dynamodb/keys.ts';
import { expectEngineInvariants, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const statsOf = async (id: string) => {
  const res = await ctx.sys.customer.get(`/campaigns/${id}/stats`);
  expect(res.status).toBe(200);
  return res.body;
};

it('counts attempts in flight while they ring, then every result by reason, matching the attempts', async () => {
  const { given, when, read } = ctx.steps;
  const h = await given.campaign({
    targets: [phone('answer'), phone('busy'), phone('failed'), phone('machine')],
    maxConcurrentCalls: 4,
    outplan: { max_try_count_0: 2, max_try_count_1: 0, try_interval: 0 },
  });
  expect(await statsOf(h.id)).toMatchObject({ campaign_id: h.id, attempts: 0, in_flight: 0, failed: 0 });

  await when.theTickRuns();
  await when.theDialerRuns();
  expect(await statsOf(h.id)).toMatchObject({ attempts: 4, in_flight: 4, ringing: 4, answered: 0 });

  await when.runsToTheEnd(h.id);
  const calls = await read.calls(h.id);
  const reasons = await Promise.all(
    calls
      .filter((c) => c.result === 'fail')
      .map(async (c) => (await ctx.sys.engine.deps.engine.getCampaigncall(c.id))?._reason),
  );
  const byReason = (r: string) => reasons.filter((x) => x === r).length;
  const stats = await statsOf(h.id);
  expect(stats).toEqual({
    campaign_id: h.id,
    attempts: calls.length,
    in_flight: 0,
    ringing: 0,
    // The person, and each try the answering machine took (the simulator answers, then reports it).
    answered: calls.filter((c) => c.result === 'success').length + byReason('amd'),
    succeeded: calls.filter((c) => c.result === 'success').length,
    failed: reasons.length,
    failed_by_reason: {
      busy: byReason('busy'),
      noanswer: 0,
      failed: byReason('failed'),
      cancel: 0,
      amd: byReason('amd'),
      dialout: 0,
      timeout: 0,
      abandoned: 0,
    },
    skipped: { suppressed: 0, outside_hours: 0, capped: 0 },
    // The rates come from sums the table's stream keeps (not run here): see test/api/campaign-stats-rates.test.ts.
    rates: expect.any(Object),
    // The list's counts by state come from the table's stream, not run here (engine-target-states.test.ts).
    targets: expect.any(Object),
  });
  expect(stats).toMatchObject({ attempts: 7, succeeded: 1, failed: 6 });
});

it('keeps another customer out of the stats (403) and answers 404 for no such campaign', async () => {
  const { given } = ctx.steps;
  const h = await given.campaign({ targets: [phone('answer')], run: false });
  const other = await ctx.sys.admin.post('/customers', { name: 'other' });
  const stranger = ctx.sys.clientFor(other.body.accesskey.token);

  const denied = await stranger.get(`/campaigns/${h.id}/stats`);
  expect(denied.status).toBe(403);
  expect(JSON.stringify(denied.body)).not.toContain(h.id);
  expect((await ctx.sys.customer.get(`/campaigns/${randomUUID()}/stats`)).status).toBe(404);
});

/**
 * Rewrites an open attempt as a version before shard members left it: the attempt unmarked, its shard
 * counting it in the numbers `_inflight` and `_dialing`, its line listing it among the open attempts.
 */
const asOpenedBeforeMembers = async (id: string) => {
  const call = await ctx.sys.engine.deps.engine.getCampaigncall(id);
  if (!call) throw new Error(`no attempt ${id}`);
  const send = (input: Omit<UpdateCommandInput, 'TableName'>) =>
    ctx.sys.ddb.send(new UpdateCommand({ TableName: ctx.sys.tableName, ...input }));
  await send({
    Key: itemKey('campaigncall', id),
    UpdateExpression: 'REMOVE #t',
    ExpressionAttributeNames: { '#t': '_tracked' },
  });
  await send({
    Key: runtimeShardKey(call.campaign_id, call._shard ?? 0),
    UpdateExpression: 'DELETE #open :open, #ring :ring ADD #inflight :one, #dialing :one',
    ExpressionAttributeNames: {
      '#open': '_open',
      '#ring': '_ring',
      '#inflight': '_inflight',
      '#dialing': '_dialing',
    },
    ExpressionAttributeValues: { ':open': new Set([openMember(call)]), ':ring': new Set([id]), ':one': 1 },
  });
  const open = openAttemptKeys(call.campaign_id, call.tm_create, id);
  await send({
    Key: lineKey(call.customer_id, call.destination),
    UpdateExpression: 'SET gsi4pk = :pk, gsi4sk = :sk',
    ExpressionAttributeValues: { ':pk': open.gsi4pk, ':sk': open.gsi4sk },
  });
};

it('closes an attempt opened before shards held members exactly: its numbers pace, answer and close as before', async () => {
  const { given, when, read } = ctx.steps;
  const h = await given.campaign({ targets: [phone('answer'), phone('answer')], maxConcurrentCalls: 1 });
  await when.theTickRuns();
  const [first] = await read.calls(h.id);
  await asOpenedBeforeMembers(first.id);
  expect(await read.counters(h.id)).toEqual({ inflight: 1, dialing: 1 });

  // The attempt counted the old way takes the whole bound: nothing else starts.
  await when.theTickRuns();
  expect(await read.calls(h.id)).toHaveLength(1);
  await when.theDialerRuns();
  expect(await statsOf(h.id)).toMatchObject({ attempts: 1, in_flight: 1, ringing: 1 });

  await when.runsToTheEnd(h.id);
  const calls = await read.calls(h.id);
  expect(calls.map((c) => [c.status, c.result])).toEqual([
    ['done', 'success'],
    ['done', 'success'],
  ]);
  expect(await statsOf(h.id)).toMatchObject({
    attempts: 2,
    in_flight: 0,
    ringing: 0,
    answered: 2,
    succeeded: 2,
    failed: 0,
  });
  expect(await read.status(h.id)).toBe('stop');
  await expectEngineInvariants(ctx.sys, h);
});
