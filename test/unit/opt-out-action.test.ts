/** The opt_out action: what the schema takes, its TwiML, and the simulator's keypress for it. */
import { describe, expect, it } from 'vitest';
import { simulatorEventEntries } from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import { answerTwiml, keypressTwiml } from '#adapters/telephony/twilio/twiml.ts';
import { keypressCallbackUrl } from '#ports/telephony.ts';
import { UpdateActions } from '#schemas/campaign.ts';

/** An opt_out action as a client sends it (JSON: a field set to undefined is left out). */
const optOut = (option: Record<string, unknown>) => ({
  type: 'opt_out',
  option: Object.fromEntries(Object.entries(option).filter(([, v]) => v !== undefined)),
});
const issuesOf = (actions: unknown[]) => {
  const out = UpdateActions.safeParse({ actions });
  return out.success ? [] : out.error.issues.map((i) => i.path.join('.'));
};

describe('the opt_out action schema', () => {
  it('takes one key (0–9, * or #) and a non-empty text', () => {
    for (const digit of ['0', '9', '*', '#'])
      expect(issuesOf([optOut({ digit, text: 'Press to stop these calls.' })])).toEqual([]);
  });

  it('refuses a missing, long or non-keypad key, naming the field', () => {
    for (const digit of [undefined, '', '10', 'a', '+', 9])
      expect(issuesOf([optOut({ digit, text: 'Press 9.' })])).toEqual(['actions.0.option.digit']);
  });

  it('refuses an empty, blank or over-long text, naming the field', () => {
    for (const text of [undefined, '', '   ', 'x'.repeat(501)])
      expect(issuesOf([optOut({ digit: '9', text })])).toEqual(['actions.0.option.text']);
  });

  it('refuses unknown option fields and a second opt_out', () => {
    expect(issuesOf([optOut({ digit: '9', text: 'Press 9.', extra: 1 })])).toEqual(['actions.0.option']);
    const one = optOut({ digit: '9', text: 'Press 9.' });
    expect(issuesOf([one, one])).toEqual(['actions']);
  });

  it('leaves the options of other action types free-form', () => {
    expect(issuesOf([{ type: 'talk', option: { digit: 'not checked' } }])).toEqual([]);
  });
});

describe('the opt_out action on Twilio', () => {
  const url = 'https://api.example.com/v1.0/providers/twilio/gather?cc=abc&x=1';
  const actions = [
    { type: 'opt_out', option: { digit: '9', text: 'Press 9 <now> & stop' } },
    { type: 'talk', option: { text: 'Bye' } },
    { type: 'hangup', option: {} },
  ];

  it('prompts in a one-key Gather posting to the keypress URL, both escaped', () => {
    expect(answerTwiml(actions, undefined, url)).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Gather numDigits="1" action="https://api.example.com/v1.0/providers/twilio/gather?cc=abc&amp;x=1" method="POST">' +
        '<Say>Press 9 &lt;now&gt; &amp; stop</Say></Gather><Say>Bye</Say><Hangup/></Response>',
    );
  });

  it('answers a keypress with the actions after the prompt, then the queue', () => {
    expect(keypressTwiml(actions, 'q1')).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Bye</Say><Hangup/><Enqueue>outbound-q1</Enqueue></Response>',
    );
  });

  it('posts keypresses beside the status callbacks, for the same attempt', () => {
    expect(keypressCallbackUrl('https://api.example.com/v1.0/providers/twilio/events?cc=abc')).toBe(
      'https://api.example.com/v1.0/providers/twilio/gather?cc=abc',
    );
  });
});

describe('the queued simulator and the opt-out prompt', () => {
  const req = (to: string) => ({
    idempotencyKey: '00000000-0000-4000-8000-000000000001',
    from: '+15550000001',
    to,
    ringTimeoutSec: 30,
    machineDetection: false,
    statusCallbackUrl: 'https://api.example.com/v1.0/providers/simulator/events?cc=abc',
    metadata: {},
  });
  const opts = { secret: 'k'.repeat(16), nowMs: 0, ringMs: 2000, talkMs: 5000 };
  const keypresses = (to: string, optOutKey?: string) =>
    simulatorEventEntries(req(to), { ...opts, optOutKey })
      .filter((e) => e.Id === 'keypress')
      .map((e) => JSON.parse(e.MessageBody ?? '{}'));

  it('presses the key a second after the answer for an answered number ending in 99', () => {
    const [press] = keypresses('+15551230099', '9');
    expect(press).toMatchObject({ url: 'https://api.example.com/v1.0/providers/simulator/gather?cc=abc' });
    expect(JSON.parse(press.body)).toMatchObject({ digits: '9' });
    expect(simulatorEventEntries(req('+15551230099'), { ...opts, optOutKey: '9' }).at(-1)?.DelaySeconds).toBe(
      3,
    );
  });

  it('presses nothing for other numbers, or without a prompt', () => {
    expect(keypresses('+15551230098', '9')).toEqual([]);
    expect(keypresses('+15551230099')).toEqual([]);
  });
});
