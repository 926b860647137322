import { describe, expect, it } from 'vitest';
import { type ComplianceRecord, calleeFactsOf, decodeCompliance, encodeCompliance } from '#domain/holds.ts';
import { zonesOfNumber } from '#domain/phone-zones.ts';

const AT = Date.parse('2026-01-14T14:05:00Z');
const policy = { max_attempts: 7, per_days: 7, rest_after_contact_days: null };

describe('the compliance record of an attempt', () => {
  it('keeps the callee’s local time when one zone was checked, daylight saving included', () => {
    expect(calleeFactsOf(['America/New_York'], AT)).toEqual({
      zones: ['America/New_York'],
      zone_count: 1,
      local_time: '2026-01-14T09:05-05:00',
    });
    expect(calleeFactsOf(['America/New_York'], Date.parse('2026-07-14T14:05:00Z')).local_time).toBe(
      '2026-07-14T10:05-04:00',
    );
    expect(calleeFactsOf(['Australia/Lord_Howe'], AT).local_time).toBe('2026-01-15T01:05+11:00');
    expect(calleeFactsOf(['Asia/Kolkata'], AT).local_time).toBe('2026-01-14T19:35+05:30');
  });

  it('keeps the first few of many zones with their count, and no local time', () => {
    const tollFree = zonesOfNumber('+18005550100');
    expect(tollFree.length).toBeGreaterThan(3);
    const facts = calleeFactsOf(tollFree, AT);
    expect(facts).toEqual({ zones: tollFree.slice(0, 3), zone_count: tollFree.length, local_time: null });
    expect(calleeFactsOf([], AT)).toEqual({ zones: [], zone_count: 0, local_time: null });
  });

  it('reads back what it stored, in one short string', () => {
    const records: ComplianceRecord[] = [
      { suppressed: false, policy, attempts_in_window: 3, callee: null },
      {
        suppressed: false,
        policy: null,
        attempts_in_window: null,
        callee: calleeFactsOf(['Asia/Tokyo'], AT),
      },
      {
        suppressed: false,
        policy,
        attempts_in_window: 1,
        callee: calleeFactsOf(zonesOfNumber('+18005550100'), AT),
      },
      { suppressed: false, policy: null, attempts_in_window: null, callee: calleeFactsOf([], AT) },
    ];
    for (const r of records) {
      const stored = encodeCompliance(r);
      expect(stored?.length).toBeLessThan(160);
      expect(decodeCompliance(stored, true)).toEqual(r);
    }
    expect(
      encodeCompliance({ suppressed: false, policy: null, attempts_in_window: null, callee: null }),
    ).toBe(undefined);
  });

  it('still reads records stored before the callee facts, and none before the guardrails', () => {
    expect(decodeCompliance('7/7/-/2', true)).toEqual({
      suppressed: false,
      policy,
      attempts_in_window: 2,
      callee: null,
    });
    expect(decodeCompliance(undefined, true)).toMatchObject({ policy: null, callee: null });
    expect(decodeCompliance(undefined, false)).toBeNull();
  });
});
