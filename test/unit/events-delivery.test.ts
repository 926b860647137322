import { createHmac } from 'node:crypto';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { hmacSigner } from '#adapters/http/webhook-sender.ts';
import { batchesOf } from '#adapters/sqs/webhook-queue.ts';
import type { Customer } from '#domain/customer.ts';
import {
  defaultRetryPolicy,
  jitteredDelaySeconds,
  type RetryPolicy,
  retryDelaySeconds,
} from '#domain/events.ts';
import { buildDeliveryHandler } from '#functions/events/delivery-handler.ts';
import type { DeliveryJob, EventSink } from '#ports/event-sink.ts';
import type { WebhookPost, WebhookResult } from '#ports/webhook-sender.ts';
import { type DeliverDeps, deliverWebhook } from '#services/events/deliver-webhook.ts';
import { enqueueDeliveries, type ItemChange } from '#services/events/enqueue-deliveries.ts';

const SECRET = 'whsec_test-secret';
const NOW = Date.parse('2026-01-15T09:30:00.000Z');

const aJob = (overrides: Partial<DeliveryJob> = {}): DeliveryJob => ({
  deliveryId: '0b8f4f36-3c8e-4a55-9d3e-1f2a3b4c5d6e',
  customerId: 'cust-1',
  type: 'campaign_created',
  data: { id: 'c1', name: 'autumn' },
  ...overrides,
});

/** A receiver that answers with the given results in turn, recording what it was sent. */
const fakeSender = (...results: WebhookResult[]) => {
  const sent: WebhookPost[] = [];
  return {
    sent,
    post: async (req: WebhookPost) => {
      sent.push(req);
      return results[Math.min(sent.length - 1, results.length - 1)] ?? { kind: 'answered', status: 200 };
    },
  };
};

const deliverDeps = (
  sender: ReturnType<typeof fakeSender>,
  settings: { webhookUri: string; webhookSecret: string | undefined } | undefined = {
    webhookUri: 'https://hooks.example.com/outbound',
    webhookSecret: SECRET,
  },
  overrides: Partial<DeliverDeps> = {},
): DeliverDeps => ({
  accesskeys: { getWebhookSettings: async () => settings },
  sender,
  signer: hmacSigner,
  clock: { now: () => NOW },
  runtime: 'aws',
  policy: defaultRetryPolicy,
  // The middle of the jitter: the scheduled delay itself (the jitter has its own test).
  random: () => 0.5,
  ...overrides,
});

describe('retry backoff', () => {
  it('doubles from 15 s and never waits more than 15 minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelaySeconds(defaultRetryPolicy, n))).toEqual([
      15, 30, 60, 120, 240, 480, 900, 900,
    ]);
  });
});

describe('one delivery attempt', () => {
  it('POSTs {type, data} with the delivery id, event type, timestamp and a verifiable signature', async () => {
    const sender = fakeSender({ kind: 'answered', status: 204 });
    const outcome = await deliverWebhook(deliverDeps(sender), aJob(), 1);
    expect(outcome).toEqual({ kind: 'delivered', status: 204 });
    const [req] = sender.sent;
    expect(req?.url).toBe('https://hooks.example.com/outbound');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      type: 'campaign_created',
      data: { id: 'c1', name: 'autumn' },
    });
    const timestamp = String(Math.floor(NOW / 1000));
    expect(req?.headers).toEqual({
      'content-type': 'application/json',
      'x-outbound-delivery-id': '0b8f4f36-3c8e-4a55-9d3e-1f2a3b4c5d6e',
      'x-outbound-event-type': 'campaign_created',
      'x-outbound-timestamp': timestamp,
      'x-outbound-signature': `v1=${createHmac('sha256', SECRET).update(`${timestamp}.${req?.body}`).digest('hex')}`,
    });
    expect(req?.timeoutMs).toBe(5000);
    expect(req?.refusePrivateAddresses).toBe(true);
  });

  it('asks for a retry with backoff on a non-2xx answer or no answer', async () => {
    expect(
      await deliverWebhook(deliverDeps(fakeSender({ kind: 'answered', status: 500 })), aJob(), 1),
    ).toEqual({
      kind: 'retry',
      delaySeconds: 15,
      reason: 'status 500',
    });
    expect(
      await deliverWebhook(deliverDeps(fakeSender({ kind: 'answered', status: 301 })), aJob(), 3),
    ).toMatchObject({
      kind: 'retry',
      delaySeconds: 60,
    });
    const timedOut = fakeSender({ kind: 'failed', reason: 'no answer within 5000 ms' });
    expect(await deliverWebhook(deliverDeps(timedOut), aJob(), 2)).toEqual({
      kind: 'retry',
      delaySeconds: 30,
      reason: 'no answer within 5000 ms',
    });
  });

  it('spreads retry delays ±20 % around the scheduled delay', async () => {
    const at = async (r: number) =>
      deliverWebhook(
        deliverDeps(fakeSender({ kind: 'answered', status: 500 }), undefined, { random: () => r }),
        aJob(),
        2,
      );
    expect(await at(0)).toMatchObject({ kind: 'retry', delaySeconds: 24 });
    expect(await at(0.999999)).toMatchObject({ kind: 'retry', delaySeconds: expect.closeTo(36, 3) });
    expect(jitteredDelaySeconds(defaultRetryPolicy, 1, () => 0.25)).toBeCloseTo(13.5, 6);
  });

  it('gives up after the last allowed attempt', async () => {
    const policy: RetryPolicy = { ...defaultRetryPolicy, maxAttempts: 3 };
    const deps = deliverDeps(fakeSender({ kind: 'answered', status: 503 }), undefined, { policy });
    expect((await deliverWebhook(deps, aJob(), 2)).kind).toBe('retry');
    expect(await deliverWebhook(deps, aJob(), 3)).toEqual({ kind: 'give-up', reason: 'status 503' });
  });

  it('drops without sending when the customer has no webhook_uri, no secret, or is gone', async () => {
    const sender = fakeSender();
    const settings = [
      { webhookUri: '', webhookSecret: SECRET },
      { webhookUri: 'https://hooks.example.com/outbound', webhookSecret: undefined },
      undefined,
    ];
    for (const s of settings) {
      const deps = deliverDeps(sender, undefined, { accesskeys: { getWebhookSettings: async () => s } });
      expect((await deliverWebhook(deps, aJob(), 1)).kind).toBe('dropped');
    }
    expect(sender.sent).toEqual([]);
  });

  it.each([
    'http://hooks.example.com/outbound',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://[::1]/hook',
    'https://metadata.internal/hook',
  ])('refuses %s in AWS without sending or retrying', async (uri) => {
    const sender = fakeSender();
    const outcome = await deliverWebhook(
      deliverDeps(sender, { webhookUri: uri, webhookSecret: SECRET }),
      aJob(),
      1,
    );
    expect(outcome.kind).toBe('dropped');
    expect(sender.sent).toEqual([]);
  });

  it('allows a loopback http receiver in the local runtime, and lets the sender check resolved names only in AWS', async () => {
    const sender = fakeSender();
    const local = deliverDeps(
      sender,
      { webhookUri: 'http://127.0.0.1:9999/hook', webhookSecret: SECRET },
      { runtime: 'local' },
    );
    expect((await deliverWebhook(local, aJob(), 1)).kind).toBe('delivered');
    expect(sender.sent[0]?.refusePrivateAddresses).toBe(false);
  });

  it('drops when the sender refuses a name that resolves to a private address', async () => {
    const sender = fakeSender({ kind: 'refused', reason: 'evil.example resolves to a private address' });
    expect(await deliverWebhook(deliverDeps(sender), aJob(), 1)).toEqual({
      kind: 'dropped',
      reason: 'evil.example resolves to a private address',
    });
  });
});

/** A sink that records jobs and refuses the delivery ids it is told to. */
const fakeSink = (refuse: (job: DeliveryJob) => boolean = () => false) => {
  const jobs: DeliveryJob[] = [];
  const sink: EventSink = {
    enqueue: async (batch) => {
      jobs.push(...batch.filter((j) => !refuse(j)));
      return batch.filter(refuse).map((j) => j.deliveryId);
    },
  };
  return { jobs, sink };
};

const customers: Record<string, Customer> = {
  withHook: {
    id: 'withHook',
    name: 'a',
    detail: '',
    webhook_uri: 'https://a.example.com/h',
    tm_create: 'x',
    tm_update: null,
    tm_delete: null,
  },
  without: {
    id: 'without',
    name: 'b',
    detail: '',
    webhook_uri: '',
    tm_create: 'x',
    tm_update: null,
    tm_delete: null,
  },
};

const outplanChange = (recordId: string, customerId: string, name = 'p'): ItemChange => ({
  recordId,
  newImage: {
    pk: `outplan#${recordId}`,
    sk: 'outplan',
    et: 'outplan',
    id: recordId,
    customer_id: customerId,
    name,
    tm_create: 't',
  },
});

describe('changes to delivery jobs', () => {
  const lookups: string[] = [];
  const accesskeys = {
    getCustomer: async (id: string) => {
      lookups.push(id);
      if (id === 'broken') throw new Error('table unreachable');
      return customers[id];
    },
  };

  it('queues one job per event for customers with a webhook_uri, reading each customer once', async () => {
    lookups.length = 0;
    const { jobs, sink } = fakeSink();
    const result = await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink }, [
      outplanChange('r1', 'withHook'),
      outplanChange('r2', 'without'),
      outplanChange('r3', 'withHook'),
    ]);
    expect(result).toEqual({ enqueued: 2, tooLarge: [] });
    expect(jobs.map((j) => [j.type, j.data.id, j.customerId])).toEqual([
      ['outplan_created', 'r1', 'withHook'],
      ['outplan_created', 'r3', 'withHook'],
    ]);
    expect(lookups).toEqual(['withHook', 'without']);
  });

  it('gives the same delivery id to the same change read again, and different ids to different events', async () => {
    const first = fakeSink();
    const again = fakeSink();
    const change: ItemChange = {
      recordId: 'rec-42',
      oldImage: {
        pk: 'campaign#c1',
        sk: 'campaign',
        et: 'campaign',
        id: 'c1',
        customer_id: 'withHook',
        name: 'a',
        status: 'stop',
        tm_create: 't',
      },
      newImage: {
        pk: 'campaign#c1',
        sk: 'campaign',
        et: 'campaign',
        id: 'c1',
        customer_id: 'withHook',
        name: 'b',
        status: 'run',
        tm_create: 't',
      },
    };
    await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink: first.sink }, [change]);
    await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink: again.sink }, [change]);
    expect(first.jobs.map((j) => j.type)).toEqual(['campaign_updated', 'campaign_status_run']);
    expect(again.jobs.map((j) => j.deliveryId)).toEqual(first.jobs.map((j) => j.deliveryId));
    expect(new Set(first.jobs.map((j) => j.deliveryId)).size).toBe(2);
    for (const j of first.jobs)
      expect(j.deliveryId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('reports the first change it could not read the customer for, and queues what came before it', async () => {
    const { jobs, sink } = fakeSink();
    const result = await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink }, [
      outplanChange('r1', 'withHook'),
      outplanChange('r2', 'broken'),
      outplanChange('r3', 'withHook'),
    ]);
    expect(result.failedAt).toBe(1);
    expect(jobs.map((j) => j.data.id)).toEqual(['r1']);
  });

  it('reports the change of the first job the queue refused', async () => {
    const { sink } = fakeSink((j) => j.data.id === 'r2' || j.data.id === 'r3');
    const result = await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink }, [
      outplanChange('r1', 'withHook'),
      outplanChange('r2', 'withHook'),
      outplanChange('r3', 'withHook'),
    ]);
    expect(result.failedAt).toBe(1);
  });

  it('leaves out (and reports) an event too large for a queue message instead of blocking the stream', async () => {
    const { jobs, sink } = fakeSink();
    const result = await enqueueDeliveries({ accesskeys, ids: cryptoIds, sink }, [
      outplanChange('r1', 'withHook', 'x'.repeat(300 * 1024)),
      outplanChange('r2', 'withHook'),
    ]);
    expect(result.tooLarge.map((t) => t.type)).toEqual(['outplan_created']);
    expect(result.failedAt).toBeUndefined();
    expect(jobs.map((j) => j.data.id)).toEqual(['r2']);
  });
});

describe('webhook queue batches', () => {
  it('sends at most ten jobs and 250 KiB per batch, in order', () => {
    expect(batchesOf(Array.from({ length: 23 }, () => 'x')).map((b) => b.length)).toEqual([10, 10, 3]);
    const big = 'y'.repeat(100 * 1024);
    expect(batchesOf([big, big, big, 'z'])).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });
});

const sqsEvent = (bodies: { id: string; body: string; receiveCount?: number }[]): SQSEvent => ({
  Records: bodies.map(({ id, body, receiveCount = 1 }) => ({
    messageId: id,
    receiptHandle: `receipt-${id}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(receiveCount),
    } as SQSEvent['Records'][number]['attributes'],
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:webhooks',
    awsRegion: 'us-east-1',
  })),
});

describe('delivery handler', () => {
  const setUp = (status: (body: { data: { id: string } }) => number, policy = defaultRetryPolicy) => {
    const retried: [string, number][] = [];
    const dead: string[] = [];
    const handler = buildDeliveryHandler({
      ...deliverDeps(fakeSender()),
      sender: {
        post: async (req) => ({ kind: 'answered', status: status(JSON.parse(req.body)) }),
      },
      policy,
      retries: {
        retryAfter: async (receipt, delay) => {
          retried.push([receipt, delay]);
        },
        deadLetter: async (job) => {
          dead.push(job.deliveryId);
        },
      },
    });
    return { handler, retried, dead };
  };
  const body = (id: string, deliveryId: string) => JSON.stringify(aJob({ deliveryId, data: { id } }));

  it('reports failed deliveries with their backoff set from the receive count, and acks the rest', async () => {
    const { handler, retried } = setUp((b) => (b.data.id === 'bad' ? 500 : 200));
    const out = await handler(
      sqsEvent([
        { id: 'm1', body: body('ok', '11111111-1111-4111-8111-111111111111') },
        { id: 'm2', body: body('bad', '22222222-2222-4222-8222-222222222222'), receiveCount: 3 },
      ]),
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(retried).toEqual([['receipt-m2', 60]]);
  });

  it('dead-letters a job after its last attempt and does not report it again', async () => {
    const { handler, retried, dead } = setUp(() => 500, { ...defaultRetryPolicy, maxAttempts: 2 });
    const out = await handler(
      sqsEvent([{ id: 'm1', body: body('x', '33333333-3333-4333-8333-333333333333'), receiveCount: 2 }]),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(retried).toEqual([]);
    expect(dead).toEqual(['33333333-3333-4333-8333-333333333333']);
  });

  it('drops a malformed job instead of retrying it forever', async () => {
    const { handler, retried } = setUp(() => 200);
    const out = await handler(
      sqsEvent([
        { id: 'm1', body: '{"deliveryId": 1}' },
        { id: 'm2', body: 'not json' },
      ]),
    );
    expect(out.batchItemFailures).toEqual([]);
    expect(retried).toEqual([]);
  });
});
