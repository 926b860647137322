import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createCustomer } from '#services/customers.ts';
import { startApiServer } from '../../infra/local/api-server.ts';
import { apiPerFile } from '../support/api-per-file.ts';
import { aQueue } from '../support/factories/bodies.ts';
import { testDeps } from '../support/local-api.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** A request with exactly this bearer key (or none), independent of the test clients. */
const withKey = async (key: string, path: string, init: RequestInit = {}) => {
  const res = await fetch(`${api.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as any };
};

/** Every string the stored item holds, however deep. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.values(value).flatMap(strings)
      : [];

describe('POST /customers (operator key)', () => {
  it('creates a customer and its first access key, whose token is shown once', async () => {
    const res = await api.admin.post('/customers', { name: 'Acme', detail: 'reseller' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      customer: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Acme',
        detail: 'reseller',
        webhook_uri: '',
        tm_create: expect.stringMatching(TIMESTAMP),
        tm_update: null,
        tm_delete: null,
      },
      accesskey: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        customer_id: res.body.customer.id,
        name: 'default',
        detail: expect.any(String),
        token_prefix: res.body.accesskey.token.slice(0, 6),
        token: expect.stringMatching(/^[A-Za-z0-9_-]{32,}$/),
        tm_create: expect.stringMatching(TIMESTAMP),
        tm_update: null,
        tm_delete: null,
      },
      webhook_secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{32,}$/),
    });
  });

  it('issues a token that works as a Bearer header and as ?accesskey=', async () => {
    const created = await api.admin.post('/customers', { name: 'Acme' });
    const { token } = created.body.accesskey;

    const byHeader = await withKey(token, '/customer');
    expect(byHeader.status).toBe(200);
    expect(byHeader.body.id).toBe(created.body.customer.id);

    const byQuery = await fetch(`${api.url}/customer?accesskey=${encodeURIComponent(token)}`);
    expect(byQuery.status).toBe(200);
    expect(((await byQuery.json()) as any).id).toBe(created.body.customer.id);
  });

  it('gives every customer its own key: the new key sees only its own queues', async () => {
    const alice = await api.newCustomer('alice');
    const bob = await api.newCustomer('bob');
    expect(alice.key).not.toBe(bob.key);
    expect(alice.customerId).not.toBe(bob.customerId);
    const queue = (await alice.post('/queues', aQueue())).body;
    expect((await bob.get('/queues')).body.result).toEqual([]);
    expect((await alice.get('/queues')).body.result.map((q: { id: string }) => q.id)).toEqual([queue.id]);
  });

  it('refuses a customer access key with 403 PERMISSION_DENIED and creates nothing', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/customers', { name: 'sneaky' });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ status: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED' });
    expect(res.body.accesskey).toBeUndefined();
  });

  it('refuses a request without a key with 401 AUTHENTICATION_REQUIRED', async () => {
    const res = await api.anonymous.post('/customers', { name: 'nobody' });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' });
  });

  it('refuses an unknown key with 401 INVALID_CREDENTIALS', async () => {
    const res = await withKey(cryptoIds.token(), '/customers', {
      method: 'POST',
      body: JSON.stringify({ name: 'x' }),
    });
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'INVALID_CREDENTIALS' });
  });

  it.each([
    ['no name', {}],
    ['an empty name', { name: '' }],
    ['an unknown field', { name: 'x', plan: 'gold' }],
    [
      'a webhook_uri over 2048 characters',
      { name: 'x', webhook_uri: `https://example.com/${'a'.repeat(2048)}` },
    ],
  ])('refuses %s with 400', async (_, body) => {
    const res = await api.admin.post('/customers', body);
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe('INVALID_ARGUMENT');
  });
});

describe('webhook_uri (local runtime)', () => {
  it.each(['http://localhost:9000/hook', 'https://example.com/hook', 'http://127.0.0.1:8080/events'])(
    'accepts %s and stores it on the customer',
    async (webhook_uri) => {
      const res = await api.admin.post('/customers', { name: 'hooked', webhook_uri });
      expect(res.status).toBe(200);
      expect(res.body.customer.webhook_uri).toBe(webhook_uri);
      const own = await withKey(res.body.accesskey.token, '/customer');
      expect(own.body.webhook_uri).toBe(webhook_uri);
    },
  );

  it.each([
    'ftp://x',
    'not a url',
    'http://10.0.0.1/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/',
    'https://172.16.0.1/x',
    'https://user:secret@example.com/hook',
    'javascript:alert(1)',
  ])('refuses %s with 400 naming webhook_uri', async (webhook_uri) => {
    const res = await api.admin.post('/customers', { name: 'hooked', webhook_uri });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT' });
    expect(res.body.error.details).toEqual([{ field: 'webhook_uri', issue: expect.any(String) }]);
  });
});

describe('GET /customer', () => {
  it("returns the caller's own customer", async () => {
    const alice = await api.newCustomer('Alice Ltd');
    const res = await alice.get('/customer');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: alice.customerId,
      name: 'Alice Ltd',
      detail: '',
      webhook_uri: '',
      tm_create: expect.stringMatching(TIMESTAMP),
      tm_update: null,
      tm_delete: null,
    });
  });

  it('refuses the operator key with 403, since the operator is no customer', async () => {
    const res = await api.admin.get('/customer');
    expect(res.status).toBe(403);
    expect(res.body.error.status).toBe('PERMISSION_DENIED');
  });

  it('refuses unknown query parameters with 400', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get('/customer?include=everything');
    expect(res.status).toBe(400);
  });
});

describe('/accesskeys', () => {
  it('creates a key whose token is shown once and works at once; GET and the list never show it', async () => {
    const alice = await api.newCustomer();
    const created = await alice.post('/accesskeys', { name: 'ci', detail: 'build server' });
    expect(created.status).toBe(200);
    const { token, ...key } = created.body;
    expect(key).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: alice.customerId,
      name: 'ci',
      detail: 'build server',
      token_prefix: token.slice(0, 6),
      tm_create: expect.stringMatching(TIMESTAMP),
      tm_update: null,
      tm_delete: null,
    });
    expect(token).not.toBe(alice.key);

    const withNewKey = await withKey(token, '/customer');
    expect(withNewKey.status).toBe(200);
    expect(withNewKey.body.id).toBe(alice.customerId);

    const got = await alice.get(`/accesskeys/${key.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(key);
    const list = await alice.get('/accesskeys');
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(JSON.stringify(list.body)).not.toContain(alice.key);
  });

  it('accepts an empty body: name and detail default to ""', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/accesskeys', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: '', detail: '' });
  });

  it('refuses unknown fields with 400', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/accesskeys', { name: 'x', scope: 'admin' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain('scope');
  });

  it("lists only the caller's keys, newest first, the first key included", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const second = (await alice.post('/accesskeys', { name: 'second' })).body;
    await bob.post('/accesskeys', { name: 'bobs' });

    const res = await alice.get('/accesskeys');
    expect(res.status).toBe(200);
    expect(res.body.result.map((k: { name: string }) => k.name)).toEqual(['second', 'default']);
    expect(res.body.result[0].id).toBe(second.id);
    for (const k of res.body.result) {
      expect(k.customer_id).toBe(alice.customerId);
      expect(k).not.toHaveProperty('token');
    }
  });

  it('stores no attribute holding the token, only a hash and a short prefix', async () => {
    const alice = await api.newCustomer();
    const { id, token } = (await alice.post('/accesskeys', { name: 'stored' })).body;
    const stored = await api.deps.resources.get('accesskey', id);
    expect(stored).toBeDefined();
    expect(stored?.customer_id).toBe(alice.customerId);
    for (const value of strings(stored)) {
      expect(value).not.toBe(token);
      expect(value.includes(token)).toBe(false);
    }
  });

  it("answers 403 for another customer's key on GET and DELETE, and that key keeps working", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const bobsKey = (await bob.post('/accesskeys', { name: 'bobs' })).body;

    const got = await alice.get(`/accesskeys/${bobsKey.id}`);
    expect(got.status).toBe(403);
    expect(JSON.stringify(got.body)).not.toContain(bobsKey.token_prefix);
    const del = await alice.del(`/accesskeys/${bobsKey.id}`);
    expect(del.status).toBe(403);
    expect(del.body.error.reason).toBe('PERMISSION_DENIED');

    expect((await withKey(bobsKey.token, '/customer')).status).toBe(200);
  });

  it('answers 404 ACCESSKEY_NOT_FOUND for an unknown key and 400 INVALID_ID for a malformed id', async () => {
    const alice = await api.newCustomer();
    const missing = await alice.get(`/accesskeys/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('ACCESSKEY_NOT_FOUND');
    const missingDelete = await alice.del(`/accesskeys/${randomUUID()}`);
    expect(missingDelete.status).toBe(404);
    const malformed = await alice.get('/accesskeys/abc');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.reason).toBe('INVALID_ID');
  });

  it('revokes a key at once: DELETE soft deletes it, the token gets 401, other keys keep working', async () => {
    const alice = await api.newCustomer();
    const doomed = (await alice.post('/accesskeys', { name: 'doomed' })).body;
    expect((await withKey(doomed.token, '/customer')).status).toBe(200);

    const res = await alice.del(`/accesskeys/${doomed.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: doomed.id,
      name: 'doomed',
      tm_delete: expect.stringMatching(TIMESTAMP),
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect(res.body).not.toHaveProperty('token');

    const after = await withKey(doomed.token, '/customer');
    expect(after.status).toBe(401);
    expect(after.body.error.reason).toBe('INVALID_CREDENTIALS');
    expect((await alice.get('/customer')).status).toBe(200);

    const got = await alice.get(`/accesskeys/${doomed.id}`);
    expect(got.status).toBe(200);
    expect(got.body.tm_delete).toBe(res.body.tm_delete);
    const list = await alice.get('/accesskeys');
    expect(list.body.result.map((k: { id: string }) => k.id)).not.toContain(doomed.id);
  });

  it('refuses deleting a deleted key with 409 RESOURCE_DELETED', async () => {
    const alice = await api.newCustomer();
    const key = (await alice.post('/accesskeys', {})).body;
    expect((await alice.del(`/accesskeys/${key.id}`)).status).toBe(200);
    const again = await alice.del(`/accesskeys/${key.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ status: 'FAILED_PRECONDITION', reason: 'RESOURCE_DELETED' });
  });

  it('lets a caller revoke the key it is calling with; the next request with it gets 401', async () => {
    const alice = await api.newCustomer();
    const own = (await alice.get('/accesskeys')).body.result[0];
    const res = await alice.del(`/accesskeys/${own.id}`);
    expect(res.status).toBe(200);
    const after = await alice.get('/customer');
    expect(after.status).toBe(401);
    expect(after.body.error.reason).toBe('INVALID_CREDENTIALS');
  });

  it('revokes at once even on a server that caches verified keys', async () => {
    const deps = testDeps();
    const server = await startApiServer({ deps, adminKeyHash: undefined, keyCacheSeconds: 300 });
    try {
      const { customer, accesskey } = await createCustomer(deps, {
        name: 'cached',
        detail: '',
        webhook_uri: '',
      });
      const second = await createCustomerKey(server.port, accesskey.token);
      const call = (key: string, method = 'GET', path = '/customer') =>
        fetch(`http://127.0.0.1:${server.port}/v1.0${path}`, {
          method,
          headers: { authorization: `Bearer ${key}` },
        });

      expect((await call(second.token)).status).toBe(200);
      const del = await call(accesskey.token, 'DELETE', `/accesskeys/${second.id}`);
      expect(del.status).toBe(200);
      expect((await call(second.token)).status).toBe(401);
      const still = await call(accesskey.token);
      expect(still.status).toBe(200);
      expect(((await still.json()) as any).id).toBe(customer.id);
    } finally {
      await server.close();
    }
  });
});

const createCustomerKey = async (port: number, token: string) => {
  const res = await fetch(`http://127.0.0.1:${port}/v1.0/accesskeys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'second' }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { id: string; token: string };
};
