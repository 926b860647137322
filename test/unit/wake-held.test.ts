/**
 * Waking held targets after an hours change, offline: where a held target moves under new hours (pure),
 * which hour changes count, and the conditional requests that keep a move and the pass exactly-once.
 */
import { describe, expect, it } from 'vitest';
import { saveWakePassUpdate, wakeHeldUpdate } from '#adapters/dynamodb/held-wake-requests.ts';
import { hoursInForce, sameCallingHours } from '#domain/calling-hours.ts';
import type { Outplan } from '#domain/outplan.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineTarget } from '#ports/engine-store.ts';
import { gateFor } from '#services/engine/calling-hours-gate.ts';
import { hoursChangedAt, wakeMove } from '#services/engine/wake-held.ts';
import { anEngineTarget, telAddress } from '../support/factories/engine-target.ts';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const MIDNIGHT = Date.UTC(2026, 11, 9); // a Wednesday
const NOW = MIDNIGHT + 14 * HOUR; // 23:00 in Tokyo
const TRY_INTERVAL = 10 * 60_000;
const TCPA = { timezone: 'callee', days: [1, 2, 3, 4, 5, 6, 7], start: '08:00', end: '21:00' };
const outplan = {
  try_interval: TRY_INTERVAL,
  max_try_count_0: 3,
  max_try_count_1: 0,
  max_try_count_2: 0,
  max_try_count_3: 0,
  max_try_count_4: 0,
} as Outplan;

const target = (over: Partial<EngineTarget> = {}) =>
  anEngineTarget({
    id: '00000000-0000-4000-8000-000000000001',
    outdial_id: '00000000-0000-4000-8000-0000000000aa',
    destination_0: telAddress('+81312345675'), // Asia/Tokyo
    tm_create: formatTimestamp(NOW - DAY),
    ...over,
  });

/** Held at 14:00 until 08:00 in Tokyo (23:00 UTC), sorted that much before the try interval. */
const heldTokyo = { sortTime: formatTimestamp(MIDNIGHT + 23 * HOUR - TRY_INTERVAL) };
const gate = (hours: Parameters<typeof hoursInForce>[1], policy: Parameters<typeof hoursInForce>[0] = null) =>
  gateFor(hoursInForce(policy, hours), NOW);

describe('wakeMove', () => {
  it('makes a held target due now when its window is open under the new hours, with no hold', () => {
    expect(wakeMove({ target: target(), ...heldTokyo }, gate(null), outplan, NOW)).toEqual({
      dueAt: formatTimestamp(NOW - TRY_INTERVAL),
      hold: null,
    });
  });

  it('moves it to its earlier opening under a wider window in the callee’s time', () => {
    // 07:00–21:00 in Tokyo opens at 22:00 UTC, an hour earlier.
    const move = wakeMove(
      { target: target(), ...heldTokyo },
      gate({ ...TCPA, start: '07:00' }),
      outplan,
      NOW,
    );
    expect(move).toEqual({
      dueAt: formatTimestamp(MIDNIGHT + 22 * HOUR - TRY_INTERVAL),
      hold: {
        reason: 'outside_hours',
        until: formatTimestamp(MIDNIGHT + 22 * HOUR),
        at: formatTimestamp(NOW),
      },
    });
  });

  it('leaves it where it is when the window opens no earlier (unchanged or narrowed)', () => {
    expect(wakeMove({ target: target(), ...heldTokyo }, gate(TCPA), outplan, NOW)).toBeUndefined();
    expect(
      wakeMove({ target: target(), ...heldTokyo }, gate({ ...TCPA, start: '09:00' }), outplan, NOW),
    ).toBeUndefined();
    // The customer's default still holds it, whatever the campaign's own hours.
    expect(wakeMove({ target: target(), ...heldTokyo }, gate(null, TCPA), outplan, NOW)).toBeUndefined();
  });

  it('never makes a tried target due before its retry interval since its last attempt has run', () => {
    const ended = NOW - 2 * 60_000;
    const tried = target({ try_count_0: 1, tm_update: formatTimestamp(ended) });
    expect(wakeMove({ target: tried, ...heldTokyo }, gate(null), outplan, NOW)?.dueAt).toBe(
      formatTimestamp(ended),
    );
    // A retry waiting for its interval (sorted at its last attempt's end) is not moved at all.
    expect(
      wakeMove({ target: tried, sortTime: formatTimestamp(ended) }, gate(null), outplan, NOW),
    ).toBeUndefined();
  });

  it('leaves a target with no destination left to the claim, which parks it', () => {
    const exhausted = target({ try_count_0: 3, tm_update: formatTimestamp(NOW - DAY) });
    expect(wakeMove({ target: exhausted, ...heldTokyo }, gate(null), outplan, NOW)).toBeUndefined();
  });
});

describe('which hour changes count', () => {
  it('treats the same windows as unchanged, whatever the order of their days, and none as null', () => {
    expect(sameCallingHours(TCPA, { ...TCPA, days: [7, 6, 5, 4, 3, 2, 1] })).toBe(true);
    expect(sameCallingHours(null, undefined)).toBe(true);
    expect(sameCallingHours(TCPA, null)).toBe(false);
    expect(sameCallingHours(TCPA, { ...TCPA, end: '20:00' })).toBe(false);
    expect(sameCallingHours(TCPA, { ...TCPA, timezone: 'UTC' })).toBe(false);
  });

  it('takes the later of the campaign’s change and its customer’s', () => {
    expect(hoursChangedAt({}, undefined)).toBeUndefined();
    expect(hoursChangedAt({ _hours_changed_at: 'b' }, { _hours_changed_at: 'a' })).toBe('b');
    expect(hoursChangedAt({ _hours_changed_at: 'a' }, { _hours_changed_at: 'b' })).toBe('b');
    expect(hoursChangedAt({}, { _hours_changed_at: 'a' })).toBe('a');
  });
});

describe('the requests', () => {
  it('moves a target only while idle at the key read and held outside hours since before the change', () => {
    const req = wakeHeldUpdate('t', {
      target: target(),
      sortKey: 'old#key',
      changedAt: 'C',
      dueAt: formatTimestamp(NOW),
      hold: null,
    });
    expect(req.UpdateExpression).toBe('SET gsi3sk = :sk REMOVE #hold');
    expect(req.ConditionExpression).toContain('#status = :idle');
    expect(req.ConditionExpression).toContain('gsi3sk = :from');
    expect(req.ConditionExpression).toContain('#hold.#reason = :outside AND #hold.#at < :changed');
    expect(req.ExpressionAttributeValues).toMatchObject({
      ':from': 'old#key',
      ':changed': 'C',
      ':outside': 'outside_hours',
    });
    expect(req.ExpressionAttributeValues[':pk']).toMatch(/#due#retry#\d$/);
  });

  it('advances the pass only over the one read with the lease', () => {
    const pass = { at: 'C', cursor: [null, 'x', null, null], done: false, pages: 2 };
    expect(saveWakePassUpdate('t', 'c1', pass, undefined).ConditionExpression).toContain(
      'attribute_not_exists(#wake)',
    );
    const over = saveWakePassUpdate('t', 'c1', pass, { ...pass, pages: 1 });
    expect(over.ConditionExpression).toContain('#wake.#at = :at AND #wake.#pages = :pages');
    expect(over.ExpressionAttributeValues).toMatchObject({ ':at': 'C', ':pages': 1, ':pass': pass });
  });
});
