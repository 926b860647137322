import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '#domain/errors.ts';
import { normalisePageSize, parsePageToken, toPage } from '#domain/pagination.ts';

const item = (tm: string, id: string) => ({ id, tm_create: tm });
const T1 = '2026-01-15T09:30:00.000001Z';
const T2 = '2026-01-15T09:30:00.000002Z';

describe('page size', () => {
  it('defaults to 100 and turns values <= 0 or > 100 into 100', () => {
    expect(normalisePageSize(undefined)).toBe(100);
    expect(normalisePageSize(0)).toBe(100);
    expect(normalisePageSize(-5)).toBe(100);
    expect(normalisePageSize(101)).toBe(100);
    expect(normalisePageSize(7)).toBe(7);
  });
});

describe('page token', () => {
  it('accepts the current and the legacy timestamp forms as the same cursor', () => {
    expect(parsePageToken('2022-04-28 02:16:39.712142')).toEqual({ tmCreate: '2022-04-28T02:16:39.712142Z' });
    expect(parsePageToken('2022-04-28T02:16:39.712142Z')).toEqual({
      tmCreate: '2022-04-28T02:16:39.712142Z',
    });
    expect(parsePageToken('2022-04-28T02:16:39Z')).toEqual({ tmCreate: '2022-04-28T02:16:39.000000Z' });
  });

  it('treats an empty token as the start of the list', () => {
    expect(parsePageToken('')).toBeUndefined();
    expect(parsePageToken(undefined)).toBeUndefined();
  });

  it('rejects anything that is not a timestamp with a 400', () => {
    for (const bad of ['yesterday', '2022-13-45 99:99:99', `${T1}~not-a-uuid`, `${T1}~a~b`]) {
      expect(() => parsePageToken(bad)).toThrow(ValidationFailed);
    }
  });
});

describe('pages', () => {
  it('ends with the tm_create of the last item when the next item is older', () => {
    const page = toPage([item(T2, 'b'), item(T1, 'a')], 1);
    expect(page).toEqual({ result: [item(T2, 'b')], next_page_token: T2 });
  });

  it('carries the id in the token when the next item shares the timestamp', () => {
    const id = '0b5e3f9e-2d7a-4c1e-9a54-1f0d2c3b4a59';
    const page = toPage([item(T1, id), item(T1, 'x')], 1);
    expect(page.next_page_token).toBe(`${T1}~${id}`);
    expect(parsePageToken(page.next_page_token)).toEqual({ tmCreate: T1, id });
  });

  it('gives an empty result and an empty token for no items', () => {
    expect(toPage([], 10)).toEqual({ result: [], next_page_token: '' });
  });

  it('never returns more than the page size', () => {
    fc.assert(
      fc.property(fc.array(fc.uuid(), { maxLength: 30 }), fc.integer({ min: 1, max: 10 }), (ids, size) => {
        const page = toPage(
          ids.map((id) => item(T1, id)),
          size,
        );
        expect(page.result.length).toBe(Math.min(size, ids.length));
      }),
    );
  });
});
