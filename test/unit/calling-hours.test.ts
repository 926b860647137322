import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallingHours,
  canonicalTimeZone,
  isTimeZone,
  localTime,
  withinCallingHours,
} from '#domain/calling-hours.ts';

const weekdays9to17 = (timezone: string): CallingHours => ({
  timezone,
  days: [1, 2, 3, 4, 5],
  start: '09:00',
  end: '17:00',
});
const at = (iso: string) => Date.parse(iso);

describe('calling hours', () => {
  it('opens at start and closes at end, in the campaign’s time zone', () => {
    const ny = weekdays9to17('America/New_York');
    // Monday 23 November 2026: New York is UTC−5.
    expect(withinCallingHours(ny, at('2026-11-23T13:59:00Z'))).toBe(false);
    expect(withinCallingHours(ny, at('2026-11-23T14:00:00Z'))).toBe(true);
    expect(withinCallingHours(ny, at('2026-11-23T21:59:00Z'))).toBe(true);
    expect(withinCallingHours(ny, at('2026-11-23T22:00:00Z'))).toBe(false);
  });

  it('follows daylight saving time', () => {
    const ny = weekdays9to17('America/New_York');
    // Monday 6 July 2026: New York is UTC−4, so 09:00 local is 13:00 UTC.
    expect(withinCallingHours(ny, at('2026-07-06T13:00:00Z'))).toBe(true);
    expect(withinCallingHours(ny, at('2026-07-06T12:59:00Z'))).toBe(false);
  });

  it('uses the local weekday, which may differ from the UTC one', () => {
    const tokyo = weekdays9to17('Asia/Tokyo');
    // Friday 27 November 2026 23:30 UTC is Saturday 08:30 in Tokyo; Sunday 29th 23:30 UTC is Monday 08:30.
    expect(localTime('Asia/Tokyo', at('2026-11-27T23:30:00Z'))).toEqual({ day: 6, minute: 8 * 60 + 30 });
    expect(withinCallingHours(tokyo, at('2026-11-28T00:30:00Z'))).toBe(false); // Saturday 09:30
    expect(withinCallingHours(tokyo, at('2026-11-30T00:30:00Z'))).toBe(true); // Monday 09:30
  });

  it('allows any time without calling hours', () => {
    expect(withinCallingHours(null, at('2026-11-29T03:00:00Z'))).toBe(true);
    expect(withinCallingHours(undefined, at('2026-11-29T03:00:00Z'))).toBe(true);
  });

  it('splits every day exactly between two adjacent windows (property)', () => {
    const days = [1, 2, 3, 4, 5, 6, 7];
    const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Adelaide'];
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') }),
        fc.constantFrom(...zones),
        fc.integer({ min: 1, max: 23 }),
        (t, timezone, split) => {
          const mid = `${String(split).padStart(2, '0')}:00`;
          const early = withinCallingHours({ timezone, days, start: '00:00', end: mid }, t);
          const late = withinCallingHours({ timezone, days, start: mid, end: '23:59' }, t);
          const lastMinute = localTime(timezone, t).minute === 23 * 60 + 59;
          expect(early && late).toBe(false);
          expect(early || late || lastMinute).toBe(true);
        },
      ),
    );
  });

  it('knows IANA time zones', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('spells a zone the canonical way, whatever case it was written in', () => {
    expect(canonicalTimeZone('america/new_york')).toBe('America/New_York');
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
  });
});

describe("calling hours in the callee's time zone", () => {
  const callee = weekdays9to17('callee');
  // Monday 2026-11-23 15:00 UTC: 10:00 in New York, 09:00 in Chicago, 07:00 in Los Angeles.
  const monday = at('2026-11-23T15:00:00Z');

  it('is open only while the window is open in every zone the person may be in', () => {
    expect(withinCallingHours(callee, monday, ['America/New_York'])).toBe(true);
    expect(withinCallingHours(callee, monday, ['America/New_York', 'America/Chicago'])).toBe(true);
    expect(withinCallingHours(callee, monday, ['America/New_York', 'America/Los_Angeles'])).toBe(false);
  });

  it('fails closed when no zone of the person is known', () => {
    expect(withinCallingHours(callee, monday)).toBe(false);
    expect(withinCallingHours(callee, monday, [])).toBe(false);
  });
});
