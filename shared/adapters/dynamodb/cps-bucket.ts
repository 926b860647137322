/**
 * The carrier's calls-per-second budget as one DynamoDB item shared by every dialer: a token bucket in
 * its GCRA form. The item holds the earliest time the next token may be used (`tat`); taking a token is
 * one conditional UpdateItem that moves `tat` on by one emission interval, only if nobody moved it since
 * we read it. Tokens are therefore at least one interval apart across all instances, with no burst.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '#ports/clock.ts';
import type { RateLimiter, TokenGrant } from '#ports/rate-limiter.ts';

/** The bucket's item. Built here, not in keys.ts: nothing else reads or writes it. */
export const cpsBucketKey = (name: string) => ({ pk: `RATE#${name}`, sk: 'RATE' });

/**
 * Reserve the token at `slotMs`: `tat` goes to `nextMs`, only if it still is `seenTat` (or the item does
 * not exist yet when `seenTat` is undefined). Pure, so tests pin it without DynamoDB.
 */
export const reserveTokenRequest = (
  tableName: string,
  name: string,
  seenTat: number | undefined,
  nextMs: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: cpsBucketKey(name),
  UpdateExpression: 'SET #tat = :next, et = :et',
  ConditionExpression: seenTat === undefined ? 'attribute_not_exists(pk)' : '#tat = :seen',
  ExpressionAttributeNames: { '#tat': 'tat' },
  ExpressionAttributeValues: {
    ':next': nextMs,
    ':et': 'rate-limit',
    ...(seenTat === undefined ? {} : { ':seen': seenTat }),
  },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});

/**
 * The emission interval for a budget: `headroom` below 1 leaves room for jitter between taking a token
 * and the carrier receiving the request (timer lag, network): 0.9 absorbs ~110 ms at any CPS.
 */
export const emissionIntervalMs = (cps: number, headroom: number) => 1000 / (cps * headroom);

export interface CpsBucketOptions {
  tableName: string;
  /** One bucket per carrier account, e.g. `twilio#AC…`. */
  name: string;
  /** Calls per second of the account. */
  cps: number;
  /** Fraction of `cps` actually handed out. @default 0.9: jitter must not push a second over the limit. */
  headroom?: number;
  /** Wall time: the budget is the carrier's, measured in real seconds. @default Date.now */
  clock?: Clock;
  /** Conditional writes tried before giving up when other dialers keep taking tokens. @default 20 */
  maxConflicts?: number;
}

interface Sender {
  send(command: UpdateCommand): Promise<unknown>;
}

const isConditionFailure = (err: unknown): err is { name: string; Item?: Record<string, unknown> } =>
  (err as { name?: string })?.name === 'ConditionalCheckFailedException';

export class DynamoCpsBucket implements RateLimiter {
  private readonly intervalMs: number;
  private readonly clock: Clock;
  /** The last `tat` this instance saw: only ever lower than the real one, since `tat` only grows. */
  private seenTat: number | undefined;

  constructor(
    private readonly ddb: Sender,
    private readonly options: CpsBucketOptions,
  ) {
    if (!(options.cps > 0)) throw new Error(`cps must be positive, got ${options.cps}`);
    this.intervalMs = emissionIntervalMs(options.cps, options.headroom ?? 0.9);
    this.clock = options.clock ?? { now: () => Date.now() };
  }

  async take(maxWaitMs: number): Promise<TokenGrant> {
    const tries = this.options.maxConflicts ?? 20;
    for (let i = 0; i < tries; i++) {
      const now = this.clock.now();
      const slot = Math.max(this.seenTat ?? 0, now);
      // Known to be too far already (the real tat can only be later): no write needed.
      if (slot - now > maxWaitMs) return { granted: false, retryAfterMs: Math.ceil(slot - now) };
      const next = slot + this.intervalMs;
      try {
        await this.ddb.send(
          new UpdateCommand(
            reserveTokenRequest(this.options.tableName, this.options.name, this.seenTat, next),
          ),
        );
        this.seenTat = next;
        return { granted: true, waitMs: Math.max(0, Math.ceil(slot - now)) };
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        // Someone else took a token: the refusal carries the item as it is now, so no extra read.
        const current = err.Item ? unmarshall(err.Item as never) : undefined;
        this.seenTat = typeof current?.tat === 'number' ? current.tat : undefined;
      }
    }
    return { granted: false, retryAfterMs: Math.ceil(this.intervalMs) };
  }
}
