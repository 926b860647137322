import { afterAll, beforeAll, expect, it } from 'vitest';
import { aCampaign, anOutdial, anOutplan, aTarget } from '../support/factories/bodies.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

/** Longer than the whole campaign below takes, so a stalled delivery would show up as a stalled engine. */
const DELIVERY_TIMEOUT_MS = 10_000;

let sys: TestSystem;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(() => 'hang');
  sys = await startTestSystem({
    ringMs: 2000,
    talkMs: 5000,
    events: { policy: { timeoutMs: DELIVERY_TIMEOUT_MS } },
  });
});
afterAll(async () => {
  await receiver.close();
  await sys.close();
});

/** Bounded wait for the background delivery loop (real time: it is the thing under test). */
const eventually = async (check: () => boolean, ms = 5000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

it('keeps dialing at full speed while the customer endpoint hangs on every delivery', async () => {
  const res = await sys.admin.post('/customers', { name: 'hangs', webhook_uri: receiver.url('/hang') });
  const c = sys.clientFor(res.body.accesskey.token);
  const outplan = (await c.post('/outplans', anOutplan({ max_try_count_0: 1, max_try_count_1: 0 }))).body;
  const loopErrors: unknown[] = [];
  sys.events!.startLoops((err) => loopErrors.push(err));
  // A delivery is stuck at the receiver before the campaign even starts.
  await eventually(() => receiver.hanging() > 0);
  const stuckSince = Date.now();

  const outdial = (await c.post('/outdials', anOutdial())).body;
  for (const last of ['0', '1', '5']) {
    // The simulator answers numbers ending in 0 or 5 and reports busy for those ending in 1.
    await c.post(
      `/outdials/${outdial.id}/targets`,
      aTarget({ destination_0: { type: 'tel', target: `+1555123000${last}` } }),
    );
  }
  const campaign = (await c.post('/campaigns', aCampaign({ outplan_id: outplan.id, outdial_id: outdial.id })))
    .body;
  await c.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
  let rounds = 0;
  while ((await c.get(`/campaigns/${campaign.id}`)).body.status !== 'stop' && rounds < 20) {
    await sys.round(5000);
    rounds++;
  }

  expect((await c.get(`/campaigns/${campaign.id}`)).body.status).toBe('stop');
  const calls = (await c.get(`/campaigns/${campaign.id}/campaigncalls`)).body.result as any[];
  expect(calls.map((x) => x.status)).toEqual(['done', 'done', 'done']);
  // The whole run fitted inside one delivery's timeout, and that delivery is still hanging.
  expect(Date.now() - stuckSince).toBeLessThan(DELIVERY_TIMEOUT_MS);
  expect(receiver.hanging()).toBeGreaterThan(0);
  expect(receiver.received('/hang')[0]?.json.type).toBe('outplan_created');
  expect(loopErrors).toEqual([]);
});
