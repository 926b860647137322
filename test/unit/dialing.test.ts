import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Address } from '#domain/address.ts';
import {
  callsAllowed,
  chooseDestination,
  type DialingMode,
  isDialable,
  isDue,
  pacingBound,
  resultOf,
  targetStatusAfter,
} from '#domain/dialing.ts';

const tel = (n: string): Address => ({ type: 'tel', target: n, target_name: '', name: '', detail: '' });
const T0 = '2026-01-15T09:30:00.000000Z';
const target = (over: Record<string, unknown> = {}) => ({
  status: 'idle' as const,
  destination_0: tel('+15550000000') as Address | null,
  destination_1: null as Address | null,
  destination_2: null as Address | null,
  destination_3: null as Address | null,
  destination_4: null as Address | null,
  try_count_0: 0,
  try_count_1: 0,
  try_count_2: 0,
  try_count_3: 0,
  try_count_4: 0,
  tm_create: T0,
  tm_update: T0 as string | null,
  ...over,
});
const plan = (over: Record<string, number> = {}) => ({
  max_try_count_0: 3,
  max_try_count_1: 1,
  max_try_count_2: 0,
  max_try_count_3: 0,
  max_try_count_4: 0,
  try_interval: 600_000,
  ...over,
});

describe('destination choice (§5.6)', () => {
  it('moves to destination_1 once destination_0 has used all its tries', () => {
    const choice = chooseDestination(target({ try_count_0: 3, destination_1: tel('+15551111111') }), plan());
    expect(choice).toEqual({ index: 1, destination: tel('+15551111111'), tryCount: 1 });
  });

  it('finds nothing when every present destination is exhausted', () => {
    expect(chooseDestination(target({ try_count_0: 3 }), plan({ max_try_count_0: 2 }))).toBeUndefined();
  });

  it('skips slots without a destination and slots whose maximum is 0', () => {
    const t = target({
      destination_0: null,
      destination_2: tel('+15552222222'),
      destination_3: tel('+15553333333'),
    });
    expect(chooseDestination(t, plan({ max_try_count_2: 0, max_try_count_3: 2 }))?.index).toBe(3);
  });

  it('never chooses a slot past its maximum, for any counts and limits', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }),
        fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
        (counts, maxima, present) => {
          const t = target(
            Object.fromEntries(
              [0, 1, 2, 3, 4].flatMap((n) => [
                [`try_count_${n}`, counts[n]],
                [`destination_${n}`, present[n] ? tel(`+1555000000${n}`) : null],
              ]),
            ),
          );
          const p = plan(
            Object.fromEntries([0, 1, 2, 3, 4].map((n) => [`max_try_count_${n}`, maxima[n] as number])),
          );
          const choice = chooseDestination(t, p);
          if (!choice) return;
          expect(present[choice.index]).toBe(true);
          expect(choice.tryCount).toBeLessThanOrEqual(maxima[choice.index] as number);
          for (let n = 0; n < choice.index; n++) {
            expect(!present[n] || (counts[n] as number) >= (maxima[n] as number)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('retry interval (§5.5)', () => {
  const ended = Date.parse('2026-01-15T10:00:00.000Z');
  const tried = target({ try_count_0: 1, tm_update: '2026-01-15T10:00:00.000000Z' });

  it('dials a never-tried target at once, whatever the interval', () => {
    expect(isDue(target(), 10 * 365 * 24 * 3600 * 1000, Date.parse(T0))).toBe(true);
  });
  it('waits the interval from the end of the previous attempt, inclusive', () => {
    expect(isDue(tried, 600_000, ended + 599_999)).toBe(false);
    expect(isDue(tried, 600_000, ended + 600_000)).toBe(true);
  });
  it('never dials a progressing, done or deleted target', () => {
    const now = ended + 10_000_000;
    expect(isDialable(target({ status: 'progressing' }), plan(), now)).toBe(false);
    expect(isDialable(target({ status: 'done' }), plan(), now)).toBe(false);
    expect(isDialable(target({ tm_delete: T0 }), plan(), now)).toBe(false);
    expect(isDialable(target(), plan(), now)).toBe(true);
  });
});

describe('pacing (§5.3)', () => {
  const q = (availableAgents: number, serviceLevel: number, dialing: number) =>
    callsAllowed({
      hasQueue: true,
      availableAgents,
      serviceLevel,
      dialing,
      inFlight: dialing,
      maxConcurrentCalls: 10,
    });

  it('follows the reference examples exactly', () => {
    expect(q(3, 100, 2)).toBe(1);
    expect(q(3, 100, 3)).toBe(0);
    expect(q(3, 50, 1)).toBe(0);
    expect(q(3, 50, 0)).toBe(1);
    expect(q(5, 0, 0)).toBe(0);
    expect(q(0, 100, 0)).toBe(0);
    expect(q(1, 80, 0)).toBe(0);
  });

  it('caps open attempts of a campaign without a queue', () => {
    const free = (inFlight: number) =>
      callsAllowed({
        hasQueue: false,
        availableAgents: 0,
        serviceLevel: 0,
        dialing: 0,
        inFlight,
        maxConcurrentCalls: 10,
      });
    expect(free(0)).toBe(10);
    expect(free(7)).toBe(3);
    expect(free(12)).toBe(0);
  });
});

describe('pacing by dialing mode', () => {
  const input = fc.record({
    mode: fc.constantFrom<DialingMode>('service_level', 'progressive', 'agentless'),
    hasQueue: fc.boolean(),
    availableAgents: fc.nat(200),
    serviceLevel: fc.integer({ min: 0, max: 100 }),
    dialing: fc.nat(300),
    progressing: fc.nat(300),
    maxConcurrentCalls: fc.integer({ min: 1, max: 1000 }),
  });
  const allowed = callsAllowed;

  it('keeps service_level as VoIPBIN paces: the default mode changes nothing', () => {
    fc.assert(
      fc.property(input, (p) => {
        const inFlight = p.dialing + p.progressing;
        const legacy = { ...p, inFlight };
        const { mode: _, ...noMode } = legacy;
        expect(allowed({ ...legacy, mode: 'service_level' })).toBe(allowed(noMode));
      }),
    );
  });

  it('never lets a progressive campaign ring more calls than agents are available', () => {
    fc.assert(
      fc.property(input, (p) => {
        const n = allowed({ ...p, mode: 'progressive', inFlight: p.dialing + p.progressing });
        expect(p.dialing + n).toBeLessThanOrEqual(Math.max(p.dialing, p.hasQueue ? p.availableAgents : 0));
        // And it fills up to exactly one per agent when it can.
        if (p.hasQueue && p.dialing <= p.availableAgents) expect(n).toBe(p.availableAgents - p.dialing);
      }),
    );
  });

  it('paces an agentless campaign by open attempts under its cap, whatever its queue and agents', () => {
    fc.assert(
      fc.property(input, (p) => {
        const inFlight = p.dialing + p.progressing;
        const n = allowed({ ...p, mode: 'agentless', inFlight });
        expect(n).toBe(Math.max(0, p.maxConcurrentCalls - inFlight));
        expect(pacingBound({ ...p, mode: 'agentless' }).counter).toBe('inflight');
      }),
    );
  });

  it('starts nothing progressive without a queue: nobody could take an answered call', () => {
    expect(
      callsAllowed({
        mode: 'progressive',
        hasQueue: false,
        availableAgents: 5,
        serviceLevel: 100,
        dialing: 0,
        inFlight: 0,
        maxConcurrentCalls: 10,
      }),
    ).toBe(0);
  });

  it('lets progressive ring one call per agent where service level 50 rings half as many', () => {
    const p = {
      hasQueue: true,
      availableAgents: 6,
      serviceLevel: 50,
      dialing: 1,
      inFlight: 3,
      maxConcurrentCalls: 2,
    };
    expect(callsAllowed({ ...p, mode: 'progressive' })).toBe(5);
    expect(callsAllowed({ ...p, mode: 'service_level' })).toBe(2);
    expect(callsAllowed({ ...p, mode: 'agentless' })).toBe(0);
  });
});

describe('results (§4.4)', () => {
  it('counts only a normal hangup as success and retries everything else', () => {
    expect(resultOf('normal')).toBe('success');
    expect(targetStatusAfter('success')).toBe('done');
    for (const r of ['busy', 'noanswer', 'failed', 'cancel', 'amd', 'dialout', 'timeout'] as const) {
      expect(resultOf(r)).toBe('fail');
      expect(targetStatusAfter(resultOf(r))).toBe('idle');
    }
  });
});
