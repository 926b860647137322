/** Webhooks of suppressions: added and deleted, from the table's stream like every other event. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../support/local-api.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, signatureIsValid, startReceiver } from '../support/webhook-receiver.ts';

let sys: TestSystem;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver(() => 200);
  sys = await startTestSystem({ events: { policy: { baseDelaySeconds: 0 } } });
});
afterAll(async () => {
  await sys.close();
  await receiver.close();
});

describe('webhooks of suppressions', () => {
  it('delivers suppression_created and suppression_deleted as the API shows them, and nothing for a repeat', async () => {
    const res = await sys.admin.post('/customers', { name: 'hooked', webhook_uri: receiver.url('/supp') });
    expect(res.status).toBe(200);
    const c = sys.clientFor(res.body.accesskey.token) as Client;
    const secret = res.body.webhook_secret as string;

    const added = (await c.post('/suppressions', { number: '+1 (415) 555-0100', reason: 'asked' })).body;
    // The same number again answers the same suppression and changes nothing: no event.
    expect((await c.post('/suppressions', { number: 'tel:+14155550100' })).body.id).toBe(added.id);
    const imported = (await c.post('/suppressions/batch', { numbers: ['+14155550101'] })).body.result[0];
    const deleted = (await c.del(`/suppressions/${added.id}`)).body;

    await sys.events!.drain();
    const got = receiver.received('/supp');
    // In order per suppression; two numbers are two items, whose changes may arrive in either order.
    const of = (id: string) => got.filter((r) => r.json.data.id === id);
    expect(got).toHaveLength(3);
    expect(of(added.id).map((r) => r.json.type)).toEqual(['suppression_created', 'suppression_deleted']);
    expect(of(imported.id).map((r) => r.json.type)).toEqual(['suppression_created']);
    expect(of(added.id)[0]!.json.data).toEqual(added);
    expect(of(imported.id)[0]!.json.data).toEqual(imported);
    expect(of(added.id)[1]!.json.data).toEqual(deleted);
    for (const r of got) expect(signatureIsValid(r, secret)).toBe(true);
  });
});
