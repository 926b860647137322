import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { buildApiHandler } from '#http/api-handler.ts';
import { MAX_BODY_BYTES, route } from '#http/route.ts';
import { CreateOutplan } from '#schemas/outplan.ts';
import { CreateAgent, CreateQueue, UpdateAgentStatus, UpdateQueue } from '#schemas/queue.ts';
import { anAgent, anOutplan, aQueue } from '../support/factories/bodies.ts';
import { type Client, startTestApi, type TestApi } from '../support/local-api.ts';

let api: TestApi;
let alice: Client & { customerId: string };
beforeAll(async () => {
  api = await startTestApi();
  alice = await api.newCustomer();
});
afterAll(() => api.close());

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The §6.4 envelope, exactly: no other keys, details only as field/issue pairs, no stack trace. */
const expectEnvelope = (body: any, status: number) => {
  expect(Object.keys(body)).toEqual(['error']);
  const allowed = ['status', 'reason', 'message', 'request_id', 'details'];
  expect(Object.keys(body.error).every((k) => allowed.includes(k))).toBe(true);
  expect(body.error).toMatchObject({
    status: expect.any(String),
    reason: expect.any(String),
    message: expect.any(String),
    request_id: expect.stringMatching(UUID),
  });
  if (body.error.details !== undefined) {
    for (const d of body.error.details)
      expect(Object.keys(d).every((k) => ['field', 'issue'].includes(k))).toBe(true);
  }
  // Unknown keys are echoed back on purpose (field, and quoted in the issue), so the leak check
  // reads only what the server wrote itself: a random key such as ".tS" is not a source path.
  const serverWritten = {
    ...body.error,
    details: body.error.details?.map((d: { issue: string }) => d.issue.replace(/"(?:[^"\\]|\\.)*"/g, '""')),
  };
  const text = JSON.stringify(serverWritten);
  expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  expect(text).not.toMatch(/\.ts\b|node_modules|stack/i);
  expect(status).toBeGreaterThanOrEqual(400);
};

/** A request to a path beside /v1.0, or with any method, exactly as given. */
const rawFetch = async (path: string, init: RequestInit = {}) => {
  const res = await fetch(`${api.url.replace(/\/v1\.0$/, '')}${path}`, init);
  const text = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type'), body: JSON.parse(text) };
};

describe('malformed and mistyped bodies', () => {
  it.each([
    ['POST', '/queues'],
    ['POST', '/agents'],
    ['POST', '/outplans'],
    ['POST', '/campaigns'],
    ['POST', '/accesskeys'],
  ])('answers 400 INVALID_JSON_BODY to %s %s with broken JSON', async (method, path) => {
    for (const raw of ['{', '{"name": "x",}', "{'name': 'x'}", 'name=x', '{"name": "x"} trailing']) {
      const res = await alice.request(method, path, undefined, { raw });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_JSON_BODY' });
      expectEnvelope(res.body, res.status);
    }
  });

  it('answers 400 INVALID_JSON_BODY on PUT as well, before looking the resource up', async () => {
    const res = await alice.request('PUT', `/queues/${randomUUID()}`, undefined, { raw: '{"name":' });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('INVALID_JSON_BODY');
  });

  it.each([
    ['an array', []],
    ['a string', 'queue'],
    ['a number', 42],
    ['null', null],
  ])('refuses a body that is %s with 400 INVALID_ARGUMENT', async (_, body) => {
    const res = await alice.request('POST', '/queues', undefined, { raw: JSON.stringify(body) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT' });
  });

  it.each([
    ['a string where a number belongs', '/outplans', anOutplan({ dial_timeout: '30000' }), 'dial_timeout'],
    [
      'a fraction where an integer belongs',
      '/outplans',
      anOutplan({ max_try_count_0: 1.5 }),
      'max_try_count_0',
    ],
    ['a number where a string belongs', '/queues', aQueue({ detail: 7 }), 'detail'],
    ['an object where an array belongs', '/agents', anAgent({ tag_ids: {} }), 'tag_ids'],
    ['a boolean where an enum belongs', '/agents', anAgent({ status: true }), 'status'],
    ['an address without a target', '/outplans', anOutplan({ source: { type: 'tel' } }), 'source.target'],
  ])('refuses %s with 400 naming the field', async (_, path, body, field) => {
    const res = await alice.post(path, body);
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('INVALID_ARGUMENT');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expectEnvelope(res.body, res.status);
  });

  it('refuses unknown fields with 400 and names each of them', async () => {
    const res = await alice.post('/queues', aQueue({ colour: 'blue', size: 3 }));
    expect(res.status).toBe(400);
    const fields = res.body.error.details.map((d: { field: string }) => d.field).join(' ');
    expect(fields).toContain('colour');
    expect(fields).toContain('size');
  });

  it('names an unknown key that looks like a file name, and the envelope still passes the leak check', async () => {
    // Found by the fuzz below: a random key ".tS" once read as a leaked source path.
    const res = await alice.post('/queues', { '.tS': [] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('.tS');
    expectEnvelope(res.body, res.status);
  });

  it('does not echo the offending value back', async () => {
    const res = await alice.post('/queues', aQueue({ name: 12345, tag_ids: ['secret-looking-value'] }));
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain('secret-looking-value');
  });
});

describe('body size', () => {
  /** A JSON body of exactly `bytes` bytes whose detail is too long for the schema (so a 400, not a 413). */
  const bodyOf = (bytes: number) => {
    const shell = JSON.stringify({ name: 'big', detail: '' });
    return JSON.stringify({ name: 'big', detail: 'x'.repeat(bytes - shell.length) });
  };

  it('accepts a body of exactly 256 KB as far as size goes', async () => {
    const raw = bodyOf(MAX_BODY_BYTES);
    expect(Buffer.byteLength(raw)).toBe(MAX_BODY_BYTES);
    const res = await alice.request('POST', '/queues', undefined, { raw });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['detail']);
  });

  it('answers 413 with the envelope to a body one byte over 256 KB', async () => {
    const raw = bodyOf(MAX_BODY_BYTES + 1);
    const res = await alice.request('POST', '/queues', undefined, { raw });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ status: 'PAYLOAD_TOO_LARGE', reason: 'PAYLOAD_TOO_LARGE' });
    expectEnvelope(res.body, res.status);
    expect((await alice.get('/queues')).body.result.every((q: { name: string }) => q.name !== 'big')).toBe(
      true,
    );
  });

  it('answers 413 to a multi-megabyte body too, without reading all of it', async () => {
    const raw = bodyOf(3 * 1024 * 1024);
    const res = await alice.request('POST', '/queues', undefined, { raw });
    expect(res.status).toBe(413);
    expectEnvelope(res.body, res.status);
  });

  it('counts bytes, not characters: 100k three-byte characters are over the limit', async () => {
    const raw = JSON.stringify({ name: 'big', detail: '€'.repeat(100_000) });
    expect(raw.length).toBeLessThan(MAX_BODY_BYTES);
    const res = await alice.request('POST', '/queues', undefined, { raw });
    expect(res.status).toBe(413);
  });

  it('checks the size before the key', async () => {
    const res = await api.anonymous.request('POST', '/queues', undefined, {
      raw: bodyOf(MAX_BODY_BYTES + 10),
    });
    expect(res.status).toBe(413);
  });
});

describe('path ids', () => {
  it.each([
    ['GET', '/queues/nope'],
    ['GET', '/agents/nope'],
    ['PUT', '/agents/nope/status'],
    ['GET', '/campaigns/nope'],
    ['GET', '/campaigncalls/nope'],
    ['GET', '/outplans/nope'],
    ['GET', '/outdials/nope'],
    ['GET', `/outdials/${randomUUID()}/targets/nope`],
    ['GET', '/outdials/nope/targets'],
    ['GET', '/accesskeys/nope'],
    ['DELETE', '/queues/00000000-0000-0000-0000-00000000000g'],
    ['DELETE', '/queues/%20'],
  ])('answers 400 INVALID_ID to %s %s', async (method, path) => {
    const res = await alice.request(method, path, method === 'PUT' ? { status: 'away' } : undefined);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ID' });
    expectEnvelope(res.body, res.status);
  });
});

describe('unknown routes', () => {
  it.each([
    ['GET', '/v1.0/nothing-here'],
    ['GET', '/v1.0'],
    ['GET', '/'],
    ['GET', '/v2.0/queues'],
    ['GET', '/v1.0/queues/extra/segments/here'],
    ['POST', '/v1.0/queues/not/a/route'],
    ['PATCH', '/v1.0/queues'],
    ['DELETE', '/v1.0/queues'],
    ['PUT', '/v1.0/customer'],
  ])('answers %s %s with a 404 JSON envelope', async (method, path) => {
    const res = await rawFetch(path, { method, headers: { authorization: `Bearer ${alice.key}` } });
    expect(res.status).toBe(404);
    expect(res.contentType).toMatch(/^application\/json/);
    expect(res.body.error).toMatchObject({ status: 'NOT_FOUND', reason: 'ROUTE_NOT_FOUND' });
    expectEnvelope(res.body, res.status);
  });

  it('answers 404, not 401, to an unknown route without a key', async () => {
    const res = await rawFetch('/v1.0/nothing-here');
    expect(res.status).toBe(404);
    expectEnvelope(res.body, res.status);
  });
});

describe('the envelope', () => {
  it('carries a fresh request id on every error', async () => {
    const a = await alice.get('/queues/nope');
    const b = await alice.get('/queues/nope');
    expect(a.body.error.request_id).toMatch(UUID);
    expect(a.body.error.request_id).not.toBe(b.body.error.request_id);
  });

  it('is JSON with no-store caching on every status', async () => {
    for (const [path, init] of [
      ['/v1.0/queues', {}],
      ['/v1.0/queues/nope', { headers: { authorization: `Bearer ${alice.key}` } }],
      ['/v1.0/nope', {}],
    ] as const) {
      const res = await fetch(`${api.url.replace(/\/v1\.0$/, '')}${path}`, init);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expectEnvelope(await res.json(), res.status);
    }
  });

  it('turns an unexpected failure into 500 INTERNAL with a generic message and nothing of the cause', async () => {
    const handler = buildApiHandler(
      api.deps,
      [
        route(
          {
            method: 'GET',
            path: '/v1.0/boom',
            summary: 'fails',
            tag: 'test',
            access: 'public',
            response: CreateQueue,
          },
          async () => {
            throw new Error('secret connection string at db.ts:12:7');
          },
        ),
      ],
      { adminKeyHash: undefined },
    );
    const requestId = randomUUID();
    const out = await handler(eventFor('GET', '/v1.0/boom', requestId), contextFor(requestId));
    expect(out.statusCode).toBe(500);
    const body = JSON.parse(out.body ?? '');
    expect(body).toEqual({
      error: {
        status: 'INTERNAL',
        reason: 'INTERNAL',
        message: 'An internal error occurred',
        request_id: requestId,
      },
    });
    expect(out.body).not.toContain('secret');
  });
});

describe('random input (property)', () => {
  let agentId: string;
  beforeAll(async () => {
    agentId = (await alice.post('/agents', anAgent({ status: 'offline' }))).body.id;
  });

  /** Routes whose only check is their body schema, with the status a valid body gets. */
  const routes = (): { method: string; path: string; schema: z.ZodMiniType; valid: number }[] => [
    { method: 'POST', path: '/queues', schema: CreateQueue, valid: 200 },
    { method: 'PUT', path: `/queues/${randomUUID()}`, schema: UpdateQueue, valid: 404 },
    { method: 'POST', path: '/agents', schema: CreateAgent, valid: 200 },
    { method: 'PUT', path: `/agents/${agentId}/status`, schema: UpdateAgentStatus, valid: 200 },
    { method: 'POST', path: '/outplans', schema: CreateOutplan, valid: 200 },
  ];

  const fieldValue = fc.oneof(
    fc.jsonValue(),
    fc.constantFrom('available', 'busy', 'x', '', randomUUID(), [randomUUID()], {
      type: 'tel',
      target: '+1555',
    }),
  );
  const body = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(
      fc.constantFrom('name', 'detail', 'tag_ids', 'status', 'source', 'dial_timeout', 'try_interval', 'x'),
      fieldValue,
    ),
  );
  const raw = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.json(),
    fc.constantFrom(
      '{',
      '}',
      '[',
      '{"name":',
      '{"name":"a",}',
      'null',
      'true',
      '""',
      ' ',
      '\u0000',
      '{"__proto__":{}}',
    ),
  );

  const expectAgreesWithSchema = (
    r: { schema: z.ZodMiniType; valid: number },
    parsed: unknown,
    res: { status: number; body: any },
  ) => {
    expect(res.status).toBeLessThan(500);
    const expected = r.schema.safeParse(parsed).success ? r.valid : 400;
    expect(res.status).toBe(expected);
    if (res.status >= 400) expectEnvelope(res.body, res.status);
  };

  it('answers random JSON bodies exactly as the route schema decides: valid → success, else 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), body, async (r, value) => {
        const res = await alice.request(r.method, r.path, value);
        expectAgreesWithSchema(r, JSON.parse(JSON.stringify(value) ?? 'null'), res);
      }),
      { numRuns: 100 },
    );
  });

  it('answers random raw strings with 400 INVALID_JSON_BODY unless they are JSON, and never 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes()), raw, async (r, text) => {
        const res = await alice.request(r.method, r.path, undefined, { raw: text });
        const sent = Buffer.from(text, 'utf8').toString('utf8');
        let parsed: unknown;
        try {
          parsed = sent.trim() === '' ? {} : JSON.parse(sent);
        } catch {
          expect(res.status).toBe(400);
          expect(res.body.error.reason).toBe('INVALID_JSON_BODY');
          expectEnvelope(res.body, res.status);
          return;
        }
        expectAgreesWithSchema(r, parsed, res);
      }),
      { numRuns: 100 },
    );
  });

  it('answers random path segments and query strings with a 4xx envelope, never 500', async () => {
    // "." and ".." are URL syntax, not ids: the client resolves them before sending.
    const segment = fc
      .string({ unit: 'grapheme', minLength: 1 })
      .filter((s) => s !== '.' && s !== '..')
      .map(encodeURIComponent);
    const query = fc.dictionary(fc.string({ minLength: 1 }), fc.string());
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('queues', 'agents', 'outplans', 'campaigns', 'accesskeys', 'outdials'),
        segment,
        query,
        async (family, id, params) => {
          const qs = new URLSearchParams(params).toString();
          const res = await alice.request('GET', `/${family}/${id}${qs ? `?${qs}` : ''}`);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expectEnvelope(res.body, res.status);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('answers random query strings on list routes with 200 or a 4xx envelope, never 500', async () => {
    const query = fc.dictionary(
      fc.oneof(fc.constantFrom('page_size', 'page_token', 'accesskey', 'token'), fc.string({ minLength: 1 })),
      fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom('2026-01-15T09:30:00.000000Z')),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('queues', 'agents', 'accesskeys'), query, async (family, params) => {
        const res = await fetch(`${api.url}/${family}?${new URLSearchParams(params)}`, {
          headers: { authorization: `Bearer ${alice.key}` },
        });
        const json = await res.json();
        expect(res.status).toBeLessThan(500);
        if (res.status >= 400) expectEnvelope(json, res.status);
        else expect(json).toMatchObject({ result: expect.any(Array), next_page_token: expect.any(String) });
      }),
      { numRuns: 100 },
    );
  });
});

const eventFor = (method: string, path: string, requestId: string) =>
  ({
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: {},
    requestContext: {
      accountId: 'test',
      apiId: 'test',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId,
      routeKey: '$default',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  }) as APIGatewayProxyEventV2;

const contextFor = (requestId: string) =>
  ({
    functionName: 'test',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:test',
    memoryLimitInMB: '128',
    awsRequestId: requestId,
    logGroupName: 'test',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 1000,
  }) as unknown as Context;
