import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { startTestApi, type TestApi } from '../support/local-api.ts';

let api: TestApi;
let alice: { key: string; customerId: string };
let bob: { key: string; customerId: string };

beforeAll(async () => {
  api = await startTestApi();
  alice = await api.newCustomer('alice');
  bob = await api.newCustomer('bob');
});
afterAll(() => api.close());

type Source = 'cookie token' | '?token=' | 'Bearer' | 'cookie accesskey' | '?accesskey=';

/** A bare request carrying each credential in the given place, nothing else. */
const call = async (credentials: Partial<Record<Source, string>>, path = '/customer', query = '') => {
  const params = new URLSearchParams(query);
  const cookies: string[] = [];
  const headers: Record<string, string> = {};
  for (const [source, key] of Object.entries(credentials) as [Source, string][]) {
    if (source === 'cookie token') cookies.push(`token=${encodeURIComponent(key)}`);
    if (source === 'cookie accesskey') cookies.push(`accesskey=${encodeURIComponent(key)}`);
    if (source === '?token=') params.set('token', key);
    if (source === '?accesskey=') params.set('accesskey', key);
    if (source === 'Bearer') headers.authorization = `Bearer ${key}`;
  }
  if (cookies.length) headers.cookie = cookies.join('; ');
  const qs = params.toString();
  const res = await fetch(`${api.url}${path}${qs ? `?${qs}` : ''}`, { headers });
  return { status: res.status, body: (await res.json()) as any };
};

describe('where the access key may be', () => {
  it.each<Source>(['Bearer', '?accesskey=', '?token=', 'cookie accesskey', 'cookie token'])(
    'accepts the key as %s',
    async (source) => {
      const res = await call({ [source]: alice.key });
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(alice.customerId);
    },
  );

  it('accepts the Bearer scheme in any letter case', async () => {
    const res = await fetch(`${api.url}/customer`, { headers: { authorization: `bearer ${alice.key}` } });
    expect(res.status).toBe(200);
  });

  it('finds the accesskey cookie among other cookies', async () => {
    const res = await fetch(`${api.url}/customer`, {
      headers: { cookie: `theme=dark; accesskey=${alice.key}; lang=en` },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).id).toBe(alice.customerId);
  });

  it('accepts the operator key as ?accesskey= on operator routes', async () => {
    const res = await fetch(`${api.url}/customers?accesskey=${api.adminKey}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'by query' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).customer.name).toBe('by query');
  });
});

describe('auth query parameters', () => {
  it('are not unknown query fields on a list route', async () => {
    const res = await call({ '?accesskey=': alice.key }, '/queues', 'page_size=5');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ result: [], next_page_token: '' });
  });

  it('are not unknown query fields on a route that takes no query at all', async () => {
    expect((await call({ '?token=': alice.key }, '/customer')).status).toBe(200);
    expect((await call({ '?accesskey=': alice.key }, '/customer')).status).toBe(200);
  });

  it('leave other unknown query fields refused with 400', async () => {
    const res = await call({ '?accesskey=': alice.key }, '/queues', 'colour=blue');
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('INVALID_ARGUMENT');
  });
});

describe('precedence (§6.1: cookie token, ?token=, Bearer, cookie accesskey, ?accesskey=)', () => {
  const order: Source[] = ['cookie token', '?token=', 'Bearer', 'cookie accesskey', '?accesskey='];
  const pairs = order.flatMap((first, i) => order.slice(i + 1).map((later) => [first, later] as const));

  it.each(pairs)('uses %s over %s', async (first, later) => {
    const res = await call({ [first]: alice.key, [later]: bob.key });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.customerId);
  });

  it.each(pairs)(
    'does not fall back past an invalid key in %s to a valid one in %s',
    async (first, later) => {
      const res = await call({ [first]: cryptoIds.token(), [later]: alice.key });
      expect(res.status).toBe(401);
      expect(res.body.error.reason).toBe('INVALID_CREDENTIALS');
    },
  );

  it('skips an empty credential and uses the next one', async () => {
    const res = await call({ '?token=': '', Bearer: alice.key });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(alice.customerId);
  });
});

describe('refusals', () => {
  it('answers 401 AUTHENTICATION_REQUIRED with the envelope when no key is sent', async () => {
    const res = await call({});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: {
        status: 'UNAUTHENTICATED',
        reason: 'AUTHENTICATION_REQUIRED',
        message: expect.any(String),
        request_id: expect.any(String),
      },
    });
  });

  it.each([
    ['a Basic authorization header', { authorization: 'Basic dXNlcjpwYXNz' }],
    ['a Bearer header without a key', { authorization: 'Bearer ' }],
    ['an empty accesskey cookie', { cookie: 'accesskey=' }],
  ])('treats %s as no key: 401 AUTHENTICATION_REQUIRED', async (_, headers) => {
    const res = await fetch(`${api.url}/customer`, { headers });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.reason).toBe('AUTHENTICATION_REQUIRED');
  });

  it.each<Source>(['Bearer', '?accesskey=', '?token=', 'cookie accesskey', 'cookie token'])(
    'answers 401 INVALID_CREDENTIALS for an unknown key as %s',
    async (source) => {
      const res = await call({ [source]: cryptoIds.token() });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' });
    },
  );

  it('answers 401, not 500, for a cookie that is not valid percent-encoding', async () => {
    const res = await fetch(`${api.url}/customer`, { headers: { cookie: 'accesskey=%E0%A4%A' } });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).error.reason).toBe('INVALID_CREDENTIALS');
  });

  it('never echoes the key it refused', async () => {
    const wrong = cryptoIds.token();
    const res = await call({ Bearer: wrong });
    expect(JSON.stringify(res.body)).not.toContain(wrong);
  });

  it('checks the key before anything else: a bad key on a bad route id still gets 401', async () => {
    const res = await call({ Bearer: cryptoIds.token() }, '/queues/not-a-uuid');
    expect(res.status).toBe(401);
  });
});
