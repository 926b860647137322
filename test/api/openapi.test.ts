import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { families } from '#functions/api/families.ts';
import { openApiDocument } from '#functions/api/openapi-document.ts';
import type { Route } from '#http/route.ts';
import type { Deps } from '#services/deps.ts';
import { apiPerFile } from '../support/api-per-file.ts';

const api = apiPerFile();

/** Every route the API serves, by family, as the Lambdas and the local server mount them. */
const allRoutes = (): { family: string; route: Route }[] =>
  families.flatMap((f) =>
    f.routes({} as Deps, { keysChanged: () => {} }).map((route) => ({ family: f.name, route })),
  );

type Doc = ReturnType<typeof openApiDocument>;
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: unknown[];
};
const operation = (doc: Doc, path: string, method: string) =>
  (doc.paths[path.replace(/^\/v1\.0/, '')] as Record<string, Operation> | undefined)?.[method.toLowerCase()];

const refsIn = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap(refsIn)
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)))
      : [];

describe('GET /openapi.json', () => {
  it('serves the OpenAPI 3.1 document without a key', async () => {
    const res = await api.anonymous.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('serves the same document to a caller with a key', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.info.title).toBe(openApiDocument().info.title);
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument();

  it('describes every route of every family with its method', () => {
    const routes = allRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const missing = routes
      .filter(({ route }) => !operation(doc, route.path, route.method))
      .map(({ family, route }) => `${family}: ${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it('describes nothing the API does not serve', () => {
    const served = new Set(
      allRoutes().map(({ route }) => `${route.method} ${route.path.replace(/^\/v1\.0/, '')}`),
    );
    const described = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(described.filter((d) => !served.has(d))).toEqual([]);
    expect(described).toHaveLength(served.size);
  });

  it('covers the queue, agent, customer, accesskey, suppression and contact policy routes', () => {
    for (const [method, path] of [
      ['POST', '/queues'],
      ['GET', '/queues'],
      ['GET', '/queues/{id}'],
      ['PUT', '/queues/{id}'],
      ['DELETE', '/queues/{id}'],
      ['POST', '/agents'],
      ['GET', '/agents'],
      ['GET', '/agents/{id}'],
      ['PUT', '/agents/{id}'],
      ['PUT', '/agents/{id}/status'],
      ['DELETE', '/agents/{id}'],
      ['POST', '/customers'],
      ['GET', '/customer'],
      ['POST', '/accesskeys'],
      ['GET', '/accesskeys'],
      ['GET', '/accesskeys/{id}'],
      ['DELETE', '/accesskeys/{id}'],
      ['POST', '/suppressions'],
      ['POST', '/suppressions/batch'],
      ['GET', '/suppressions'],
      ['GET', '/suppressions/{id}'],
      ['DELETE', '/suppressions/{id}'],
      ['GET', '/customer/contact_policy'],
      ['PUT', '/customer/contact_policy'],
      ['GET', '/openapi.json'],
    ] as const) {
      expect(operation(doc, path, method), `${method} ${path}`).toBeDefined();
    }
  });

  it('declares every path template variable as a required path parameter', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const vars = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops as Record<string, Operation>)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => p.name).sort(), `${method} ${path}`).toEqual([...vars].sort());
        expect(declared.every((p) => p.required)).toBe(true);
      }
    }
  });

  it('gives every operation a unique operationId', () => {
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops as Record<string, Operation>).map((op) => op.operationId),
    );
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref to a component schema', () => {
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(0);
    const unresolved = refs.filter((ref) => {
      const name = ref.replace('#/components/schemas/', '');
      return !ref.startsWith('#/components/schemas/') || !(name in doc.components.schemas);
    });
    expect(unresolved).toEqual([]);
  });

  it('defines every component schema itself rather than as a reference to its own name', () => {
    const selfRefs = Object.entries(doc.components.schemas as Record<string, { $ref?: string }>)
      .filter(([name, schema]) => schema.$ref === `#/components/schemas/${name}`)
      .map(([name]) => name);
    expect(selfRefs).toEqual([]);
    expect((doc.components.schemas as Record<string, { type?: string }>).Campaign?.type).toBe('object');
  });

  it('documents a body for every route that takes one and the error envelope on every operation', () => {
    for (const { route } of allRoutes()) {
      const op = operation(doc, route.path, route.method) as Operation;
      expect(op.requestBody !== undefined, `${route.method} ${route.path}`).toBe(route.body !== undefined);
      expect(op.responses['200']).toBeDefined();
      expect(refsIn(op.responses['400'])).toEqual(['#/components/schemas/ErrorResponse']);
    }
    expect(doc.components.schemas.ErrorResponse).toMatchObject({
      required: ['error'],
      properties: { error: { required: ['status', 'reason', 'message', 'request_id'] } },
    });
  });

  it('marks only public routes as needing no key', () => {
    for (const { route } of allRoutes()) {
      const op = operation(doc, route.path, route.method) as Operation;
      expect(op.security, `${route.method} ${route.path}`).toEqual(
        route.access === 'public' ? [] : undefined,
      );
    }
    expect(doc.security).toEqual([{ bearer: [] }, { accesskey: [] }]);
  });
});

describe('docs/openapi.json', () => {
  it('is up to date with the routes', () => {
    const path = new URL('../../docs/openapi.json', import.meta.url);
    let committed: unknown;
    try {
      committed = JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      expect.fail('docs/openapi.json is missing or not JSON: run `npm run openapi` and commit it');
    }
    expect(committed, 'docs/openapi.json is stale: run `npm run openapi` and commit it').toEqual(
      JSON.parse(JSON.stringify(openApiDocument())),
    );
  });
});
