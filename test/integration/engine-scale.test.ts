/**
 * A thousand targets end to end: every simulated outcome, a second destination on a third of them, a
 * concurrency cap of 100; the list ends with exactly the try counts and results the outplan implies.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { countPlacements, engineSteps, type Outcome, outcomeOf } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
});
afterAll(() => sys.close());

const COUNT = 1_000;
const MAX = [2, 1, 0, 0, 0];

/** destination_0 ends in i mod 10 (all five outcomes); every third target also has a destination_1. */
const destinations = (i: number): (string | null)[] => {
  const d0 = `+1556${String(i).padStart(6, '0')}${i % 10}`;
  return i % 3 === 0 ? [d0, `+1557${String(i).padStart(6, '0')}${(i * 7 + 3) % 10}`] : [d0];
};

/** What the outplan implies for one target: slot 0 until its maximum, then slot 1, until an answer. */
const expectedFor = (dests: (string | null)[]) => {
  const tries = [0, 0, 0, 0, 0];
  const results: string[] = [];
  for (let n = 0; n < dests.length; n++) {
    const d = dests[n];
    for (let k = 0; d && k < MAX[n]!; k++) {
      tries[n]! += 1;
      const success = outcomeOf(d) === ('answer' satisfies Outcome);
      results.push(success ? 'success' : 'fail');
      if (success) return { status: 'done', tries, results };
    }
  }
  return { status: 'idle', tries, results };
};

it('dials a thousand targets and ends with exactly the try counts and results the outplan implies', async () => {
  const { given, when, read } = engineSteps(sys);
  const placements = countPlacements(sys);
  sys.engine.deps.settings.maxNewCallsPerTick = 100;
  const specs = Array.from({ length: COUNT }, (_, i) => destinations(i));
  const h = await given.campaign({
    targets: specs,
    maxConcurrentCalls: 100,
    outplan: { dial_timeout: 10_000, try_interval: 10_000, max_try_count_0: 2, max_try_count_1: 1 },
  });

  for (let round = 0; round < 200 && (await read.status(h.id)) !== 'stop'; round++) {
    await when.theTickRuns();
    expect((await read.counters(h.id)).inflight).toBeLessThanOrEqual(100);
    await when.theDialerRuns();
    await when.timePasses(5_000);
  }
  expect(await read.status(h.id)).toBe('stop');

  const [targets, calls] = await Promise.all([read.targets(h.outdialId), read.calls(h.id)]);
  expect(targets).toHaveLength(COUNT);
  const byTarget = new Map<string, any[]>();
  for (const x of calls) byTarget.set(x.outdial_target_id, [...(byTarget.get(x.outdial_target_id) ?? []), x]);
  const actual = targets.map((t) => {
    const mine = (byTarget.get(t.id) ?? []).sort((a, b) => a.tm_create.localeCompare(b.tm_create));
    return {
      destination_0: t.destination_0.target,
      status: t.status,
      tries: [0, 1, 2, 3, 4].map((n) => t[`try_count_${n}`]),
      results: mine.map((x) => x.result),
    };
  });
  const expected = targets.map((t) => ({
    destination_0: t.destination_0.target,
    ...expectedFor([t.destination_0?.target ?? null, t.destination_1?.target ?? null]),
  }));
  expect(actual).toEqual(expected);

  const attempts = expected.reduce((n, e) => n + e.results.length, 0);
  expect(calls).toHaveLength(attempts);
  expect(calls.every((x) => x.status === 'done')).toBe(true);
  expect(placements.total()).toBe(attempts);
  expect(new Set(placements.placed.values())).toEqual(new Set([1]));
  expect(await read.counters(h.id)).toEqual({ inflight: 0, dialing: 0 });
}, 240_000);
