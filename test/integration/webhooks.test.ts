import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, anOutdial, anOutplan, aTarget } from '../support/factories/bodies.ts';
import type { Client } from '../support/local-api.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import {
  type Received,
  type Receiver,
  signatureIsValid,
  startReceiver,
} from '../support/webhook-receiver.ts';

let sys: TestSystem;
let receiver: Receiver;

/** `/flaky` fails each delivery twice before taking it, `/down` always fails; the rest take everything. */
beforeAll(async () => {
  receiver = await startReceiver(({ path, attempt }) =>
    path === '/down' || (path === '/flaky' && attempt <= 2) ? 500 : 200,
  );
  // Retries come back at once so drain() sees them; the backoff itself is pinned in the unit tests.
  sys = await startTestSystem({ ringMs: 2000, talkMs: 5000, events: { policy: { baseDelaySeconds: 0 } } });
});
afterAll(async () => {
  await sys.close();
  await receiver.close();
});

const drain = () => sys.events!.drain();

/** A customer whose webhooks go to `path` on the receiver, with its signing secret. */
const aCustomerWithWebhook = async (path: string) => {
  const res = await sys.admin.post('/customers', { name: `hooked ${path}`, webhook_uri: receiver.url(path) });
  expect(res.status).toBe(200);
  return {
    client: sys.clientFor(res.body.accesskey.token) as Client,
    customerId: res.body.customer.id as string,
    secret: res.body.webhook_secret as string,
  };
};

const typesOf = (received: Received[], id: string) =>
  received.filter((r) => r.json.data.id === id).map((r) => r.json.type);

const lastOf = (received: Received[], id: string) => received.filter((r) => r.json.data.id === id).at(-1);

describe('webhooks of API changes', () => {
  it('delivers created / updated / deleted of each resource in order, as the API shows it, signed', async () => {
    const { client: c, secret } = await aCustomerWithWebhook('/crud');
    const outplan = (await c.post('/outplans', anOutplan())).body;
    const outplanUpdated = (await c.put(`/outplans/${outplan.id}`, { name: 'renamed', detail: '' })).body;
    const outdial = (await c.post('/outdials', anOutdial())).body;
    const target = (await c.post(`/outdials/${outdial.id}/targets`, aTarget())).body;
    const campaign = (
      await c.post('/campaigns', aCampaign({ outplan_id: outplan.id, outdial_id: outdial.id }))
    ).body;
    const campaignUpdated = (await c.put(`/campaigns/${campaign.id}/service_level`, { service_level: 80 }))
      .body;
    // Idempotent repeats change nothing a customer sees: no events.
    await c.put(`/campaigns/${campaign.id}/service_level`, { service_level: 80 });
    await c.put(`/campaigns/${campaign.id}/status`, { status: 'stop' });
    await c.del(`/campaigns/${campaign.id}`);
    await c.del(`/outdials/${outdial.id}/targets/${target.id}`);
    await c.del(`/outdials/${outdial.id}`);
    await c.del(`/outplans/${outplan.id}`);

    await drain();
    const got = receiver.received('/crud');

    expect(typesOf(got, outplan.id)).toEqual(['outplan_created', 'outplan_updated', 'outplan_deleted']);
    // The campaign takes the outdial (campaign_id set) and gives it back when deleted.
    expect(typesOf(got, outdial.id)).toEqual([
      'outdial_created',
      'outdial_updated',
      'outdial_updated',
      'outdial_deleted',
    ]);
    expect(typesOf(got, target.id)).toEqual(['outdialtarget_created', 'outdialtarget_deleted']);
    expect(typesOf(got, campaign.id)).toEqual(['campaign_created', 'campaign_updated', 'campaign_deleted']);

    const dataOf = (id: string, type: string) =>
      got.find((r) => r.json.data.id === id && r.json.type === type);
    expect(dataOf(outplan.id, 'outplan_created')?.json.data).toEqual(outplan);
    expect(dataOf(outplan.id, 'outplan_updated')?.json.data).toEqual(outplanUpdated);
    expect(dataOf(target.id, 'outdialtarget_created')?.json.data).toEqual(target);
    expect(dataOf(campaign.id, 'campaign_created')?.json.data).toEqual(campaign);
    expect(dataOf(campaign.id, 'campaign_updated')?.json.data).toEqual(campaignUpdated);
    for (const [id, path] of [
      [outplan.id, `/outplans/${outplan.id}`],
      [outdial.id, `/outdials/${outdial.id}`],
      [target.id, `/outdials/${outdial.id}/targets/${target.id}`],
      [campaign.id, `/campaigns/${campaign.id}`],
    ]) {
      const shown = (await c.get(path)).body;
      expect(shown.tm_delete).not.toBeNull();
      expect(lastOf(got, id)?.json.data).toEqual(shown);
    }

    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['x-outbound-event-type']).toBe(r.json.type);
      expect(Object.keys(r.json)).toEqual(['type', 'data']);
      expect(signatureIsValid(r, secret)).toBe(true);
      expect(signatureIsValid(r, `${secret}x`)).toBe(false);
    }
    expect(new Set(got.map((r) => r.deliveryId)).size).toBe(got.length);
  });

  it('retries a failing receiver with the same delivery id until it takes the event, losing nothing', async () => {
    const { client: c, secret } = await aCustomerWithWebhook('/flaky');
    const outplan = (await c.post('/outplans', anOutplan())).body;
    await c.put(`/outplans/${outplan.id}`, { name: 'second', detail: '' });

    await drain();
    const got = receiver.received('/flaky');

    const byDelivery = new Map<string, Received[]>();
    for (const r of got) byDelivery.set(r.deliveryId, [...(byDelivery.get(r.deliveryId) ?? []), r]);
    expect(byDelivery.size).toBe(2);
    for (const attempts of byDelivery.values()) {
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      for (const a of attempts) expect(signatureIsValid(a, secret)).toBe(true);
    }
    expect([...byDelivery.values()].map((a) => a[0]?.json.type).sort()).toEqual([
      'outplan_created',
      'outplan_updated',
    ]);
    expect(await sys.events!.takeDeadLetters()).toEqual([]);
  });

  it('gives a delivery up after its last attempt and keeps it in the dead-letter queue', async () => {
    const { client: c } = await aCustomerWithWebhook('/down');
    const outplan = (await c.post('/outplans', anOutplan())).body;
    await drain();
    const got = receiver.received('/down');
    expect(got).toHaveLength(sys.events!.policy.maxAttempts);
    expect(new Set(got.map((r) => r.deliveryId)).size).toBe(1);
    const dead = await sys.events!.takeDeadLetters();
    expect(dead.map((j) => [j.deliveryId, j.type, j.data.id])).toEqual([
      [got[0]?.deliveryId, 'outplan_created', outplan.id],
    ]);
  });

  it('signs with the new secret once it is rotated', async () => {
    const { client: c, secret } = await aCustomerWithWebhook('/rotate');
    await c.post('/outplans', anOutplan());
    await drain();
    const rotated = await c.post('/customer/webhook_secret', {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook_secret).toMatch(/^whsec_[A-Za-z0-9_-]{32,}$/);
    expect(rotated.body.webhook_secret).not.toBe(secret);
    await c.post('/outplans', anOutplan());
    await drain();

    const [before, after] = receiver.received('/rotate');
    expect(signatureIsValid(before!, secret)).toBe(true);
    expect(signatureIsValid(after!, rotated.body.webhook_secret)).toBe(true);
    expect(signatureIsValid(after!, secret)).toBe(false);
  });

  it('sends nothing for a customer without a webhook_uri', async () => {
    const c = sys.customer;
    const outplan = (await c.post('/outplans', anOutplan())).body;
    await c.put(`/outplans/${outplan.id}`, { name: 'x', detail: '' });
    await c.del(`/outplans/${outplan.id}`);
    await drain();
    expect(receiver.received().filter((r) => r.json.data.customer_id === sys.customer.customerId)).toEqual(
      [],
    );
    expect(receiver.received().filter((r) => r.json.data.id === outplan.id)).toEqual([]);
  });
});

describe('webhooks of a running campaign', () => {
  it('reports the campaign, each attempt and each target through the run, ending as the API shows them', async () => {
    const { client: c, secret } = await aCustomerWithWebhook('/campaign');
    const outplan = (await c.post('/outplans', anOutplan({ max_try_count_0: 1, max_try_count_1: 0 }))).body;
    const outdial = (await c.post('/outdials', anOutdial())).body;
    // The simulator answers numbers ending in 0 and reports busy for those ending in 1.
    const answered = (
      await c.post(
        `/outdials/${outdial.id}/targets`,
        aTarget({ destination_0: { type: 'tel', target: '+15551230000' } }),
      )
    ).body;
    const busy = (
      await c.post(
        `/outdials/${outdial.id}/targets`,
        aTarget({ destination_0: { type: 'tel', target: '+15551230001' } }),
      )
    ).body;
    const campaign = (
      await c.post('/campaigns', aCampaign({ outplan_id: outplan.id, outdial_id: outdial.id }))
    ).body;
    await c.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
    for (let i = 0; i < 20 && (await c.get(`/campaigns/${campaign.id}`)).body.status !== 'stop'; i++) {
      await sys.round(5000);
    }
    expect((await c.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');

    await drain();
    const got = receiver.received('/campaign');

    expect(typesOf(got, campaign.id)).toEqual([
      'campaign_created',
      'campaign_status_run',
      'campaign_status_stop',
    ]);
    const calls = (await c.get(`/campaigns/${campaign.id}/campaigncalls`)).body.result as any[];
    expect(calls).toHaveLength(2);
    const callOf = (t: any) => calls.find((x) => x.outdial_target_id === t.id);
    expect(typesOf(got, callOf(answered).id)).toEqual([
      'campaigncall_created',
      'campaigncall_updated',
      'campaigncall_updated',
    ]);
    expect(got.filter((r) => r.json.data.id === callOf(answered).id).map((r) => r.json.data.status)).toEqual([
      'dialing',
      'progressing',
      'done',
    ]);
    expect(typesOf(got, callOf(busy).id)).toEqual(['campaigncall_created', 'campaigncall_updated']);
    for (const t of [answered, busy]) {
      const types = typesOf(got, t.id);
      expect(types[0]).toBe('outdialtarget_created');
      expect(types.slice(1).every((x) => x === 'outdialtarget_updated')).toBe(true);
      expect(lastOf(got, t.id)?.json.data).toEqual(
        (await c.get(`/outdials/${outdial.id}/targets/${t.id}`)).body,
      );
    }
    for (const call of calls) expect(lastOf(got, call.id)?.json.data).toEqual(call);
    expect(lastOf(got, campaign.id)?.json.data).toEqual((await c.get(`/campaigns/${campaign.id}`)).body);
    for (const r of got) expect(signatureIsValid(r, secret)).toBe(true);
  });
});
