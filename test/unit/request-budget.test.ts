import { describe, expect, it } from 'vitest';
import { refillIdleRequest, takeTokensRequest } from '#adapters/dynamodb/request-budget.ts';
import {
  type BudgetPolicy,
  budgetIsOff,
  intervalMs,
  msUntilNextToken,
  retryAfterSeconds,
  tatAfterTaking,
  tokensFree,
} from '#domain/request-budget.ts';

const policy: BudgetPolicy = { ratePerSecond: 50, burst: 100 };
const now = 1_000_000;

describe('request budget arithmetic', () => {
  it('a new or idle bucket is full', () => {
    expect(tokensFree(policy, undefined, now)).toBe(100);
    expect(tokensFree(policy, now - 1, now)).toBe(100);
    expect(msUntilNextToken(policy, undefined, now)).toBe(0);
  });

  it('each request takes one interval (20 ms at 50/s) and the burst is all a full bucket holds', () => {
    expect(intervalMs(policy)).toBe(20);
    let tat: number | undefined;
    for (let i = 0; i < 100; i++) {
      expect(tokensFree(policy, tat, now)).toBe(100 - i);
      tat = tatAfterTaking(policy, tat, now, 1);
    }
    expect(tokensFree(policy, tat, now)).toBe(0);
    // The next token is free one interval later, and one more every interval after that.
    expect(msUntilNextToken(policy, tat, now)).toBe(20);
    expect(tokensFree(policy, tat, now + 20)).toBe(1);
    expect(tokensFree(policy, tat, now + 1000)).toBe(50);
  });

  it('taking a chunk moves the full time by chunk intervals from now or from the last full time', () => {
    expect(tatAfterTaking(policy, undefined, now, 10)).toBe(now + 200);
    expect(tatAfterTaking(policy, now - 5000, now, 10)).toBe(now + 200);
    expect(tatAfterTaking(policy, now + 300, now, 10)).toBe(now + 500);
  });

  it('sustains the rate: over 10 s of steady demand it admits burst + rate × 10 requests', () => {
    let tat: number | undefined;
    let admitted = 0;
    for (let t = 0; t < 10_000; t++) {
      while (tokensFree(policy, tat, now + t) > 0) {
        tat = tatAfterTaking(policy, tat, now + t, 1);
        admitted++;
      }
    }
    expect(admitted).toBe(100 + 50 * 10 - 1);
  });

  it('Retry-After is whole seconds, at least 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(20)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });

  it('rate 0 turns the budget off', () => {
    expect(budgetIsOff({ ratePerSecond: 0, burst: 1 })).toBe(true);
    expect(budgetIsOff(policy)).toBe(false);
  });
});

describe('request budget writes', () => {
  it('a chunk from a bucket in use is one ADD, allowed only while it leaves the bucket within the burst', () => {
    const req = takeTokensRequest('t', 'cust', policy, 10, now);
    expect(req.Key).toEqual({ pk: 'budget#cust', sk: 'budget' });
    expect(req.UpdateExpression).toBe('ADD #tat :add SET et = :et, #ttl = :ttl');
    expect(req.ConditionExpression).toBe('#tat BETWEEN :now AND :latest');
    expect(req.ExpressionAttributeValues).toMatchObject({
      ':add': 200,
      ':now': now,
      // tat + 200 ≤ now + 100 × 20: the 10 tokens fit in the bucket.
      ':latest': now + 90 * 20,
    });
    expect(req.ReturnValuesOnConditionCheckFailure).toBe('ALL_OLD');
  });

  it('a chunk from an idle bucket sets the full time from now, only if the bucket is really idle', () => {
    const req = refillIdleRequest('t', 'cust', policy, 10, now);
    expect(req.UpdateExpression).toBe('SET #tat = :tat, et = :et, #ttl = :ttl');
    expect(req.ConditionExpression).toBe('attribute_not_exists(#tat) OR #tat < :now');
    expect(req.ExpressionAttributeValues).toMatchObject({ ':tat': now + 200, ':now': now });
    // Idle customers' items expire a day after their last request.
    expect(req.ExpressionAttributeValues?.[':ttl']).toBe(Math.floor(now / 1000) + 86_400);
  });
});
