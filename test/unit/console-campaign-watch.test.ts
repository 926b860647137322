/** What the console and `outbound watch` derive from the API's answers. */
import { describe, expect, it } from 'vitest';
import {
  censusOf,
  notDialingReasons,
  perMinute,
  progressOf,
  ratesOf,
} from '../../console/core/campaign-watch.ts';

const slots = (tries: number[], destinations = 1) =>
  Object.fromEntries(
    [0, 1, 2, 3, 4].flatMap((n) => [
      [`try_count_${n}`, tries[n] ?? 0],
      [`destination_${n}`, n < destinations ? { type: 'tel', target: '+15551230000' } : null],
    ]),
  );
const plan = {
  max_try_count_0: 2,
  max_try_count_1: 0,
  max_try_count_2: 0,
  max_try_count_3: 0,
  max_try_count_4: 0,
} as any;

describe('campaign watch', () => {
  it('counts a target finished when reached or out of tries under the outplan', () => {
    const c = censusOf(
      [
        { status: 'done', ...slots([1]) },
        { status: 'idle', ...slots([2]) },
        { status: 'idle', ...slots([1]) },
        { status: 'progressing', ...slots([1]) },
      ] as any,
      plan,
    );
    expect(c).toMatchObject({ total: 4, reached: 1, exhausted: 1, waiting: 1, inProgress: 1 });
    expect(progressOf(c)).toEqual({ finished: 2, total: 4, percent: 50 });
  });

  it('rates answers over attempts and successes over closed attempts', () => {
    expect(ratesOf({ attempts: 10, answered: 6, succeeded: 3, failed: 1 } as any)).toEqual({
      answerRate: 0.6,
      successRate: 0.75,
    });
    expect(ratesOf(undefined)).toEqual({ answerRate: undefined, successRate: undefined });
  });

  it('turns running totals into calls per minute over steps of at least 15 s', () => {
    const at = (s: number, attempts: number) => ({
      at: s * 1000,
      attempts,
      succeeded: attempts / 2,
      failed: 0,
    });
    expect(perMinute([at(0, 0), at(3, 50), at(15, 30), at(30, 60)])).toEqual([
      { at: 15_000, started: 120, succeeded: 60, failed: 0 },
      { at: 30_000, started: 120, succeeded: 60, failed: 0 },
    ]);
  });

  it('says why a campaign is not dialing', () => {
    const campaign = {
      status: 'run',
      outplan_id: '00000000-0000-0000-0000-000000000000',
      outdial_id: 'x',
      queue_id: '00000000-0000-0000-0000-000000000000',
      max_concurrent_calls: 2,
      calling_hours: { timezone: 'UTC', days: [1], start: '09:00', end: '10:00' },
    } as any;
    // A Sunday at noon UTC.
    const reasons = notDialingReasons(
      campaign,
      { in_flight: 2 } as any,
      { total: 0, complete: true } as any,
      Date.UTC(2026, 11, 6, 12),
    );
    expect(reasons).toEqual([
      'It has no outplan (how to dial).',
      'Outside its calling hours (09:00–10:00, UTC).',
      'Its list has no targets.',
      'It is at its limit of 2 calls at once.',
    ]);
  });
});
