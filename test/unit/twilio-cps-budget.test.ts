import type { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  DynamoCpsBucket,
  maxLatenessMs,
  restartBucketRequest,
  takeTokenRequest,
} from '#adapters/dynamodb/cps-bucket.ts';
import { cpsBucketKey } from '#adapters/dynamodb/keys.ts';
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
    const v = (input.ExpressionAttributeValues ?? {}) as Record<string, number>;
    const tat = this.item?.tat;
    const restart = input.ConditionExpression === 'attribute_not_exists(#tat) OR #tat < :earliest';
    const ok = restart
      ? tat === undefined || tat < (v[':earliest'] ?? 0)
      : tat !== undefined && tat >= (v[':earliest'] ?? 0) && tat <= (v[':latest'] ?? 0);
    if (!ok) {
      throw Object.assign(new Error('refused'), {
        name: 'ConditionalCheckFailedException',
        ...(this.item ? { Item: marshall(this.item) } : {}),
      });
    }
    this.writes++;
    this.item = { tat: restart ? (v[':next'] ?? 0) : (tat ?? 0) + (v[':interval'] ?? 0) };
    return { Attributes: restart ? undefined : { tat: this.item.tat } };
  }
}

/** A bucket on a frozen fake clock whose sleeps move the clock (plus the next `lags` entry: timer lateness). */
const aBucket = (cps: number, o: { headroom?: number; table?: BucketTable; clock?: FakeClock } = {}) => {
  const table = o.table ?? new BucketTable();
  const clock = o.clock ?? new FakeClock(1_000_000);
  clock.freeze();
  const waits: number[] = [];
  const timer = { lags: [] as number[] };
  const bucket = new DynamoCpsBucket(table, {
    tableName: 't',
    name: 'twilio#AC1',
    cps,
    headroom: o.headroom ?? 1,
    clock,
    sleep: async (ms) => {
      waits.push(ms);
      clock.advance(ms + (timer.lags.shift() ?? 0));
    },
  });
  return { table, clock, bucket, waits, timer };
};

describe('the shared CPS bucket', () => {
  it('takes a token with one conditional update of a single item', () => {
    expect(cpsBucketKey('twilio#AC1')).toEqual({ pk: 'RATE#twilio#AC1', sk: 'RATE' });
    expect(takeTokenRequest('t', 'twilio#AC1', 100, 5000, 7000)).toEqual({
      TableName: 't',
      Key: { pk: 'RATE#twilio#AC1', sk: 'RATE' },
      UpdateExpression: 'ADD #tat :interval SET et = :et',
      ConditionExpression: '#tat BETWEEN :earliest AND :latest',
      ExpressionAttributeNames: { '#tat': 'tat' },
      ExpressionAttributeValues: {
        ':interval': 100,
        ':earliest': 5000,
        ':latest': 7000,
        ':et': 'rate-limit',
      },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    expect(restartBucketRequest('t', 'twilio#AC1', 100, 5050, 5000)).toMatchObject({
      UpdateExpression: 'SET #tat = :next, et = :et',
      ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :earliest',
      ExpressionAttributeValues: { ':next': 5150, ':earliest': 5000, ':et': 'rate-limit' },
    });
  });

  it('hands out tokens one emission interval apart, waiting for each, never in a burst', async () => {
    const { bucket, clock, waits } = aBucket(10);
    const at: number[] = [];
    for (let i = 0; i < 4; i++) {
      expect(await bucket.take(1000)).toEqual({ granted: true });
      at.push(clock.peek());
    }
    expect(at).toEqual([1_000_000, 1_000_100, 1_000_200, 1_000_300]);
    expect(waits).toEqual([100, 100, 100]);
  });

  it('takes no token beyond the wait the caller accepts, and says when to come back', async () => {
    const { bucket, table, clock } = aBucket(1);
    expect(await bucket.take(500)).toEqual({ granted: true });
    // The next token is 1000 ms away: within reach of a 500 ms wait 500 ms from now.
    expect(await bucket.take(500)).toEqual({ granted: false, retryAfterMs: 500 });
    expect(table.writes).toBe(1);
    clock.advance(1000);
    expect(await bucket.take(0)).toEqual({ granted: true });
  });

  it('keeps 10 % headroom by default', async () => {
    const table = new BucketTable();
    const clock = new FakeClock(0);
    clock.freeze();
    const bucket = new DynamoCpsBucket(table, {
      tableName: 't',
      name: 'n',
      cps: 100,
      clock,
      sleep: async () => {},
    });
    await bucket.take(1000);
    expect(table.item?.tat).toBeCloseTo(1000 / 90, 6);
    expect(maxLatenessMs(0.9)).toBeCloseTo(55.56, 2);
  });

  it('lets a token go when it is reached too late, and takes the next one', async () => {
    const { bucket, clock, timer, table } = aBucket(10, { headroom: 0.9 });
    await bucket.take(1000);
    const start = clock.peek();
    const interval = 1000 / 9;
    timer.lags = [60]; // the timer fires 60 ms late: more than the 55 ms the headroom allows
    expect(await bucket.take(1000)).toEqual({ granted: true });
    expect(table.writes).toBe(3);
    // Granted at the next token's time, two intervals after the first, not at the late moment.
    expect(Math.round(clock.peek() - start)).toBe(Math.ceil(2 * interval));
  });

  it('is shared: a token another dialer took is never handed out twice', async () => {
    const table = new BucketTable();
    const clock = new FakeClock(1_000_000);
    const a = aBucket(10, { table, clock });
    const b = aBucket(10, { table, clock });
    expect(await a.bucket.take(1000)).toEqual({ granted: true });
    // b has never seen the item: its first write (a restart) is refused and tells it where the bucket is.
    expect(await b.bucket.take(1000)).toEqual({ granted: true });
    expect(b.waits).toEqual([100]);
    table.interleave = () => {
      table.item = { tat: (table.item?.tat ?? 0) + 100 };
    };
    expect(await a.bucket.take(1000)).toEqual({ granted: true });
    expect(a.waits).toEqual([200]);
    expect(table.item?.tat).toBe(1_000_400);
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

  it('places the call once its token is granted', async () => {
    const inner = new RecordingProvider();
    const p = new RateLimitedProvider(inner, limiter([{ granted: true }]));
    expect(await p.placeCall(request('a'))).toMatchObject({ ok: true, callId: 'CAa' });
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
