/**
 * The carrier's calls-per-second budget as one DynamoDB item shared by every dialer: a token bucket in
 * its GCRA form. The item holds the time of the next free token (`tat`). Taking a token is one
 * conditional UpdateItem: `ADD tat interval` while that time lies between now and now + the wait the
 * caller accepts (the reply says which token was ours, and concurrent takers never conflict), or, when
 * the bucket has been idle (`tat` in the past), `SET tat = now + interval`. Tokens are therefore at least
 * one interval apart across all instances, with no burst.
 * A token is used at its time or not at all: a caller that gets to it late (a slow write, timer lag)
 * lets it go and takes the next one, so lateness can never bunch calls into one second.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '#ports/clock.ts';
import type { RateLimiter, TokenGrant } from '#ports/rate-limiter.ts';
import { cpsBucketKey } from './keys.ts';

/**
 * Take the next token if its time is within [earliest, latest]: pure, so tests pin it without DynamoDB.
 * On success the reply's `tat` less one interval is the token's time.
 */
export const takeTokenRequest = (
  tableName: string,
  name: string,
  intervalMs: number,
  earliestMs: number,
  latestMs: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: cpsBucketKey(name),
  UpdateExpression: 'ADD #tat :interval SET et = :et',
  ConditionExpression: '#tat BETWEEN :earliest AND :latest',
  ExpressionAttributeNames: { '#tat': 'tat' },
  ExpressionAttributeValues: {
    ':interval': intervalMs,
    ':earliest': earliestMs,
    ':latest': latestMs,
    ':et': 'rate-limit',
  },
  ReturnValues: 'UPDATED_NEW',
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});

/**
 * An idle (or new) bucket, whose next token is older than `earliestMs`: the token at `nowMs` is ours,
 * the next one an interval later.
 */
export const restartBucketRequest = (
  tableName: string,
  name: string,
  intervalMs: number,
  nowMs: number,
  earliestMs: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: cpsBucketKey(name),
  UpdateExpression: 'SET #tat = :next, et = :et',
  ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :earliest',
  ExpressionAttributeNames: { '#tat': 'tat' },
  ExpressionAttributeValues: { ':next': nowMs + intervalMs, ':earliest': earliestMs, ':et': 'rate-limit' },
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
  /** @default setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How late a token may still be used: half the slack the headroom leaves in any one second (the other
 * half is for the network). A rolling second holds cps + 1 calls only if one of them is later than
 * 1000 / headroom − 1000 ms: 111 ms at 0.9, whatever the CPS.
 */
export const maxLatenessMs = (headroom: number) => (1000 / headroom - 1000) / 2;

interface Sender {
  send(command: UpdateCommand): Promise<{ Attributes?: Record<string, unknown> }>;
}

/** The item as a refused write found it (`ReturnValuesOnConditionCheckFailure: ALL_OLD`). */
const refusedTat = (err: unknown): number | undefined | 'not-a-refusal' => {
  const e = err as { name?: string; Item?: Record<string, unknown> };
  if (e?.name !== 'ConditionalCheckFailedException') return 'not-a-refusal';
  const tat = e.Item ? unmarshall(e.Item as never).tat : undefined;
  return typeof tat === 'number' ? tat : undefined;
};

export class DynamoCpsBucket implements RateLimiter {
  private readonly intervalMs: number;
  private readonly maxLateMs: number;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;
  /** The last `tat` this instance saw: never later than the real one, since `tat` only grows. */
  private seenTat: number | undefined;

  constructor(
    private readonly ddb: Sender,
    private readonly options: CpsBucketOptions,
  ) {
    if (!(options.cps > 0)) throw new Error(`cps must be positive, got ${options.cps}`);
    const headroom = options.headroom ?? 0.9;
    if (!(headroom > 0 && headroom <= 1)) throw new Error(`headroom must be in (0, 1], got ${headroom}`);
    this.intervalMs = emissionIntervalMs(options.cps, headroom);
    this.maxLateMs = maxLatenessMs(headroom);
    this.clock = options.clock ?? { now: () => Date.now() };
    this.sleep = options.sleep ?? realSleep;
  }

  async take(maxWaitMs: number): Promise<TokenGrant> {
    const deadline = this.clock.now() + maxWaitMs;
    const tries = this.options.maxConflicts ?? 20;
    for (let i = 0; i < tries; i++) {
      const now = this.clock.now();
      // Known to be too far already (the real tat can only be later): no write needed.
      if (this.seenTat !== undefined && this.seenTat > deadline) {
        return { granted: false, retryAfterMs: Math.ceil(this.seenTat - deadline) };
      }
      const slot = await this.reserve(now, deadline);
      if (slot === undefined) continue;
      const wait = slot - this.clock.now();
      if (wait > 0) await this.sleep(Math.ceil(wait));
      // Too late for its time: using it now could put two calls closer than the budget allows.
      if (this.clock.now() - slot <= this.maxLateMs) return { granted: true };
    }
    return { granted: false, retryAfterMs: Math.ceil(this.intervalMs) };
  }

  /**
   * One write: the time of the token now ours, or undefined (the bucket moved; `seenTat` says where).
   * A token up to `maxLateMs` old is still taken (and used at once): within the lateness the headroom
   * allows, and it spares a restart race among dialers while the bucket runs at full speed.
   */
  private async reserve(now: number, deadline: number): Promise<number | undefined> {
    const { tableName, name } = this.options;
    const earliest = now - this.maxLateMs;
    const idle = this.seenTat === undefined || this.seenTat < earliest;
    try {
      if (idle) {
        await this.ddb.send(
          new UpdateCommand(restartBucketRequest(tableName, name, this.intervalMs, now, earliest)),
        );
        this.seenTat = now + this.intervalMs;
        return now;
      }
      const out = await this.ddb.send(
        new UpdateCommand(takeTokenRequest(tableName, name, this.intervalMs, earliest, deadline)),
      );
      const tat = out.Attributes?.tat;
      if (typeof tat !== 'number') throw new Error('the CPS bucket update returned no tat');
      this.seenTat = tat;
      return tat - this.intervalMs;
    } catch (err) {
      const tat = refusedTat(err);
      if (tat === 'not-a-refusal') throw err;
      this.seenTat = tat;
      return undefined;
    }
  }
}
