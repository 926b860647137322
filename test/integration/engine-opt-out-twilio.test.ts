/**
 * The in-call opt-out through the Twilio adapter against the fake Twilio over real HTTP: the answer's
 * TwiML prompts in a one-key <Gather> whose action is our keypress route; a signed Gather callback with
 * the opt-out key suppresses the number (source opt_out) once, however often it comes, and is kept on
 * the attempt; other keys and forged callbacks change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type engineSteps, expectEngineInvariants } from '../support/engine-steps.ts';
import { type FakeTwilio, fakeTwilioSignature } from '../support/fake-twilio.ts';
import type { TestSystem } from '../support/system.ts';
import { freshNumbers, startTwilioSystem, type TwilioSystem } from '../support/twilio-system.ts';

const PROMPT = 'Press 9 to stop these calls.';
const ACTIONS = [
  { type: 'talk', option: { text: 'Hello' } },
  { type: 'opt_out', option: { digit: '9', text: PROMPT } },
  { type: 'talk', option: { text: 'Goodbye' } },
];
const XML = '<?xml version="1.0" encoding="UTF-8"?>';

let twilio: TwilioSystem;
let fake: FakeTwilio;
let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;

beforeAll(async () => {
  twilio = await startTwilioSystem({ fake: { cps: 100 } });
  ({ fake, sys, steps } = twilio);
});

afterAll(() => twilio?.close());

const aNumber = freshNumbers();

const gatherUrl = (cc: string) =>
  `${sys.engine.deps.settings.publicBaseUrl}/v1.0/providers/twilio/gather?cc=${cc}`;

/** Posts a Gather callback as Twilio does (form body, X-Twilio-Signature over URL and form). */
const postGather = async (
  url: string,
  form: URLSearchParams,
  signature = fakeTwilioSignature(twilio.authToken, url, form),
) => {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: form.toString(),
  });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
};

const suppressionsOf = async (number: string) => {
  const res = await sys.customer.get(`/suppressions?number=${encodeURIComponent(number)}`);
  expect(res.status).toBe(200);
  return res.body.result as { number: string; source: string; tm_delete: string | null }[];
};

/** A campaign with the opt-out prompt, its one call answered (the fake answers after 2 s). */
const anAnsweredCall = async () => {
  const to = aNumber();
  const h = await steps.given.campaign({ targets: [to], campaign: { actions: ACTIONS } });
  for (let i = 0; i < 20 && fake.createsTo(to).length === 0; i++) {
    await sys.engine.tick();
    await sys.engine.drain();
  }
  await steps.when.aRound(2_500);
  const [call] = await steps.read.calls(h.id);
  expect(call).toMatchObject({ status: 'progressing' });
  return { h, to, call, form: fake.createsTo(to)[0]?.form };
};

const keypress = (callSid: string, digits: string) =>
  new URLSearchParams({
    AccountSid: twilio.accountSid,
    CallSid: callSid,
    Digits: digits,
    CallStatus: 'in-progress',
  });

describe('the opt-out prompt through Twilio', () => {
  it('plays the prompt in a one-key Gather whose action is the attempt’s keypress route', async () => {
    const { h, call, form } = await anAnsweredCall();
    expect(form?.get('Twiml')).toBe(
      `${XML}<Response><Say>Hello</Say>` +
        `<Gather numDigits="1" action="${gatherUrl(call.id)}" method="POST"><Say>${PROMPT}</Say></Gather>` +
        '<Say>Goodbye</Say></Response>',
    );
    await steps.when.aRound(6_000);
    await expectEngineInvariants(sys, h);
  });

  it('suppresses the number (source opt_out) once and keeps the key on the attempt, however often the callback comes', async () => {
    const { h, to, call } = await anAnsweredCall();
    const url = gatherUrl(call.id);
    const first = await postGather(url, keypress(call.reference_id, '9'));
    // The call goes on with the actions after the prompt.
    expect(first).toEqual({
      status: 200,
      type: 'text/xml',
      body: `${XML}<Response><Say>Goodbye</Say></Response>`,
    });
    const [suppression] = await suppressionsOf(to);
    expect(await suppressionsOf(to)).toEqual([
      expect.objectContaining({ number: to, source: 'opt_out', tm_delete: null }),
    ]);
    const { opt_out } = await steps.read.call(call.id);
    expect(opt_out).toEqual({ digit: '9', at: expect.any(String) });

    // The same request again is a replay: refused, nothing changes.
    expect((await postGather(url, keypress(call.reference_id, '9'))).status).toBe(403);
    // A second press (a new request) is answered, and leaves the one suppression and the first press.
    const again = keypress(call.reference_id, '9');
    again.set('FinishedOnKey', '');
    expect((await postGather(url, again)).status).toBe(200);
    expect(await suppressionsOf(to)).toEqual([suppression]);
    expect((await steps.read.call(call.id)).opt_out).toEqual(opt_out);

    await steps.when.aRound(6_000);
    expect(await steps.read.call(call.id)).toMatchObject({ status: 'done', result: 'success', opt_out });
    await expectEngineInvariants(sys, h);
  });

  it('ignores any other key: no suppression, nothing kept, the call goes on', async () => {
    const { h, to, call } = await anAnsweredCall();
    const reply = await postGather(gatherUrl(call.id), keypress(call.reference_id, '1'));
    expect(reply).toEqual({
      status: 200,
      type: 'text/xml',
      body: `${XML}<Response><Say>Goodbye</Say></Response>`,
    });
    expect(await suppressionsOf(to)).toEqual([]);
    expect((await steps.read.call(call.id)).opt_out).toBeNull();
    await steps.when.aRound(6_000);
    await expectEngineInvariants(sys, h);
  });

  it('refuses unsigned and wrongly signed keypresses with 403 and suppresses nobody', async () => {
    const { h, to, call } = await anAnsweredCall();
    const url = gatherUrl(call.id);
    const form = keypress(call.reference_id, '9');
    expect((await postGather(url, form, '')).status).toBe(403);
    expect((await postGather(url, form, fakeTwilioSignature('not-the-auth-token', url, form))).status).toBe(
      403,
    );
    // Signed for another attempt's URL.
    expect(
      (await postGather(url, form, fakeTwilioSignature(twilio.authToken, gatherUrl(h.id), form))).status,
    ).toBe(403);
    expect(await suppressionsOf(to)).toEqual([]);
    expect((await steps.read.call(call.id)).opt_out).toBeNull();
    await steps.when.aRound(6_000);
    await expectEngineInvariants(sys, h);
  });
});
