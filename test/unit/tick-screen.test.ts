import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { oldestOpenAttemptQueries, releaseLeaseUpdate } from '#adapters/dynamodb/tick-requests.ts';
import { NIL_UUID } from '#domain/ids.ts';
import type { Outplan } from '#domain/outplan.ts';
import { type RuntimeShard, roomPerShard } from '#domain/runtime-shards.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import { screenCampaign } from '#services/engine/screen-campaigns.ts';

const SEED = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
const TABLE = 'outbound';
const NOW = Date.parse('2026-03-02T10:00:00Z');
/** As many runtime shards as the store keeps. */
const ALL_SHARDS = 32;
const deps = { settings: { sweepGraceMs: 60_000 } } as Parameters<typeof screenCampaign>[0]['deps'];
/** dial_timeout 30 s + 60 s grace. */
const RING_DEADLINE = 90_000;

const aCampaign = (o: Partial<EngineCampaign> = {}): EngineCampaign =>
  ({
    id: 'c1',
    customer_id: 'u1',
    status: 'run',
    end_handle: 'continue',
    service_level: 100,
    outplan_id: 'p1',
    outdial_id: 'd1',
    queue_id: NIL_UUID,
    max_concurrent_calls: 2,
    calling_hours: null,
    tm_delete: null,
    _sweep_from: formatTimestamp(NOW - 1_000),
    ...o,
  }) as EngineCampaign;

const anOutplan = (o: Partial<Outplan> = {}) => ({ id: 'p1', dial_timeout: 30_000, ...o }) as Outplan;

const shards = (open: number[], status = 'run'): RuntimeShard[] =>
  open.map((n, shard) => ({ shard, status, counters: { _inflight: n, _dialing: n } }));

const screen = (o: {
  campaign?: EngineCampaign;
  outplan?: Outplan;
  shards?: RuntimeShard[];
  nowMs?: number;
}) =>
  screenCampaign({
    campaign: 'campaign' in o ? o.campaign : aCampaign(),
    outplan: 'outplan' in o ? o.outplan : anOutplan(),
    shards: 'shards' in o ? o.shards : shards([1, 1]),
    nowMs: o.nowMs ?? NOW,
    deps,
  });

describe('the tick screen', () => {
  it('leaves a running campaign alone while its shards have no room and nothing can be swept', () => {
    expect(screen({})).toEqual({ tick: false, outcome: 'waiting' });
  });

  it('ticks it as soon as one shard has room', () => {
    expect(screen({ shards: shards([1, 0]) })).toEqual({ tick: true });
  });

  it('ticks it once an open attempt can be past the ring deadline, or when no sweep mark is kept', () => {
    const from = formatTimestamp(NOW - RING_DEADLINE);
    expect(screen({ campaign: aCampaign({ _sweep_from: from }) })).toEqual({
      tick: false,
      outcome: 'waiting',
    });
    expect(screen({ campaign: aCampaign({ _sweep_from: from }), nowMs: NOW + 1 })).toEqual({ tick: true });
    expect(screen({ campaign: aCampaign({ _sweep_from: undefined }) })).toEqual({ tick: true });
  });

  it('ticks what only the leased tick can decide: stopping, a queue, a list that may be done, missing shards, a dial_info change, no outplan', () => {
    for (const campaign of [aCampaign({ status: 'stopping' }), aCampaign({ queue_id: 'q1' })])
      expect(screen({ campaign, shards: shards([1, 1]) })).toEqual({ tick: true });
    // No room to claim (a cap of 0), and nothing in flight on the shards read: the list may be done.
    const none: RuntimeShard[] = [];
    const mayBeDone = aCampaign({ end_handle: 'stop', max_concurrent_calls: 0 });
    expect(screen({ campaign: mayBeDone, shards: none })).toEqual({ tick: true });
    const goesOn = aCampaign({ max_concurrent_calls: 0 });
    expect(screen({ campaign: goesOn, shards: none })).toEqual({ tick: false, outcome: 'waiting' });
    expect(
      screen({ shards: [{ shard: 0, counters: {} }, ...shards([1]).map((s) => ({ ...s, shard: 1 }))] }),
    ).toEqual({ tick: true });
    expect(
      screen({ outplan: anOutplan({ _dial_info_at: '2026-03-01T00:00:00.000000Z' } as Partial<Outplan>) }),
    ).toEqual({ tick: true });
    expect(screen({ outplan: undefined })).toEqual({ tick: true });
    expect(screen({ campaign: undefined })).toEqual({ tick: true });
  });

  it('reports a campaign that is not running, and one outside its calling hours, without ticking it', () => {
    expect(screen({ campaign: aCampaign({ status: 'stop' }) })).toEqual({
      tick: false,
      outcome: 'not-running',
    });
    // NOW is 10:00 UTC: before the window opens, though both shards have room.
    const later = { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '11:00', end: '12:00' };
    const campaign = aCampaign({ calling_hours: later } as Partial<EngineCampaign>);
    expect(screen({ campaign, shards: shards([0, 0]) })).toEqual({ tick: false, outcome: 'outside-hours' });
  });

  it('never says "no room" when the campaign has room on its shards, whatever calls other shards hold', () => {
    console.log(`tick screen property seed ${SEED}`);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 40 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { minLength: ALL_SHARDS, maxLength: ALL_SHARDS }),
        (bound, open) => {
          const all = shards(open);
          const hasRoom = roomPerShard(all, { counter: 'inflight', bound }).size > 0;
          // What the store returns for the screen: the first `bound` shards (all of them when fewer).
          const first = all.slice(0, Math.min(bound, ALL_SHARDS));
          const verdict = screen({ campaign: aCampaign({ max_concurrent_calls: bound }), shards: first });
          if (hasRoom) expect(verdict).toEqual({ tick: true });
        },
      ),
      { seed: SEED, numRuns: 500 },
    );
  });
});

describe('tick requests', () => {
  it('records the sweep mark in the lease release, and only then', () => {
    const plain = releaseLeaseUpdate(TABLE, 'k1', 'tick-a');
    expect(plain.UpdateExpression).toBe('REMOVE #until, #owner');
    const marked = releaseLeaseUpdate(TABLE, 'k1', 'tick-a', '2026-03-02T10:00:00.000000Z');
    expect(marked.UpdateExpression).toBe('SET #sweep = :sweep REMOVE #until, #owner');
    expect(marked.ConditionExpression).toBe('#owner = :owner');
    expect(marked.ExpressionAttributeNames['#sweep']).toBe('_sweep_from');
    expect(marked.ExpressionAttributeValues).toEqual({
      ':owner': 'tick-a',
      ':sweep': '2026-03-02T10:00:00.000000Z',
    });
  });

  it('reads the oldest open attempt of every open-attempts partition, its sort key only', () => {
    const queries = oldestOpenAttemptQueries(TABLE, 'k1');
    expect(queries.length).toBeGreaterThan(1);
    expect(new Set(queries.map((q) => q.ExpressionAttributeValues[':pk'])).size).toBe(queries.length);
    for (const q of queries)
      expect(q).toMatchObject({
        IndexName: 'byState',
        Limit: 1,
        ScanIndexForward: true,
        ProjectionExpression: '#sk',
      });
  });
});
