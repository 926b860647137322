import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { abandonedPerson, freeLineUpdate } from '#adapters/dynamodb/attempt-requests.ts';
import { giveCallToAgentUpdate, markAbandonedUpdate } from '#adapters/dynamodb/call-queue-requests.ts';
import { claimPersonParts, personRefusal } from '#adapters/dynamodb/person-requests.ts';
import { interruptTwiml } from '#adapters/telephony/twilio/twiml.ts';
import { abandonDueMs, restAfterAbandonMs } from '#domain/abandon.ts';
import { contactLimitsOf, NO_CONTACT_LIMITS, nextAllowedMs } from '#domain/contact-policy.ts';
import { CreateCampaign, UpdateCampaign } from '#schemas/campaign.ts';
import { ContactPolicyInput } from '#schemas/contact-policy.ts';
import { DialJobMessage } from '#schemas/dial-job.ts';

const T = 'table';
const CALL = {
  id: '11111111-1111-4111-8111-111111111111',
  customer_id: 'c',
  destination: { type: 'tel' as const, target: '+15550001', target_name: '', name: '', detail: '' },
};
const HOUR = 3_600_000;

describe('the agent or the abandon', () => {
  it('abandons only a caller still waiting with no agent and not abandoned, and takes it out of the line', () => {
    const u = markAbandonedUpdate(T, CALL.id, '2026-01-01T00:00:02.000000Z');
    expect(u.ConditionExpression).toBe(
      '#status = :progressing AND attribute_exists(#waiting) AND attribute_not_exists(#agent) AND attribute_not_exists(#abandon)',
    );
    expect(u.UpdateExpression).toBe('SET #abandon = :now REMOVE gsi3pk, gsi3sk');
    expect(u.ExpressionAttributeNames).toMatchObject({ '#agent': '_agent_id', '#abandon': '_abandon_at' });
  });

  it('gives an agent only a call that was not abandoned', () => {
    const u = giveCallToAgentUpdate(T, CALL.id, 'agent');
    expect(u.ConditionExpression).toContain('attribute_not_exists(#abandon)');
    expect(u.ExpressionAttributeNames['#abandon']).toBe('_abandon_at');
  });
});

describe('the rest after an abandoned call, on the person item', () => {
  it('is recorded by the close of an abandoned call, beside the contact', () => {
    expect(abandonedPerson('progressing', 'abandoned')).toBe(true);
    expect(abandonedPerson('dialing', 'abandoned')).toBe(false);
    expect(abandonedPerson('progressing', 'normal')).toBe(false);
    const u = freeLineUpdate(T, CALL, 'now', 'now');
    expect(u.UpdateExpression).toBe(
      'SET #contact = :contact, #abandoned = :abandoned REMOVE #open, #attempt',
    );
    expect(u.ExpressionAttributeNames['#abandoned']).toBe('_abandoned_at');
    expect(freeLineUpdate(T, CALL).UpdateExpression).toBe('REMOVE #open, #attempt');
  });

  it('refuses a claim within the rest, and names the refusal capped', () => {
    const guard = { now: '2026-01-04T00:00:00Z', abandonSince: '2026-01-01T00:00:00Z' };
    const parts = claimPersonParts(guard);
    expect(parts.condition).toContain('(attribute_not_exists(#abandoned) OR #abandoned <= :abandonSince)');
    expect(parts.values[':abandonSince']).toBe(guard.abandonSince);
    expect(personRefusal({ _abandoned_at: '2026-01-02T00:00:00Z' }, guard)).toBe('capped');
    expect(personRefusal({ _abandoned_at: '2025-12-31T00:00:00Z' }, guard)).toBe('person-changed');
  });

  it('lasts 72 hours by default, without a policy too, and null or 0 turns it off', () => {
    expect(restAfterAbandonMs(undefined)).toBe(72 * HOUR);
    expect(restAfterAbandonMs(null)).toBeUndefined();
    expect(restAfterAbandonMs(0)).toBeUndefined();
    expect(restAfterAbandonMs(24)).toBe(24 * HOUR);
    expect(contactLimitsOf(undefined)).toEqual({ abandonRestMs: 72 * HOUR });
    expect(contactLimitsOf(NO_CONTACT_LIMITS)).toEqual({ abandonRestMs: 72 * HOUR });
    expect(contactLimitsOf({ ...NO_CONTACT_LIMITS, rest_after_abandon_hours: null })).toEqual({});
  });

  it('allows the person again when the rest is over', () => {
    const limits = { abandonRestMs: 72 * HOUR };
    expect(nextAllowedMs(limits, [], undefined, 10 * HOUR, 0)).toBe(72 * HOUR);
    expect(nextAllowedMs(limits, [], undefined, 72 * HOUR, 0)).toBeUndefined();
    expect(nextAllowedMs(limits, [], undefined, 10 * HOUR)).toBeUndefined();
  });
});

describe('abandon settings', () => {
  const base = { name: 'n', detail: '', type: 'call', service_level: 100, end_handle: 'stop' };

  it('defaults to 2 s and no message, and takes a short message of talk, play and sleep', () => {
    expect(z.parse(CreateCampaign, base)).toMatchObject({ abandon_after_ms: 2000, abandon_message: [] });
    const message = [
      { type: 'talk', option: { text: 'Acme calling; call us back on 0800 123 456' } },
      { type: 'sleep', option: { duration: 500 } },
      { type: 'play', option: { stream_urls: ['https://example.com/sorry.mp3'] } },
    ];
    const parsed = z.parse(UpdateCampaign, { ...base, abandon_after_ms: 1000, abandon_message: message });
    expect(parsed.abandon_message).toHaveLength(3);
    expect(z.parse(UpdateCampaign, base).abandon_after_ms).toBeUndefined();
  });

  it.each([
    [{ abandon_after_ms: 999 }, 'abandon_after_ms'],
    [{ abandon_after_ms: 1500.5 }, 'abandon_after_ms'],
    [{ abandon_message: [{ type: 'hangup' }] }, 'abandon_message.0.type'],
    // Names Object.prototype has: found by the API fuzz as a 500.
    [{ abandon_message: [{ type: 'valueOf', option: {} }] }, 'abandon_message.0.type'],
    [{ abandon_message: [{ type: 'constructor', option: {} }] }, 'abandon_message.0.type'],
    [{ abandon_message: [{ type: 'talk', option: { text: ' ' } }] }, 'abandon_message.0.option.text'],
    [
      { abandon_message: [{ type: 'play', option: { stream_urls: ['ftp://x'] } }] },
      'abandon_message.0.option.stream_urls.0',
    ],
    [
      { abandon_message: Array.from({ length: 6 }, () => ({ type: 'talk', option: { text: 'hi' } })) },
      'abandon_message',
    ],
  ])('refuses %j naming %s', (body, field) => {
    const out = z.safeParse(CreateCampaign, { ...base, ...body });
    expect(out.success).toBe(false);
    expect(out.error?.issues.map((i) => i.path.join('.'))).toContain(field);
  });

  it('takes rest_after_abandon_hours on the policy, 72 when left out, null or 0 for none', () => {
    const policy = { max_attempts: null, per_days: null, rest_after_contact_days: null, calling_hours: null };
    expect(z.parse(ContactPolicyInput, policy).rest_after_abandon_hours).toBe(72);
    expect(
      z.parse(ContactPolicyInput, { ...policy, rest_after_abandon_hours: null }).rest_after_abandon_hours,
    ).toBeNull();
    expect(
      z.parse(ContactPolicyInput, { ...policy, rest_after_abandon_hours: 0 }).rest_after_abandon_hours,
    ).toBe(0);
    expect(z.safeParse(ContactPolicyInput, { ...policy, rest_after_abandon_hours: -1 }).success).toBe(false);
    expect(z.safeParse(ContactPolicyInput, { ...policy, rest_after_abandon_hours: 1.5 }).success).toBe(false);
  });

  it('tells an abandon check from a placement on the dial queue', () => {
    expect(z.parse(DialJobMessage, { campaigncallId: CALL.id, kind: 'abandon' }).kind).toBe('abandon');
    expect(z.safeParse(DialJobMessage, { campaigncallId: CALL.id, kind: 'other' }).success).toBe(false);
    expect(abandonDueMs('2026-01-01T00:00:00.000000Z', 2000)).toBe(Date.parse('2026-01-01T00:00:02Z'));
  });
});

describe('the message as TwiML', () => {
  it('says and plays the message, then hangs up, escaping text, skipping what it cannot play', () => {
    expect(
      interruptTwiml([
        { type: 'talk', option: { text: 'A & B <ltd>', language: 'en-GB' } },
        { type: 'play', option: { stream_urls: ['https://e.com/a.mp3?x=1&y=2'] } },
        { type: 'sleep', option: { duration: 1500 } },
        { type: 'hangup', option: {} },
        { type: 'connect', option: {} },
      ]),
    ).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-GB">A &amp; B &lt;ltd&gt;</Say>' +
        '<Play>https://e.com/a.mp3?x=1&amp;y=2</Play><Pause length="2"/><Hangup/></Response>',
    );
    expect(interruptTwiml([])).toBe('<?xml version="1.0" encoding="UTF-8"?><Response><Hangup/></Response>');
  });

  it('stays within Twilio’s 4,000 characters and keeps the hangup', () => {
    const long = Array.from({ length: 5 }, () => ({ type: 'talk', option: { text: 'x'.repeat(1000) } }));
    const twiml = interruptTwiml(long);
    expect(twiml.length).toBeLessThanOrEqual(4000);
    expect(twiml.endsWith('<Hangup/></Response>')).toBe(true);
  });
});
