import type { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  QueuedSimulatorProvider,
  simulatorEventEntries,
} from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import {
  SIMULATOR_SIGNATURE_HEADER,
  signSimulatorRequest,
} from '#adapters/telephony/simulator/simulator-provider.ts';
import { buildSimulatorEventsHandler } from '#functions/engine/simulator-events.ts';
import { isFreshTick } from '#functions/engine/tick.ts';
import { tickEntries } from '#functions/engine/tick-fanout.ts';
import type { PlaceCallRequest } from '#ports/telephony.ts';

const SECRET = 'a-test-signing-key-0123456789';
const NOW = Date.parse('2026-01-01T00:00:00.000Z');
const URL_ = 'https://api.example.com/v1.0/providers/simulator/events?cc=cc-1';

const request = (to: string, ringTimeoutSec = 30): PlaceCallRequest => ({
  idempotencyKey: '1111-2222-3333',
  from: '+15550000000',
  to,
  ringTimeoutSec,
  machineDetection: false,
  statusCallbackUrl: URL_,
  metadata: {},
});

const opts = { secret: SECRET, nowMs: NOW, ringMs: 2000, talkMs: 5000 };

describe('queued simulator', () => {
  it('turns an answered call into three delayed, signed messages', () => {
    const entries = simulatorEventEntries(request('+15551230000'), opts);
    expect(entries.map((e) => e.DelaySeconds)).toEqual([0, 2, 7]);
    expect(entries.map((e) => e.Id)).toEqual(['0', '1', '2']);
    const messages = entries.map((e) => JSON.parse(e.MessageBody ?? ''));
    expect(messages.map((m) => JSON.parse(m.body).kind)).toEqual(['ringing', 'answered', 'completed']);
    for (const m of messages) {
      expect(m.url).toBe(URL_);
      expect(m.headers[SIMULATOR_SIGNATURE_HEADER]).toBe(signSimulatorRequest(SECRET, URL_, m.body));
    }
    expect(JSON.parse(messages[2].body)).toMatchObject({
      callId: 'SIM111122223333',
      reason: 'normal',
      sequence: 2,
      at: '2026-01-01T00:00:07.000Z',
    });
  });

  it('rounds delays up and caps them at 900 s', () => {
    expect(simulatorEventEntries(request('+15551233'), opts).map((e) => e.DelaySeconds)).toEqual([1]);
    expect(simulatorEventEntries(request('+15551232', 2000), opts).map((e) => e.DelaySeconds)).toEqual([
      0, 900,
    ]);
  });

  it('verifies and parses what it signed, like the local simulator', async () => {
    const sent: SendMessageBatchCommand[] = [];
    const sqs = {
      send: async (cmd: SendMessageBatchCommand) => {
        sent.push(cmd);
        return {};
      },
    } as never;
    const provider = new QueuedSimulatorProvider(sqs, {
      secret: SECRET,
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/1/sim',
      now: () => NOW,
    });
    const outcome = await provider.placeCall(request('+15551231'));
    expect(outcome).toMatchObject({ ok: true, callId: 'SIM111122223333' });
    expect(sent).toHaveLength(1);
    const input = sent[0]!.input;
    expect(input.QueueUrl).toBe('https://sqs.us-east-1.amazonaws.com/1/sim');
    const m = JSON.parse(input.Entries?.[1]?.MessageBody ?? '');
    const req = { method: 'POST' as const, url: m.url, headers: m.headers, rawBody: m.body };
    expect(provider.verifyWebhook(req)).toBe(true);
    expect(provider.verifyWebhook({ ...req, rawBody: `${m.body} ` })).toBe(false);
    expect(provider.parseEvent(req)).toEqual([
      expect.objectContaining({ kind: 'completed', reason: 'busy', attemptId: 'cc-1', sequence: 1 }),
    ]);
    // It keeps no state: it cannot tell, which must not read as "no such call" (the sweeper would
    // close an answered call as lost).
    expect(await provider.getCall('SIM1')).toEqual({ callId: 'SIM1', phase: 'unknown' });
    await provider.hangup('SIM1');
  });

  it('verifies nothing without a signing key', () => {
    const provider = new QueuedSimulatorProvider({ send: async () => ({}) } as never, {
      secret: undefined,
      queueUrl: undefined,
      now: () => NOW,
    });
    expect(provider.verifyWebhook({ method: 'POST', url: URL_, headers: {}, rawBody: '' })).toBe(false);
  });
});

describe('tick fan-out', () => {
  it('sends twelve ticks, 5 s apart, each stamped with when it is due', () => {
    const entries = tickEntries(NOW);
    expect(entries.map((e) => e.DelaySeconds)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55]);
    expect(JSON.parse(entries[11]?.MessageBody ?? '')).toEqual({ scheduledAt: '2026-01-01T00:00:55.000Z' });
  });

  it('treats ticks older than 60 s as stale', () => {
    const body = JSON.stringify({ scheduledAt: new Date(NOW).toISOString() });
    expect(isFreshTick(body, NOW + 60_000)).toBe(true);
    expect(isFreshTick(body, NOW + 60_001)).toBe(false);
    expect(isFreshTick('not json', NOW)).toBe(false);
  });
});

describe('simulator events consumer', () => {
  const record = (id: string, body: string) =>
    ({ messageId: id, body }) as unknown as SQSEvent['Records'][number];

  it('fails only the records whose POST is not 2xx, and drops malformed ones', async () => {
    const handler = buildSimulatorEventsHandler(async (m) => ({
      status: m.url.endsWith('ok') ? 204 : 500,
      body: '',
    }));
    const msg = (url: string) => JSON.stringify({ url, headers: {}, body: '{}' });
    const out = await handler({
      Records: [record('a', msg('https://x/ok')), record('b', msg('https://x/bad')), record('c', '{')],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
  });

  it('counts an event the route refuses as already received (a redelivery) as done, and any other 403 as failed', async () => {
    const replayed = { error: { status: 'PERMISSION_DENIED', reason: 'REQUEST_REPLAYED' } };
    const forbidden = { error: { status: 'PERMISSION_DENIED', reason: 'PERMISSION_DENIED' } };
    const handler = buildSimulatorEventsHandler(async (m) => ({
      status: 403,
      body: JSON.stringify(m.url.endsWith('replayed') ? replayed : forbidden),
    }));
    const msg = (url: string) => JSON.stringify({ url, headers: {}, body: '{}' });
    const out = await handler({
      Records: [record('a', msg('https://x/replayed')), record('b', msg('https://x/forged'))],
    });
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'b' }]);
  });
});
