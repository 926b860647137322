/**
 * In AWS, API Gateway's $default route sends every unknown route to the openapi function
 * (infra/constructs/api.ts): that handler, given any method and path, answers 404 in our envelope.
 */
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { families } from '#functions/api/families.ts';
import { buildApiHandler } from '#http/api-handler.ts';
import { testDeps } from '../support/local-api.ts';

const openapi = families.find((f) => f.name === 'openapi');
if (!openapi) throw new Error('no openapi family');
const deps = testDeps();
const handler = buildApiHandler(deps, openapi.routes(deps, { keysChanged: () => {} }), {
  adminKeyHash: undefined,
});

const event = (method: string, path: string): APIGatewayProxyEventV2 =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: { http: { method, path }, requestId: 'req-1', routeKey: '$default' },
    isBase64Encoded: false,
  }) as unknown as APIGatewayProxyEventV2;

describe('unknown routes behind the $default route', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/v1.0/nope'],
    ['POST', '/v1.0/campaigns/x/y/z'],
    ['PATCH', '/v1.0/campaigns'],
    ['DELETE', '/v2/anything'],
  ])('%s %s → 404 ROUTE_NOT_FOUND in the envelope', async (method, path) => {
    const out = await handler(event(method, path), { awsRequestId: 'req-1' } as Context);
    expect(out.statusCode).toBe(404);
    expect(JSON.parse(out.body as string)).toEqual({
      error: {
        status: 'NOT_FOUND',
        reason: 'ROUTE_NOT_FOUND',
        message: 'No such route',
        request_id: 'req-1',
      },
    });
  });
});
