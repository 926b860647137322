/**
 * Predictive pacing as a pure function (properties over random agents and measured rates), and on the
 * seeded pacing simulation (bench/pacing-sim.ts). Randomised: the seed is printed; FC_SEED=<n>
 * repeats a run (fast-check's properties and the simulation's calls alike).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DISTRIBUTIONS } from '#adapters/telephony/simulator/call-distributions.ts';
import {
  answersWithin,
  ENGAGE_AT,
  freesWithin,
  type PredictiveInput,
  predictivePacing,
  SMALL_TEAM,
} from '#domain/predictive-pacing.ts';
import { simulatePacing } from '../../bench/pacing-sim.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`predictive-pacing: seed ${seed} (repeat with FC_SEED=${seed})`);
const params = { seed, numRuns: 300 };

/** Measured rates that can happen: abandoned ≤ answered by a person ≤ ended. */
const rates = fc
  .record({
    ended: fc.nat(5_000),
    human: fc.double({ min: 0, max: 1, noNaN: true }),
    abandonedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    meanRingMs: fc.option(fc.integer({ min: 1_000, max: 60_000 }), { nil: undefined }),
    meanTalkMs: fc.option(fc.integer({ min: 1_000, max: 600_000 }), { nil: undefined }),
  })
  .map(({ ended, human, abandonedShare, meanRingMs, meanTalkMs }) => {
    const humanAnswered = Math.floor(ended * human);
    return {
      ended,
      humanAnswered,
      abandoned: Math.floor(humanAnswered * abandonedShare * 0.1),
      ...(meanRingMs !== undefined ? { meanRingMs } : {}),
      ...(meanTalkMs !== undefined ? { meanTalkMs } : {}),
    };
  });

const plainInput: fc.Arbitrary<PredictiveInput> = fc.record({
  availableAgents: fc.nat(200),
  busyAgents: fc.nat(200),
  wrapupAgents: fc.nat(50),
  wrapupMs: fc.integer({ min: 0, max: 120_000 }),
  waitingCallers: fc.nat(20),
  maxConcurrentCalls: fc.integer({ min: 0, max: 1_000 }),
  maxAbandonRate: fc.constantFrom(0, 0.01, 0.03, 0.05, 0.1),
  rates,
});

/** The same with, half the time, the ringing calls' ages and the ring timeout (the timed balance). */
const input: fc.Arbitrary<PredictiveInput> = fc.oneof(
  plainInput,
  fc
    .tuple(plainInput, fc.array(fc.nat(70_000), { maxLength: 120 }), fc.integer({ min: 1_000, max: 60_000 }))
    .map(([p, ringingAgesMs, ringTimeoutMs]) => ({ ...p, ringingAgesMs, ringTimeoutMs })),
);

describe('predictive pacing', () => {
  it('never lets more calls ring than max_concurrent_calls, nor a negative or fractional number', () => {
    fc.assert(
      fc.property(input, (p) => {
        const { bound } = predictivePacing(p);
        expect(Number.isInteger(bound)).toBe(true);
        expect(bound).toBeGreaterThanOrEqual(0);
        expect(bound).toBeLessThanOrEqual(p.maxConcurrentCalls);
      }),
      params,
    );
  });

  it('never dials fewer than one call per free agent (capped by max_concurrent_calls)', () => {
    fc.assert(
      fc.property(input, (p) => {
        expect(predictivePacing(p).bound).toBeGreaterThanOrEqual(
          Math.min(p.availableAgents, p.maxConcurrentCalls),
        );
      }),
      params,
    );
  });

  it('falls to progressive once the measured abandon rate reaches the engage point', () => {
    fc.assert(
      fc.property(
        input,
        fc.integer({ min: 10, max: 2_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (p, humanAnswered, over) => {
          const engageAt = ENGAGE_AT * p.maxAbandonRate;
          const abandoned = Math.min(
            humanAnswered,
            Math.ceil(humanAnswered * (engageAt + over * (1 - engageAt))),
          );
          const d = predictivePacing({
            ...p,
            rates: { ...p.rates, ended: Math.max(p.rates.ended, humanAnswered), humanAnswered, abandoned },
          });
          expect(d.governor).toBe('engaged');
          expect(d.bound).toBe(Math.min(p.availableAgents, p.maxConcurrentCalls));
        },
      ),
      params,
    );
  });

  it('never dials fewer calls with more free agents, all else equal', () => {
    fc.assert(
      fc.property(input, fc.integer({ min: 1, max: 50 }), (p, more) => {
        const after = predictivePacing({ ...p, availableAgents: p.availableAgents + more });
        expect(after.bound).toBeGreaterThanOrEqual(predictivePacing(p).bound);
      }),
      params,
    );
  });

  it('dials no more as the measured abandon rate rises, all else equal', () => {
    fc.assert(
      fc.property(input, fc.nat(100), fc.nat(100), (p, a, b) => {
        const [less, more] = [a, b].sort((x, y) => x - y) as [number, number];
        const at = (abandoned: number) =>
          predictivePacing({
            ...p,
            rates: { ...p.rates, abandoned: Math.min(abandoned, p.rates.humanAnswered) },
          }).bound;
        expect(at(more)).toBeLessThanOrEqual(at(less));
      }),
      params,
    );
  });

  it('over-dials a team that has been answering a third of its calls', () => {
    const d = predictivePacing({
      availableAgents: 4,
      busyAgents: 16,
      wrapupAgents: 0,
      wrapupMs: 10_000,
      maxConcurrentCalls: 100,
      maxAbandonRate: 0.03,
      rates: { ended: 1_000, humanAnswered: 350, abandoned: 0, meanRingMs: 23_000, meanTalkMs: 135_000 },
    });
    expect(d.governor).toBe('open');
    expect(d.bound).toBeGreaterThan(4);
    expect(d.answerRate).toBeGreaterThanOrEqual(0.35);
  });

  it('dials progressively before it has measured anything: nobody is known not to answer', () => {
    const d = predictivePacing({
      availableAgents: 20,
      busyAgents: 0,
      wrapupAgents: 0,
      wrapupMs: 10_000,
      maxConcurrentCalls: 100,
      maxAbandonRate: 0.03,
      rates: { ended: 0, humanAnswered: 0, abandoned: 0 },
    });
    expect(d.bound).toBe(20);
    expect(d.answerRate).toBe(1);
  });

  it('does not dial ahead for agents who all just took a call: none has been seen finishing one', () => {
    const d = predictivePacing({
      availableAgents: 0,
      busyAgents: 100,
      wrapupAgents: 0,
      wrapupMs: 10_000,
      maxConcurrentCalls: 1_000,
      maxAbandonRate: 0.03,
      rates: { ended: 400, humanAnswered: 0, abandoned: 0, meanRingMs: 28_000 },
    });
    expect(d.bound).toBe(0);
  });

  it(`is cautious below ${SMALL_TEAM} agents: a small team over-dials less than the same rates at scale`, () => {
    const team = (n: number) =>
      predictivePacing({
        availableAgents: n,
        busyAgents: 3 * n,
        wrapupAgents: 0,
        wrapupMs: 10_000,
        maxConcurrentCalls: 1_000,
        maxAbandonRate: 0.03,
        rates: { ended: 2_000, humanAnswered: 400, abandoned: 0, meanRingMs: 25_000, meanTalkMs: 120_000 },
      });
    expect(team(1).governor).toBe('cautious');
    expect(team(10).governor).toBe('open');
    expect(team(1).bound - 1).toBeLessThan((team(10).bound - 10) / 10);
  });
});

/** An input with each busy agent's time on its call (some may be missing: those count by the average). */
const withElapsed: fc.Arbitrary<PredictiveInput> = input.chain((p) =>
  fc
    .array(fc.integer({ min: 0, max: 900_000 }), { maxLength: p.busyAgents + 2 })
    .map((busyElapsedMs) => ({ ...p, busyElapsedMs })),
);

describe("predictive pacing with each busy agent's time on its call", () => {
  it('never lets more calls ring than max_concurrent_calls, nor fewer than one per free agent', () => {
    fc.assert(
      fc.property(withElapsed, (p) => {
        const { bound } = predictivePacing(p);
        expect(Number.isInteger(bound)).toBe(true);
        expect(bound).toBeLessThanOrEqual(p.maxConcurrentCalls);
        expect(bound).toBeGreaterThanOrEqual(Math.min(p.availableAgents, p.maxConcurrentCalls));
      }),
      params,
    );
  });

  it('never dials less when the busy agents have been on their calls longer', () => {
    fc.assert(
      fc.property(withElapsed, fc.array(fc.nat(300_000), { minLength: 202, maxLength: 202 }), (p, more) => {
        const longer = (p.busyElapsedMs ?? []).map((e, i) => e + more[i]!);
        const before = predictivePacing(p);
        const after = predictivePacing({ ...p, busyElapsedMs: longer });
        expect(after.bound).toBeGreaterThanOrEqual(before.bound);
        expect(after.expectedFree).toBeGreaterThanOrEqual(before.expectedFree);
      }),
      params,
    );
  });

  it('gives a chance of freeing that never falls with the time on the call, from 0 to 1', () => {
    fc.assert(
      fc.property(
        fc.nat(900_000),
        fc.nat(300_000),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.integer({ min: 1_000, max: 600_000 }),
        fc.nat(120_000),
        (e, more, ringMs, talkMs, wrapupMs) => {
          const q = freesWithin(e, ringMs, talkMs, wrapupMs);
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q).toBeLessThanOrEqual(1);
          expect(freesWithin(e + more, ringMs, talkMs, wrapupMs)).toBeGreaterThanOrEqual(q);
        },
      ),
      params,
    );
  });

  it('dials ahead for agents near the end of their calls, not for agents who just took one', () => {
    const team = (elapsedMs: number) =>
      predictivePacing({
        availableAgents: 2,
        busyAgents: 18,
        busyElapsedMs: Array.from({ length: 18 }, () => elapsedMs),
        wrapupAgents: 0,
        wrapupMs: 10_000,
        maxConcurrentCalls: 100,
        maxAbandonRate: 0.03,
        rates: { ended: 1_000, humanAnswered: 350, abandoned: 0, meanRingMs: 23_000, meanTalkMs: 135_000 },
      });
    // 5 s into a call of about 135 s nobody frees within the ring time; 200 s in, everybody does.
    expect(team(5_000).expectedFree).toBe(2);
    expect(team(200_000).expectedFree).toBe(20);
    expect(team(200_000).bound).toBeGreaterThan(team(5_000).bound);
  });

  it('paces as before without elapsed times', () => {
    fc.assert(
      fc.property(plainInput, (p) => {
        expect(predictivePacing({ ...p, busyElapsedMs: [] })).toEqual(predictivePacing(p));
      }),
      params,
    );
  });
});

describe("predictive pacing with each ringing call's age (the timed balance)", () => {
  it("gives a call's chance of a person's answer between 0 and the answer rate, never higher for an older call", () => {
    fc.assert(
      fc.property(
        fc.nat(60_000),
        fc.nat(60_000),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1_000, max: 60_000 }),
        fc.integer({ min: 1_000, max: 60_000 }),
        (age, older, answerRate, meanRingMs, timeoutMs) => {
          const atAll = (a: number) => answersWithin(a, timeoutMs, answerRate, meanRingMs, timeoutMs);
          const q = atAll(age);
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q).toBeLessThanOrEqual(answerRate + 1e-12);
          if (age + older < timeoutMs) expect(atAll(age + older)).toBeLessThanOrEqual(q + 1e-12);
          // A fresh call, and one past the timeout (its placement or its end not seen), by the answer rate.
          expect(atAll(0)).toBeCloseTo(answerRate, 12);
          expect(atAll(timeoutMs + older)).toBeCloseTo(answerRate, 12);
        },
      ),
      params,
    );
  });

  it('takes a call that has rung most of the timeout as less likely to bring a person than a fresh one', () => {
    const team = (ringingAgesMs: number[]) =>
      predictivePacing({
        availableAgents: 2,
        busyAgents: 16,
        busyElapsedMs: Array.from({ length: 16 }, (_, i) => 60_000 + 7_000 * i),
        wrapupAgents: 2,
        wrapupMs: 10_000,
        maxConcurrentCalls: 100,
        maxAbandonRate: 0.03,
        ringTimeoutMs: 30_000,
        ringingAgesMs,
        rates: { ended: 1_400, humanAnswered: 490, abandoned: 2, meanRingMs: 23_000, meanTalkMs: 135_000 },
      }).bound;
    const none = team([]);
    expect(none).toBeGreaterThan(4);
    // Six calls placed just now weigh as six new ones; six that have rung 26 s of 30, far less.
    expect(team(Array.from({ length: 6 }, () => 0))).toBe(none);
    expect(team(Array.from({ length: 6 }, () => 26_000))).toBeGreaterThan(none);
  });

  it('weighs calls placed just now as new ones: the bound is the same, or those calls if more', () => {
    fc.assert(
      fc.property(plainInput, fc.nat(60), fc.integer({ min: 1_000, max: 60_000 }), (p, k, ringTimeoutMs) => {
        const at = (ringingAgesMs: number[]) => predictivePacing({ ...p, ringingAgesMs, ringTimeoutMs });
        const none = at([]);
        const fresh = at(Array.from({ length: k }, () => 0));
        if (none.governor === 'engaged') expect(fresh.bound).toBe(none.bound);
        else
          expect(fresh.bound).toBe(
            Math.min(
              p.maxConcurrentCalls,
              Math.max(Math.min(p.availableAgents, p.maxConcurrentCalls), k, none.bound),
            ),
          );
      }),
      params,
    );
  });

  it('never lets more ring than max_concurrent_calls, fewer than one per free agent, nor dials for a full line', () => {
    fc.assert(
      fc.property(plainInput, fc.array(fc.nat(30_000), { maxLength: 200 }), (p, ringingAgesMs) => {
        const d = predictivePacing({ ...p, ringingAgesMs, ringTimeoutMs: 30_000 });
        expect(Number.isInteger(d.bound)).toBe(true);
        expect(d.bound).toBeLessThanOrEqual(p.maxConcurrentCalls);
        expect(d.bound).toBeGreaterThanOrEqual(Math.min(p.availableAgents, p.maxConcurrentCalls));
        // More people waiting than agents who could take them: no call beyond one per free agent.
        const swamped = predictivePacing({
          ...p,
          ringingAgesMs,
          ringTimeoutMs: 30_000,
          waitingCallers: p.availableAgents + p.busyAgents + p.wrapupAgents + 1,
        });
        expect(swamped.bound).toBeLessThanOrEqual(
          Math.max(
            Math.min(p.availableAgents, p.maxConcurrentCalls),
            Math.min(ringingAgesMs.length, p.maxConcurrentCalls),
          ),
        );
      }),
      params,
    );
  });
});

describe('pacing on the seeded simulation (20 agents, 35 % answer, 20 minutes)', () => {
  const run = (mode: 'progressive' | 'predictive') =>
    simulatePacing({
      mode,
      agents: 20,
      seed,
      distributions: { ...DEFAULT_DISTRIBUTIONS, liveAnswerRate: 0.35 },
      warmupMs: 0,
      measureMs: 20 * 60_000,
    });

  it('keeps predictive abandons under max_abandon_rate, warm-up included', () => {
    const r = run('predictive');
    expect(r.humanAnswered).toBeGreaterThan(100);
    expect(r.abandonRate).toBeLessThanOrEqual(0.03);
    // It also keeps agents busier than progressive does on the same calls.
    expect(r.talkMinutesPerAgentHour).toBeGreaterThan(run('progressive').talkMinutesPerAgentHour);
  });

  it("accounts for every minute of the agents' hour: talk, wrap-up and idle add up to 60", () => {
    const { timeUse: u } = run('predictive');
    const total = u.talk + u.wrapup + u.wrapupOverdue + u.idleRinging + u.idleNothingRinging;
    expect(total).toBeCloseTo(60, 6);
    expect(u.meanRinging).toBeGreaterThan(0);
  });

  it('frees agents out of wrap-up at the next tick, or on time when asked', () => {
    const atTick = run('predictive');
    expect(atTick.abandonedWithAgentDue).toBeLessThanOrEqual(atTick.abandoned);
    expect(atTick.timeUse.wrapupOverdue).toBeGreaterThan(0);
    const onTime = simulatePacing({
      mode: 'predictive',
      agents: 20,
      seed,
      distributions: { ...DEFAULT_DISTRIBUTIONS, liveAnswerRate: 0.35 },
      warmupMs: 0,
      measureMs: 20 * 60_000,
      releaseOnTime: true,
    });
    expect(onTime.timeUse.wrapupOverdue).toBe(0);
    expect(onTime.abandonedWithAgentDue).toBe(0);
  });

  it('abandons nobody when progressive', () => {
    const r = run('progressive');
    expect(r.humanAnswered).toBeGreaterThan(100);
    expect(r.abandoned).toBe(0);
  });
});
