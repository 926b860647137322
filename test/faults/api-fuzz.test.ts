/**
 * Fault case: a fuzz of the whole API generated from its OpenAPI document (docs/openapi.json): every
 * path and method, with path ids that are the caller's own, another customer's or garbage, query
 * strings and JSON bodies drawn from each operation's schema (valid values, boundary values, wrong
 * types, unknown fields, values DynamoDB cannot store, huge strings), sent by two customers, the
 * operator and an anonymous caller, a few at a time over real HTTP. No reply may be a 5xx.
 * Randomised: the seed is printed; FAULTS_SEED=<n> repeats the run (requests are drawn up front).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, anAgent, anOutdial, anOutplan, aQueue, aTarget } from '../support/factories/bodies.ts';
import { startTestApi, type TestApi } from '../support/local-api.ts';
import { recordFigures } from './support/report.ts';
import { caseSeed } from './support/seed.ts';

const REQUESTS = 10_000;
const CONCURRENCY = 6;

type Schema = Record<string, any>;
const doc = JSON.parse(readFileSync('docs/openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Schema>>;
  components: { schemas: Record<string, Schema> };
};
const resolve = (s: Schema): Schema =>
  s?.$ref ? resolve(doc.components.schemas[String(s.$ref).split('/').pop() as string] as Schema) : s;

/** Values DynamoDB cannot store (the API must refuse them with a 400). */
const UNSTORABLE = [1e308, -1e308, 1e-320, 2 ** 53 + 2, { '': 'v' }, { ['k'.repeat(40_000)]: 1 }, '\ud800'];
const deep = (n: number): unknown => (n === 0 ? 1 : { d: deep(n - 1) });

const json: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 3 });

/** An arbitrary for a JSON Schema, leaning on its edges: lengths and bounds at and past the limits. */
const fromSchema = (raw: Schema, depth = 0): fc.Arbitrary<unknown> => {
  const s = resolve(raw);
  if (!s || depth > 6) return json;
  if (s.anyOf || s.oneOf)
    return fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => fromSchema(x, depth + 1)));
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  switch (s.type) {
    case 'string': {
      const min = s.minLength ?? 0;
      const max = Math.min(s.maxLength ?? 300, 5000);
      const options: fc.Arbitrary<string>[] = [
        fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
        fc.constant('x'.repeat(max)),
        fc.constant('x'.repeat(max + 1)),
      ];
      if (s.format === 'uuid' || s.pattern?.includes('[0-9a-fA-F]{8}')) options.push(fc.uuid());
      if (s.pattern) options.push(fc.stringMatching(new RegExp(s.pattern)));
      if (s.format === 'uri') options.push(fc.webUrl());
      return fc.oneof(...options);
    }
    case 'integer':
    case 'number': {
      const min = s.minimum ?? -1_000_000;
      const max = s.maximum ?? 1_000_000;
      return fc.oneof(
        fc.integer({ min: Math.ceil(min), max: Math.floor(Math.min(max, Number.MAX_SAFE_INTEGER)) }),
        fc.constantFrom(min, max, min - 1, max + 1, 0.5, -0),
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items ? fromSchema(s.items, depth + 1) : json, {
        minLength: Math.min(s.minItems ?? 0, 2),
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      if (Object.keys(props).length === 0)
        return fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 4 });
      return fc.record(
        Object.fromEntries(Object.entries(props).map(([k, v]) => [k, fromSchema(v, depth + 1)])),
        { requiredKeys: (s.required ?? []).filter((k: string) => k in props) },
      );
    }
    default:
      if (Array.isArray(s.type))
        return fc.oneof(...s.type.map((t: string) => fromSchema({ ...s, type: t }, depth)));
      return json;
  }
};

/** Breaks a body in one of the ways clients do. */
const mutate = (body: unknown): fc.Arbitrary<unknown> => {
  const obj =
    body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const keys = Object.keys(obj);
  const field = keys.length ? fc.constantFrom(...keys) : fc.constant('name');
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(body) },
    field.chain((k) => fc.constantFrom(42, 'str', true, null, [], {}, -1).map((v) => ({ ...obj, [k]: v }))),
    fc.constant({ ...obj, zz_unknown_field: 1 }),
    field.map((k) => {
      const copy = { ...obj };
      delete copy[k];
      return copy;
    }),
    fc
      .constantFrom(...UNSTORABLE, deep(40))
      .map((v) => ({ ...obj, actions: [{ type: 'talk', option: { x: v } }], option: v })),
    fc
      .constantFrom(...UNSTORABLE, deep(40))
      .map((v) => ({ ...obj, actions: [{ type: 'talk', option: { x: v } }] })),
    field.map((k) => ({ ...obj, [k]: 'x'.repeat(70_000) })),
    fc.constant('x'.repeat(300_000)),
    json,
  );
};

interface Caller {
  name: 'alice' | 'bob' | 'operator' | 'anonymous';
  key: string;
}

let api: TestApi;
let base: string;
const callers: Caller[] = [];
/** Ids by path prefix, e.g. "/queues" → alice's and bob's queue ids. */
const ids: Record<string, string[]> = {};

beforeAll(async () => {
  // The budget is not this case's subject: a fuzz is one customer sending as fast as it can.
  api = await startTestApi({ keyCacheSeconds: 10, budget: null });
  base = api.url;
  callers.push({ name: 'operator', key: api.adminKey }, { name: 'anonymous', key: '' });
  for (const name of ['alice', 'bob'] as const) {
    const c = await api.newCustomer(name);
    callers.push({ name, key: c.key });
    const add = (prefix: string, id: string) => {
      ids[prefix] = [...(ids[prefix] ?? []), id];
    };
    const outplan = (await c.post('/outplans', anOutplan())).body.id;
    const outdial = (await c.post('/outdials', anOutdial())).body.id;
    const queue = (await c.post('/queues', aQueue())).body.id;
    add('/outplans', outplan);
    add('/outdials', outdial);
    add('/queues', queue);
    add('/agents', (await c.post('/agents', anAgent())).body.id);
    add('/accesskeys', (await c.post('/accesskeys', {})).body.id);
    add('target_id', (await c.post(`/outdials/${outdial}/targets`, aTarget())).body.id);
    for (let i = 0; i < 2; i++) {
      add(
        '/campaigns',
        (await c.post('/campaigns', aCampaign({ outplan_id: outplan, outdial_id: outdial }))).body.id,
      );
    }
  }
});
afterAll(() => api.close());

interface FuzzRequest {
  caller: number;
  method: string;
  path: string;
  body?: unknown;
}

const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, op]) => ({ path, method: method.toUpperCase(), op })),
);

/** One arbitrary per operation, built once (building them per draw is what costs). */
const operationArb = ({ path, method, op }: (typeof operations)[number]): fc.Arbitrary<FuzzRequest> => {
  const idFor = (name: string) => {
    const pool = name === 'target_id' ? ids.target_id : ids[`/${path.split('/')[1]}`];
    return fc.oneof(
      { weight: 4, arbitrary: pool?.length ? fc.constantFrom(...pool) : fc.uuid() },
      fc.uuid(),
      fc.constantFrom('not-a-uuid', '00000000-0000-0000-0000-000000000000', '%2e%2e', 'x'.repeat(300)),
      fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
    );
  };
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
  const params = (op.parameters ?? []) as Schema[];
  const query = params.filter((p) => p.in === 'query');
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  return fc
    .record({
      // Mostly the two customers (callers 2 and 3), sometimes the operator or nobody.
      caller: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(2, 3) }, fc.constantFrom(0, 1)),
      ids: fc.tuple(...names.map(idFor)),
      query: fc.record(
        Object.fromEntries(
          query.map((p) => [
            p.name,
            fc.oneof(fromSchema(p.schema ?? {}), fc.string({ maxLength: 30 }), fc.constant('-1')),
          ]),
        ),
        { requiredKeys: [] },
      ),
      extraQuery: fc.option(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.string({ maxLength: 8 }), {
          maxKeys: 2,
        }),
      ),
      body: bodySchema
        ? fromSchema(bodySchema).chain(mutate)
        : method === 'GET'
          ? fc.constant(null)
          : fc.option(json),
    })
    .map((r) => {
      let p = path;
      names.forEach((n, i) => {
        p = p.replace(`{${n}}`, String(r.ids[i]));
      });
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries({ ...r.query, ...(r.extraQuery ?? {}) })) qs.set(k, String(v));
      const q = qs.toString();
      return {
        caller: r.caller,
        method,
        path: q ? `${p}?${q}` : p,
        ...(r.body === null || r.body === undefined ? {} : { body: r.body }),
      };
    });
};

const requestArb = (): fc.Arbitrary<FuzzRequest> => fc.oneof(...operations.map(operationArb));

describe('fault: OpenAPI fuzz', () => {
  it(`${REQUESTS} generated requests: no 5xx`, async () => {
    const seed = caseSeed('api-fuzz');
    const drawn = Date.now();
    const requests = fc.sample(requestArb(), { seed, numRuns: REQUESTS });
    console.log(`api-fuzz: ${requests.length} requests drawn in ${Date.now() - drawn} ms`);
    const byStatus: Record<number, number> = {};
    const fives: string[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const r = requests[next++] as FuzzRequest;
          const caller = callers[r.caller] as Caller;
          const res = await fetch(`${base}${r.path}`, {
            method: r.method,
            headers: {
              ...(caller.key ? { authorization: `Bearer ${caller.key}` } : {}),
              ...(r.body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(r.body !== undefined ? { body: JSON.stringify(r.body) } : {}),
          });
          const text = await res.text();
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          if (res.status >= 500) {
            fives.push(
              `${caller.name} ${r.method} ${r.path} ${JSON.stringify(r.body)?.slice(0, 300)} → ${res.status} ${text}`,
            );
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    const count = (from: number, to: number) =>
      Object.entries(byStatus)
        .filter(([s]) => Number(s) >= from && Number(s) < to)
        .reduce((a, [, n]) => a + n, 0);
    recordFigures('api fuzz from the OpenAPI document', [
      { figure: 'requests', value: requests.length, bound: '≥ 10000' },
      { figure: 'seconds', value: seconds.toFixed(1) },
      { figure: '2xx', value: count(200, 300) },
      ...Object.entries(byStatus)
        .filter(([s]) => Number(s) >= 400 && Number(s) < 500)
        .map(([s, n]) => ({ figure: `4xx: ${s}`, value: n })),
      { figure: '5xx', value: count(500, 600), bound: '= 0' },
    ]);
    if (fives.length) console.log(`api-fuzz 5xx (seed ${seed}):\n${fives.slice(0, 10).join('\n')}`);
    expect(requests.length).toBeGreaterThanOrEqual(10_000);
    expect(count(200, 300)).toBeGreaterThan(0);
    expect(fives).toEqual([]);
  });
});
