/**
 * The hour and day sums behind predictive pacing and the stats' rates: what a stream change adds
 * (answer, close, ring and talk time), what a minute update adds anew (a repeat adds nothing), and the
 * rates read from them.
 */
import { describe, expect, it } from 'vitest';
import { rollupDelta, rollupUpdates } from '#adapters/dynamodb/call-timeseries-requests.ts';
import {
  agentIntervalMs,
  emptyRollup,
  ratesOf,
  recentRatesOf,
  THIN_WINDOW,
} from '#domain/call-timeseries.ts';
import { minuteEventsOf } from '#services/events/call-timeseries.ts';

const call = (over: Record<string, unknown>) => ({
  et: 'campaigncall',
  id: 'a1',
  customer_id: 'c1',
  campaign_id: 'k1',
  status: 'dialing',
  result: '',
  tm_create: '2026-11-20T10:00:00.000000Z',
  ...over,
});

describe('what a stream change adds', () => {
  it('gives an answered call its ring time from placement, and on close a person and the talk time', () => {
    const placed = call({ tm_update: '2026-11-20T10:00:02.000000Z' });
    const answered = call({ status: 'progressing', tm_update: '2026-11-20T10:00:12.000000Z' });
    const closed = call({
      status: 'done',
      result: 'success',
      _reason: 'normal',
      tm_update: '2026-11-20T10:01:42.000000Z',
    });
    const [atAnswer] = minuteEventsOf([{ recordId: '1', oldImage: placed, newImage: answered }]);
    expect(atAnswer).toMatchObject({ answered: ['a1'], ring: [['a1', 10_000]] });
    const [atClose] = minuteEventsOf([{ recordId: '2', oldImage: answered, newImage: closed }]);
    expect(atClose).toMatchObject({ outcomes: { success: ['a1'] }, human: ['a1'], talk: [['a1', 90_000]] });
  });

  it('counts no person for a machine, no talk for an abandoned call, and rings until the end of an unanswered one', () => {
    const answered = call({ status: 'progressing', tm_update: '2026-11-20T10:00:12.000000Z' });
    const end = (reason: string, from = answered) =>
      minuteEventsOf([
        {
          recordId: reason,
          oldImage: from,
          newImage: {
            ...from,
            status: 'done',
            result: 'fail',
            _reason: reason,
            tm_update: '2026-11-20T10:00:30.000000Z',
          },
        },
      ])[0];
    expect(end('amd')).not.toHaveProperty('human');
    expect(end('abandoned')).toMatchObject({ human: ['a1'] });
    expect(end('abandoned')).not.toHaveProperty('talk');
    expect(end('noanswer', call({}))).toMatchObject({ ring: [['a1', 30_000]] });
    expect(end('suppressed', call({}))).not.toHaveProperty('ring');
  });
});

describe('what a minute update adds anew', () => {
  const names = (n: string) =>
    ({ ':s0': 'd', ':s1': 'r', ':s2': 'o_abandoned', ':s3': 'h', ':s4': 'o_suppressed' })[n];
  const added = {
    ':s0': new Set(['tokA', 'tokB']),
    ':s1': new Set(['tokA:1000', 'tokB:3000']),
    ':s2': new Set(['tokA']),
    ':s3': new Set(['tokA']),
    ':s4': new Set(['tokC']),
  };

  it('adds every member to an empty minute, leaving suppressed skips out of the ended calls', () => {
    expect(rollupDelta(added, undefined, names)).toEqual({
      ...emptyRollup(),
      dialed: 2,
      ring_n: 2,
      ring_ms: 4000,
      ended: 1,
      abandoned: 1,
      human: 1,
    });
  });

  it('adds nothing for members the minute already held (a redelivered record)', () => {
    const before = {
      d: new Set(['tokA', 'tokB']),
      r: new Set(['tokA:1000']),
      o_abandoned: new Set(['tokA']),
      h: new Set(['tokA']),
    };
    expect(rollupDelta(added, before, names)).toEqual({ ...emptyRollup(), ring_n: 1, ring_ms: 3000 });
    expect(rollupUpdates('t', { customerId: 'c', campaignId: 'k', minute: 0 }, emptyRollup())).toEqual([]);
  });
});

describe('rates from the sums', () => {
  it('reads the last hours, or the day when they are thin', () => {
    const hour = { ...emptyRollup(), ended: 10, human: 5, abandoned: 1, ring_ms: 40_000, ring_n: 2 };
    const day = { ...emptyRollup(), ended: 200, human: 60, abandoned: 1, talk_ms: 600_000, talk_n: 5 };
    expect(recentRatesOf([hour, hour], day)).toEqual({
      ended: 200,
      humanAnswered: 60,
      abandoned: 1,
      meanTalkMs: 120_000,
    });
    const busy = { ...hour, ended: THIN_WINDOW };
    expect(recentRatesOf([busy], day)).toEqual({
      ended: THIN_WINDOW,
      humanAnswered: 5,
      abandoned: 1,
      meanRingMs: 20_000,
    });
  });

  it('leaves a rate with nothing to divide by null', () => {
    expect(ratesOf(emptyRollup(), 60)).toMatchObject({
      answer_rate: null,
      abandon_rate: null,
      dials_per_minute: 0,
    });
    expect(ratesOf({ ...emptyRollup(), dialed: 120, ended: 100, human: 40, abandoned: 2 }, 60)).toMatchObject(
      {
        answer_rate: 0.4,
        abandon_rate: 0.05,
        dials_per_minute: 2,
        agent_occupancy: null,
      },
    );
  });

  it('gives agent occupancy as talk over logged-in agent time, clamped to 1, null without agent time', () => {
    expect(ratesOf({ ...emptyRollup(), talk_ms: 0, agent_ms: 0 }, 60).agent_occupancy).toBeNull();
    expect(ratesOf({ ...emptyRollup(), talk_ms: 30_000, agent_ms: 120_000 }, 60).agent_occupancy).toBe(0.25);
    expect(ratesOf({ ...emptyRollup(), talk_ms: 0, agent_ms: 120_000 }, 60).agent_occupancy).toBe(0);
    // Talk is counted per call when it ends, logged-in time per tick: a call longer than the sampled time.
    expect(ratesOf({ ...emptyRollup(), talk_ms: 130_000, agent_ms: 120_000 }, 60).agent_occupancy).toBe(1);
  });

  it('counts the time since the last sample, from the period start at most, capped, never negative', () => {
    const hour = 3_600_000;
    expect(agentIntervalMs(undefined, hour, hour + 5_000, 10_000)).toBe(0);
    expect(agentIntervalMs(hour + 1_000, hour, hour + 6_000, 10_000)).toBe(5_000);
    expect(agentIntervalMs(hour + 1_000, hour, hour + 61_000, 10_000)).toBe(10_000);
    // The last sample was in the hour before: only this hour's part.
    expect(agentIntervalMs(hour - 3_000, hour, hour + 2_000, 10_000)).toBe(2_000);
    expect(agentIntervalMs(hour + 6_000, hour, hour + 6_000, 10_000)).toBe(0);
    expect(agentIntervalMs(hour + 7_000, hour, hour + 6_000, 10_000)).toBe(0);
  });
});
