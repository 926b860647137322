import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anOutplan } from '../support/factories/bodies.ts';
import { startTestApi, type TestApi } from '../support/local-api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('outplans', () => {
  it('creates an outplan with every dial field and returns it with null tm_update/tm_delete', async () => {
    const alice = await api.newCustomer();
    const res = await alice.post('/outplans', anOutplan());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customer_id: alice.customerId,
      name: 'outplan',
      source: { type: 'tel', target: '+15550000001', target_name: '', name: '', detail: '' },
      dial_timeout: 30000,
      try_interval: 600000,
      max_try_count_0: 3,
      tm_update: null,
      tm_delete: null,
    });
    expect(res.body.tm_create).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    const got = await alice.get(`/outplans/${res.body.id}`);
    expect(got.body).toEqual(res.body);
  });
});
