import { describe, expect, it } from 'vitest';
import { type CallingHours, hoursInForce } from '#domain/calling-hours.ts';
import { gateFor } from '#services/engine/calling-hours-gate.ts';
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
  /** What the diagnosis names: the next opening of the windows in a fixed zone. */
  const nextOpening = (h: CallingHours | null, nowMs: number, customerDefault: CallingHours | null = null) =>
    gateFor(hoursInForce(customerDefault, h), nowMs).opensAt();
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
  it('counts the customer’s default hours: the opening is when both windows are open', () => {
    const afternoons = { timezone: 'UTC', days: [1, 2, 3, 4, 5, 6, 7], start: '13:00', end: '23:00' };
    expect(nextOpening(hours, Date.parse('2026-01-15T06:00:00.000Z'), afternoons)).toBe(
      Date.parse('2026-01-15T13:00:00.000Z'),
    );
  });
  it('has none while open, without calling hours, or in the callee’s time (known only per destination)', () => {
    expect(nextOpening(hours, Date.parse('2026-01-15T10:00:00.000Z'))).toBeUndefined();
    expect(nextOpening(null, T0)).toBeUndefined();
    expect(nextOpening({ ...hours, timezone: 'callee' }, T0)).toBeUndefined();
  });
});
