import { describe, expect, it } from 'vitest';
import { nextOpening } from '#domain/diagnosis.ts';
import { decideTick, type PacingFacts } from '#services/engine/tick-decision.ts';

const T0 = Date.parse('2026-01-15T09:30:00.000Z'); // a Thursday
const pacing = (over: Partial<PacingFacts> = {}): PacingFacts => ({
  mode: 'service_level',
  hasQueue: true,
  queueMissing: false,
  agents: 2,
  wrappingUp: 0,
  counter: 'dialing',
  bound: 2,
  serviceLevel: 100,
  maxConcurrentCalls: 10,
  allowed: 0,
  ...over,
});

describe('the decision a tick keeps', () => {
  it('keeps the previous decision, time and all, when nothing changed: nothing to write', () => {
    const first = decideTick({ nowMs: T0, claimed: 0, inHours: true, pacing: pacing(), carrierFailed: 0 });
    const again = decideTick({
      nowMs: T0 + 5_000,
      claimed: 0,
      inHours: true,
      pacing: pacing(),
      carrierFailed: 0,
      previous: first,
    });
    expect(again).toBe(first);
    const changed = decideTick({
      nowMs: T0 + 10_000,
      claimed: 0,
      inHours: true,
      pacing: pacing({ agents: 0 }),
      carrierFailed: 0,
      previous: first,
    });
    expect(changed).not.toBe(first);
    expect(changed.reasons.map((r) => r.code)).toEqual(['no_agent_available']);
  });

  it('gives no pacing reason while pacing allowed more calls than were started', () => {
    const d = decideTick({
      nowMs: T0,
      claimed: 1,
      inHours: true,
      pacing: pacing({ allowed: 3 }),
      list: { idleLeft: false },
      carrierFailed: 0,
    });
    expect(d).toMatchObject({ dialing: true, reasons: [] });
  });

  it('names carrier errors from the tick that saw the count grow, for five minutes', () => {
    const base = { claimed: 0, inHours: true, pacing: pacing({ allowed: 2 }), list: { idleLeft: true } };
    const before = decideTick({ ...base, nowMs: T0, carrierFailed: 1 });
    const grew = decideTick({ ...base, nowMs: T0 + 1_000, carrierFailed: 2, previous: before });
    expect(grew.reasons.map((r) => r.code)).toContain('carrier_errors');
    const later = decideTick({ ...base, nowMs: T0 + 1_000 + 5 * 60_000, carrierFailed: 2, previous: grew });
    expect(later.reasons.map((r) => r.code)).not.toContain('carrier_errors');
  });
});

describe('when calling hours open next', () => {
  const hours = { timezone: 'UTC', days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' };
  it('finds the minute the window opens, across a weekend', () => {
    expect(nextOpening(hours, Date.parse('2026-01-15T17:30:00.000Z'))).toBe(
      Date.parse('2026-01-16T09:00:00.000Z'),
    );
    expect(nextOpening(hours, Date.parse('2026-01-16T20:00:00.000Z'))).toBe(
      Date.parse('2026-01-19T09:00:00.000Z'),
    );
    expect(nextOpening({ ...hours, start: '09:07' }, Date.parse('2026-01-15T06:00:00.000Z'))).toBe(
      Date.parse('2026-01-15T09:07:00.000Z'),
    );
  });
  it('has none without calling hours, or in the callee’s time (known only per destination)', () => {
    expect(nextOpening(null, T0)).toBeUndefined();
    expect(nextOpening({ ...hours, timezone: 'callee' }, T0)).toBeUndefined();
  });
});

describe('the decision of a predictive tick', () => {
  const predictive = (over: Partial<NonNullable<PacingFacts['predictive']>> = {}) =>
    pacing({
      mode: 'predictive',
      agents: 3,
      bound: 3,
      predictive: {
        bound: 3,
        answerRate: 0.3,
        expectedFree: 4,
        governor: 'engaged',
        busy: 5,
        maxAbandonRate: 0.03,
        abandonRate: 0.05,
        ended: 120,
        ...over,
      },
    });

  it('names the governor with the measured rate and the bound', () => {
    const d = decideTick({ nowMs: T0, claimed: 0, inHours: true, pacing: predictive(), carrierFailed: 0 });
    expect(d.reasons).toEqual([
      {
        code: 'abandon_governor',
        message: expect.stringMatching(/5 % measured over 120 ended calls, bound max_abandon_rate 3 %/),
      },
    ]);
  });

  it('names the predictive bound when the governor is open, and nothing while it allowed more', () => {
    const open = predictive({ governor: 'open', bound: 9, abandonRate: 0 });
    const d = decideTick({ nowMs: T0, claimed: 0, inHours: true, pacing: open, carrierFailed: 0 });
    expect(d.reasons.map((r) => r.code)).toEqual(['pacing_bound']);
    expect(d.reasons[0]!.message).toContain('predictive, 9 calls ringing');
    const allowed = { ...open, allowed: 4 };
    expect(
      decideTick({ nowMs: T0, claimed: 2, inHours: true, pacing: allowed, carrierFailed: 0 }).reasons,
    ).toEqual([]);
  });

  it('names holds by the contact policy with the earliest until, and suppressed skips, only when nothing dialled', () => {
    const held = { suppressed: 2, capped: 1, cappedUntilMs: T0 + 3_600_000 };
    const d = decideTick({ nowMs: T0, claimed: 0, inHours: true, held, carrierFailed: 0 });
    expect(d.reasons).toEqual([
      { code: 'held_by_contact_policy', message: expect.any(String), until: '2026-01-15T10:30:00.000000Z' },
      { code: 'held_suppressed', message: expect.any(String) },
    ]);
    expect(decideTick({ nowMs: T0, claimed: 1, inHours: true, held, carrierFailed: 0 }).reasons).toEqual([]);
  });
});
