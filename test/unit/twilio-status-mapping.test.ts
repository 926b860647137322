import { describe, expect, it } from 'vitest';
import {
  callStateOf,
  eventFromCallback,
  reasonFromSip,
  reasonOf,
  STATUS_RANK,
} from '#adapters/telephony/twilio/status-mapping.ts';

const URL_ = 'https://api.example.com/v1.0/providers/twilio/events?cc=cc-1&tl=14400';
const RECEIVED = new Date('2026-01-15T09:30:00.000Z');

const callback = (fields: Record<string, string>) =>
  eventFromCallback(new URLSearchParams({ CallSid: 'CA1', ...fields }), URL_, RECEIVED);

describe('Twilio statuses → hangup reasons (contracts §2)', () => {
  it.each([
    [{ status: 'completed' }, 'normal'],
    [{ status: 'completed', answeredBy: 'human' }, 'normal'],
    [{ status: 'completed', answeredBy: 'unknown' }, 'normal'],
    [{ status: 'completed', answeredBy: 'machine_start' }, 'amd'],
    [{ status: 'completed', answeredBy: 'machine_end_beep' }, 'amd'],
    [{ status: 'completed', answeredBy: 'machine_end_silence' }, 'amd'],
    [{ status: 'completed', answeredBy: 'machine_end_other' }, 'amd'],
    [{ status: 'completed', answeredBy: 'fax' }, 'amd'],
    [{ status: 'completed', durationSec: 14_400, timeLimitSec: 14_400 }, 'timeout'],
    [{ status: 'completed', durationSec: 37, timeLimitSec: 14_400 }, 'normal'],
    [{ status: 'busy' }, 'busy'],
    [{ status: 'no-answer' }, 'noanswer'],
    [{ status: 'failed' }, 'failed'],
    [{ status: 'canceled' }, 'cancel'],
  ] as const)('%o is %s', (facts, reason) => {
    expect(reasonOf(facts)).toBe(reason);
  });

  it('lets the SIP code refine failed and busy, never a completed call', () => {
    expect(reasonOf({ status: 'failed', sipResponseCode: 486 })).toBe('busy');
    expect(reasonOf({ status: 'failed', sipResponseCode: 600 })).toBe('busy');
    expect(reasonOf({ status: 'failed', sipResponseCode: 480 })).toBe('noanswer');
    expect(reasonOf({ status: 'failed', sipResponseCode: 408 })).toBe('noanswer');
    expect(reasonOf({ status: 'failed', sipResponseCode: 404 })).toBe('failed');
    expect(reasonOf({ status: 'failed', sipResponseCode: 503 })).toBe('failed');
    expect(reasonOf({ status: 'busy', sipResponseCode: 486 })).toBe('busy');
    expect(reasonOf({ status: 'completed', sipResponseCode: 486 })).toBe('normal');
    expect(reasonFromSip(487, 'failed', true)).toBe('cancel');
    expect(reasonFromSip(487, 'failed', false)).toBe('noanswer');
  });

  it('ranks every terminal status above answered, and answered above ringing', () => {
    expect(STATUS_RANK.initiated).toBeLessThan(STATUS_RANK.ringing);
    expect(STATUS_RANK.ringing).toBeLessThan(STATUS_RANK['in-progress']);
    for (const s of ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const) {
      expect(STATUS_RANK[s]).toBeGreaterThan(STATUS_RANK['in-progress']);
    }
  });
});

describe('a status callback → normalised events', () => {
  it('reads the attempt from the callback URL and the order from SequenceNumber', () => {
    expect(
      callback({ CallStatus: 'ringing', SequenceNumber: '1', Timestamp: 'Thu, 15 Jan 2026 09:29:58 +0000' }),
    ).toEqual([
      {
        callId: 'CA1',
        attemptId: 'cc-1',
        kind: 'ringing',
        sequence: 1,
        at: new Date('2026-01-15T09:29:58Z'),
      },
    ]);
  });

  it('says nothing for initiated and queued, or without a CallSid', () => {
    expect(callback({ CallStatus: 'initiated', SequenceNumber: '0' })).toEqual([]);
    expect(callback({ CallStatus: 'queued' })).toEqual([]);
    expect(eventFromCallback(new URLSearchParams({ CallStatus: 'completed' }), URL_, RECEIVED)).toEqual([]);
    expect(callback({ CallStatus: 'something-new' })).toEqual([]);
  });

  it('turns in-progress into answered, and an answer by a machine into completed/amd', () => {
    expect(callback({ CallStatus: 'in-progress', SequenceNumber: '2' })[0]).toMatchObject({
      kind: 'answered',
    });
    expect(callback({ CallStatus: 'in-progress', AnsweredBy: 'human' })[0]).toMatchObject({
      kind: 'answered',
    });
    expect(callback({ CallStatus: 'in-progress', AnsweredBy: 'machine_start' })[0]).toMatchObject({
      kind: 'completed',
      reason: 'amd',
    });
  });

  it('closes with the reason of the terminal status, the duration against the TimeLimit in the URL', () => {
    expect(callback({ CallStatus: 'completed', CallDuration: '37' })[0]).toMatchObject({
      kind: 'completed',
      reason: 'normal',
    });
    expect(callback({ CallStatus: 'completed', CallDuration: '14400' })[0]).toMatchObject({
      reason: 'timeout',
    });
    expect(callback({ CallStatus: 'busy', SipResponseCode: '486' })[0]).toMatchObject({ reason: 'busy' });
    expect(callback({ CallStatus: 'no-answer' })[0]).toMatchObject({ reason: 'noanswer' });
    expect(callback({ CallStatus: 'failed', SipResponseCode: '480' })[0]).toMatchObject({
      reason: 'noanswer',
    });
    expect(callback({ CallStatus: 'canceled' })[0]).toMatchObject({ reason: 'cancel' });
  });

  it('orders by status rank when SequenceNumber is missing, and dates by receipt when Timestamp is', () => {
    expect(callback({ CallStatus: 'busy' })[0]).toMatchObject({ sequence: 3, at: RECEIVED });
    expect(callback({ CallStatus: 'ringing' })[0]).toMatchObject({ sequence: 1 });
  });

  it('ignores unknown fields and a missing optional one', () => {
    expect(callback({ CallStatus: 'completed', CallerCountry: 'US', ErrorCode: '' })[0]).toMatchObject({
      reason: 'normal',
    });
  });
});

describe('a Call resource → the provider-neutral view', () => {
  it.each([
    ['queued', { phase: 'pending' }],
    ['ringing', { phase: 'ringing' }],
    ['in-progress', { phase: 'answered' }],
    ['completed', { phase: 'ended', reason: 'normal' }],
    ['busy', { phase: 'ended', reason: 'busy' }],
    ['no-answer', { phase: 'ended', reason: 'noanswer' }],
    ['failed', { phase: 'ended', reason: 'failed' }],
    ['canceled', { phase: 'ended', reason: 'cancel' }],
  ] as const)('%s is %o', (status, view) => {
    expect(callStateOf({ sid: 'CA1', status })).toMatchObject({ callId: 'CA1', ...view });
  });

  it('keeps who answered and how long the call lasted', () => {
    expect(
      callStateOf({ sid: 'CA1', status: 'completed', answered_by: 'machine_end_beep', duration: '12' }),
    ).toEqual({
      callId: 'CA1',
      phase: 'ended',
      reason: 'amd',
      answeredBy: 'machine',
      durationSec: 12,
    });
  });
});
