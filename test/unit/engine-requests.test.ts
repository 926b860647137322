import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  answerCallUpdate,
  answerShardUpdate,
  attemptAttributes,
  attemptItem,
  claimShardUpdate,
  claimSteps,
  claimTargetUpdate,
  closeCallUpdate,
  closeShardUpdate,
  forgetSeenUpdate,
  freeLineUpdate,
  legacyAnswerSteps,
  legacyFinishSteps,
  legacyOpenAttemptsQueries,
  markSeenUpdate,
  openAttemptPut,
  reachedPerson,
  releaseTargetUpdate,
  takeLineUpdate,
  targetAfterClose,
} from '#adapters/dynamodb/attempt-requests.ts';
import {
  assignAgentSteps,
  endOneWrapUpUpdate,
  endWrapUpUpdate,
  releaseAgentUpdate,
  waitInQueueUpdate,
} from '#adapters/dynamodb/call-queue-requests.ts';
import { openMember, runtimeShardOf } from '#adapters/dynamodb/campaign-runtime.ts';
import {
  deferBusyUpdate,
  dueTargetQueries,
  exhaustedTargetQueries,
  holdOutsideHoursItems,
  idleTargetProbes,
  parkExhaustedUpdate,
  reviveExhaustedUpdate,
} from '#adapters/dynamodb/due-target-requests.ts';
import {
  availableAgentKeys,
  DUE_SHARDS,
  dueKeys,
  duePartitionKeys,
  itemKey,
  lineKey,
  listKeys,
  openAttemptKeys,
  placementGuardKey,
  RUNTIME_SHARDS,
  runtimeShardKey,
  runtimeShardKeys,
  waitingCallerKeys,
  wrapUpAgentKeys,
} from '#adapters/dynamodb/keys.ts';
import { personRefusal } from '#adapters/dynamodb/person-requests.ts';
import {
  markDialJobResentUpdate,
  resetPlacementDelete,
  startPlacementPut,
} from '#adapters/dynamodb/placement-requests.ts';
import {
  acquireLeaseUpdate,
  activeCampaignsQuery,
  activeShards,
  releaseLeaseUpdate,
  stopSteps,
} from '#adapters/dynamodb/tick-requests.ts';
import type { NamedStep, TransactItem } from '#adapters/dynamodb/transactions.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type { ClaimLimit, EngineCampaigncall, EngineTarget, Finish } from '#ports/engine-store.ts';
import { anEngineTarget, telAddress } from '../support/factories/engine-target.ts';

const TABLE = 'engine-requests';
const T0 = '2026-01-15T09:30:00.000000Z';
const T1 = '2026-01-15T09:31:00.000000Z';
const T2 = '2026-01-15T09:31:30.000000Z';

const address = telAddress;

const aTarget = (overrides: Partial<EngineTarget> = {}) => anEngineTarget({ tm_create: T0, ...overrides });

const anAttempt = (
  target: EngineTarget,
  overrides: Partial<EngineCampaigncall> = {},
): EngineCampaigncall => ({
  id: randomUUID(),
  customer_id: target.customer_id,
  campaign_id: randomUUID(),
  outplan_id: randomUUID(),
  outdial_id: target.outdial_id,
  outdial_target_id: target.id,
  queue_id: randomUUID(),
  activeflow_id: randomUUID(),
  flow_id: randomUUID(),
  reference_type: 'call',
  reference_id: randomUUID(),
  status: 'dialing',
  result: '',
  source: address('+15550199'),
  destination: address('+15550100'),
  destination_index: 0,
  try_count: 1,
  tm_create: T0,
  tm_update: null,
  tm_delete: null,
  _shard: 3,
  ...overrides,
});

const choice: DestinationChoice = { index: 0, destination: address('+15550100'), tryCount: 2 };
const limit: ClaimLimit = { counter: '_inflight', below: 4, shard: 5 };
const hangup: Finish = { result: 'fail', reason: 'busy', targetStatus: 'idle', targetPartition: 'retry' };

/** The table key an item of a transaction writes or checks. */
const keyOf = (item: TransactItem) => {
  const request = item.Update ?? item.Delete ?? item.ConditionCheck;
  const key = request ? request.Key : item.Put?.Item;
  return `${String(key?.pk)}|${String(key?.sk)}`;
};

/** DynamoDB refuses a transaction that names one item twice (ValidationException). */
const expectDistinctItems = (steps: readonly NamedStep<string>[]) => {
  const keys = steps.map((s) => keyOf(s.item));
  expect(new Set(keys).size).toBe(keys.length);
};

const updateOf = (step: NamedStep<string> | undefined) => step?.item.Update;

describe('claim requests', () => {
  it('claims the target only while it is idle, live and unchanged since it was read', () => {
    const target = aTarget({ try_count_0: 1 });
    const call = anAttempt(target);
    const update = claimTargetUpdate(TABLE, target, choice, call);
    expect(update.Key).toEqual(itemKey('outdialtarget', target.id));
    expect(update.ConditionExpression).toBe(
      '#status = :idle AND #slot = :before AND attribute_not_exists(tm_delete)',
    );
    expect(update.ExpressionAttributeNames['#slot']).toBe('try_count_0');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':idle': 'idle', ':before': 1, ':count': 2 });
    // A claimed target leaves the due partitions, so no later tick reads it.
    expect(update.UpdateExpression).toContain('REMOVE gsi3pk, gsi3sk');
  });

  it('adds the attempt to its shard as open and ringing, only while the shard runs and stays below its share', () => {
    const call = anAttempt(aTarget());
    const update = claimShardUpdate(TABLE, 'k1', call, limit);
    expect(update.Key).toEqual(runtimeShardKey('k1', 5));
    expect(update.UpdateExpression).toBe('ADD #open :open, #ring :ring, #attempts :one');
    expect(update.ConditionExpression).toBe(
      '#status = :run AND (attribute_not_exists(#bounded) OR size(#bounded) < :room) AND ' +
        '(attribute_not_exists(#legacy) OR #legacy <= :legacy)',
    );
    expect(update.ExpressionAttributeNames).toMatchObject({ '#bounded': '_open', '#legacy': '_inflight' });
    expect(update.ExpressionAttributeValues).toEqual({
      ':open': new Set([openMember(call)]),
      ':ring': new Set([call.id]),
      ':one': 1,
      ':run': 'run',
      ':room': 4,
      ':legacy': 0,
    });
    // A bound on ringing calls counts the ringing set.
    const ringing = claimShardUpdate(TABLE, 'k1', call, { ...limit, counter: '_dialing' });
    expect(ringing.ExpressionAttributeNames).toMatchObject({ '#bounded': '_ring', '#legacy': '_dialing' });
  });

  it('leaves room only for what the attempts counted the old way do not take, while they do not grow', () => {
    const update = claimShardUpdate(TABLE, 'k1', anAttempt(aTarget()), limit, 3);
    expect(update.ExpressionAttributeValues).toMatchObject({ ':room': 1, ':legacy': 3 });
  });

  it('names the open member by claim time, id and destination, so members sort oldest first', () => {
    const call = anAttempt(aTarget());
    expect(openMember(call)).toBe(`${Date.parse(T0)}#${call.id}#tel:+15550100`);
    expect(openMember(call) < openMember({ ...call, tm_create: T1 })).toBe(true);
  });

  it('takes the line on the person item only when no open attempt holds it and no suppression is in force, with a copy of the attempt', () => {
    const call = anAttempt(aTarget());
    const take = takeLineUpdate(TABLE, call, 5, { now: call.tm_create });
    expect(take.Key).toEqual(lineKey(call.customer_id, call.destination));
    expect(take.UpdateExpression).toBe('SET et = :et, #open = :cc, #attempt = :attempt');
    expect(take.ConditionExpression).toBe(
      'attribute_not_exists(#open) AND (attribute_not_exists(#sid) OR #exp <= :now)',
    );
    expect(take.ExpressionAttributeNames).toMatchObject({ '#sid': 'id', '#exp': 'expire_at' });
    expect(take.ExpressionAttributeValues).toEqual({
      ':et': 'person',
      ':cc': call.id,
      ':attempt': attemptAttributes(call, 5),
      ':now': call.tm_create,
    });
    expect(take.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('checks the rest after contact, and counts the attempt on the history as read (versioned), when a policy asks', () => {
    const call = anAttempt(aTarget());
    const first = takeLineUpdate(TABLE, call, 5, {
      now: T1,
      restSince: T0,
      cap: { version: undefined, recent: [] },
    });
    expect(first.ConditionExpression).toContain('(attribute_not_exists(#contact) OR #contact <= :rest)');
    expect(first.ConditionExpression).toContain('attribute_not_exists(#v)');
    expect(first.ExpressionAttributeValues).toMatchObject({ ':rest': T0, ':recent': [T1], ':nextv': 1 });
    const next = takeLineUpdate(TABLE, call, 5, { now: T1, cap: { version: 4, recent: [T0] } });
    expect(next.ConditionExpression).toContain('#v = :v');
    expect(next.UpdateExpression).toContain('#recent = :recent, #v = :nextv');
    expect(next.ExpressionAttributeValues).toMatchObject({ ':v': 4, ':recent': [T0, T1], ':nextv': 5 });
  });

  it('tells from the person item which check refused the claim', () => {
    const guard = { now: T1, restSince: T0 };
    expect(personRefusal({ _open_cc: 'x', id: 's1' }, guard)).toBe('line-busy');
    expect(personRefusal({ id: 's1' }, guard)).toBe('suppressed');
    expect(personRefusal({ id: 's1', expire_at: T0 }, guard)).toBe('person-changed');
    expect(personRefusal({ _contact_at: T1 }, guard)).toBe('capped');
    expect(personRefusal({ _v: 3 }, guard)).toBe('person-changed');
  });

  it('writes the attempt once, listed, on the shard that holds it', () => {
    const call = anAttempt(aTarget());
    const put = openAttemptPut(TABLE, attemptItem(attemptAttributes(call, limit.shard)));
    expect(put.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Item).toMatchObject({
      ...itemKey('campaigncall', call.id),
      ...listKeys('campaigncall', call),
      et: 'campaigncall',
      _shard: 5,
      _tracked: true,
    });
  });

  it('names each refusal and writes three distinct items in one transaction, no copy of the attempt', () => {
    const target = aTarget({ try_count_0: 1 });
    const steps = claimSteps(TABLE, 'k1', target, choice, anAttempt(target), limit);
    expect(steps.map((s) => s.refused)).toEqual(['target-taken', 'campaign-refused', 'person']);
    expectDistinctItems(steps);
  });
});

describe('answer requests', () => {
  it("answers only a ringing attempt, then takes it out of its shard's ringing set once", () => {
    const call = anAttempt(aTarget(), { _tracked: true });
    expect(answerCallUpdate(TABLE, call, T1)).toMatchObject({
      Key: itemKey('campaigncall', call.id),
      UpdateExpression: 'SET #status = :progressing, tm_update = :now',
      ConditionExpression: '#status = :dialing',
    });
    expect(answerShardUpdate(TABLE, call)).toMatchObject({
      Key: runtimeShardKey(call.campaign_id, 3),
      UpdateExpression: 'DELETE #ring :ring ADD #answered :one',
      ConditionExpression: 'contains(#ring, :id)',
      ExpressionAttributeValues: { ':ring': new Set([call.id]), ':id': call.id, ':one': 1 },
    });
  });

  it('keeps the digest of the request that reports the answer, and refuses that request twice', () => {
    const update = answerCallUpdate(TABLE, anAttempt(aTarget()), T1, 'd1');
    expect(update.UpdateExpression).toBe('SET #status = :progressing, tm_update = :now ADD #seen :seen');
    expect(update.ConditionExpression).toBe('#status = :dialing AND NOT contains(#seen, :digest)');
    expect(update.ExpressionAttributeValues).toMatchObject({ ':seen': new Set(['d1']), ':digest': 'd1' });
  });

  it('answers an attempt opened before shards held members in one transaction with its shard numbers', () => {
    const call = anAttempt(aTarget());
    const steps = legacyAnswerSteps(TABLE, call, T1);
    expect(updateOf(steps[0])?.ConditionExpression).toBe('#status = :dialing');
    expect(updateOf(steps[1])).toMatchObject({
      Key: runtimeShardKey(call.campaign_id, 3),
      ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
    });
    expectDistinctItems(steps);
  });
});

describe('finish requests', () => {
  it('commits the close on the attempt alone, recording only what the writes after it cannot tell', () => {
    const call = anAttempt(aTarget(), { _tracked: true });
    const ringing = closeCallUpdate(TABLE, call, hangup, T1);
    expect(ringing.Key).toEqual(itemKey('campaigncall', call.id));
    expect(ringing.ConditionExpression).toBe('#status = :was');
    expect(ringing.ExpressionAttributeValues).toMatchObject({ ':was': 'dialing' });
    expect(ringing.UpdateExpression).not.toMatch(/#parked|#answered/);
    const answered = anAttempt(aTarget(), { _tracked: true, status: 'progressing' });
    const parked = closeCallUpdate(TABLE, answered, { ...hangup, targetPartition: 'exhausted' }, T1);
    expect(parked.UpdateExpression).toContain(', #parked = :true, #answered = :true REMOVE');
    expect(parked.ExpressionAttributeNames).toMatchObject({ '#parked': '_parked', '#answered': '_answered' });
    expect(targetAfterClose({ result: 'fail', _parked: true })).toBe('exhausted');
    expect(targetAfterClose({ result: 'fail' })).toBe('retry');
    expect(targetAfterClose({ result: 'success' })).toBe('done');
  });

  it('keeps the digest of the request that reports the end, and refuses that request twice', () => {
    const close = closeCallUpdate(TABLE, anAttempt(aTarget(), { _tracked: true }), hangup, T1, 'd1');
    expect(close.UpdateExpression).toMatch(/ ADD #seen :seen$/);
    expect(close.ConditionExpression).toBe('#status = :was AND NOT contains(#seen, :digest)');
  });

  it('takes the attempt out of its shard and counts its result once, only while it is a member', () => {
    const call = anAttempt(aTarget(), { _tracked: true });
    const rang = closeShardUpdate(TABLE, call, hangup, 'rang');
    expect(rang).toMatchObject({
      Key: runtimeShardKey(call.campaign_id, 3),
      UpdateExpression: 'DELETE #open :open, #ring :ring ADD #outcome :one',
      ConditionExpression: 'contains(#open, :member)',
    });
    expect(rang.ExpressionAttributeNames['#outcome']).toBe('_failed_busy');
    expect(rang.ExpressionAttributeValues).toMatchObject({
      ':open': new Set([openMember(call)]),
      ':ring': new Set([call.id]),
      ':member': openMember(call),
    });
    const success = closeShardUpdate(TABLE, call, { result: 'success', reason: 'normal' }, 'answered');
    expect(success.ExpressionAttributeNames['#outcome']).toBe('_succeeded');
    // Answered, and the answer's own shard write made: it must be out of the ringing set already.
    expect(success.ConditionExpression).toBe('contains(#open, :member) AND NOT contains(#ring, :id)');
    // Answered, but the answer's shard write never made: the close counts the answer itself.
    const pending = closeShardUpdate(TABLE, call, { result: 'success', reason: 'normal' }, 'answer-pending');
    expect(pending.UpdateExpression).toBe(
      'DELETE #open :open, #ring :ring ADD #outcome :one, #answered :one',
    );
    expect(pending.ConditionExpression).toBe('contains(#open, :member) AND contains(#ring, :id)');
  });

  it('closes an attempt opened before shards held members with its shard numbers, in one transaction', () => {
    const target = aTarget();
    for (const status of ['dialing', 'progressing'] as const) {
      const call = anAttempt(target, { status });
      const [close, shard] = legacyFinishSteps(TABLE, call, hangup, T1, { target: true, line: true });
      expect(updateOf(close)?.ConditionExpression).toBe('#status = :was');
      expect(updateOf(close)?.UpdateExpression).not.toMatch(/#parked|#answered/);
      expect(updateOf(shard)?.Key).toEqual(runtimeShardKey(call.campaign_id, 3));
      expect(updateOf(shard)?.ExpressionAttributeValues).toEqual({
        ':minus': -1,
        ':dialing': status === 'dialing' ? -1 : 0,
        ':one': 1,
      });
      expect(updateOf(shard)?.ExpressionAttributeNames?.['#outcome']).toBe('_failed_busy');
    }
  });

  it('closes an attempt opened before runtime shards on shard 0', () => {
    const call = anAttempt(aTarget(), { _shard: undefined });
    const [, shard] = legacyFinishSteps(TABLE, call, hangup, T1, { target: false, line: false });
    expect(updateOf(shard)?.Key).toEqual(runtimeShardKey(call.campaign_id, 0));
  });

  it('puts the target back in line, parks it or ends it, only while it still points at this attempt', () => {
    const target = aTarget();
    const call = anAttempt(target);
    const retry = releaseTargetUpdate(TABLE, call, 'retry', T1);
    expect(retry.Key).toEqual(itemKey('outdialtarget', target.id));
    expect(retry.ConditionExpression).toBe('#open = :cc');
    expect(retry.ExpressionAttributeValues).toMatchObject({
      ':status': 'idle',
      ':cc': call.id,
      ':pk': dueKeys(target.outdial_id, 'retry', T1, target.id).gsi3pk,
      ':sk': dueKeys(target.outdial_id, 'retry', T1, target.id).gsi3sk,
    });
    const parked = releaseTargetUpdate(TABLE, call, 'exhausted', T1);
    expect(parked.ExpressionAttributeValues).toMatchObject({
      ':status': 'idle',
      ':pk': dueKeys(target.outdial_id, 'exhausted', T1, target.id).gsi3pk,
    });
    const done = releaseTargetUpdate(TABLE, call, 'done', T1);
    expect(done.UpdateExpression).toContain('REMOVE #open, gsi3pk, gsi3sk');
    expect(done.ExpressionAttributeValues).toMatchObject({ ':status': 'done' });
    expect(done.ExpressionAttributeValues).not.toHaveProperty(':pk');
  });

  it('frees the destination line only if this attempt holds it, keeping the person item', () => {
    const call = anAttempt(aTarget());
    const free = freeLineUpdate(TABLE, call);
    expect(free.Key).toEqual(lineKey(call.customer_id, call.destination));
    expect(free.UpdateExpression).toBe('REMOVE #open, #attempt');
    expect(free.ConditionExpression).toBe('#open = :cc');
    expect(free.ExpressionAttributeValues).toEqual({ ':cc': call.id });
  });

  it('records a contact on the person item only when the attempt reached a person (answered, not a machine)', () => {
    const call = anAttempt(aTarget());
    expect(freeLineUpdate(TABLE, call, T1).UpdateExpression).toBe(
      'SET #contact = :contact REMOVE #open, #attempt',
    );
    expect(reachedPerson('progressing', 'normal')).toBe(true);
    expect(reachedPerson('progressing', 'amd')).toBe(false);
    expect(reachedPerson('dialing', 'noanswer')).toBe(false);
  });

  it('gives back the try of an attempt cancelled as suppressed and skips its slot for good', () => {
    const call = anAttempt(aTarget(), { destination_index: 1 });
    const retry = releaseTargetUpdate(TABLE, call, 'retry', T1, true);
    expect(retry.UpdateExpression).toContain('#slot = #slot - :one');
    expect(retry.UpdateExpression).toContain('ADD #skip :skip');
    expect(retry.ExpressionAttributeNames).toMatchObject({ '#slot': 'try_count_1', '#skip': '_skip' });
    expect(retry.ExpressionAttributeValues[':skip']).toEqual(new Set([1]));
    const done = releaseTargetUpdate(TABLE, call, 'done', T1, true);
    expect(done.ExpressionAttributeValues).toMatchObject({
      ':status': 'done',
      ':hold': { reason: 'suppressed', until: null },
    });
  });

  it('gives back the try of an attempt cancelled outside its hours, keeps its slot, and holds it among the retries until the opening', () => {
    const call = anAttempt(aTarget(), { destination_index: 1 });
    const held = { until: '2026-01-16T15:00:00.000000Z', due: '2026-01-16T14:59:00.000000Z' };
    const release = releaseTargetUpdate(TABLE, call, 'retry', T1, false, held);
    expect(release.UpdateExpression).toContain('#slot = #slot - :one');
    expect(release.UpdateExpression).not.toContain('#skip');
    expect(release.ExpressionAttributeNames).toMatchObject({ '#slot': 'try_count_1', '#hold': '_hold' });
    expect(release.ExpressionAttributeValues).toMatchObject({
      ':status': 'idle',
      ':sk': dueKeys(call.outdial_id, 'retry', held.due, call.outdial_target_id).gsi3sk,
      ':hold': { reason: 'outside_hours', until: held.until, at: T1 },
    });
    // The close keeps the hold, so a repair after a crash releases the target the same way.
    const close = closeCallUpdate(TABLE, call, { ...hangup, reason: 'outside_hours', hold: held }, T1);
    expect(close.ExpressionAttributeValues[':held']).toEqual(held);
    expect(close.ExpressionAttributeNames['#held']).toBe('_held');
  });

  it('keeps the provider code only when there is one', () => {
    const call = anAttempt(aTarget());
    expect(closeCallUpdate(TABLE, call, hangup, T1).UpdateExpression).not.toContain('#code');
    const refused = closeCallUpdate(TABLE, call, { ...hangup, providerCode: '21211' }, T1);
    expect(refused.ExpressionAttributeValues[':code']).toBe('21211');
  });

  it('names each legacy refusal, leaves out the target or the line when told, and never names an item twice', () => {
    const call = anAttempt(aTarget());
    const all = legacyFinishSteps(TABLE, call, hangup, T1, { target: true, line: true });
    expect(all.map((s) => s.refused)).toEqual(['call-moved', 'call-moved', 'target-moved', 'line-elsewhere']);
    expectDistinctItems(all);
    expect(
      legacyFinishSteps(TABLE, call, hangup, T1, { target: false, line: true }).map((s) => s.refused),
    ).toEqual(['call-moved', 'call-moved', 'line-elsewhere']);
    expect(
      legacyFinishSteps(TABLE, call, hangup, T1, { target: true, line: false }).map((s) => s.refused),
    ).toEqual(['call-moved', 'call-moved', 'target-moved']);
  });
});

describe('replay requests', () => {
  it('remembers a request on its attempt once, and forgets it only on an attempt that exists', () => {
    expect(markSeenUpdate(TABLE, 'cc1', 'd1')).toMatchObject({
      Key: itemKey('campaigncall', 'cc1'),
      UpdateExpression: 'ADD #seen :seen',
      ConditionExpression: 'attribute_exists(pk) AND NOT contains(#seen, :digest)',
      ExpressionAttributeValues: { ':seen': new Set(['d1']), ':digest': 'd1' },
    });
    expect(forgetSeenUpdate(TABLE, 'cc1', 'd1')).toMatchObject({
      UpdateExpression: 'DELETE #seen :seen',
      ConditionExpression: 'attribute_exists(pk)',
    });
  });
});

describe('runtime shards as read', () => {
  it('shows open and ringing members as counts beside the numbers kept the old way', () => {
    const shard = runtimeShardOf(7, {
      shard: 7,
      status: 'run',
      _attempts: 9,
      _inflight: 2,
      _open: new Set([`${Date.parse(T1)}#b#tel:+1555`, `${Date.parse(T0)}#a#sip:x#y@z`]),
      _ring: new Set(['a']),
    });
    expect(shard.counters).toEqual({ _attempts: 9, _inflight: 4, _dialing: 1 });
    expect(shard.legacy).toEqual({ inflight: 2, dialing: 0 });
    expect(shard.open).toEqual(
      expect.arrayContaining([
        { id: 'a', claimedAtMs: Date.parse(T0), destination: 'sip:x#y@z' },
        { id: 'b', claimedAtMs: Date.parse(T1), destination: 'tel:+1555' },
      ]),
    );
    expect(shard.ringing).toEqual(['a']);
    expect(runtimeShardOf(3, undefined)).toMatchObject({ shard: 3, counters: {}, open: [] });
    expect(runtimeShardOf(3, undefined).status).toBeUndefined();
  });
});

describe('stop requests', () => {
  it('stops the campaign from the status it was seen in, only when every shard has nothing in flight', () => {
    for (const from of ['run', 'stopping'] as const) {
      const steps = stopSteps(TABLE, 'k1', 'cust-1', from, T1);
      expect(steps).toHaveLength(1 + RUNTIME_SHARDS);
      const [campaign, ...shards] = steps;
      expect(updateOf(campaign)).toMatchObject({
        Key: itemKey('campaign', 'k1'),
        ConditionExpression: '#status = :from',
        ExpressionAttributeValues: { ':stop': 'stop', ':from': from },
      });
      // It leaves the active set, so ticks stop visiting it.
      expect(updateOf(campaign)?.UpdateExpression).toContain('REMOVE gsi4pk, gsi4sk');
      expect(campaign?.refused).toBe(`not-${from}`);
      expect(shards.map((s) => updateOf(s)?.Key)).toEqual(runtimeShardKeys('k1'));
      for (const shard of shards) {
        expect(shard.refused).toBe('in-flight');
        expect(updateOf(shard)?.ConditionExpression).toBe(
          '(attribute_not_exists(#inflight) OR #inflight <= :zero) AND attribute_not_exists(#open)',
        );
        expect(updateOf(shard)?.ExpressionAttributeValues?.[':status']).toBe('stop');
      }
      expectDistinctItems(steps);
    }
  });
});

describe('lease requests', () => {
  it('takes the lease only when it is free or expired, and lets only its holder release it', () => {
    const take = acquireLeaseUpdate(TABLE, 'k1', 'tick-a', 1_000, 30_000);
    expect(take.Key).toEqual(itemKey('campaign', 'k1'));
    expect(take.ConditionExpression).toBe(
      'attribute_exists(pk) AND (attribute_not_exists(#until) OR #until < :now)',
    );
    expect(take.ExpressionAttributeValues).toEqual({ ':until': 31_000, ':owner': 'tick-a', ':now': 1_000 });
    const release = releaseLeaseUpdate(TABLE, 'k1', 'tick-a');
    expect(release.ConditionExpression).toBe('#owner = :owner');
    expect(release.ExpressionAttributeValues).toEqual({ ':owner': 'tick-a' });
  });

  it('reads every active shard, campaign ids only', () => {
    const queries = activeShards().map((shard) => activeCampaignsQuery(TABLE, shard));
    expect(new Set(queries.map((q) => q.ExpressionAttributeValues[':pk'])).size).toBe(queries.length);
    for (const q of queries) expect(q).toMatchObject({ IndexName: 'byState', ProjectionExpression: '#p' });
  });
});

describe('due-target requests', () => {
  it('reads every fresh shard whole and every retry shard up to the cutoff, inclusive', () => {
    const queries = dueTargetQueries(TABLE, 'd1', T1, 10);
    expect(queries).toHaveLength(2 * DUE_SHARDS);
    const fresh = queries.filter((q) =>
      duePartitionKeys('d1', 'fresh').includes(q.ExpressionAttributeValues[':pk']),
    );
    const retry = queries.filter((q) =>
      duePartitionKeys('d1', 'retry').includes(q.ExpressionAttributeValues[':pk']),
    );
    expect(fresh).toHaveLength(DUE_SHARDS);
    expect(retry).toHaveLength(DUE_SHARDS);
    for (const q of fresh) expect(q.KeyConditionExpression).toBe('#pk = :pk');
    const id = randomUUID();
    for (const q of retry) {
      expect(q.KeyConditionExpression).toBe('#pk = :pk AND #sk <= :upper');
      const upper = String(q.ExpressionAttributeValues[':upper']);
      expect(dueKeys('d1', 'retry', T1, id).gsi3sk <= upper).toBe(true);
      expect(dueKeys('d1', 'retry', '2026-01-15T09:31:00.000001Z', id).gsi3sk <= upper).toBe(false);
    }
    for (const q of queries)
      expect(q).toMatchObject({ IndexName: 'byDue', ScanIndexForward: true, Limit: 10 });
  });

  it('reads parked targets strictly before the review time', () => {
    const id = randomUUID();
    for (const q of exhaustedTargetQueries(TABLE, 'd1', T1, 5)) {
      const upper = String(q.ExpressionAttributeValues[':upper']);
      expect(dueKeys('d1', 'exhausted', T0, id).gsi3sk <= upper).toBe(true);
      expect(dueKeys('d1', 'exhausted', T1, id).gsi3sk <= upper).toBe(false);
    }
  });

  it('probes each fresh and retry shard for one key only', () => {
    const probes = idleTargetProbes(TABLE, 'd1');
    expect(probes).toHaveLength(2 * DUE_SHARDS);
    for (const q of probes) expect(q).toMatchObject({ Limit: 1, ProjectionExpression: 'pk' });
  });

  it('moves only a live idle target, and revives one only while it is still parked', () => {
    const target = aTarget();
    for (const [update, partition] of [
      [deferBusyUpdate(TABLE, target, T1), 'retry'],
      [parkExhaustedUpdate(TABLE, target, T1), 'exhausted'],
    ] as const) {
      expect(update.Key).toEqual(itemKey('outdialtarget', target.id));
      expect(update.ConditionExpression).toBe('#status = :idle AND attribute_not_exists(tm_delete)');
      const to = dueKeys(target.outdial_id, partition, T1, target.id);
      expect(update.ExpressionAttributeValues).toEqual({
        ':pk': to.gsi3pk,
        ':sk': to.gsi3sk,
        ':idle': 'idle',
      });
    }
    const revive = reviveExhaustedUpdate(TABLE, target, T0);
    expect(revive.ConditionExpression).toBe(
      '#status = :idle AND attribute_not_exists(tm_delete) AND gsi3pk = :parked',
    );
    expect(revive.ExpressionAttributeValues).toMatchObject({
      ':pk': dueKeys(target.outdial_id, 'retry', T0, target.id).gsi3pk,
      ':parked': dueKeys(target.outdial_id, 'exhausted', T0, target.id).gsi3pk,
    });
  });

  it('drops a target’s hold whenever it moves for another reason', () => {
    const target = aTarget();
    for (const update of [deferBusyUpdate(TABLE, target, T1), parkExhaustedUpdate(TABLE, target, T1)]) {
      expect(update.UpdateExpression).toBe('SET gsi3pk = :pk, gsi3sk = :sk REMOVE #hold');
      expect(update.ExpressionAttributeNames).toMatchObject({ '#hold': '_hold' });
    }
  });

  it('holds targets outside their hours among the retries and counts them, each only while still due where read', () => {
    const [a, b] = [aTarget(), aTarget({ id: randomUUID() })];
    const hold = { reason: 'outside_hours' as const, until: T1, at: T0 };
    const items = holdOutsideHoursItems(TABLE, {
      campaignId: 'c1',
      shard: 3,
      retryCutoff: T0,
      held: [
        { target: a, dueAt: T1, hold },
        { target: b, dueAt: T1, hold },
      ],
    }).map((i) => i.Update);
    expect(items).toHaveLength(3);
    const [held, , counted] = items;
    const to = dueKeys(a.outdial_id, 'retry', T1, a.id);
    expect(held?.Key).toEqual(itemKey('outdialtarget', a.id));
    expect(items[1]?.Key).toEqual(itemKey('outdialtarget', b.id));
    expect(held?.ExpressionAttributeValues).toMatchObject({
      ':pk': to.gsi3pk,
      ':sk': to.gsi3sk,
      ':hold': hold,
    });
    expect(held?.ConditionExpression).toBe(
      '#status = :idle AND attribute_not_exists(tm_delete) AND (gsi3pk = :fresh OR (gsi3pk = :pk AND gsi3sk <= :cutoff))',
    );
    // Once held it sorts after the cutoff it was read with, so an overlapping tick cannot hold it again.
    const cutoff = String(held?.ExpressionAttributeValues?.[':cutoff']);
    expect(dueKeys(a.outdial_id, 'retry', T0, a.id).gsi3sk <= cutoff).toBe(true);
    expect(to.gsi3sk <= cutoff).toBe(false);
    expect(counted).toMatchObject({
      Key: runtimeShardKey('c1', 3),
      UpdateExpression: 'ADD #skipped :n',
      ExpressionAttributeNames: { '#skipped': '_skipped_outside_hours' },
      ExpressionAttributeValues: { ':n': 2 },
    });
  });
});

describe('placement requests', () => {
  it('starts a placement once, gives back only a placement still in progress', () => {
    expect(startPlacementPut(TABLE, 'cc1')).toMatchObject({
      Item: { ...placementGuardKey('cc1'), state: 'placing' },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(resetPlacementDelete(TABLE, 'cc1')).toMatchObject({
      Key: placementGuardKey('cc1'),
      ConditionExpression: '#state = :placing',
    });
  });

  it('resends a dial job only for an attempt still ringing and never placed', () => {
    const update = markDialJobResentUpdate(TABLE, 'cc1', T1);
    expect(update.Key).toEqual(itemKey('campaigncall', 'cc1'));
    expect(update.ConditionExpression).toBe(
      '#status = :dialing AND (attribute_not_exists(#ref) OR #ref = :nil) AND attribute_not_exists(#call)',
    );
  });

  it("lists a campaign's legacy open attempts created strictly before a time, from every partition", () => {
    const queries = legacyOpenAttemptsQueries(TABLE, 'k1', T1, 20);
    const written = new Set(
      Array.from({ length: 200 }, () => openAttemptKeys('k1', T0, randomUUID()).gsi4pk),
    );
    // Every shard an attempt can be written to is read, and the partition kept before the split too.
    expect(new Set(queries.map((q) => q.ExpressionAttributeValues[':pk']))).toEqual(
      new Set([...written, 'campaign#k1#open']),
    );
    for (const q of queries) {
      expect(q).toMatchObject({
        IndexName: 'byState',
        KeyConditionExpression: '#pk = :pk AND #sk <= :upper',
      });
      const upper = String(q.ExpressionAttributeValues[':upper']);
      expect(openAttemptKeys('k1', T0, randomUUID()).gsi4sk <= upper).toBe(true);
      expect(openAttemptKeys('k1', T1, randomUUID()).gsi4sk <= upper).toBe(false);
    }
  });
});

describe('queue and agent requests', () => {
  it('gives a call to an agent only if the agent is free and the call open and unassigned', () => {
    const call = anAttempt(aTarget(), { status: 'progressing' });
    const steps = assignAgentSteps(TABLE, call, 'a1', T1);
    expect(steps.map((s) => s.refused)).toEqual(['agent-taken', 'call-settled']);
    const [agent, attempt] = steps;
    expect(updateOf(agent)).toMatchObject({
      Key: itemKey('agent', 'a1'),
      ConditionExpression: '#status = :available AND attribute_not_exists(tm_delete)',
    });
    expect(updateOf(attempt)).toMatchObject({
      Key: itemKey('campaigncall', call.id),
      ConditionExpression:
        '#status = :progressing AND attribute_not_exists(#agent) AND attribute_not_exists(#abandon)',
    });
    expectDistinctItems(steps);
  });

  it('queues an answered call once, oldest first, and frees an agent only from this call', () => {
    const call = anAttempt(aTarget(), { status: 'progressing' });
    const wait = waitInQueueUpdate(TABLE, call, T1);
    const line = waitingCallerKeys(call.queue_id, T1, call.id);
    expect(wait.ExpressionAttributeValues).toMatchObject({ ':pk': line.gsi3pk, ':sk': line.gsi3sk });
    expect(wait.ConditionExpression).toContain('attribute_not_exists(#waiting)');
    const release = releaseAgentUpdate(TABLE, 'cust-1', 'a1', call.id, T1);
    expect(release.ConditionExpression).toBe(
      '#cc = :call AND #status = :busy AND attribute_not_exists(tm_delete)',
    );
    expect(release.ExpressionAttributeValues).toMatchObject({
      ':call': call.id,
      ':next': 'available',
      ':pk': availableAgentKeys('cust-1', 'a1').gsi2pk,
      ':sk': availableAgentKeys('cust-1', 'a1').gsi2sk,
    });
  });

  it('puts an agent in wrap-up from this call only, and ends only that same wrap-up', () => {
    const call = anAttempt(aTarget(), { status: 'progressing' });
    const release = releaseAgentUpdate(TABLE, 'cust-1', 'a1', call.id, T1, T2);
    expect(release.ConditionExpression).toBe(
      '#cc = :call AND #status = :busy AND attribute_not_exists(tm_delete)',
    );
    expect(release.ExpressionAttributeValues).toMatchObject({
      ':next': 'wrapup',
      ':until': T2,
      ':pk': wrapUpAgentKeys('cust-1', T2, 'a1').gsi2pk,
      ':sk': wrapUpAgentKeys('cust-1', T2, 'a1').gsi2sk,
    });
    const end = endWrapUpUpdate(TABLE, 'cust-1', 'a1', T2, T2);
    expect(end.ConditionExpression).toBe(
      '#status = :wrapup AND #until = :until AND attribute_not_exists(tm_delete)',
    );
    expect(end.ExpressionAttributeValues).toMatchObject({
      ':until': T2,
      ':pk': availableAgentKeys('cust-1', 'a1').gsi2pk,
    });
  });

  it('ends one wrap-up by its job only while the agent is still in the wrap-up index', () => {
    const end = endOneWrapUpUpdate(TABLE, 'cust-1', 'a1', T2, T2);
    expect(end.ConditionExpression).toBe(
      '#status = :wrapup AND #until = :until AND attribute_not_exists(tm_delete) AND gsi2pk = :wrapups',
    );
    expect(end.ExpressionAttributeValues).toMatchObject({
      ':until': T2,
      ':wrapups': wrapUpAgentKeys('cust-1', T2, 'a1').gsi2pk,
      ':pk': availableAgentKeys('cust-1', 'a1').gsi2pk,
    });
  });
});
