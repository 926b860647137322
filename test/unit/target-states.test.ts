/**
 * Targets by state: the state a target's item puts it in, and the requests that move its outdial's
 * counts (pure; the stream's use of them is tested on DynamoDB Local in engine-target-states.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { isExhaustedTarget } from '#adapters/dynamodb/keys.ts';
import { countDeltas, markerWrite, netMoves } from '#adapters/dynamodb/target-index-requests.ts';
import { targetCountOf, targetStateOf, targetsByStateOf } from '#domain/outdial.ts';
import type { IndexedTarget } from '#ports/target-index-store.ts';

const at = '2026-12-01T10:00:00.000000Z';
const later = '2026-12-01T10:05:00.000000Z';

describe('targetStateOf', () => {
  it('tells never tried, waiting for a retry, in flight, done and held apart', () => {
    const idle = { status: 'idle', try_count_0: 0, try_count_1: 0, tm_create: at, tm_update: null };
    expect(targetStateOf(idle)).toBe('idle');
    expect(targetStateOf({ ...idle, try_count_1: 1 })).toBe('waiting_retry');
    expect(targetStateOf({ ...idle, status: 'progressing' })).toBe('in_flight');
    expect(targetStateOf({ ...idle, status: 'done', try_count_0: 2 })).toBe('done');
    // Idle with no try left (parked among the exhausted): finished, so done.
    const parked = { ...idle, try_count_0: 1, gsi3pk: 'outdial#o#due#exhausted#2' };
    expect(isExhaustedTarget(parked)).toBe(true);
    expect(targetStateOf(parked, isExhaustedTarget(parked))).toBe('done');
    expect(isExhaustedTarget({ ...parked, gsi3pk: 'outdial#o#due#retry#2' })).toBe(false);
    const hold = { reason: 'capped', until: later, at: later };
    expect(targetStateOf({ ...idle, try_count_0: 1, tm_update: at, _hold: hold })).toBe('held');
    // A hold an attempt's end has superseded no longer holds the target.
    expect(targetStateOf({ ...idle, try_count_0: 1, tm_update: '2026-12-02', _hold: hold })).toBe(
      'waiting_retry',
    );
    // A target that ended because its numbers were suppressed is done, not held.
    expect(targetStateOf({ ...idle, status: 'done', _hold: { ...hold, reason: 'suppressed' } })).toBe('done');
  });
});

describe('counts of an outdial item', () => {
  it('are unknown (null) for a list from before the counts, until counted', () => {
    expect(targetsByStateOf({ _target_count: 3 })).toBeNull();
    expect(targetCountOf({ _target_count: 3 })).toBe(3);
    expect(targetCountOf({})).toBeNull();
    expect(targetCountOf({ _counted_by_state: true })).toBe(0);
    expect(
      targetsByStateOf({ _counted_by_state: true, _target_count: 2, _targets_done: 1, _targets_idle: 1 }),
    ).toEqual({ total: 2, idle: 1, waiting_retry: 0, in_flight: 0, done: 1, held: 0 });
  });
});

const target = (id: string, state: IndexedTarget['state']): IndexedTarget => ({
  id,
  customerId: 'c',
  outdialId: 'o',
  tmCreate: at,
  numbers: [],
  state,
});

describe('netMoves and countDeltas', () => {
  it("make one move of each target's changes in a batch, from where it was first to where it is last", () => {
    const moves = netMoves([
      { kind: 'added', target: target('a', 'idle') },
      { kind: 'moved', target: target('a', 'in_flight'), from: 'idle' },
      { kind: 'moved', target: target('b', 'in_flight'), from: 'waiting_retry' },
      { kind: 'moved', target: target('b', 'waiting_retry'), from: 'in_flight' },
      { kind: 'moved', target: target('c', 'done'), from: 'in_flight' },
      { kind: 'removed', target: target('c', 'done') },
      { kind: 'added', target: target('d', 'idle') },
      { kind: 'removed', target: target('d', 'idle') },
    ]);
    expect(moves).toEqual([
      { targetId: 'a', outdialId: 'o', from: null, to: 'in_flight' },
      { targetId: 'c', outdialId: 'o', from: 'in_flight', to: null },
    ]);
    // One counted in, one out, both in flight: nothing moves.
    expect(countDeltas(moves)).toEqual({});
  });

  it('moves the total only when a target is counted in or out', () => {
    expect(
      countDeltas([
        { targetId: 'a', outdialId: 'o', from: null, to: 'idle' },
        { targetId: 'b', outdialId: 'o', from: 'idle', to: 'in_flight' },
        { targetId: 'c', outdialId: 'o', from: 'done', to: null },
      ]),
    ).toEqual({ _targets_in_flight: 1, _targets_done: -1 });
  });
});

describe('markerWrite', () => {
  it('counts a target in only while unmarked, and moves or removes it only from the state it holds', () => {
    const put = markerWrite('t', { targetId: 'a', outdialId: 'o', from: null, to: 'idle' });
    expect(put.Put?.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(put.Put?.Item).toMatchObject({ state: 'idle', outdial_id: 'o' });
    const move = markerWrite('t', { targetId: 'a', outdialId: 'o', from: 'idle', to: 'done' });
    expect(move.Update).toMatchObject({
      ConditionExpression: '#state = :from',
      ExpressionAttributeValues: { ':from': 'idle', ':to': 'done' },
    });
    const out = markerWrite('t', { targetId: 'a', outdialId: 'o', from: 'done', to: null });
    expect(out.Delete).toMatchObject({
      ConditionExpression: '#state = :from',
      ExpressionAttributeValues: { ':from': 'done' },
    });
  });
});
