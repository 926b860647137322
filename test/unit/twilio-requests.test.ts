import { describe, expect, it } from 'vitest';
import {
  classifyCreateError,
  createCallForm,
  findCallQuery,
  retryAfterMs,
  statusCallbackOf,
} from '#adapters/telephony/twilio/call-requests.ts';
import { answerTwiml, TWIML_MAX_CHARS } from '#adapters/telephony/twilio/twiml.ts';
import type { PlaceCallRequest } from '#ports/telephony.ts';

const aRequest = (o: Partial<PlaceCallRequest> = {}): PlaceCallRequest => ({
  idempotencyKey: 'cc-1',
  from: '+15550000001',
  to: '+15551230001',
  ringTimeoutSec: 30,
  machineDetection: false,
  maxCallSec: 14_400,
  statusCallbackUrl: 'https://api.example.com/v1.0/providers/twilio/events?cc=cc-1',
  metadata: {},
  ...o,
});

describe('the create-call form', () => {
  it('carries To, From, the TwiML, every status callback event by repeated key, Timeout and TimeLimit', () => {
    const form = createCallForm(aRequest(), '<Response/>');
    expect([...form.keys()].filter((k, i, a) => a.indexOf(k) === i)).toEqual([
      'To',
      'From',
      'Twiml',
      'StatusCallback',
      'StatusCallbackEvent',
      'StatusCallbackMethod',
      'Timeout',
      'TimeLimit',
    ]);
    expect(form.get('To')).toBe('+15551230001');
    expect(form.get('From')).toBe('+15550000001');
    expect(form.get('StatusCallback')).toBe(
      'https://api.example.com/v1.0/providers/twilio/events?cc=cc-1&tl=14400',
    );
    expect(form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    expect(form.get('StatusCallbackMethod')).toBe('POST');
    expect(form.get('Timeout')).toBe('30');
    expect(form.get('TimeLimit')).toBe('14400');
    expect(form.toString()).toContain('StatusCallbackEvent=initiated&StatusCallbackEvent=ringing');
  });

  it("keeps Timeout within Twilio's 1..600 s and TimeLimit within 1..86,400 s (default 14,400)", () => {
    expect(createCallForm(aRequest({ ringTimeoutSec: 0 }), '').get('Timeout')).toBe('1');
    expect(createCallForm(aRequest({ ringTimeoutSec: 900 }), '').get('Timeout')).toBe('600');
    expect(createCallForm(aRequest({ maxCallSec: 100_000 }), '').get('TimeLimit')).toBe('86400');
    const { maxCallSec: _, ...noLimit } = aRequest();
    expect(createCallForm(noLimit, '').get('TimeLimit')).toBe('14400');
  });

  it('asks for machine detection only when the placement does', () => {
    expect(createCallForm(aRequest(), '').has('MachineDetection')).toBe(false);
    expect(createCallForm(aRequest({ machineDetection: true }), '').get('MachineDetection')).toBe('Enable');
  });

  it('adds the TimeLimit to a callback URL with or without a query', () => {
    expect(statusCallbackOf({ statusCallbackUrl: 'https://a.example/e', maxCallSec: 60 })).toBe(
      'https://a.example/e?tl=60',
    );
  });
});

describe('a refused create', () => {
  it('is throttled on 429 / 20429 and call concurrency, with Retry-After', () => {
    expect(classifyCreateError(429, { code: 20429 }, 2000)).toEqual({
      ok: false,
      kind: 'throttled',
      retryAfterMs: 2000,
    });
    expect(classifyCreateError(429, {}, undefined)).toEqual({ ok: false, kind: 'throttled' });
    expect(classifyCreateError(400, { code: 10004 }, undefined)).toMatchObject({ kind: 'throttled' });
  });

  it('is throttled on an authentication error, so a bad credential never burns every target', () => {
    expect(classifyCreateError(401, { code: 20003 }, undefined)).toMatchObject({ kind: 'throttled' });
  });

  it('is rejected as failed, code kept, on an invalid number or another 4xx', () => {
    expect(classifyCreateError(400, { code: 21211 }, undefined)).toEqual({
      ok: false,
      kind: 'rejected',
      reason: 'failed',
      code: '21211',
    });
    expect(classifyCreateError(400, { code: 21210 }, undefined)).toMatchObject({ code: '21210' });
    expect(classifyCreateError(404, {}, undefined)).toMatchObject({ kind: 'rejected', code: '404' });
  });

  it('is unknown on a 5xx: the call may exist', () => {
    expect(classifyCreateError(500, { code: 20500 }, undefined)).toMatchObject({ kind: 'unknown' });
    expect(classifyCreateError(503, {}, 1000)).toMatchObject({ kind: 'unknown' });
  });

  it('reads Retry-After in seconds or as a date', () => {
    expect(retryAfterMs('3', 0)).toBe(3000);
    expect(retryAfterMs('Thu, 15 Jan 2026 09:30:05 GMT', Date.parse('2026-01-15T09:30:00Z'))).toBe(5000);
    expect(retryAfterMs(undefined, 0)).toBeUndefined();
  });
});

describe('the reconciliation list', () => {
  it('filters by To, From and the UTC day the attempt started', () => {
    const q = findCallQuery({ to: '+1555', from: '+1666', notBefore: new Date('2026-01-15T23:59:59Z') });
    expect(q.toString()).toBe('To=%2B1555&From=%2B1666&StartTime%3E=2026-01-15&PageSize=50');
  });
});

describe('the TwiML run on answer', () => {
  it('says each talk action, escaped, then waits in the Twilio queue of the campaign', () => {
    const twiml = answerTwiml(
      [
        { type: 'talk', option: { text: 'Hello & <welcome>', language: 'en-US' } },
        { type: 'sleep', option: { duration: 1500 } },
        { type: 'talk', option: { text: 'Bye' } },
        { type: 'play', option: { stream_urls: ['https://x'] } },
      ],
      'q-1',
    );
    expect(twiml).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response>' +
        '<Say language="en-US">Hello &amp; &lt;welcome&gt;</Say><Pause length="2"/><Say>Bye</Say>' +
        '<Enqueue>outbound-q-1</Enqueue></Response>',
    );
  });

  it('ends the call after the actions when the campaign has no queue', () => {
    expect(answerTwiml([{ type: 'talk', option: { text: 'Hi' } }])).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hi</Say></Response>',
    );
    expect(answerTwiml([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
  });

  it("stays within Twilio's 4,000 characters, keeping the queue join", () => {
    const long = Array.from({ length: 20 }, () => ({ type: 'talk', option: { text: 'x'.repeat(300) } }));
    const twiml = answerTwiml(long, 'q-1');
    expect(twiml.length).toBeLessThanOrEqual(TWIML_MAX_CHARS);
    expect(twiml).toContain('<Enqueue>outbound-q-1</Enqueue>');
  });
});
