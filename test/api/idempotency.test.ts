/**
 * Idempotency-Key on POST: a retried create returns the first answer instead of a second resource;
 * a reused key with a different request, a concurrent duplicate and a malformed key are refused.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { anOutdial, anOutplan, aTarget } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

type Customer = Client & { customerId: string };

/** A POST with an Idempotency-Key, over real HTTP, keeping the response headers. */
const postWithKey = async (c: Customer, path: string, body: unknown, key: string) => {
  const res = await fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${c.key}`, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    replayed: res.headers.get('idempotent-replayed'),
    body: (await res.json()) as any,
  };
};

const outplanNames = async (c: Customer) =>
  ((await c.get('/outplans?page_size=100')).body.result as { name: string }[]).map((o) => o.name);

describe('Idempotency-Key', () => {
  it('answers a retried create with the first result and creates nothing more', async () => {
    const c = await api.newCustomer();
    const key = randomUUID();
    const body = anOutplan({ name: 'once' });

    const first = await postWithKey(c, '/outplans', body, key);
    const second = await postWithKey(c, '/outplans', body, key);

    expect(first.status).toBe(200);
    expect(first.replayed).toBeNull();
    expect(second).toEqual({ status: 200, replayed: 'true', body: first.body });
    expect(await outplanNames(c)).toEqual(['once']);
  });

  it('treats the same fields in another order as the same request', async () => {
    const c = await api.newCustomer();
    const key = randomUUID();
    const body = anOutplan({ name: 'ordered' });
    const reversed = Object.fromEntries(Object.entries(body).reverse());

    const first = await postWithKey(c, '/outplans', body, key);
    const second = await postWithKey(c, '/outplans', reversed, key);

    expect(second.replayed).toBe('true');
    expect(second.body.id).toBe(first.body.id);
  });

  it('refuses the same key with a different body or route (422) and leaves the first result alone', async () => {
    const c = await api.newCustomer();
    const key = randomUUID();
    const first = await postWithKey(c, '/outplans', anOutplan({ name: 'first' }), key);

    const otherBody = await postWithKey(c, '/outplans', anOutplan({ name: 'second' }), key);
    const otherRoute = await postWithKey(c, '/outdials', anOutdial(), key);

    for (const res of [otherBody, otherRoute]) {
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ reason: 'IDEMPOTENCY_KEY_REUSED' });
    }
    expect(await outplanNames(c)).toEqual(['first']);
    expect((await c.get('/outdials')).body.result).toEqual([]);
    expect((await postWithKey(c, '/outplans', anOutplan({ name: 'first' }), key)).body.id).toBe(
      first.body.id,
    );
  });

  it("keeps customers' keys apart: the same key from another customer is a request of its own", async () => {
    const a = await api.newCustomer();
    const b = await api.newCustomer();
    const key = randomUUID();
    const body = anOutplan({ name: 'shared key' });

    const fromA = await postWithKey(a, '/outplans', body, key);
    const fromB = await postWithKey(b, '/outplans', body, key);

    expect(fromB.replayed).toBeNull();
    expect(fromB.body.id).not.toBe(fromA.body.id);
    expect(fromB.body.customer_id).toBe(b.customerId);
  });

  it('creates one target when copies of the same request race, the others replay it or are told to wait', async () => {
    const c = await api.newCustomer();
    const outdial = (await c.post('/outdials', anOutdial())).body;
    const key = randomUUID();
    const body = aTarget({ name: 'raced' });

    const replies = await Promise.all(
      Array.from({ length: 6 }, () => postWithKey(c, `/outdials/${outdial.id}/targets`, body, key)),
    );

    const created = replies.filter((r) => r.status === 200);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    for (const r of replies.filter((x) => x.status !== 200)) {
      expect(r.status).toBe(409);
      expect(r.body.error.reason).toBe('REQUEST_IN_PROGRESS');
    }
    expect((await c.get(`/outdials/${outdial.id}/targets`)).body.result).toHaveLength(1);
  });

  it('replays a refusal: the same request to a missing outdial gets the same 404', async () => {
    const c = await api.newCustomer();
    const key = randomUUID();
    const path = `/outdials/${randomUUID()}/targets`;

    const first = await postWithKey(c, path, aTarget(), key);
    const second = await postWithKey(c, path, aTarget(), key);

    expect(first.status).toBe(404);
    expect(second).toEqual({ status: 404, replayed: 'true', body: first.body });
  });

  it('does not record a request that failed validation: the corrected request runs under the same key', async () => {
    const c = await api.newCustomer();
    const key = randomUUID();

    const invalid = await postWithKey(c, '/outplans', { ...anOutplan(), dial_timeout: 'soon' }, key);
    const valid = await postWithKey(c, '/outplans', anOutplan({ name: 'corrected' }), key);

    expect(invalid.status).toBe(400);
    expect(valid.status).toBe(200);
    expect(valid.replayed).toBeNull();
    expect(await outplanNames(c)).toEqual(['corrected']);
  });

  it.each([
    ['with a space', 'two words'],
    ['over 255 characters', 'k'.repeat(256)],
    ['empty', ''],
  ])('refuses a key %s with 400 and creates nothing', async (_, key) => {
    const c = await api.newCustomer();
    const res = await postWithKey(c, '/outplans', anOutplan(), key);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    expect(await outplanNames(c)).toEqual([]);
  });

  it('lets a request run again after the first try failed unexpectedly', async () => {
    const store = api.deps.idempotency;
    const scope = randomUUID();
    const now = api.clock.now();
    expect(await store.begin(scope, 'k', 'f', now)).toEqual({ kind: 'started' });
    expect(await store.begin(scope, 'k', 'f', now)).toEqual({ kind: 'in-progress' });
    await store.abandon(scope, 'k');
    expect(await store.begin(scope, 'k', 'f', now)).toEqual({ kind: 'started' });
    await store.complete(scope, 'k', { statusCode: 200, body: '{"id":"x"}' });
    expect(await store.begin(scope, 'k', 'f', now)).toEqual({
      kind: 'replay',
      response: { statusCode: 200, body: '{"id":"x"}' },
    });
    // A pending record whose request died long ago (past any Lambda timeout) no longer blocks.
    expect(await store.begin(scope, 'k2', 'f', now)).toEqual({ kind: 'started' });
    expect(await store.begin(scope, 'k2', 'f', now + 10 * 60_000)).toEqual({ kind: 'started' });
  });
});
