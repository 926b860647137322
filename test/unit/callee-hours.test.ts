/**
 * Calling hours in the called person's own time: where a number rings (its zones), when a window next
 * opens across daylight-saving changes, windows past midnight, and a customer's default narrowed by a
 * campaign's own hours.
 */
import { describe, expect, it } from 'vitest';
import {
  type CallingHours,
  hoursInForce,
  instantOfWallClock,
  isTimeZone,
  nextOpening,
  withinCallingHours,
} from '#domain/calling-hours.ts';
import committed from '#domain/phone-zones.json' with { type: 'json' };
import { zonesOfNumber } from '#domain/phone-zones.ts';
import { holdOf } from '#domain/target-hold.ts';
import { calleeZones, gateFor, heldDueAt, RECHECK_UNKNOWN_MS } from '#services/engine/calling-hours-gate.ts';
import { packagedZoneMap, packedPhoneZones, zonesOfValue } from '../../scripts/phone-zones.ts';

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];
const hours = (timezone: string, start: string, end: string, days = EVERY_DAY): CallingHours => ({
  timezone,
  days,
  start,
  end,
});
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const TCPA = hours('callee', '08:00', '21:00');
const tel = (target: string) => ({ type: 'tel' as const, target, target_name: '', name: '', detail: '' });

describe('zones of a number', () => {
  it('places a NANP number by its area code and another by its country', () => {
    expect(zonesOfNumber('+12125550100')).toEqual(['America/New_York']);
    expect(zonesOfNumber('+14155550100')).toEqual(['America/Los_Angeles']);
    expect(zonesOfNumber('+493012345678')).toEqual(['Europe/Berlin']);
  });

  it('gives a toll-free NANP number every zone of the plan, from Guam to Newfoundland', () => {
    const zones = zonesOfNumber('+18005550100');
    expect(zones).toEqual(expect.arrayContaining(['Pacific/Guam', 'America/St_Johns', 'America/New_York']));
    expect(zones.length).toBeGreaterThan(30);
  });

  it('knows no zone for a number no range covers', () => {
    expect(zonesOfNumber('+80012345678')).toEqual([]);
    expect(zonesOfNumber('not a number')).toEqual([]);
  });

  it('uses the target’s own zone over its number’s', () => {
    expect(calleeZones('Asia/Tokyo', tel('+12125550100'))).toEqual(['Asia/Tokyo']);
    expect(calleeZones(null, tel('+12125550100'))).toEqual(['America/New_York']);
    expect(calleeZones(undefined, { ...tel('alice'), type: 'sip' })).toEqual([]);
  });

  it('ships zone data that is current, in zones the runtime knows', () => {
    expect(committed).toEqual(packedPhoneZones());
    expect(committed.zones.split(' ').filter((z) => !isTimeZone(z))).toEqual([]);
  });

  it('answers as the package’s own map does, for a number under each of its prefixes', () => {
    const packaged = packagedZoneMap();
    const sorted = (zones: string[]) => [...zones].sort();
    for (const [prefix, value] of Object.entries(packaged)) {
      // A number under the prefix and under no longer listed prefix: pad with digits no prefix uses.
      const longer = Object.keys(packaged).filter((p) => p.startsWith(prefix) && p !== prefix);
      const pad = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']
        .map((d) => `${prefix}${d}`)
        .find((candidate) => !longer.some((p) => p.startsWith(candidate)));
      if (!pad) continue;
      const number = `+${pad}${'0'.repeat(Math.max(0, 11 - pad.length))}`;
      expect(sorted(zonesOfNumber(number)), number).toEqual(sorted(zonesOfValue(value)));
    }
  });
});

describe('next opening across daylight-saving changes', () => {
  it('America/New_York, clocks forward (8 March 2026, 02:00 → 03:00)', () => {
    const day = hours('America/New_York', '08:00', '21:00');
    // Saturday 08:00 is EST (UTC−5), Sunday 08:00 is EDT (UTC−4).
    expect(iso(nextOpening(day, at('2026-03-07T02:00:00Z')))).toBe('2026-03-07T13:00:00.000Z');
    expect(iso(nextOpening(day, at('2026-03-08T02:00:00Z')))).toBe('2026-03-08T12:00:00.000Z');
    // 02:30 never shows that night: the window opens at the jump, 03:00 EDT.
    const night = hours('America/New_York', '02:30', '04:00');
    expect(iso(nextOpening(night, at('2026-03-08T00:00:00Z')))).toBe('2026-03-08T07:00:00.000Z');
    expect(withinCallingHours(night, at('2026-03-08T06:59:00Z'))).toBe(false);
    expect(withinCallingHours(night, at('2026-03-08T07:00:00Z'))).toBe(true);
  });

  it('America/New_York, clocks back (1 November 2026, 02:00 → 01:00)', () => {
    const day = hours('America/New_York', '08:00', '21:00');
    expect(iso(nextOpening(day, at('2026-10-31T02:00:00Z')))).toBe('2026-10-31T12:00:00.000Z');
    expect(iso(nextOpening(day, at('2026-11-01T02:00:00Z')))).toBe('2026-11-01T13:00:00.000Z');
    // 01:30 shows twice; the window opens at the first.
    const night = hours('America/New_York', '01:30', '03:00');
    expect(iso(nextOpening(night, at('2026-11-01T04:00:00Z')))).toBe('2026-11-01T05:30:00.000Z');
    expect(instantOfWallClock('America/New_York', at('2026-11-01T01:30:00Z'))).toBe(
      at('2026-11-01T05:30:00Z'),
    );
  });

  it('Australia/Lord_Howe, whose clocks move by half an hour', () => {
    const day = hours('Australia/Lord_Howe', '08:00', '21:00');
    // 5 April 2026, 02:00 → 01:30: Saturday 08:00 is UTC+11, Sunday 08:00 UTC+10:30.
    expect(iso(nextOpening(day, at('2026-04-03T12:00:00Z')))).toBe('2026-04-03T21:00:00.000Z');
    expect(iso(nextOpening(day, at('2026-04-04T12:00:00Z')))).toBe('2026-04-04T21:30:00.000Z');
    // 4 October 2026, 02:00 → 02:30: a window opening at 02:00 opens at the jump; one that lies wholly in
    // the skipped half hour does not open that night, only the next.
    expect(iso(nextOpening(hours('Australia/Lord_Howe', '02:00', '04:00'), at('2026-10-03T12:00:00Z')))).toBe(
      '2026-10-03T15:30:00.000Z',
    );
    expect(iso(nextOpening(hours('Australia/Lord_Howe', '02:10', '02:20'), at('2026-10-03T12:00:00Z')))).toBe(
      '2026-10-04T15:10:00.000Z',
    );
  });

  it('is open at the opening it finds and closed the minute before (property over a year of days)', () => {
    const zones = ['America/New_York', 'Australia/Lord_Howe', 'Europe/London', 'Asia/Kolkata'];
    for (const zone of zones) {
      const window = hours(zone, '08:00', '21:00', [1, 2, 3, 4, 5]);
      for (let t = at('2026-01-01T00:00:00Z'); t < at('2027-01-01T00:00:00Z'); t += 61 * 3600_000) {
        const opens = nextOpening(window, t) as number;
        expect(withinCallingHours(window, opens)).toBe(true);
        if (opens > t) expect(withinCallingHours(window, opens - 60_000)).toBe(false);
      }
    }
  });
});

describe('windows past midnight', () => {
  const fridayNight = hours('UTC', '22:00', '02:00', [5]);

  it('belongs to the day it opens and closes the next morning', () => {
    expect(withinCallingHours(fridayNight, at('2026-12-04T21:59:00Z'))).toBe(false); // Friday
    expect(withinCallingHours(fridayNight, at('2026-12-04T22:00:00Z'))).toBe(true);
    expect(withinCallingHours(fridayNight, at('2026-12-05T01:59:00Z'))).toBe(true); // Saturday
    expect(withinCallingHours(fridayNight, at('2026-12-05T02:00:00Z'))).toBe(false);
    expect(withinCallingHours(fridayNight, at('2026-12-05T23:00:00Z'))).toBe(false); // Saturday night
  });

  it('opens next on the following Friday evening', () => {
    expect(iso(nextOpening(fridayNight, at('2026-12-05T03:00:00Z')))).toBe('2026-12-11T22:00:00.000Z');
    expect(iso(nextOpening(fridayNight, at('2026-12-05T01:00:00Z')))).toBe('2026-12-05T01:00:00.000Z');
  });
});

describe('callee hours fail closed', () => {
  it('dials a number whose area code spans two zones only while the window is open in both', () => {
    const zones = zonesOfNumber('+16055550100'); // South Dakota: Central and Mountain time
    expect(zones).toEqual(['America/Denver', 'America/North_Dakota/Center']);
    // 14 January 2026: 14:30 UTC is 08:30 Central but 07:30 Mountain.
    expect(withinCallingHours(TCPA, at('2026-01-14T14:30:00Z'), zones)).toBe(false);
    expect(withinCallingHours(TCPA, at('2026-01-14T15:00:00Z'), zones)).toBe(true);
    // 02:30 UTC is 20:30 Central, 19:30 Mountain; 03:00 UTC is 21:00 Central.
    expect(withinCallingHours(TCPA, at('2026-01-15T02:30:00Z'), zones)).toBe(true);
    expect(withinCallingHours(TCPA, at('2026-01-15T03:00:00Z'), zones)).toBe(false);
    expect(iso(nextOpening(TCPA, at('2026-01-14T14:30:00Z'), zones))).toBe('2026-01-14T15:00:00.000Z');
  });

  it('dials a toll-free number only while the window is open from Guam to Newfoundland', () => {
    const zones = zonesOfNumber('+18005550100');
    // 22:00 UTC: 08:00 in Guam (UTC+10), 18:30 in St John's (UTC−3:30), 11:00 in Pago Pago (UTC−11).
    expect(iso(nextOpening(TCPA, at('2026-01-14T03:00:00Z'), zones))).toBe('2026-01-14T22:00:00.000Z');
    expect(withinCallingHours(TCPA, at('2026-01-14T16:00:00Z'), zones)).toBe(false); // 02:00 in Guam
  });

  it('never dials a number with no known zone, and knows no opening for it', () => {
    const zones = zonesOfNumber('+80012345678');
    for (let h = 0; h < 24; h++) {
      expect(withinCallingHours(TCPA, at('2026-01-14T00:00:00Z') + h * 3600_000, zones)).toBe(false);
    }
    expect(nextOpening(TCPA, at('2026-01-14T00:00:00Z'), zones)).toBeUndefined();
    // Held, and looked at again a day later.
    const gate = gateFor([TCPA], at('2026-01-14T00:00:00Z'));
    const wait = gate.wait({ timezone: null }, tel('+80012345678'));
    expect(wait).toEqual({ opensAt: undefined });
    expect(heldDueAt(wait!, at('2026-01-14T00:00:00Z'), 60_000)).toBe(
      new Date(at('2026-01-14T00:00:00Z') + RECHECK_UNKNOWN_MS - 60_000).toISOString().replace('Z', '000Z'),
    );
  });

  it('lets a target’s own zone override its number’s', () => {
    const gate = gateFor([TCPA], at('2026-01-14T01:00:00Z')); // 20:00 in New York, 10:00 in Tokyo
    expect(gate.wait({ timezone: null }, tel('+12125550100'))).toBeUndefined();
    expect(gate.wait({ timezone: 'Asia/Tokyo' }, tel('+12125550100'))).toBeUndefined();
    const later = gateFor([TCPA], at('2026-01-14T03:00:00Z')); // 22:00 in New York, 12:00 in Tokyo
    expect(later.wait({ timezone: null }, tel('+12125550100'))).toEqual({
      opensAt: at('2026-01-14T13:00:00Z'),
    });
    expect(later.wait({ timezone: 'Asia/Tokyo' }, tel('+12125550100'))).toBeUndefined();
  });
});

describe('a customer’s default and a campaign’s own hours', () => {
  const campaignMornings = hours('America/New_York', '10:00', '12:00', [1, 2, 3, 4, 5]);

  it('are both in force: the campaign narrows the default', () => {
    const both = hoursInForce(TCPA, campaignMornings);
    const zones = ['America/Los_Angeles'];
    // Wednesday 14 January 2026, 15:30 UTC: 10:30 in New York (campaign open), 07:30 in Los Angeles.
    expect(withinCallingHours(both, at('2026-01-14T15:30:00Z'), zones)).toBe(false);
    // 16:30 UTC: 11:30 in New York, 08:30 in Los Angeles: both open.
    expect(withinCallingHours(both, at('2026-01-14T16:30:00Z'), zones)).toBe(true);
    expect(iso(nextOpening(both, at('2026-01-14T15:30:00Z'), zones))).toBe('2026-01-14T16:00:00.000Z');
  });

  it('never widens it: a campaign open all night still waits for the callee’s morning', () => {
    const allNight = hours('UTC', '00:00', '23:59');
    const both = hoursInForce(TCPA, allNight);
    expect(withinCallingHours(both, at('2026-01-14T10:00:00Z'), ['America/New_York'])).toBe(false); // 05:00
    expect(iso(nextOpening(both, at('2026-01-14T10:00:00Z'), ['America/New_York']))).toBe(
      '2026-01-14T13:00:00.000Z',
    );
  });

  it('without either, any time', () => {
    expect(hoursInForce(null, null)).toEqual([]);
    expect(gateFor(hoursInForce(null, null), at('2026-01-14T03:00:00Z')).open).toBe(true);
    expect(gateFor(hoursInForce(null, null), at('2026-01-14T03:00:00Z')).perDestination).toBe(false);
  });
});

describe('a target’s hold as shown', () => {
  const hold = {
    reason: 'outside_hours',
    until: '2026-01-14T23:00:00.000000Z',
    at: '2026-01-14T14:00:00.000000Z',
  };

  it('shows the hold of an idle target set after its last attempt ended', () => {
    const target = { status: 'idle', tm_create: '2026-01-14T10:00:00.000000Z', tm_update: null, _hold: hold };
    expect(holdOf(target)).toEqual({ reason: 'outside_hours', until: hold.until });
  });

  it('drops it once the target was claimed, or an attempt ended after it', () => {
    const created = '2026-01-14T10:00:00.000000Z';
    expect(holdOf({ status: 'progressing', tm_create: created, _hold: hold })).toBeNull();
    expect(
      holdOf({ status: 'idle', tm_create: created, tm_update: '2026-01-14T23:01:00.000000Z', _hold: hold }),
    ).toBeNull();
    expect(holdOf({ status: 'idle', tm_create: created })).toBeNull();
  });
});
