/**
 * The simulator's drawn outcomes (SIM_LIVE_ANSWER_RATE, SIM_MACHINE_RATE, SIM_RING_MS, SIM_TALK_MS,
 * SIM_SEED): one seed gives the same calls whatever order they are placed in, rates hold over many
 * calls, and without answer rates the last-digit rules are unchanged. Randomised: the seed is
 * printed; FC_SEED=<n> repeats a run.
 */
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DISTRIBUTIONS,
  mulberry32,
  parseMsRange,
  sampleCall,
} from '#adapters/telephony/simulator/call-distributions.ts';
import {
  type SimulatorOptions,
  SimulatorProvider,
} from '#adapters/telephony/simulator/simulator-provider.ts';
import type { PlaceCallRequest } from '#ports/telephony.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`simulator-distributions: seed ${seed} (repeat with FC_SEED=${seed})`);

const request = (i: number, to = `+1555123${String(i % 10_000).padStart(4, '0')}`): PlaceCallRequest => ({
  idempotencyKey: `attempt-${i}`,
  from: '+15550000000',
  to,
  ringTimeoutSec: 30,
  machineDetection: true,
  statusCallbackUrl: `https://api.example.com/v1.0/providers/simulator/events?cc=attempt-${i}`,
  metadata: {},
});

interface Outcome {
  answeredAt?: number;
  endedAt: number;
  reason: string;
}

/** Places the calls on a simulator whose scheduler only records: each attempt's script, by id. */
const outcomesOf = async (options: Partial<SimulatorOptions>, requests: PlaceCallRequest[]) => {
  let current = '';
  const byAttempt = new Map<string, Outcome>();
  const steps: { attempt: string; atMs: number; task: () => unknown }[] = [];
  const sim = new SimulatorProvider({
    secret: 'a-test-signing-key-0123456789',
    now: () => 0,
    scheduler: { after: (atMs, task) => void steps.push({ attempt: current, atMs, task }) },
    deliver: async (req) => {
      const body = JSON.parse(req.rawBody) as { kind: string; reason?: string };
      const attempt = new URL(req.url).searchParams.get('cc') ?? '';
      const o = byAttempt.get(attempt) ?? { endedAt: -1, reason: '' };
      const at = steps.find((s) => s.attempt === attempt && s.task === running)?.atMs ?? -1;
      if (body.kind === 'answered') o.answeredAt = at;
      if (body.kind === 'completed') Object.assign(o, { endedAt: at, reason: body.reason ?? '' });
      byAttempt.set(attempt, o);
    },
    ...options,
  });
  let running: unknown;
  for (const req of requests) {
    current = req.idempotencyKey;
    await sim.placeCall(req);
  }
  for (const s of steps) {
    running = s.task;
    await s.task();
  }
  return byAttempt;
};

describe('simulator distributions', () => {
  const drawn = {
    seed,
    answerRates: { liveAnswerRate: 0.35, machineRate: 0.1 },
    ringMs: DEFAULT_DISTRIBUTIONS.ringMs,
    talkMs: DEFAULT_DISTRIBUTIONS.talkMs,
  };

  it('draws the same call for the same seed and attempt, whatever order calls are placed in', async () => {
    const calls = Array.from({ length: 200 }, (_, i) => request(i));
    const forward = await outcomesOf(drawn, calls);
    const backward = await outcomesOf(drawn, [...calls].reverse());
    expect([...backward.entries()].sort()).toEqual([...forward.entries()].sort());
    const other = await outcomesOf({ ...drawn, seed: seed + 1 }, calls);
    expect([...other.entries()].sort()).not.toEqual([...forward.entries()].sort());
  });

  it('answers with a person and a machine at the set rates, within the ring and talk ranges', async () => {
    const n = 4_000;
    const outcomes = [
      ...(
        await outcomesOf(
          drawn,
          Array.from({ length: n }, (_, i) => request(i)),
        )
      ).values(),
    ];
    const share = (reason: string) => outcomes.filter((o) => o.reason === reason).length / n;
    // Three standard deviations of a binomial share at n = 4,000 are about 0.023.
    expect(share('normal')).toBeGreaterThan(0.35 - 0.03);
    expect(share('normal')).toBeLessThan(0.35 + 0.03);
    expect(share('amd')).toBeGreaterThan(0.1 - 0.02);
    expect(share('amd')).toBeLessThan(0.1 + 0.02);
    for (const o of outcomes) {
      if (o.reason === 'noanswer') expect(o.endedAt).toBe(30_000);
      else {
        expect(o.answeredAt).toBeGreaterThanOrEqual(5_000);
        expect(o.answeredAt).toBeLessThanOrEqual(25_000);
      }
      if (o.reason === 'normal') {
        const talk = o.endedAt - (o.answeredAt ?? 0);
        expect(talk).toBeGreaterThanOrEqual(90_000);
        expect(talk).toBeLessThanOrEqual(180_000);
      }
    }
  });

  it('keeps the last-digit rules when no answer rate is set, even with ranges and a seed', async () => {
    const calls = [1, 2, 3, 4, 5].map((d) => request(d, `+1555123000${d}`));
    const outcomes = await outcomesOf({ seed, ringMs: { min: 1_000, max: 3_000 }, talkMs: 5_000 }, calls);
    expect(calls.map((c) => outcomes.get(c.idempotencyKey)?.reason)).toEqual([
      'busy',
      'noanswer',
      'failed',
      'amd',
      'normal',
    ]);
    const person = outcomes.get('attempt-5')!;
    expect(person.endedAt - (person.answeredAt ?? 0)).toBe(5_000);
  });

  it('keeps the default script (2 s ring, 5 s talk) when nothing is set', async () => {
    const outcomes = await outcomesOf({}, [request(7, '+15551230007')]);
    expect(outcomes.get('attempt-7')).toEqual({ answeredAt: 2_000, endedAt: 7_000, reason: 'normal' });
  });

  it('never lets an answer drawn after the ring timeout count as one', () => {
    const random = mulberry32(seed);
    const late = {
      ...DEFAULT_DISTRIBUTIONS,
      liveAnswerRate: 1,
      machineRate: 0,
      ringMs: { min: 40_000, max: 50_000 },
    };
    expect(sampleCall(random, late, 30_000)).toEqual({ outcome: 'noanswer', ringMs: 30_000, talkMs: 0 });
  });

  it('reads times as a fixed number or a range, and refuses anything else', () => {
    expect(parseMsRange('2000')).toEqual({ min: 2000, max: 2000 });
    expect(parseMsRange('5000-25000')).toEqual({ min: 5000, max: 25000 });
    expect(parseMsRange('25000-5000')).toBeUndefined();
    expect(parseMsRange('5s')).toBeUndefined();
    expect(parseMsRange('')).toBeUndefined();
  });
});
