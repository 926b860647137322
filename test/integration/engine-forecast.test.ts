/** "When will it finish?": GET /campaigns/{id}/forecast, before any data and against a finished run. */
import { describe, expect, it } from 'vitest';
import { phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const forecastOf = async (id: string) => {
  const res = await ctx.sys.customer.get(`/campaigns/${id}/forecast`);
  expect(res.status).toBe(200);
  return res.body;
};

describe('campaign forecast', () => {
  it('forecasts from the outplan and defaults before any call', async () => {
    const h = await ctx.steps.given.campaign({
      targets: Array.from({ length: 10 }, () => phone('answer')),
      outplan: { max_try_count_0: 2, try_interval: 0 },
      maxConcurrentCalls: 5,
      run: false,
    });
    const f = await forecastOf(h.id);
    expect(f).toMatchObject({ targets_left: 10, attempts_possible: 20, in_flight: 0, basis: 'defaults' });
    expect(f.attempts_expected).toBeGreaterThan(10);
    expect(f.attempts_expected).toBeLessThan(20);
    const now = ctx.sys.clock.now();
    expect(Date.parse(f.earliest_finish)).toBeGreaterThan(now);
    expect(Date.parse(f.earliest_finish)).toBeLessThan(Date.parse(f.estimated_finish));
    expect(Date.parse(f.estimated_finish)).toBeLessThan(Date.parse(f.latest_finish));
  });

  it('forecasts a run midway from its measured rates, and the run ends within the range', async () => {
    // Half the people answer (a 5 s call), half are busy; two tries each, retried at once.
    const targets = Array.from({ length: 24 }, (_, i) => phone(i % 2 ? 'answer' : 'busy'));
    const h = await ctx.steps.given.campaign({
      targets,
      outplan: { max_try_count_0: 2, try_interval: 0 },
      maxConcurrentCalls: 4,
    });
    for (let i = 0; i < 6; i++) await ctx.steps.when.aRound(2_000);
    const midway = await forecastOf(h.id);
    expect(midway.basis).toBe('measured');
    expect(midway.targets_left).toBeGreaterThan(0);

    await ctx.steps.when.runsToTheEnd(h.id, 2_000, 500);
    const ended = ctx.sys.clock.now();
    expect(ended).toBeGreaterThanOrEqual(Date.parse(midway.earliest_finish));
    expect(ended).toBeLessThanOrEqual(Date.parse(midway.latest_finish));

    const done = await forecastOf(h.id);
    expect(done).toMatchObject({ targets_left: 0, attempts_possible: 0, in_flight: 0, attempts_expected: 0 });
    // Nothing left: done now (the fake clock moves a millisecond per read).
    expect(Math.abs(Date.parse(done.estimated_finish) - ctx.sys.clock.now())).toBeLessThan(1_000);
  }, 120_000);
});
