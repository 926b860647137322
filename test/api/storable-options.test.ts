/**
 * Action options are free-form JSON the campaign item keeps: any value DynamoDB can store is accepted
 * and comes back as sent; any value it cannot store is a 400 naming the field, never a 500 and never
 * half-written. Randomised: the seed is printed; FC_SEED=<n> repeats a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, numberIssue, STORED_NESTING_LIMIT } from '#schemas/storable-json.ts';
import { aCampaign } from '../support/factories/bodies.ts';
import { type Client, startTestApi, type TestApi } from '../support/local-api.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`storable-options: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

let api: TestApi;
let alice: Client & { customerId: string };
let campaignId: string;
beforeAll(async () => {
  api = await startTestApi();
  alice = await api.newCustomer();
  const created = await alice.post('/campaigns', aCampaign());
  campaignId = created.body.id;
});
afterAll(() => api.close());

const OPTION_DEPTH = STORED_NESTING_LIMIT - 2;

const key = fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }).filter((k) => k !== '__proto__');
const storableNumber = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => numberIssue(n) === undefined),
  fc.constantFrom(1e-130, -1e-130, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 0.1),
);
const scalar = fc.oneof(
  storableNumber,
  fc.string({ maxLength: 20, unit: 'grapheme' }),
  fc.boolean(),
  fc.constant(null),
);
/** Random storable JSON, empty maps and lists included, with occasional runs near the depth limit. */
const { json } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(key, tie('json'), { maxKeys: 4 }),
  ),
}));
const nestedMaps = (levels: number, leaf: unknown): unknown =>
  levels === 0 ? leaf : { n: nestedMaps(levels - 1, leaf) };
const option = fc.oneof(
  fc.dictionary(key, json, { maxKeys: 5 }),
  fc.integer({ min: OPTION_DEPTH - 3, max: OPTION_DEPTH }).map((levels) => nestedMaps(levels, 1)),
) as fc.Arbitrary<Record<string, unknown>>;

/** A value DynamoDB cannot store, and where in it the rule must point (relative to the value). */
type Poison = { value: unknown; at: readonly string[] };
const poison: fc.Arbitrary<Poison> = fc.oneof<fc.Arbitrary<Poison>[]>(
  fc.double({ min: 2 ** 53, max: Number.MAX_VALUE, noNaN: true }).map((n) => ({ value: n, at: [] })),
  fc.double({ min: -Number.MAX_VALUE, max: -(2 ** 53), noNaN: true }).map((n) => ({ value: n, at: [] })),
  fc.double({ min: Number.MIN_VALUE, max: 9.99e-131, noNaN: true }).map((n) => ({ value: n, at: [] })),
  fc.constant({ value: { '': 'v' }, at: [] }),
  fc.constant({ value: JSON.parse('{"__proto__":{"a":1}}'), at: [] }),
  fc.constant({ value: { ['k'.repeat(MAX_KEY_BYTES + 1)]: 1 }, at: [] }),
  fc.constant({ value: { '\ud800': 1 }, at: [] }),
  fc.constant({ value: 'x\udc00', at: [] }),
  fc.integer({ min: OPTION_DEPTH, max: OPTION_DEPTH + 20 }).map((levels) => ({
    value: nestedMaps(levels, 1),
    at: Array.from({ length: levels }, () => 'n'),
  })),
);

/** Field of the first detail, as the envelope names it. */
const fields = (body: any): string[] => (body?.error?.details ?? []).map((d: { field: string }) => d.field);

describe('action options', () => {
  it('any storable option is accepted and read back as sent', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(option, { minLength: 1, maxLength: 3 }), async (options) => {
        const actions = options.map((o) => ({ type: 'talk', option: o }));
        const put = await alice.put(`/campaigns/${campaignId}/actions`, { actions });
        expect(put.status, JSON.stringify(put.body)).toBe(200);
        const got = await alice.get(`/campaigns/${campaignId}`);
        // What the client sent is its JSON text: -0 is written 0.
        expect(got.body.actions.map((a: { option: unknown }) => a.option)).toEqual(
          JSON.parse(JSON.stringify(options)),
        );
      }),
      // Keys the marshaller once mistook for a class instance's (seed 1022806707 found the first).
      {
        seed,
        numRuns: 60,
        examples: [[[{ constructor: [] }]], [[{ a: { constructor: 'x', prototype: 1 } }]]],
      },
    );
  });

  it('an unstorable value anywhere in an option is a 400 naming its field, and nothing is written', async () => {
    const before = await alice.get(`/campaigns/${campaignId}`);
    await fc.assert(
      fc.asyncProperty(
        option,
        fc.array(key, { maxLength: 3 }),
        poison,
        fc.boolean(),
        async (good, path, bad, create) => {
          // Put the poison under `path` inside a storable option, as the second action.
          const place = (at: string[], value: unknown): unknown =>
            at.length === 0 ? value : { [at[0] as string]: place(at.slice(1), value) };
          const badOption = { ...good, ...(place(['p', ...path], bad.value) as object) };
          const actions = [{ type: 'talk' }, { type: 'talk', option: badOption }];
          const res = create
            ? await alice.post('/campaigns', aCampaign({ actions }))
            : await alice.put(`/campaigns/${campaignId}/actions`, { actions });
          expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(400);
          expect(res.body.error.reason).toBe('INVALID_ARGUMENT');
          const full = ['actions', '1', 'option', 'p', ...path, ...bad.at].join('.');
          const named = fields(res.body);
          expect(named.length).toBeGreaterThan(0);
          // The field named is on the way to the poison (a bad key is named by its map, a too-deep
          // value where the limit is crossed) and never above the option.
          for (const f of named) {
            expect(f.startsWith('actions.1.option')).toBe(true);
            expect(full.startsWith(f)).toBe(true);
          }
        },
      ),
      { seed, numRuns: 80 },
    );
    const after = await alice.get(`/campaigns/${campaignId}`);
    expect(after.body).toEqual(before.body);
  });

  it.each([
    ['1e308', '{"x":1e308}', 'actions.0.option.x'],
    ['1e-320', '{"x":{"y":1e-320}}', 'actions.0.option.x.y'],
    ['2^53 + 1', '{"x":9007199254740993}', 'actions.0.option.x'],
    ['an empty key', '{"x":{"":"v"}}', 'actions.0.option.x'],
  ])('%s is refused with the field named', async (_name, raw, field) => {
    const res = await alice.request('PUT', `/campaigns/${campaignId}/actions`, undefined, {
      raw: `{"actions":[{"type":"talk","option":${raw}}]}`,
    });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual([field]);
  });

  it('actions too big for the campaign item are refused, not failed in the write', async () => {
    // 100 actions of small numbers: under the 256 KB body limit, but each number takes more room stored.
    const option = { x: Array.from({ length: 1200 }, () => 0) };
    const actions = Array.from({ length: 100 }, () => ({ type: 'talk', option }));
    expect(JSON.stringify({ actions }).length).toBeLessThan(256 * 1024);
    const res = await alice.put(`/campaigns/${campaignId}/actions`, { actions });
    expect(res.status).toBe(400);
    expect(fields(res.body)).toEqual(['actions']);
  });
});
