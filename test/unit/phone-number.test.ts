import { createRequire } from 'node:module';
import fc from 'fast-check';
import { parsePhoneNumberWithError } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import committed from '#domain/phone-metadata.json' with { type: 'json' };
import { normalisePhoneNumber } from '#domain/phone-number.ts';
import { minMetadata, prunedPhoneMetadata } from '../../scripts/phone-metadata.ts';

const e164Of = (written: string) => {
  const n = normalisePhoneNumber(written);
  return n.ok ? n.e164 : undefined;
};

/** National numbers of a few plans, with their country codes: all possible lengths there. */
const numbers = fc.oneof(
  fc
    .tuple(fc.constant('1'), fc.integer({ min: 200, max: 999 }), fc.integer({ min: 0, max: 9_999_999 }))
    .map(([cc, area, line]) => ({ cc, national: `${area}${String(line).padStart(7, '0')}` })),
  fc
    .integer({ min: 0, max: 99_999_999 })
    .map((n) => ({ cc: '44', national: `20${String(n).padStart(8, '0')}` })),
  fc
    .integer({ min: 0, max: 99_999_999 })
    .map((n) => ({ cc: '33', national: `6${String(n).padStart(8, '0')}` })),
);

/** The same digits written the ways people write them: separators between any digits, a tel: URI. */
const written = (cc: string, national: string) =>
  fc
    .tuple(
      fc.array(fc.constantFrom('', ' ', '-', '.', ' ', '/'), {
        minLength: national.length,
        maxLength: national.length,
      }),
      fc.boolean(),
      fc.constantFrom('', ' '),
    )
    .map(([seps, uri, pad]) => {
      const body = [...national].map((d, i) => `${seps[i]}${d}`).join('');
      return `${pad}${uri ? 'tel:' : ''}+${cc} ${body}${pad}`;
    });

describe('normalisePhoneNumber', () => {
  it('makes the written forms of one number one E.164 number', () => {
    expect(e164Of('+1 (415) 555-0100')).toBe('+14155550100');
    expect(e164Of('+14155550100')).toBe('+14155550100');
    expect(e164Of('tel:+14155550100')).toBe('+14155550100');
    expect(e164Of('TEL:+1.415.555.0100')).toBe('+14155550100');
    expect(e164Of('+44 (0) 20 7946 0958')).toBe('+442079460958');
  });

  it('keeps the fictional and test ranges (+1 555 01xx and the like)', () => {
    for (const n of ['+15550000001', '+15551230001', '+12125550199', '+15555555555'])
      expect(e164Of(n)).toBe(n);
  });

  it.each([
    ['letters', '+1 555 CALL ME'],
    ['no + and country code', '4155550100'],
    ['an unknown country code', '+999123456789'],
    ['too few digits', '+1555'],
    ['too many digits', '+1234567890123456'],
    ['a lone +', '+'],
    ['nothing', ''],
    ['an extension', '+14155550100 ext. 12'],
    ['an extension in a tel: URI', 'tel:+14155550100;ext=12'],
  ])('refuses %s, saying why', (_label, written) => {
    const n = normalisePhoneNumber(written);
    expect(n.ok).toBe(false);
    expect(n.ok ? '' : n.issue).toMatch(/\w/);
  });

  it('normalises every written form of a number to the same E.164, which normalises to itself', () => {
    fc.assert(
      fc.property(
        numbers.chain(({ cc, national }) =>
          fc.tuple(fc.constant(`+${cc}${national}`), written(cc, national)),
        ),
        ([e164, form]) => {
          const n = normalisePhoneNumber(form);
          expect(n).toEqual({ ok: true, e164: e164Of(e164) });
          expect(e164Of(e164)).toBe(e164);
        },
      ),
    );
  });

  it('answers any string without throwing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        const n = normalisePhoneNumber(s);
        if (n.ok) expect(n.e164).toMatch(/^\+[1-9]\d{1,14}$/);
      }),
    );
  });
});

describe('the pruned metadata (shared/domain/phone-metadata.json)', () => {
  it('is current with the installed libphonenumber-js (npm run phone-metadata)', () => {
    expect(committed).toEqual(JSON.parse(JSON.stringify(prunedPhoneMetadata())));
  });

  it("answers as libphonenumber's own metadata does, for every country's example number and its near misses", () => {
    const examples: Record<string, string> = createRequire(import.meta.url)(
      'libphonenumber-js/examples.mobile.json',
    );
    const countries = minMetadata().countries;
    const full = (written: string) => {
      if (!/^\+[\d ]+$/.test(written)) return undefined;
      try {
        const p = parsePhoneNumberWithError(written);
        return p.isPossible() ? p.number : undefined;
      } catch {
        return undefined;
      }
    };
    const inputs = Object.entries(examples).flatMap(([country, national]) => {
      const cc = countries[country]?.[0];
      return [
        `+${cc}${national}`,
        `+${cc} ${national}`,
        `+${cc}${national}0`,
        `+${cc}${national.slice(0, -2)}`,
      ];
    });
    expect(inputs.length).toBeGreaterThan(900);
    for (const written of inputs) expect(e164Of(written), written).toBe(full(written));
    fc.assert(
      fc.property(fc.stringMatching(/^\+[1-9]\d{2,15}$/), (written) => {
        expect(e164Of(written)).toBe(full(written));
      }),
    );
  });
});
