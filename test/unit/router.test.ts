import httpRouterHandler from '@middy/http-router';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { httpRouter, type RouterRoute } from '#http/router.ts';
import { familySpecs } from '#http/specs/families.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`router: fast-check seed ${seed} (repeat with FC_SEED=${seed})`);

const anEvent = (method: string, path: string, pathParameters?: Record<string, string>) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: { http: { method, path }, requestId: 'req-1', routeKey: '$default' },
    isBase64Encoded: false,
    ...(pathParameters ? { pathParameters } : {}),
  }) as unknown as APIGatewayProxyEventV2;

/** Each route answers its own name and the path parameters it was given, so a test sees which ran. */
const answering = (specs: { method: string; path: string }[]): RouterRoute[] =>
  specs.map(({ method, path }) => ({
    method,
    path,
    handler: async (event) => ({
      statusCode: 200,
      body: JSON.stringify({ route: `${method} ${path}`, params: event.pathParameters ?? null }),
    }),
  }));

const NOT_FOUND = { statusCode: 404, body: 'not found' };
const notFound = async () => NOT_FOUND;
const route = (routes: RouterRoute[], method: string, path: string, params?: Record<string, string>) =>
  httpRouter(routes, notFound)(anEvent(method, path, params));

const routes = answering([
  { method: 'GET', path: '/v1.0/campaigns' },
  { method: 'GET', path: '/v1.0/campaigns/{id}' },
  { method: 'PUT', path: '/v1.0/campaigns/{id}/status' },
  { method: 'POST', path: '/v1.0/outdials/{id}/targets/batch' },
  { method: 'GET', path: '/v1.0/outdials/{id}/targets/{target_id}' },
  { method: 'GET', path: '/v1.0/campaigns/stats' },
]);
const body = (out: APIGatewayProxyStructuredResultV2) => JSON.parse(out.body as string);

describe('the API router', () => {
  it('sets each {name} segment of the matched path as a path parameter', async () => {
    expect(body(await route(routes, 'GET', '/v1.0/outdials/o1/targets/t1'))).toEqual({
      route: 'GET /v1.0/outdials/{id}/targets/{target_id}',
      params: { id: 'o1', target_id: 't1' },
    });
  });

  it('prefers an exact path to a templated one, whatever their order', async () => {
    expect(body(await route(routes, 'GET', '/v1.0/campaigns/stats')).route).toBe('GET /v1.0/campaigns/stats');
  });

  it('ignores one trailing slash', async () => {
    expect(body(await route(routes, 'GET', '/v1.0/campaigns/')).route).toBe('GET /v1.0/campaigns');
    expect(body(await route(routes, 'PUT', '/v1.0/campaigns/c1/status/')).params).toEqual({ id: 'c1' });
    expect(await route(routes, 'GET', '/v1.0/campaigns//')).toEqual(NOT_FOUND);
  });

  it('keeps the path parameters API Gateway already set', async () => {
    const out = await route(routes, 'GET', '/v1.0/campaigns/c1', { id: 'from-gateway' });
    expect(body(out).params).toEqual({ id: 'from-gateway' });
  });

  it('answers not found for another method, another depth or an empty parameter', async () => {
    expect(await route(routes, 'DELETE', '/v1.0/campaigns/c1')).toEqual(NOT_FOUND);
    expect(await route(routes, 'GET', '/v1.0/campaigns/c1/x/y')).toEqual(NOT_FOUND);
    expect(await route(routes, 'PUT', '/v1.0/campaigns//status')).toEqual(NOT_FOUND);
    expect(await route(routes, 'GET', '/V1.0/campaigns')).toEqual(NOT_FOUND);
  });

  it('refuses an event that is not an HTTP API payload 2.0 event', async () => {
    await expect(httpRouter(routes, notFound)({} as APIGatewayProxyEventV2)).rejects.toThrow(/payload 2\.0/);
  });

  it('picks the same route with the same parameters as @middy/http-router, on the real route table', async () => {
    const table = answering(familySpecs.flatMap((f) => Object.values(f.specs)));
    const ours = httpRouter(table, notFound);
    // Its types want a literal method; ours are the specs' own, all of them methods it knows.
    const middys = httpRouterHandler({
      routes: table as (RouterRoute & { method: 'GET' })[],
      notFoundResponse: () => NOT_FOUND,
    });
    const segment = fc.oneof(
      fc.constantFrom(
        'v1.0',
        'campaigns',
        'outdials',
        'targets',
        'batch',
        'status',
        'customer',
        'openapi.json',
        '',
      ),
      fc.string({ unit: 'grapheme', maxLength: 6 }).map(encodeURIComponent),
    );
    const path = fc.oneof(
      fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`),
      fc
        .constantFrom(...table.map((r) => r.path))
        .chain((p) =>
          fc
            .tuple(fc.array(fc.uuid(), { minLength: 2, maxLength: 2 }), fc.boolean())
            .map(([[a, b], slash]) => p.replace('{id}', a!).replace('{target_id}', b!) + (slash ? '/' : '')),
        ),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH');
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const expected = await middys(anEvent(m, p), {} as Context, {} as never);
        expect(await ours(anEvent(m, p))).toEqual(expected);
      }),
      { seed, numRuns: 2000 },
    );
  });
});
