/**
 * Provider events at the webhook route (§9; contracts §1): signed events posted by hand, duplicated,
 * reordered, forged, or for attempts we do not have. The simulator's own events are never delivered
 * here, so every event an attempt sees is one the test sent.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signSimulatorRequest } from '#adapters/telephony/simulator/simulator-provider.ts';
import { type CampaignHandle, engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeAll(async () => {
  sys = await startTestSystem({ deliver: async () => {} });
  steps = engineSteps(sys);
});
afterAll(() => sys.close());

/** A running campaign with one target whose first attempt has been placed and is ringing. */
const aPlacedAttempt = async (outplan: Record<string, unknown> = {}) => {
  const h = await steps.given.campaign({ targets: [phone('answer')], outplan });
  await steps.when.theTickRuns();
  await steps.when.theDialerRuns();
  const [call] = await steps.read.calls(h.id);
  expect(call).toMatchObject({ status: 'dialing', reference_id: expect.stringMatching(/^SIM/) });
  return { h, call };
};

/** Everything an event could change: the attempts, the target, the campaign and its counters. */
const snapshot = async (h: CampaignHandle) => ({
  calls: await steps.read.calls(h.id),
  targets: await steps.read.targets(h.outdialId),
  campaign: await steps.read.campaign(h.id),
  counters: await steps.read.counters(h.id),
});

const post = (cc: string | undefined, callId: string, kind: string, sequence: number, reason?: string) =>
  steps.when.theProviderPosts(cc, { callId, kind, sequence, ...(reason ? { reason } : {}) });

describe('duplicate and out-of-order events', () => {
  it('ignores a repeated completed event: one result, try counts and counters unchanged', async () => {
    const { h, call } = await aPlacedAttempt();
    expect((await post(call.id, call.reference_id, 'answered', 1)).status).toBe(200);
    expect((await post(call.id, call.reference_id, 'completed', 2, 'normal')).status).toBe(200);
    const settled = await snapshot(h);
    expect(settled.calls.map((x) => [x.status, x.result])).toEqual([['done', 'success']]);
    expect(settled.targets.map((t) => [t.status, t.try_count_0])).toEqual([['done', 1]]);

    // The same event sent again later (a new request, another timestamp), and a conflicting one.
    await steps.when.timePasses(1_000);
    expect((await post(call.id, call.reference_id, 'completed', 2, 'normal')).status).toBe(200);
    expect((await post(call.id, call.reference_id, 'completed', 3, 'busy')).status).toBe(200);

    expect(await snapshot(h)).toEqual(settled);
  });

  it('refuses a replayed request (the very same signed bytes) with 403 REQUEST_REPLAYED and changes nothing', async () => {
    const { h, call } = await aPlacedAttempt();
    const event = { callId: call.reference_id, kind: 'completed', sequence: 2, reason: 'busy' };
    const rawBody = JSON.stringify({ ...event, at: new Date(sys.clock.peek()).toISOString() });
    expect((await steps.when.theProviderPosts(call.id, event, { rawBody })).status).toBe(200);
    const settled = await snapshot(h);

    const replay = await steps.when.theProviderPosts(call.id, event, { rawBody });

    expect(replay.status).toBe(403);
    expect(replay.body.error).toMatchObject({ status: 'PERMISSION_DENIED', reason: 'REQUEST_REPLAYED' });
    expect(await snapshot(h)).toEqual(settled);
  });

  it('closes the attempt once when copies of its completed event arrive together', async () => {
    const { h, call } = await aPlacedAttempt({ try_interval: 600_000 });

    // Copies from different deliveries (each its own request: the timestamps differ).
    const replies = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        steps.when.theProviderPosts(
          call.id,
          { callId: call.reference_id, kind: 'completed', sequence: 1, reason: 'busy' },
          {
            rawBody: JSON.stringify({
              callId: call.reference_id,
              kind: 'completed',
              sequence: 1,
              reason: 'busy',
              at: new Date(sys.clock.peek() + i).toISOString(),
            }),
          },
        ),
      ),
    );

    expect(replies.map((r) => r.status)).toEqual(Array(6).fill(200));
    const after = await snapshot(h);
    expect(after.calls.map((x) => [x.status, x.result])).toEqual([['done', 'fail']]);
    expect(after.targets.map((t) => [t.status, t.try_count_0])).toEqual([['idle', 1]]);
    expect(after.counters).toEqual({ inflight: 0, dialing: 0 });
  });

  it('never reopens an attempt when its answered event arrives after the completed one', async () => {
    const { h, call } = await aPlacedAttempt();
    await post(call.id, call.reference_id, 'completed', 2, 'busy');
    const settled = await snapshot(h);
    expect(settled.calls.map((x) => [x.status, x.result])).toEqual([['done', 'fail']]);

    expect((await post(call.id, call.reference_id, 'answered', 1)).status).toBe(200);
    expect((await post(call.id, call.reference_id, 'ringing', 0)).status).toBe(200);

    expect(await snapshot(h)).toEqual(settled);
  });

  it('hangs up a call that rings or answers after its attempt was closed, and changes nothing else', async () => {
    const { h, call } = await aPlacedAttempt();
    await post(call.id, call.reference_id, 'completed', 2, 'dialout');
    const settled = await snapshot(h);
    const provider = sys.engine.deps.provider;
    const hangup = provider.hangup.bind(provider);
    const hungUp: string[] = [];
    provider.hangup = async (id) => {
      hungUp.push(id);
      return hangup(id);
    };
    try {
      expect((await post(call.id, call.reference_id, 'answered', 3)).status).toBe(200);
      expect((await post(call.id, call.reference_id, 'completed', 4, 'normal')).status).toBe(200);
    } finally {
      provider.hangup = hangup;
    }

    expect(hungUp).toEqual([call.reference_id]);
    expect((await provider.getCall(call.reference_id))?.phase).toBe('ended');
    expect(await snapshot(h)).toEqual(settled);
  });

  it('moves an attempt to progressing once, however often it is reported answered', async () => {
    const { h, call } = await aPlacedAttempt();
    for (const sequence of [1, 1, 2]) await post(call.id, call.reference_id, 'answered', sequence);

    expect((await steps.read.call(call.id)).status).toBe('progressing');
    expect(await steps.read.counters(h.id)).toEqual({ inflight: 1, dialing: 0 });
  });

  it('leaves a re-dialled target alone when a late copy of its previous attempt’s hangup arrives', async () => {
    const { h, call: first } = await aPlacedAttempt({ try_interval: 0, max_try_count_0: 3 });
    await post(first.id, first.reference_id, 'completed', 1, 'busy');
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    const redialled = await snapshot(h);
    expect(redialled.targets.map((t) => [t.status, t.try_count_0])).toEqual([['progressing', 2]]);
    expect(redialled.counters).toEqual({ inflight: 1, dialing: 1 });

    await post(first.id, first.reference_id, 'completed', 1, 'busy');
    await post(first.id, first.reference_id, 'completed', 5, 'normal');

    expect(await snapshot(h)).toEqual(redialled);
  });

  it('closes an attempt whose completed event names no hangup reason as a failure, to be retried', async () => {
    const { h, call } = await aPlacedAttempt({ max_try_count_0: 2 });

    await post(call.id, call.reference_id, 'completed', 1);

    expect((await steps.read.call(call.id)).result).toBe('fail');
    expect((await steps.read.targets(h.outdialId)).map((t) => [t.status, t.try_count_0])).toEqual([
      ['idle', 1],
    ]);
  });
});

describe('events that are not ours', () => {
  type Forgery = (url: string) => { secret?: string; signature?: string | null; signedUrl?: string };
  it.each<[string, Forgery]>([
    ['signed with another secret', () => ({ secret: 'not-the-secret' })],
    ['without a signature', () => ({ signature: null })],
    [
      'carrying the signature of another body',
      (url) => ({ signature: signSimulatorRequest(sys.simulatorSecret, url, '{"kind":"answered"}') }),
    ],
    [
      'signed for another attempt’s URL',
      (url) => ({ signedUrl: url.replace(/cc=.*$/, `cc=${randomUUID()}`) }),
    ],
  ])('refuses an event %s with 403 and changes nothing', async (_, forge) => {
    const { h, call } = await aPlacedAttempt();
    const before = await snapshot(h);
    const url = `${sys.engine.deps.settings.publicBaseUrl}/v1.0/providers/simulator/events?cc=${call.id}`;

    const res = await steps.when.theProviderPosts(
      call.id,
      { callId: call.reference_id, kind: 'completed', reason: 'normal', sequence: 1 },
      forge(url),
    );

    expect(res.status).toBe(403);
    expect(await snapshot(h)).toEqual(before);
  });

  it('acknowledges an event for an attempt we do not have with 2xx and changes nothing', async () => {
    const { h, call } = await aPlacedAttempt();
    const before = await snapshot(h);

    const replies = [
      await post(randomUUID(), call.reference_id, 'completed', 1, 'normal'),
      await post(undefined, call.reference_id, 'completed', 1, 'normal'),
      await post(call.id, 'SIM-another-call', 'completed', 1, 'normal'),
    ];

    expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('refuses a signed event it cannot read with 400 and changes nothing', async () => {
    const { h, call } = await aPlacedAttempt();
    const before = await snapshot(h);

    const res = await steps.when.theProviderPosts(
      call.id,
      { callId: call.reference_id, kind: 'completed', sequence: 1 },
      { rawBody: 'not json' },
    );

    expect(res.status).toBe(400);
    expect(await snapshot(h)).toEqual(before);
  });
});
