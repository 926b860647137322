import type { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { cpsBucketKey, DynamoCpsBucket, reserveTokenRequest } from '#adapters/dynamodb/cps-bucket.ts';
import { RateLimitedProvider } from '#adapters/telephony/twilio/rate-limited-provider.ts';
import type { RateLimiter, TokenGrant } from '#ports/rate-limiter.ts';
import type { PlaceCallOutcome, PlaceCallRequest, TelephonyProvider } from '#ports/telephony.ts';
import { FakeClock } from '../support/clock.ts';

/** The one bucket item, with DynamoDB's conditional-update semantics (ALL_OLD on a refusal). */
class BucketTable {
  item: { tat: number } | undefined;
  writes = 0;
  /** Another dialer takes a token right before our next write lands. */
  interleave?: () => void;
  async send(command: UpdateCommand) {
    this.interleave?.();
    this.interleave = undefined;
    const input = command.input;
    const values = input.ExpressionAttributeValues ?? {};
    const ok =
      input.ConditionExpression === 'attribute_not_exists(pk)'
        ? this.item === undefined
        : this.item !== undefined && this.item.tat === values[':seen'];
    if (!ok) {
      throw Object.assign(new Error('refused'), {
        name: 'ConditionalCheckFailedException',
        ...(this.item ? { Item: marshall(this.item) } : {}),
      });
    }
    this.writes++;
    this.item = { tat: values[':next'] as number };
    return {};
  }
}

const aBucket = (cps: number, headroom = 1) => {
  const table = new BucketTable();
  const clock = new FakeClock(1_000_000);
  clock.freeze();
  const bucket = new DynamoCpsBucket(table, { tableName: 't', name: 'twilio#AC1', cps, headroom, clock });
  return { table, clock, bucket };
};

describe('the shared CPS bucket', () => {
  it('builds one conditional update on a single item per token', () => {
    expect(cpsBucketKey('twilio#AC1')).toEqual({ pk: 'RATE#twilio#AC1', sk: 'RATE' });
    expect(reserveTokenRequest('t', 'twilio#AC1', 1000, 1100)).toEqual({
      TableName: 't',
      Key: { pk: 'RATE#twilio#AC1', sk: 'RATE' },
      UpdateExpression: 'SET #tat = :next, et = :et',
      ConditionExpression: '#tat = :seen',
      ExpressionAttributeNames: { '#tat': 'tat' },
      ExpressionAttributeValues: { ':next': 1100, ':et': 'rate-limit', ':seen': 1000 },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(reserveTokenRequest('t', 'x', undefined, 5).ConditionExpression).toBe('attribute_not_exists(pk)');
  });

  it('hands out tokens one emission interval apart, to be waited for, never in a burst', async () => {
    const { bucket } = aBucket(10);
    const grants: TokenGrant[] = [];
    for (let i = 0; i < 4; i++) grants.push(await bucket.take(1000));
    expect(grants).toEqual([
      { granted: true, waitMs: 0 },
      { granted: true, waitMs: 100 },
      { granted: true, waitMs: 200 },
      { granted: true, waitMs: 300 },
    ]);
  });

  it('takes no token beyond the wait the caller accepts, and says when to come back', async () => {
    const { bucket, table } = aBucket(1);
    expect(await bucket.take(500)).toEqual({ granted: true, waitMs: 0 });
    expect(await bucket.take(500)).toEqual({ granted: false, retryAfterMs: 1000 });
    expect(table.writes).toBe(1);
  });

  it('refills with time', async () => {
    const { bucket, clock } = aBucket(2);
    await bucket.take(0);
    expect((await bucket.take(0)).granted).toBe(false);
    clock.advance(500);
    expect(await bucket.take(0)).toEqual({ granted: true, waitMs: 0 });
  });

  it('keeps 10 % headroom by default', async () => {
    const table = new BucketTable();
    const clock = new FakeClock(0);
    clock.freeze();
    const bucket = new DynamoCpsBucket(table, { tableName: 't', name: 'n', cps: 100, clock });
    await bucket.take(1000);
    await bucket.take(1000);
    expect(table.item?.tat).toBeCloseTo(2 * (1000 / 90), 6);
  });

  it('is shared: a token another dialer took is never handed out twice', async () => {
    const { table, clock } = aBucket(10);
    const a = new DynamoCpsBucket(table, { tableName: 't', name: 'n', cps: 10, headroom: 1, clock });
    const b = new DynamoCpsBucket(table, { tableName: 't', name: 'n', cps: 10, headroom: 1, clock });
    expect(await a.take(1000)).toEqual({ granted: true, waitMs: 0 });
    // b has never seen the item: its first write is refused and tells it where the bucket is.
    expect(await b.take(1000)).toEqual({ granted: true, waitMs: 100 });
    table.interleave = () => {
      table.item = { tat: (table.item?.tat ?? 0) + 100 };
    };
    expect(await a.take(1000)).toEqual({ granted: true, waitMs: 300 });
  });
});

class RecordingProvider implements TelephonyProvider {
  readonly name = 'twilio' as const;
  placed: string[] = [];
  async placeCall(req: PlaceCallRequest): Promise<PlaceCallOutcome> {
    this.placed.push(req.idempotencyKey);
    return { ok: true, callId: `CA${req.idempotencyKey}`, acceptedAt: new Date(0) };
  }
  async getCall() {
    return null;
  }
  async hangup() {}
  verifyWebhook() {
    return true;
  }
  parseEvent() {
    return [];
  }
}

const request = (id: string) =>
  ({
    idempotencyKey: id,
    from: '+1',
    to: '+2',
    ringTimeoutSec: 30,
    machineDetection: false,
    statusCallbackUrl: 'https://x',
    metadata: {},
  }) satisfies PlaceCallRequest;

describe('a rate-limited provider', () => {
  const limiter = (grants: (TokenGrant | Error)[]): RateLimiter => ({
    take: async () => {
      const g = grants.shift();
      if (!g || g instanceof Error) throw g ?? new Error('no grant');
      return g;
    },
  });

  it('waits for its token, then places the call', async () => {
    const inner = new RecordingProvider();
    const slept: number[] = [];
    const p = new RateLimitedProvider(inner, limiter([{ granted: true, waitMs: 250 }]), {
      sleep: async (ms) => {
        slept.push(ms);
      },
    });
    expect(await p.placeCall(request('a'))).toMatchObject({ ok: true, callId: 'CAa' });
    expect(slept).toEqual([250]);
    expect(inner.placed).toEqual(['a']);
  });

  it('is throttled without placing when no token is free soon, so the job waits in our queue', async () => {
    const inner = new RecordingProvider();
    const p = new RateLimitedProvider(inner, limiter([{ granted: false, retryAfterMs: 3000 }]));
    expect(await p.placeCall(request('a'))).toEqual({ ok: false, kind: 'throttled', retryAfterMs: 3000 });
    expect(inner.placed).toEqual([]);
  });

  it('is throttled, not failed, when the budget cannot be read', async () => {
    const inner = new RecordingProvider();
    const p = new RateLimitedProvider(inner, limiter([new Error('ProvisionedThroughputExceeded')]));
    expect(await p.placeCall(request('a'))).toMatchObject({ ok: false, kind: 'throttled' });
    expect(inner.placed).toEqual([]);
  });

  it('passes everything else through under the carrier name', async () => {
    const p = new RateLimitedProvider(new RecordingProvider(), limiter([]));
    expect(p.name).toBe('twilio');
    expect(await p.getCall('x')).toBeNull();
    expect(await p.findCall({ to: '+1', from: '+2', notBefore: new Date(0) })).toBeNull();
  });
});
