import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_CONCURRENT_CALLS } from '#domain/dialing.ts';
import { predictiveInput } from '#services/engine/predictive-input.ts';

const rates = { ended: 12, humanAnswered: 4, abandoned: 0 };

describe('predictive input (the tick and the forecast build it alike)', () => {
  it('gives each busy agent whose start is kept its time on the call, and counts the others as busy', () => {
    const input = predictiveInput({
      campaign: { max_concurrent_calls: 25, max_abandon_rate: 0.02 },
      queue: { wrapup_ms: 10_000 },
      reads: { available: 3, busySince: [1_000, undefined, 61_000], rates },
      wrappingUp: 2,
      nowMs: 100_000,
    });
    expect(input).toEqual({
      availableAgents: 3,
      busyAgents: 3,
      busyElapsedMs: [99_000, 39_000],
      wrapupAgents: 2,
      wrapupMs: 10_000,
      maxConcurrentCalls: 25,
      maxAbandonRate: 0.02,
      rates,
    });
  });

  it('takes the defaults of campaigns and queues written before the fields existed', () => {
    const input = predictiveInput({
      campaign: {},
      queue: {},
      reads: { available: 0, busySince: [], rates },
      wrappingUp: 0,
      nowMs: 0,
    });
    expect(input).toMatchObject({
      wrapupMs: 0,
      maxConcurrentCalls: DEFAULT_MAX_CONCURRENT_CALLS,
      maxAbandonRate: 0.03,
    });
  });
});
