/**
 * A customer's request budget: `ratePerSecond` sustained with bursts of up to `burst` requests, as a
 * token bucket in its GCRA form. The whole state is one number, `tat`: the time at which the bucket
 * would be full again. Taking n tokens at `now` moves it to max(tat, now) + n·interval, and is allowed
 * while that stays within burst·interval of now. One number is what lets every API container share a
 * bucket through a single conditional write (shared/adapters/dynamodb/request-budget.ts).
 */
import { DomainError } from './errors.ts';

export interface BudgetPolicy {
  /** Requests per second a customer may sustain; 0 turns the budget off. */
  ratePerSecond: number;
  /** Requests a customer may send at once after being idle. */
  burst: number;
}

export const budgetIsOff = (p: BudgetPolicy) => p.ratePerSecond <= 0;

/** Milliseconds one request's token takes to come back. */
export const intervalMs = (p: BudgetPolicy) => 1000 / p.ratePerSecond;

/** Tokens free at `now` for a bucket whose full time is `tat` (undefined: never used, full). */
export const tokensFree = (p: BudgetPolicy, tat: number | undefined, now: number): number => {
  if (tat === undefined || tat <= now) return p.burst;
  return Math.max(0, Math.floor((now + p.burst * intervalMs(p) - tat) / intervalMs(p) + 1e-9));
};

/** The bucket after taking `n` tokens at `now` (the caller has checked they are free). */
export const tatAfterTaking = (p: BudgetPolicy, tat: number | undefined, now: number, n: number) =>
  Math.max(tat ?? now, now) + n * intervalMs(p);

/** Milliseconds from `now` until the next token is free. */
export const msUntilNextToken = (p: BudgetPolicy, tat: number | undefined, now: number): number => {
  if (tokensFree(p, tat, now) > 0 || tat === undefined) return 0;
  return Math.max(0, tat + intervalMs(p) - p.burst * intervalMs(p) - now);
};

/** Retry-After is in whole seconds (RFC 9110), so round up and never say 0 to a refused caller. */
export const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export type BudgetDecision = { admitted: true } | { admitted: false; retryAfterSeconds: number };

/** The customer sent more requests than its budget allows: 429 with Retry-After. */
export class TooManyRequests extends DomainError {
  readonly status = 'RESOURCE_EXHAUSTED';
  readonly httpStatus = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('TOO_MANY_REQUESTS', `Too many requests for this customer; retry after ${retryAfterSeconds} s`);
  }
}
