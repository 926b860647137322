import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { aCampaign, aQueue } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const tagA = randomUUID();
const tagB = randomUUID();

const createQueue = async (client: Client, overrides: Record<string, unknown> = {}) => {
  const res = await client.post('/queues', aQueue(overrides));
  expect(res.status).toBe(200);
  return res.body;
};

describe('POST /queues', () => {
  it('creates a queue owned by the caller with name, detail and tag_ids, null tm_update and tm_delete', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/queues', aQueue({ name: 'sales', detail: 'EMEA', tag_ids: [tagA, tagB] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: alice.customerId,
      name: 'sales',
      detail: 'EMEA',
      tag_ids: [tagA, tagB],
      wrapup_ms: 0,
      tm_create: expect.stringMatching(TIMESTAMP),
      tm_update: null,
      tm_delete: null,
    });
    const got = await alice.get(`/queues/${res.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('defaults detail to "" and tag_ids to [] when they are omitted', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/queues', { name: 'bare' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'bare', detail: '', tag_ids: [] });
  });

  it('stores tag ids in lower case', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/queues', aQueue({ tag_ids: [tagA.toUpperCase()] }));
    expect(res.status).toBe(200);
    expect(res.body.tag_ids).toEqual([tagA]);
  });

  it.each([
    ['a missing name', { detail: 'x' }, 'name'],
    ['an empty name', aQueue({ name: '' }), 'name'],
    ['a blank name', aQueue({ name: '   ' }), 'name'],
    ['a name over 255 characters', aQueue({ name: 'n'.repeat(256) }), 'name'],
    ['a numeric name', aQueue({ name: 42 }), 'name'],
    ['a detail that is not a string', aQueue({ detail: ['x'] }), 'detail'],
    ['tag_ids that are not UUIDs', aQueue({ tag_ids: ['sales'] }), 'tag_ids.0'],
    ['tag_ids that is not an array', aQueue({ tag_ids: tagA }), 'tag_ids'],
    [
      'more than 100 tag ids',
      aQueue({ tag_ids: Array.from({ length: 101 }, () => randomUUID()) }),
      'tag_ids',
    ],
    ['an unknown field', aQueue({ colour: 'blue' }), 'colour'],
    ['a status field queues do not have', aQueue({ status: 'available' }), 'status'],
  ])('refuses %s with 400 INVALID_ARGUMENT naming the field', async (_, body, field) => {
    const alice = await api.newCustomer();
    const res = await alice.post('/queues', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT' });
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    const list = await alice.get('/queues');
    expect(list.body.result).toEqual([]);
  });
});

describe('GET /queues', () => {
  it("lists only the caller's queues, newest first", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const first = await createQueue(alice, { name: 'first' });
    const second = await createQueue(alice, { name: 'second' });
    await createQueue(bob, { name: 'bobs' });

    const res = await alice.get('/queues');
    expect(res.status).toBe(200);
    expect(res.body.result.map((q: { id: string }) => q.id)).toEqual([second.id, first.id]);
    expect(res.body.next_page_token).toBe(first.tm_create);
  });

  it('pages with page_size and page_token and ends with an empty page', async () => {
    const alice = await api.newCustomer();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createQueue(alice, { name: `q${i}` }));
    const newestFirst = made.reverse().map((q) => q.id);

    const page1 = await alice.get('/queues?page_size=2');
    expect(page1.body.result.map((q: { id: string }) => q.id)).toEqual(newestFirst.slice(0, 2));
    const page2 = await alice.get(`/queues?page_size=2&page_token=${page1.body.next_page_token}`);
    expect(page2.body.result.map((q: { id: string }) => q.id)).toEqual(newestFirst.slice(2));
    const page3 = await alice.get(`/queues?page_size=2&page_token=${page2.body.next_page_token}`);
    expect(page3.body).toEqual({ result: [], next_page_token: '' });
  });

  it('answers an empty list as result [] and next_page_token ""', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get('/queues');
    expect(res).toEqual({ status: 200, body: { result: [], next_page_token: '' } });
  });

  it('refuses an unknown query parameter and a page_token that is not a timestamp with 400', async () => {
    const alice = await api.newCustomer();
    const unknown = await alice.get('/queues?colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.reason).toBe('INVALID_ARGUMENT');
    const badToken = await alice.get('/queues?page_token=yesterday');
    expect(badToken.status).toBe(400);
    expect(badToken.body.error.details).toEqual([{ field: 'page_token', issue: expect.any(String) }]);
  });
});

describe('GET /queues/{id}', () => {
  it("answers 403 PERMISSION_DENIED for another customer's queue and shows nothing of it", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const queue = await createQueue(alice, { name: 'secret-queue-name', detail: 'secret-detail' });

    const res = await bob.get(`/queues/${queue.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ status: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED' });
    const text = JSON.stringify(res.body);
    for (const secret of ['secret-queue-name', 'secret-detail', alice.customerId, queue.tm_create]) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 404 QUEUE_NOT_FOUND for a UUID that is no queue', async () => {
    const alice = await api.newCustomer();
    const res = await alice.get(`/queues/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ status: 'NOT_FOUND', reason: 'QUEUE_NOT_FOUND' });
  });

  it('answers 400 INVALID_ID for an id that is not a UUID', async () => {
    const alice = await api.newCustomer();
    for (const id of ['not-a-uuid', '123', `${randomUUID()}x`]) {
      const res = await alice.get(`/queues/${id}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ID' });
    }
  });

  it('accepts an upper-case UUID as the same queue', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const res = await alice.get(`/queues/${queue.id.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(queue.id);
  });
});

describe('PUT /queues/{id}', () => {
  it('replaces name, detail and tag_ids and sets tm_update', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice, { name: 'before', detail: 'old', tag_ids: [tagA] });
    api.clock.advance(1000);

    const res = await alice.put(`/queues/${queue.id}`, { name: 'after', detail: 'new', tag_ids: [tagB] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...queue,
      name: 'after',
      detail: 'new',
      tag_ids: [tagB],
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect(res.body.tm_update > queue.tm_create).toBe(true);
    expect((await alice.get(`/queues/${queue.id}`)).body).toEqual(res.body);
  });

  it('resets detail and tag_ids to their defaults when the PUT omits them', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice, { detail: 'old', tag_ids: [tagA] });
    const res = await alice.put(`/queues/${queue.id}`, { name: 'renamed' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'renamed', detail: '', tag_ids: [] });
  });

  it('refuses an invalid body with 400 and leaves the queue unchanged', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const res = await alice.put(`/queues/${queue.id}`, { name: '', tag_ids: ['nope'] });
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('INVALID_ARGUMENT');
    expect((await alice.get(`/queues/${queue.id}`)).body).toEqual(queue);
  });

  it("answers 403 for another customer's queue and leaves it unchanged", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const queue = await createQueue(alice, { name: 'mine' });
    const res = await bob.put(`/queues/${queue.id}`, aQueue({ name: 'stolen' }));
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(res.body)).not.toContain('mine');
    expect((await alice.get(`/queues/${queue.id}`)).body).toEqual(queue);
  });

  it('answers 404 QUEUE_NOT_FOUND for an unknown queue', async () => {
    const alice = await api.newCustomer();
    const res = await alice.put(`/queues/${randomUUID()}`, aQueue());
    expect(res.status).toBe(404);
    expect(res.body.error.reason).toBe('QUEUE_NOT_FOUND');
  });

  it('answers 400 INVALID_ID for a malformed id', async () => {
    const alice = await api.newCustomer();
    const res = await alice.put('/queues/zzz', aQueue());
    expect(res.status).toBe(400);
    expect(res.body.error.reason).toBe('INVALID_ID');
  });
});

describe('DELETE /queues/{id}', () => {
  it('soft deletes: returns the queue with tm_delete set, GET still shows it, the list leaves it out', async () => {
    const alice = await api.newCustomer();
    const kept = await createQueue(alice, { name: 'kept' });
    const queue = await createQueue(alice, { name: 'doomed' });
    api.clock.advance(1000);

    const res = await alice.del(`/queues/${queue.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...queue,
      tm_update: expect.stringMatching(TIMESTAMP),
      tm_delete: expect.stringMatching(TIMESTAMP),
    });
    expect(res.body.tm_delete).toBe(res.body.tm_update);

    const got = await alice.get(`/queues/${queue.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);

    const list = await alice.get('/queues');
    expect(list.body.result.map((q: { id: string }) => q.id)).toEqual([kept.id]);
  });

  it('refuses a PUT on a deleted queue with 409 RESOURCE_DELETED', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const deleted = (await alice.del(`/queues/${queue.id}`)).body;

    const res = await alice.put(`/queues/${queue.id}`, aQueue({ name: 'revived' }));
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ status: 'FAILED_PRECONDITION', reason: 'RESOURCE_DELETED' });
    expect((await alice.get(`/queues/${queue.id}`)).body).toEqual(deleted);
  });

  it('refuses deleting an already deleted queue with 409 RESOURCE_DELETED and keeps the first tm_delete', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const first = (await alice.del(`/queues/${queue.id}`)).body;
    api.clock.advance(1000);
    const again = await alice.del(`/queues/${queue.id}`);
    expect(again.status).toBe(409);
    expect(again.body.error.reason).toBe('RESOURCE_DELETED');
    expect((await alice.get(`/queues/${queue.id}`)).body.tm_delete).toBe(first.tm_delete);
  });

  it("answers 403 for another customer's queue and does not delete it", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const queue = await createQueue(alice);
    const res = await bob.del(`/queues/${queue.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe('PERMISSION_DENIED');
    expect((await alice.get(`/queues/${queue.id}`)).body.tm_delete).toBeNull();
  });

  it('answers 404 QUEUE_NOT_FOUND for an unknown queue and 400 INVALID_ID for a malformed id', async () => {
    const alice = await api.newCustomer();
    const missing = await alice.del(`/queues/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('QUEUE_NOT_FOUND');
    const malformed = await alice.del('/queues/12345');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.reason).toBe('INVALID_ID');
  });

  it('refuses deleting a queue a campaign uses with 409 RESOURCE_IN_USE and keeps it live', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const campaign = await alice.post('/campaigns', aCampaign({ queue_id: queue.id }));
    expect(campaign.status).toBe(200);
    expect(campaign.body.queue_id).toBe(queue.id);

    const res = await alice.del(`/queues/${queue.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ status: 'FAILED_PRECONDITION', reason: 'RESOURCE_IN_USE' });
    const got = await alice.get(`/queues/${queue.id}`);
    expect(got.body.tm_delete).toBeNull();
    expect((await alice.get('/queues')).body.result.map((q: { id: string }) => q.id)).toEqual([queue.id]);
  });

  it('lets a queue be deleted once the campaign using it points elsewhere', async () => {
    const alice = await api.newCustomer();
    const queue = await createQueue(alice);
    const campaign = (await alice.post('/campaigns', aCampaign({ queue_id: queue.id }))).body;
    const unlinked = await alice.put(`/campaigns/${campaign.id}/resource_info`, {
      outplan_id: '',
      outdial_id: '',
      queue_id: '',
      next_campaign_id: '',
    });
    expect(unlinked.body).toMatchObject({ queue_id: '00000000-0000-0000-0000-000000000000' });
    expect(unlinked.status).toBe(200);

    const res = await alice.del(`/queues/${queue.id}`);
    expect(res.status).toBe(200);
    expect(res.body.tm_delete).toMatch(TIMESTAMP);
  });

  it("refuses a campaign that names another customer's queue or a deleted queue", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const bobsQueue = await createQueue(bob);
    const foreign = await alice.post('/campaigns', aCampaign({ queue_id: bobsQueue.id }));
    expect(foreign.status).toBe(400);
    expect(JSON.stringify(foreign.body)).toContain('queue_id');

    const gone = await createQueue(alice);
    await alice.del(`/queues/${gone.id}`);
    const deleted = await alice.post('/campaigns', aCampaign({ queue_id: gone.id }));
    expect(deleted.status).toBe(400);
    expect(JSON.stringify(deleted.body)).toContain('queue_id');

    expect((await bob.del(`/queues/${bobsQueue.id}`)).status).toBe(200);
  });
});

describe('queue routes and callers', () => {
  it('refuses the operator key on queue routes with 403, since queues belong to a customer', async () => {
    const res = await api.admin.post('/queues', aQueue());
    expect(res.status).toBe(403);
    expect(res.body.error.status).toBe('PERMISSION_DENIED');
  });

  it('refuses a request without a key with 401 AUTHENTICATION_REQUIRED', async () => {
    const res = await api.anonymous.get('/queues');
    expect(res.status).toBe(401);
    expect(res.body.error).toMatchObject({ status: 'UNAUTHENTICATED', reason: 'AUTHENTICATION_REQUIRED' });
  });
});
