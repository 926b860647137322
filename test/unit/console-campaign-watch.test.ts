/** What the console and `outbound watch` derive from the API's answers. */
import { describe, expect, it } from 'vitest';
import {
  notDialingReasons,
  perMinute,
  progressOf,
  ratesOf,
  stateSummary,
} from '../../console/core/campaign-watch.ts';

describe('campaign watch', () => {
  it("shows progress as done of total from the list's counts by state, and the other states in words", () => {
    const t = { total: 10, idle: 2, waiting_retry: 3, in_flight: 1, done: 4, held: 0 };
    expect(progressOf(t)).toEqual({ finished: 4, total: 10, percent: 40 });
    expect(stateSummary(t)).toBe('1 in flight · 3 waiting for a retry · 2 not tried yet');
    expect(progressOf(null)).toEqual({ finished: 0, total: 0, percent: 0 });
    expect(progressOf({ ...t, done: 10, idle: 0, waiting_retry: 0, in_flight: 0 }).percent).toBe(100);
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
      { total: 0, idle: 0, waiting_retry: 0, in_flight: 0, done: 0, held: 0 },
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
