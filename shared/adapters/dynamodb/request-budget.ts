/**
 * The per-customer API request budget, shared by every API container through one small item per
 * customer that holds the bucket's `tat` (shared/domain/request-budget.ts).
 *
 * Cost: a container takes tokens from the shared bucket in chunks of up to CHUNK with one conditional
 * UpdateItem (1 WCU, the item is tiny) and spends them locally, so an admitted request costs 1/CHUNK
 * WCU (0.1 by default) and one extra write every CHUNK requests in latency. A refused request costs
 * nothing: the container remembers the `tat` it last saw, and `tat` never moves back, so while that
 * says "empty" it refuses without asking. Locally held tokens lapse after TOKEN_LIFETIME_MS, so a
 * container holds at most CHUNK − 1 tokens the others cannot see, for at most a few seconds.
 *
 * The store must never turn a request into a 500: a write that fails for any reason but a refused
 * condition (throttling, timeouts) admits the request and logs, and grants a chunk locally so a
 * struggling table is not asked again at once.
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type BudgetDecision,
  type BudgetPolicy,
  budgetIsOff,
  intervalMs,
  msUntilNextToken,
  retryAfterSeconds,
  tokensFree,
} from '#domain/request-budget.ts';
import { type Clock, systemClock } from '#ports/clock.ts';
import type { RequestBudget } from '#ports/request-budget.ts';
import { logger } from '#shared/observability.ts';
import { requestBudgetKey } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Tokens a container takes per write: the cost per request is 1/CHUNK WCU. */
export const CHUNK = 10;
/**
 * How long tokens taken but not used stay usable in a container. They were counted in the shared
 * bucket when taken, so holding them changes no rate, only lets a burst exceed `burst` by at most
 * CHUNK − 1 per container; lapsing them sooner would lose budget for a customer sending slowly.
 */
export const TOKEN_LIFETIME_MS = 5000;
/** Customers remembered per container; past this the memory is dropped (a refill costs one write). */
const MAX_CUSTOMERS = 10_000;
/** Refused writes one request may see before it is let through (contention between containers). */
const MAX_CONFLICTS = 4;
/** Turns one request may spend waiting for tokens in this container before it is refused. */
const MAX_STEPS = 50;

/** A customer that stops calling leaves no item behind: it goes a day after its last write. */
const expiresAt = (nowMs: number) => Math.floor(nowMs / 1000) + 24 * 3600;

/** Take `n` tokens from a bucket that is in use (its `tat` in [now, latest]): pure, unit-tested. */
export const takeTokensRequest = (
  tableName: string,
  customerId: string,
  policy: BudgetPolicy,
  n: number,
  nowMs: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: requestBudgetKey(customerId),
  UpdateExpression: 'ADD #tat :add SET et = :et, #ttl = :ttl',
  ConditionExpression: '#tat BETWEEN :now AND :latest',
  ExpressionAttributeNames: { '#tat': 'tat', '#ttl': TTL_ATTRIBUTE },
  ExpressionAttributeValues: {
    ':add': n * intervalMs(policy),
    ':now': nowMs,
    ':latest': nowMs + (policy.burst - n) * intervalMs(policy),
    ':et': 'request-budget',
    ':ttl': expiresAt(nowMs),
  },
  ReturnValues: 'UPDATED_NEW',
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});

/** Take `n` tokens from a full bucket (new, or idle: its `tat` in the past): pure, unit-tested. */
export const refillIdleRequest = (
  tableName: string,
  customerId: string,
  policy: BudgetPolicy,
  n: number,
  nowMs: number,
): UpdateCommandInput => ({
  TableName: tableName,
  Key: requestBudgetKey(customerId),
  UpdateExpression: 'SET #tat = :tat, et = :et, #ttl = :ttl',
  ConditionExpression: 'attribute_not_exists(#tat) OR #tat < :now',
  ExpressionAttributeNames: { '#tat': 'tat', '#ttl': TTL_ATTRIBUTE },
  ExpressionAttributeValues: {
    ':tat': nowMs + n * intervalMs(policy),
    ':now': nowMs,
    ':et': 'request-budget',
    ':ttl': expiresAt(nowMs),
  },
  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
});

interface Sender {
  send(command: UpdateCommand): Promise<{ Attributes?: Record<string, unknown> }>;
}

interface Held {
  tokens: number;
  until: number;
  /** The newest `tat` seen; the real one is never earlier. */
  seenTat: number | undefined;
  refill: Promise<void> | undefined;
}

export interface DynamoRequestBudgetOptions {
  tableName: string;
  policy: BudgetPolicy;
  /** @default CHUNK */
  chunk?: number;
  /** Wall time: the budget is in real seconds. */
  clock?: Clock;
}

export class DynamoRequestBudget implements RequestBudget {
  private readonly held = new Map<string, Held>();
  private readonly clock: Clock;
  private readonly chunk: number;

  constructor(
    private readonly ddb: Sender,
    private readonly options: DynamoRequestBudgetOptions,
  ) {
    const { ratePerSecond, burst } = options.policy;
    if (!(ratePerSecond >= 0)) throw new Error(`the request rate must be ≥ 0, got ${ratePerSecond}`);
    if (!(Number.isInteger(burst) && burst >= 1)) throw new Error(`the burst must be ≥ 1, got ${burst}`);
    this.clock = options.clock ?? systemClock;
    this.chunk = Math.max(1, Math.min(options.chunk ?? CHUNK, burst));
  }

  async admit(customerId: string): Promise<BudgetDecision> {
    const { policy } = this.options;
    if (budgetIsOff(policy)) return { admitted: true };
    const h = this.heldFor(customerId);
    let conflicts = 0;
    // Only writes another container beat count as tries: losing the tokens of a refill to this
    // container's other requests is no reason to let this one through.
    for (let step = 0; step < MAX_STEPS; step++) {
      const now = this.clock.now();
      if (h.tokens > 0 && h.until > now) {
        h.tokens--;
        return { admitted: true };
      }
      if (h.refill) {
        await h.refill;
        continue;
      }
      if (h.seenTat !== undefined && tokensFree(policy, h.seenTat, now) === 0) {
        return {
          admitted: false,
          retryAfterSeconds: retryAfterSeconds(msUntilNextToken(policy, h.seenTat, now)),
        };
      }
      // Tokens are free but other containers keep taking them first: let this one through.
      if (conflicts >= MAX_CONFLICTS) return { admitted: true };
      const refill = this.refill(customerId, h, now);
      h.refill = refill
        .then(() => undefined)
        .finally(() => {
          h.refill = undefined;
        });
      if ((await refill) === 'conflict') conflicts++;
    }
    // Still waiting behind this container's own refills (a flood of one customer): refuse.
    return { admitted: false, retryAfterSeconds: 1 };
  }

  private heldFor(customerId: string): Held {
    let h = this.held.get(customerId);
    if (!h) {
      if (this.held.size >= MAX_CUSTOMERS) this.held.clear();
      h = { tokens: 0, until: 0, seenTat: undefined, refill: undefined };
      this.held.set(customerId, h);
    }
    return h;
  }

  /** One write: on success the tokens are held here; on a refused condition `seenTat` is updated. */
  private async refill(customerId: string, h: Held, now: number): Promise<'granted' | 'conflict'> {
    const { tableName, policy } = this.options;
    const n = Math.max(1, Math.min(this.chunk, tokensFree(policy, h.seenTat, now)));
    const idle = h.seenTat === undefined || h.seenTat < now;
    try {
      if (idle) {
        await this.ddb.send(new UpdateCommand(refillIdleRequest(tableName, customerId, policy, n, now)));
        h.seenTat = now + n * intervalMs(policy);
      } else {
        const out = await this.ddb.send(
          new UpdateCommand(takeTokensRequest(tableName, customerId, policy, n, now)),
        );
        const tat = out.Attributes?.tat;
        if (typeof tat !== 'number') throw new Error('the request budget update returned no tat');
        h.seenTat = tat;
      }
      h.tokens = n;
      h.until = now + TOKEN_LIFETIME_MS;
      return 'granted';
    } catch (err) {
      const e = err as { name?: string; Item?: Record<string, unknown> };
      if (e?.name === 'ConditionalCheckFailedException') {
        const tat = e.Item ? unmarshall(e.Item as never).tat : undefined;
        // No tat: the item is new and another container is creating it; retry as idle.
        h.seenTat = typeof tat === 'number' ? tat : undefined;
        return 'conflict';
      }
      logger.warn('request budget unavailable: admitting', { customerId, error: err as Error });
      h.tokens = this.chunk;
      h.until = now + TOKEN_LIFETIME_MS;
      return 'granted';
    }
  }
}
