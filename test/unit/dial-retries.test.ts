import { describe, expect, it } from 'vitest';
import { DIAL_JOB_MAX_RECEIVES, throttledJobHorizonMs, throttledRetryDelayMs } from '#domain/dial-retries.ts';
import { defaultEngineSettings } from '#services/engine/engine-deps.ts';

describe('throttled dial jobs', () => {
  it('follow the carrier’s Retry-After when it is longer than the backoff', () => {
    expect(throttledRetryDelayMs(1, 5_000)).toBe(5_000);
    expect(throttledRetryDelayMs(1)).toBe(1_000);
  });

  it('back off exponentially from 1 s to a 1 min cap', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => throttledRetryDelayMs(n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(throttledRetryDelayMs(3, 120_000)).toBe(60_000);
  });

  it('are dead-lettered only after they could have waited minutes, and before the sweeper gives up on them', () => {
    const horizon = throttledJobHorizonMs();
    expect(DIAL_JOB_MAX_RECEIVES).toBeGreaterThan(5);
    expect(horizon).toBeGreaterThan(10 * 60_000);
    // The sweeper closes a never-placed attempt as lost only after every redelivery could have happened.
    expect(defaultEngineSettings('https://x').lostDialJobMs).toBeGreaterThan(horizon + 180_000);
  });
});
