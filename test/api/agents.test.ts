import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { anAgent } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';

const api = apiPerFile();

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const STATUSES = ['available', 'away', 'busy', 'offline', 'ringing'] as const;
const tag = randomUUID();

const createAgent = async (client: Client, overrides: Record<string, unknown> = {}) => {
  const res = await client.post('/agents', anAgent(overrides));
  expect(res.status).toBe(200);
  return res.body;
};

const ids = (page: { result: { id: string }[] }) => page.result.map((a) => a.id);

describe('POST /agents', () => {
  it('creates an agent owned by the caller with name, detail, tag_ids and status', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/agents', anAgent({ name: 'Ann', detail: 'desk 4', tag_ids: [tag] }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      customer_id: alice.customerId,
      name: 'Ann',
      detail: 'desk 4',
      tag_ids: [tag],
      status: 'available',
      tm_create: expect.stringMatching(TIMESTAMP),
      tm_update: null,
      tm_delete: null,
    });
    expect((await alice.get(`/agents/${res.body.id}`)).body).toEqual(res.body);
  });

  it('starts an agent offline when no status is given', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/agents', { name: 'Ben' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name: 'Ben', detail: '', tag_ids: [], status: 'offline' });
  });

  it.each(STATUSES)('accepts status %s on create', async (status) => {
    const alice = await api.newCustomer();
    const res = await alice.post('/agents', anAgent({ status }));
    expect(res.status).toBe(200);
    expect(res.body.status).toBe(status);
  });

  it.each([
    ['an unknown status', anAgent({ status: 'sleeping' }), 'status'],
    ['an upper-case status', anAgent({ status: 'AVAILABLE' }), 'status'],
    ['a missing name', { status: 'away' }, 'name'],
    ['tag_ids that are not UUIDs', anAgent({ tag_ids: ['vip'] }), 'tag_ids.0'],
    ['an unknown field', anAgent({ extension: '101' }), 'extension'],
  ])('refuses %s with 400 INVALID_ARGUMENT naming the field', async (_, body, field) => {
    const alice = await api.newCustomer();
    const res = await alice.post('/agents', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT' });
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect((await alice.get('/agents')).body.result).toEqual([]);
  });
});

describe('GET /agents', () => {
  it("lists only the caller's live agents, newest first", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const a1 = await createAgent(alice);
    const a2 = await createAgent(alice, { status: 'busy' });
    const gone = await createAgent(alice);
    await createAgent(bob);
    expect((await alice.del(`/agents/${gone.id}`)).status).toBe(200);

    const res = await alice.get('/agents');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([a2.id, a1.id]);
  });

  it('pages with page_size and page_token', async () => {
    const alice = await api.newCustomer();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createAgent(alice, { name: `agent ${i}` }));
    const page1 = await alice.get('/agents?page_size=2');
    expect(ids(page1.body)).toEqual([made[2].id, made[1].id]);
    const page2 = await alice.get(`/agents?page_size=2&page_token=${page1.body.next_page_token}`);
    expect(ids(page2.body)).toEqual([made[0].id]);
  });
});

describe('GET /agents/{id}', () => {
  it("answers 403 PERMISSION_DENIED for another customer's agent and shows nothing of it", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const agent = await createAgent(alice, { name: 'secret-agent-name' });
    const res = await bob.get(`/agents/${agent.id}`);
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe('PERMISSION_DENIED');
    expect(JSON.stringify(res.body)).not.toContain('secret-agent-name');
    expect(JSON.stringify(res.body)).not.toContain(alice.customerId);
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent and 400 INVALID_ID for a malformed id', async () => {
    const alice = await api.newCustomer();
    const missing = await alice.get(`/agents/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ status: 'NOT_FOUND', reason: 'AGENT_NOT_FOUND' });
    const malformed = await alice.get('/agents/agent-1');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.reason).toBe('INVALID_ID');
  });
});

describe('PUT /agents/{id}', () => {
  it('replaces name, detail and tag_ids, keeps the status and sets tm_update', async () => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice, { status: 'busy' });
    api.clock.advance(1000);
    const res = await alice.put(`/agents/${agent.id}`, { name: 'Renamed', detail: 'moved', tag_ids: [tag] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...agent,
      name: 'Renamed',
      detail: 'moved',
      tag_ids: [tag],
      status: 'busy',
      tm_update: expect.stringMatching(TIMESTAMP),
    });
    expect((await alice.get(`/agents/${agent.id}`)).body).toEqual(res.body);
  });

  it('refuses a status in the basic-info PUT with 400 (status has its own route)', async () => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice, { status: 'offline' });
    const res = await alice.put(`/agents/${agent.id}`, { name: 'x', status: 'available' });
    expect(res.status).toBe(400);
    expect((await alice.get(`/agents/${agent.id}`)).body.status).toBe('offline');
  });

  it('answers 400 naming each field when string fields are objects, even ones no string conversion survives', async () => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice);
    // `{"toString":{},"valueOf":{}}` throws "Cannot convert object to primitive value" wherever it is
    // turned into a string; a body of them must still be a 400, never a 500.
    const unprintable = '{"toString":{},"valueOf":{}}';
    for (const raw of [
      `{"name":{},"detail":{},"tag_ids":[{}]}`,
      `{"name":${unprintable},"detail":${unprintable},"tag_ids":[${unprintable}]}`,
      `{"name":"x","detail":"y","tag_ids":${unprintable}}`,
      `{"name":"x","detail":"y","tag_ids":[],"toString":{},"valueOf":{}}`,
      `{"__proto__":${unprintable},"name":"x","detail":"y","tag_ids":[]}`,
    ]) {
      for (const [method, path] of [
        ['PUT', `/agents/${agent.id}`],
        ['POST', '/agents'],
      ] as const) {
        const res = await alice.request(method, path, undefined, { raw });
        expect(res.status, `${method} ${raw}`).toBe(400);
        expect(res.body.error.reason).toBe('INVALID_ARGUMENT');
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
    }
    expect((await alice.get(`/agents/${agent.id}`)).body).toEqual(agent);
  });

  it("answers 403 for another customer's agent and leaves it unchanged", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const agent = await createAgent(alice);
    const res = await bob.put(`/agents/${agent.id}`, { name: 'stolen' });
    expect(res.status).toBe(403);
    expect((await alice.get(`/agents/${agent.id}`)).body).toEqual(agent);
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const alice = await api.newCustomer();
    const res = await alice.put(`/agents/${randomUUID()}`, { name: 'x' });
    expect(res.status).toBe(404);
    expect(res.body.error.reason).toBe('AGENT_NOT_FOUND');
  });
});

describe('PUT /agents/{id}/status', () => {
  it.each(STATUSES)('sets status %s and returns the agent with tm_update set', async (status) => {
    const alice = await api.newCustomer();
    const start = status === 'offline' ? 'available' : 'offline';
    const agent = await createAgent(alice, { status: start });
    const res = await alice.put(`/agents/${agent.id}/status`, { status });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ...agent, status, tm_update: expect.stringMatching(TIMESTAMP) });
    expect((await alice.get(`/agents/${agent.id}`)).body.status).toBe(status);
  });

  it.each([
    ['an unknown status', { status: 'lunch' }],
    ['an empty status', { status: '' }],
    ['no status', {}],
    ['a numeric status', { status: 1 }],
    ['an extra field', { status: 'away', name: 'x' }],
  ])('refuses %s with 400 and keeps the old status', async (_, body) => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice, { status: 'busy' });
    const res = await alice.put(`/agents/${agent.id}/status`, body);
    expect(res.status).toBe(400);
    expect(res.body.error.status).toBe('INVALID_ARGUMENT');
    expect((await alice.get(`/agents/${agent.id}`)).body.status).toBe('busy');
  });

  it("answers 403 for another customer's agent and leaves its status alone", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const agent = await createAgent(alice, { status: 'offline' });
    const res = await bob.put(`/agents/${agent.id}/status`, { status: 'available' });
    expect(res.status).toBe(403);
    expect(res.body.error.reason).toBe('PERMISSION_DENIED');
    expect((await alice.get(`/agents/${agent.id}`)).body.status).toBe('offline');
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent and 400 INVALID_ID for a malformed id', async () => {
    const alice = await api.newCustomer();
    const missing = await alice.put(`/agents/${randomUUID()}/status`, { status: 'away' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.reason).toBe('AGENT_NOT_FOUND');
    const malformed = await alice.put('/agents/42/status', { status: 'away' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.reason).toBe('INVALID_ID');
  });
});

describe('DELETE /agents/{id}', () => {
  it('soft deletes: tm_delete is set, GET still shows the agent, the list leaves it out', async () => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice);
    api.clock.advance(1000);
    const res = await alice.del(`/agents/${agent.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...agent,
      tm_update: expect.stringMatching(TIMESTAMP),
      tm_delete: expect.stringMatching(TIMESTAMP),
    });
    const got = await alice.get(`/agents/${agent.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
    expect(ids((await alice.get('/agents')).body)).toEqual([]);
  });

  it('refuses PUT, PUT status and a second DELETE on a deleted agent with 409 RESOURCE_DELETED', async () => {
    const alice = await api.newCustomer();
    const agent = await createAgent(alice, { status: 'offline' });
    const deleted = (await alice.del(`/agents/${agent.id}`)).body;

    for (const res of [
      await alice.put(`/agents/${agent.id}`, { name: 'back' }),
      await alice.put(`/agents/${agent.id}/status`, { status: 'available' }),
      await alice.del(`/agents/${agent.id}`),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ status: 'FAILED_PRECONDITION', reason: 'RESOURCE_DELETED' });
    }
    expect((await alice.get(`/agents/${agent.id}`)).body).toEqual(deleted);
  });

  it("answers 403 for another customer's agent and does not delete it", async () => {
    const alice = await api.newCustomer();
    const bob = await api.newCustomer();
    const agent = await createAgent(alice);
    const res = await bob.del(`/agents/${agent.id}`);
    expect(res.status).toBe(403);
    expect((await alice.get(`/agents/${agent.id}`)).body.tm_delete).toBeNull();
  });

  it('answers 404 AGENT_NOT_FOUND for an unknown agent', async () => {
    const alice = await api.newCustomer();
    const res = await alice.del(`/agents/${randomUUID()}`);
    expect(res.status).toBe(404);
    expect(res.body.error.reason).toBe('AGENT_NOT_FOUND');
  });
});
