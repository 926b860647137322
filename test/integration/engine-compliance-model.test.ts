/**
 * A model-based test of the guardrails (fast-check): random people shared by two running campaigns,
 * random contact policies, suppressions added before the run and during it, ticks that overlap. After
 * the run: never a call to a number suppressed before it was placed, never more calls to a person in
 * a window than the cap allows, no try spent on a held destination, and every target ends. The seed is
 * printed; FC_SEED=<seed> repeats a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const DAY = 86_400_000;

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ ringMs: 1_000, talkMs: 2_000 });
});
afterAll(() => sys.close());

interface Scenario {
  /** Outcome of each person's number. */
  people: ('answer' | 'busy')[];
  /** Each campaign's targets: indexes into people, one or two destinations each. */
  lists: number[][][];
  cap: { max: number; days: number } | null;
  restDays: number | null;
  /** People suppressed before the run. */
  before: number[];
  /** People suppressed during the run, at the round given. */
  during: { round: number; person: number }[];
}

const scenario: fc.Arbitrary<Scenario> = fc.integer({ min: 2, max: 4 }).chain((n) =>
  fc.record({
    people: fc.array(fc.constantFrom('answer' as const, 'busy' as const), { minLength: n, maxLength: n }),
    lists: fc.array(
      fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { minLength: 1, maxLength: 2 }), {
        minLength: 1,
        maxLength: 3,
      }),
      { minLength: 2, maxLength: 2 },
    ),
    cap: fc.option(fc.record({ max: fc.integer({ min: 1, max: 3 }), days: fc.constant(1) }), { nil: null }),
    restDays: fc.option(fc.constant(1), { nil: null }),
    before: fc.uniqueArray(fc.integer({ min: 0, max: n - 1 }), { maxLength: 1 }),
    during: fc.array(
      fc.record({ round: fc.integer({ min: 0, max: 8 }), person: fc.integer({ min: 0, max: n - 1 }) }),
      { maxLength: 2 },
    ),
  }),
);

/** Enough for the worst case drawn: one person in up to 6 slots × 2 tries, 1 call a day, a day every 4 rounds. */
const ROUNDS = 60;

it('never calls a suppressed number or over the cap, spends no try on a hold, and ends every target', async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  console.log(`[compliance model] seed ${seed} (repeat with FC_SEED=${seed})`);
  const steps = engineSteps(sys);
  const c = sys.customer;
  // Every placement, with the time the provider was asked.
  const placed: { to: string; at: number }[] = [];
  const provider = sys.engine.deps.provider;
  const original = provider.placeCall.bind(provider);
  provider.placeCall = async (req) => {
    placed.push({ to: req.to, at: sys.clock.peek() });
    return original(req);
  };

  await fc.assert(
    fc.asyncProperty(scenario, async (s) => {
      placed.length = 0;
      const numbers = s.people.map((o) => phone(o));
      await c.put('/customer/contact_policy', {
        max_attempts: s.cap?.max ?? null,
        per_days: s.cap?.days ?? null,
        rest_after_contact_days: s.restDays,
        calling_hours: null,
      });
      const suppressedAt = new Map<string, number>();
      const suppress = async (person: number) => {
        const n = numbers[person]!;
        if (suppressedAt.has(n)) return;
        await c.post('/suppressions', { number: n, reason: 'model', expire_at: null });
        suppressedAt.set(n, sys.clock.peek());
      };
      for (const p of s.before) await suppress(p);
      const campaigns = await Promise.all(
        s.lists.map((list) =>
          steps.given.campaign({
            targets: list.map((slots) => slots.map((p) => numbers[p]!)),
            maxConcurrentCalls: 3,
            outplan: { max_try_count_0: 2, max_try_count_1: 2, try_interval: 1_000 },
          }),
        ),
      );

      let ended = false;
      for (let round = 0; round < ROUNDS && !ended; round++) {
        for (const d of s.during.filter((x) => x.round === round)) await suppress(d.person);
        await Promise.all([sys.engine.tick(), sys.engine.tick()]);
        await sys.engine.drain();
        await sys.scheduler.advance(5_000);
        // Held people wait days: now and then a day passes.
        if (round % 4 === 3) sys.clock.set(sys.clock.peek() + DAY + 1_000);
        const statuses = await Promise.all(campaigns.map((h) => steps.read.status(h.id)));
        ended = statuses.every((x) => x === 'stop');
      }

      for (const p of placed) {
        const since = suppressedAt.get(p.to);
        expect(since === undefined || p.at < since, `a call to ${p.to} after its suppression`).toBe(true);
      }
      if (s.cap) {
        const window = s.cap.days * DAY;
        for (const n of numbers) {
          const times = placed.filter((p) => p.to === n).map((p) => p.at);
          for (const t of times) {
            const inWindow = times.filter((u) => u > t - window && u <= t).length;
            expect(inWindow, `calls to ${n} within ${s.cap.days} day(s)`).toBeLessThanOrEqual(s.cap.max);
          }
        }
      }
      // A try is spent only by a placed call: holds and suppressed skips give none.
      const targets = (
        await Promise.all(campaigns.map((h) => steps.read.targets(h.outdialId)))
      ).flat() as Record<string, number>[];
      const tries = targets.reduce(
        (n, t) => n + [0, 1, 2, 3, 4].reduce((m, i) => m + (t[`try_count_${i}`] ?? 0), 0),
        0,
      );
      const mine = new Set(numbers);
      expect(tries).toBe(placed.filter((p) => mine.has(p.to)).length);
      expect(ended, 'every target ends').toBe(true);
    }),
    { numRuns: 3, seed, endOnFailure: true },
  );
  provider.placeCall = original;
}, 600_000);
