/**
 * The whole engine through the Twilio adapter against a fake Twilio over real HTTP: the create as it
 * arrives on the wire, every outcome, signed callbacks out of order and twice, forged callbacks, a
 * create that times out (never sent twice), reconciliation by the sweeper, and the calls-per-second
 * budget under a 429 storm. Call time runs on the test's clock; the CPS budget on the wall clock.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoCpsBucket } from '#adapters/dynamodb/cps-bucket.ts';
import { RateLimitedProvider } from '#adapters/telephony/twilio/rate-limited-provider.ts';
import { type engineSteps, expectEngineInvariants } from '../support/engine-steps.ts';
import type { FakeOutcome, FakeTwilio } from '../support/fake-twilio.ts';
import { aTable, localDocumentClient, type ScratchTable } from '../support/local-dynamo.ts';
import type { TestSystem } from '../support/system.ts';
import { freshNumbers, startTwilioSystem, type TwilioSystem } from '../support/twilio-system.ts';

const CPS = 5;
/** Client timeout of a create: a hung create is given up after this (wall clock). */
const CREATE_TIMEOUT_MS = 300;
const GRACE = 60_000;

let twilio: TwilioSystem;
let fake: FakeTwilio;
let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
let cpsTable: ScratchTable;

beforeAll(async () => {
  cpsTable = await aTable('outbound-cps');
  twilio = await startTwilioSystem({
    fake: { cps: CPS },
    requestTimeoutMs: CREATE_TIMEOUT_MS,
    provider: (adapter, accountSid) =>
      new RateLimitedProvider(
        adapter,
        new DynamoCpsBucket(localDocumentClient(), {
          tableName: cpsTable.name,
          name: `twilio#${accountSid}`,
          cps: CPS,
          // More than the default 10 %: this shared 2-core test machine lags more than a Lambda does, and a
          // request delayed past the headroom would show as a busy second at the fake (bench: defaults).
          headroom: 0.75,
        }),
      ),
  });
  ({ fake, sys, steps } = twilio);
});

afterAll(async () => {
  await twilio?.close();
  await cpsTable?.drop();
});

const aNumber = freshNumbers();

const stored = (id: string) => sys.engine.deps.engine.getCampaigncall(id);
const eventsUrl = (cc: string) =>
  `${sys.engine.deps.settings.publicBaseUrl}/v1.0/providers/twilio/events?cc=${cc}`;

/** Ticks and dials until every number has an accepted create, waiting (wall clock) for redeliveries. */
const dialUntilPlaced = async (numbers: string[], maxMs = 20_000) => {
  const started = Date.now();
  for (;;) {
    await sys.engine.tick();
    await sys.engine.drain();
    const placed = numbers.filter((n) => fake.createsTo(n).some((c) => c.status === 201));
    if (placed.length === numbers.length) return;
    if (Date.now() - started > maxMs) throw new Error(`placed ${placed.length} of ${numbers.length}`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

const callOf = async (campaignId: string, to: string) =>
  (await steps.read.calls(campaignId)).find((c) => c.destination.target === to);

describe('placing a call through Twilio', () => {
  it('sends the contract parameters on the wire and keeps the call SID as the reference id', async () => {
    const to = aNumber();
    await steps.given.agents(1, 'available', []);
    const h = await steps.given.campaign({
      targets: [to],
      outplan: { dial_timeout: 25_000, source: { type: 'tel', target: '+15550000001' } },
      campaign: { actions: [{ type: 'talk', option: { text: 'Hello & welcome', language: 'en-US' } }] },
      queueTags: [],
    });
    await dialUntilPlaced([to]);
    const [create] = fake.createsTo(to);
    const call = await callOf(h.id, to);
    const form = create?.form;
    expect(form?.get('To')).toBe(to);
    expect(form?.get('From')).toBe('+15550000001');
    expect(form?.get('StatusCallback')).toBe(`${eventsUrl(call.id)}&tl=14400`);
    expect(form?.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(form?.get('StatusCallbackMethod')).toBe('POST');
    expect(form?.get('Timeout')).toBe('25');
    expect(form?.get('TimeLimit')).toBe('14400');
    expect(form?.has('MachineDetection')).toBe(false);
    expect(form?.get('Twiml')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US">Hello &amp; welcome</Say>' +
        `<Enqueue>outbound-${h.queueId}</Enqueue></Response>`,
    );
    expect(call.reference_id).toBe(create?.callSid);
    expect(call.reference_id).toMatch(/^CA[0-9a-f]{32}$/);

    await steps.when.aRound(8_000);
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'success' });
    expect(fake.callbacks.filter((c) => c.form.get('To') === to).map((c) => c.status)).toEqual([
      200, 200, 200, 200,
    ]);
  });

  it('records a result for every Twilio outcome', async () => {
    const cases: [FakeOutcome, 'success' | 'fail', string][] = [
      ['completed', 'success', 'normal'],
      ['busy', 'fail', 'busy'],
      ['no-answer', 'fail', 'noanswer'],
      ['failed', 'fail', 'failed'],
      ['canceled', 'fail', 'cancel'],
      // Without machine detection Twilio cannot tell: an answering machine is an answered call.
      ['machine', 'success', 'normal'],
    ];
    const numbers = cases.map(([outcome]) => {
      const n = aNumber();
      fake.outcomeFor(n, outcome);
      return n;
    });
    const invalid = aNumber();
    fake.behaviourFor(invalid, { kind: 'error', status: 400, code: 21211 });
    const h = await steps.given.campaign({
      targets: [...numbers, invalid],
      outplan: { dial_timeout: 20_000, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await dialUntilPlaced(numbers);
    await steps.when.aRound(25_000);
    for (const [i, [, result, reason]] of cases.entries()) {
      const call = await callOf(h.id, numbers[i] ?? '');
      expect({ result: call.result, reason: (await stored(call.id))?._reason }, cases[i]?.[0]).toEqual({
        result,
        reason,
      });
    }
    // 400 / 21211: a definite refusal closes the attempt as failed without any call.
    const refused = await callOf(h.id, invalid);
    expect(refused).toMatchObject({ status: 'done', result: 'fail' });
    expect(await stored(refused.id)).toMatchObject({ _reason: 'failed', _provider_code: '21211' });
    expect(fake.createsTo(invalid).map((c) => c.status)).toEqual([400]);
    await steps.when.aRound(1_000);
    expect(await steps.read.status(h.id)).toBe('stop');
    await expectEngineInvariants(sys, h);
  });

  it('asks for machine detection when the campaign has an amd action, closes a machine answer as amd and hangs up', async () => {
    const to = aNumber();
    fake.outcomeFor(to, 'machine');
    const h = await steps.given.campaign({
      targets: [to],
      outplan: { max_try_count_0: 1, max_try_count_1: 0 },
      campaign: { actions: [{ type: 'amd', option: {} }] },
    });
    await dialUntilPlaced([to]);
    expect(fake.createsTo(to)[0]?.form.get('MachineDetection')).toBe('Enable');
    await steps.when.aRound(10_000);
    const call = await callOf(h.id, to);
    expect(call).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(call.id))?._reason).toBe('amd');
    // §4.4 amd: "machine answered, we hung up".
    expect(fake.hangups).toContainEqual({ sid: call.reference_id, status: 'completed' });
  });

  it('does not ask for machine detection when the campaign has no amd action', async () => {
    const to = aNumber();
    await steps.given.campaign({ targets: [to], outplan: { max_try_count_0: 1, max_try_count_1: 0 } });
    await dialUntilPlaced([to]);
    expect(fake.createsTo(to)[0]?.form.has('MachineDetection')).toBe(false);
  });
});

describe('status callbacks', () => {
  it('change nothing twice when they arrive newest first and each one twice', async () => {
    const answered = aNumber();
    const busy = aNumber();
    fake.outcomeFor(busy, 'busy');
    fake.delivery = 'reversed-duplicated';
    try {
      const h = await steps.given.campaign({
        targets: [answered, busy],
        outplan: { max_try_count_0: 1, max_try_count_1: 0 },
      });
      await dialUntilPlaced([answered, busy]);
      await steps.when.aRound(10_000);
      const ok = await callOf(h.id, answered);
      const failed = await callOf(h.id, busy);
      expect(ok).toMatchObject({ status: 'done', result: 'success' });
      expect(failed).toMatchObject({ status: 'done', result: 'fail' });
      expect((await stored(failed.id))?._reason).toBe('busy');
      const delivered = fake.callbacks.filter((c) => c.form.get('To') === answered);
      // initiated, ringing, in-progress, completed: newest first, each twice. The first copy is
      // answered 200; the second is the same signed request again, a replay: 403, nothing changed.
      expect(delivered.map((c) => c.form.get('CallStatus'))).toEqual([
        'completed',
        'completed',
        'in-progress',
        'in-progress',
        'ringing',
        'ringing',
        'initiated',
        'initiated',
      ]);
      expect(delivered.map((c) => c.status)).toEqual([200, 403, 200, 403, 200, 403, 200, 403]);
      await steps.when.aRound(1_000);
      const { targets } = await expectEngineInvariants(sys, h);
      expect(targets.map((t: { try_count_0: number }) => t.try_count_0)).toEqual([1, 1]);
    } finally {
      fake.delivery = 'in-order';
    }
  });

  it('refuses unsigned, wrongly signed and altered callbacks with 403 and changes nothing', async () => {
    const to = aNumber();
    fake.silence(to);
    const h = await steps.given.campaign({
      targets: [to],
      outplan: { max_try_count_0: 1, max_try_count_1: 0 },
    });
    await dialUntilPlaced([to]);
    const call = await callOf(h.id, to);
    const url = eventsUrl(call.id);
    const form = new URLSearchParams({
      AccountSid: twilio.accountSid,
      CallSid: call.reference_id,
      CallStatus: 'completed',
      CallDuration: '30',
      SequenceNumber: '3',
    });
    expect(await fake.postCallback(url, form, { signature: null })).toBe(403);
    expect(await fake.postCallback(url, form, { token: 'not-the-auth-token' })).toBe(403);
    expect(await fake.postCallback(url, form, { signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' })).toBe(403);
    // Signed for another attempt's URL, replayed to this one.
    const signedElsewhere = new URL(url);
    signedElsewhere.searchParams.set('cc', randomUUID());
    const { fakeTwilioSignature } = await import('../support/fake-twilio.ts');
    const forged = fakeTwilioSignature(twilio.authToken, signedElsewhere.toString(), form);
    expect(await fake.postCallback(url, form, { signature: forged })).toBe(403);
    // A genuine signature over other fields.
    const genuine = fakeTwilioSignature(twilio.authToken, url, form);
    const altered = new URLSearchParams(form);
    altered.set('CallStatus', 'busy');
    expect(await fake.postCallback(url, altered, { signature: genuine })).toBe(403);
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'dialing', result: '' });

    // The genuine callback, then its replay: the first closes the attempt, the second is refused.
    expect(await fake.postCallback(url, form)).toBe(200);
    const settled = await steps.read.call(call.id);
    expect(settled).toMatchObject({ status: 'done', result: 'success' });
    expect(await fake.postCallback(url, form)).toBe(403);
    expect(await steps.read.call(call.id)).toEqual(settled);
    // A later callback about the same call (a new request, not a copy) is a harmless 200 no-op.
    const later = new URLSearchParams(form);
    later.set('SequenceNumber', '4');
    expect(await fake.postCallback(url, later)).toBe(200);
    expect(await steps.read.call(call.id)).toEqual(settled);
    await expectEngineInvariants(sys, h);
  });
});

describe('a create whose answer is lost', () => {
  /**
   * A campaign of one target whose create hangs past the client timeout. The call exists from the
   * create's arrival (hung 3× the timeout) or only once Twilio answers it (2×, after the dialer gave up).
   */
  const aLostCreate = (
    to: string,
    createCall: 'at-arrival' | 'at-answer',
    outplan: { dial_timeout?: number; max_try_count_0: number },
  ) => {
    const hangMs = CREATE_TIMEOUT_MS * (createCall === 'at-arrival' ? 3 : 2);
    fake.behaviourFor(to, { kind: 'hang', hangMs, createCall });
    return steps.given.campaign({ targets: [to], outplan: { ...outplan, max_try_count_1: 0 } });
  };

  it('is never sent again; Twilio’s list finds the call and its callbacks settle the attempt', async () => {
    const to = aNumber();
    const h = await aLostCreate(to, 'at-arrival', { max_try_count_0: 2 });
    await dialUntilPlaced([to]);
    const call = await callOf(h.id, to);
    expect(call.reference_id).toBe(fake.createsTo(to)[0]?.callSid);
    await steps.when.aRound(10_000);
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'success' });
    await steps.when.aRound(0);
    expect(fake.createsTo(to)).toHaveLength(1);
  });

  it('stays unknown when the call is not listed yet, is never re-created, and its callbacks settle it', async () => {
    const to = aNumber();
    const h = await aLostCreate(to, 'at-answer', { max_try_count_0: 2 });
    await steps.when.aRound(0);
    const call = await callOf(h.id, to);
    expect(call).toMatchObject({ status: 'dialing' });
    expect(call.reference_id).not.toMatch(/^CA/);
    // The call comes into being when Twilio finally answers (wall clock); its callbacks name the attempt.
    await new Promise((r) => setTimeout(r, CREATE_TIMEOUT_MS * 3));
    await steps.when.aRound(0);
    await steps.when.aRound(10_000);
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'success' });
    expect(fake.createsTo(to)).toHaveLength(1);
  });

  it('without any callback is settled by the sweeper from Twilio’s view of the call (getCall)', async () => {
    const to = aNumber();
    fake.outcomeFor(to, 'busy');
    fake.silence(to);
    const h = await aLostCreate(to, 'at-arrival', { dial_timeout: 30_000, max_try_count_0: 1 });
    await dialUntilPlaced([to]);
    const call = await callOf(h.id, to);
    await steps.when.timePasses(30_000 + GRACE - 1_000);
    await sys.engine.tick();
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'dialing' });
    await steps.when.timePasses(2_000);
    await sys.engine.tick();
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(call.id))?._reason).toBe('busy');
    expect(fake.createsTo(to)).toHaveLength(1);
  });

  it('is found by the sweeper through Twilio’s call list and hung up when it still rings, though its create answer never came', async () => {
    const to = aNumber();
    fake.outcomeFor(to, 'ringing');
    fake.silence(to);
    const h = await aLostCreate(to, 'at-answer', { dial_timeout: 30_000, max_try_count_0: 1 });
    await steps.when.aRound(0);
    const call = await callOf(h.id, to);
    expect(call.reference_id).not.toMatch(/^CA/);
    // The call comes into being only after the dialer gave up waiting (wall clock).
    await new Promise((r) => setTimeout(r, CREATE_TIMEOUT_MS * 3));
    const [created] = fake.createsTo(to);
    expect(created?.callSid).toMatch(/^CA/);

    await steps.when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();

    expect(await steps.read.call(call.id)).toMatchObject({
      status: 'done',
      result: 'fail',
      reference_id: created?.callSid,
    });
    expect((await stored(call.id))?._reason).toBe('dialout');
    expect(fake.hangups).toContainEqual({ sid: created?.callSid, status: 'completed' });
    expect(fake.createsTo(to)).toHaveLength(1);
  });

  it('is hung up by the sweeper when it still rings past the deadline', async () => {
    const to = aNumber();
    fake.outcomeFor(to, 'ringing');
    fake.silence(to);
    const h = await steps.given.campaign({
      targets: [to],
      outplan: { dial_timeout: 30_000, max_try_count_0: 1, max_try_count_1: 0 },
    });
    await dialUntilPlaced([to]);
    const call = await callOf(h.id, to);
    await steps.when.timePasses(30_000 + GRACE + 1_000);
    await sys.engine.tick();
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(call.id))?._reason).toBe('dialout');
    expect(fake.hangups).toContainEqual({ sid: call.reference_id, status: 'completed' });
    expect(fake.calls.get(call.reference_id)?.status).toBe('canceled');
  });
});

describe('a call Twilio answers 404 for', () => {
  it('is closed by the next sweep past its ring deadline: answered as failed, ringing as dialout, both retried', async () => {
    const talking = aNumber();
    const ringing = aNumber();
    fake.outcomeFor(ringing, 'ringing');
    const h = await steps.given.campaign({
      targets: [talking, ringing],
      outplan: { dial_timeout: 30_000, try_interval: 600_000, max_try_count_0: 2, max_try_count_1: 0 },
    });
    await dialUntilPlaced([talking, ringing]);
    await steps.when.timePasses(2_500); // answered; it would talk for 5 s more
    const answered = await callOf(h.id, talking);
    const rung = await callOf(h.id, ringing);
    expect([answered?.status, rung?.status]).toEqual(['progressing', 'dialing']);
    fake.forget(talking);
    fake.forget(ringing);

    await steps.when.timePasses(30_000 + GRACE - 2_500 - 1_000);
    await sys.engine.tick();
    expect((await steps.read.openCalls(h.id)).map((c) => c.id).sort()).toEqual([answered.id, rung.id].sort());
    await steps.when.timePasses(2_000);
    await sys.engine.tick();

    expect(await steps.read.call(answered.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(answered.id))?._reason).toBe('failed');
    expect(await steps.read.call(rung.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(rung.id))?._reason).toBe('dialout');
    expect((await steps.read.targets(h.outdialId)).map((t) => [t.status, t.try_count_0])).toEqual([
      ['idle', 1],
      ['idle', 1],
    ]);
    await expectEngineInvariants(sys, h);
  });
});

describe('a forced stop', () => {
  it('completes the live call through Twilio and stops the campaign', async () => {
    const to = aNumber();
    const h = await steps.given.campaign({
      targets: [to],
      outplan: { max_try_count_0: 1, max_try_count_1: 0 },
    });
    await dialUntilPlaced([to]);
    await steps.when.timePasses(2_500); // answered; it would talk for 5 s
    const call = await callOf(h.id, to);
    expect(call.status).toBe('progressing');

    const res = await sys.customer.put(`/campaigns/${h.id}/status`, { status: 'stop', force: true });
    expect(res.body.status).toBe('stopping');
    await sys.engine.tick();
    await steps.when.timePasses(0);

    expect(fake.hangups).toContainEqual({ sid: call.reference_id, status: 'completed' });
    // Twilio reports our hangup of an answered call as `completed`: recorded as our cancel, no success.
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'fail' });
    expect((await stored(call.id))?._reason).toBe('cancel');
    expect(await steps.read.status(h.id)).toBe('stop');
  });
});

describe('the calls-per-second budget', () => {
  it('is never exceeded through a 429 storm, and every target is eventually dialled once', async () => {
    const numbers = Array.from({ length: 15 }, aNumber);
    for (const n of numbers) fake.outcomeFor(n, 'failed');
    const before = fake.creates.length;
    fake.startStorm(8, 1);
    const h = await steps.given.campaign({
      targets: numbers,
      maxConcurrentCalls: 50,
      outplan: { max_try_count_0: 1, max_try_count_1: 0 },
    });
    await dialUntilPlaced(numbers, 30_000);
    const mine = fake.creates.slice(before);
    expect(mine.filter((c) => c.status === 429 && !c.overCps).length).toBe(8);
    expect(mine.filter((c) => c.overCps)).toEqual([]);
    expect(fake.maxCreatesPerSecond('all')).toBeLessThanOrEqual(CPS);
    for (const n of numbers) expect(fake.createsTo(n).filter((c) => c.status === 201)).toHaveLength(1);
    await steps.when.aRound(1_000);
    await steps.when.aRound(0);
    expect(await steps.read.status(h.id)).toBe('stop');
    await expectEngineInvariants(sys, h);
  });
});
