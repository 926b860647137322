/**
 * Model-based: random sequences of engine work (ticks, overlapping ticks, the dialer, simulated time,
 * replayed provider events, stop, forced stop, run, and raised try maxima) against a small campaign
 * (where a person may be listed twice), with the engine's invariants checked
 * after every step and, once the campaign has run to its end, every attempt settled exactly once.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { WebhookRequest } from '#ports/telephony.ts';
import { httpDeliver } from '../../infra/local/engine-runtime.ts';
import {
  type CampaignHandle,
  countPlacements,
  engineSteps,
  expectEngineInvariants,
  type Outcome,
  outcomeOf,
  phone,
} from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
let placements: ReturnType<typeof countPlacements>;
/** Every event the simulator delivered, so a command can deliver one again (late, or twice). */
const delivered: WebhookRequest[] = [];

beforeAll(async () => {
  sys = await startTestSystem({
    ringMs: 2_000,
    talkMs: 5_000,
    deliver: async (req) => {
      delivered.push(req);
      await httpDeliver(req);
    },
  });
  steps = engineSteps(sys);
  placements = countPlacements(sys);
});
afterAll(() => sys.close());

interface Real {
  h: CampaignHandle;
  /** Index into `delivered` where this run's events start. */
  firstEvent: number;
  /** The outplan's max_try_count_0 now (commands may raise it). */
  max0: number;
}
type Model = Record<string, never>;
type Command = fc.AsyncCommand<Model, Real>;

const command = (name: string, act: (r: Real) => Promise<unknown>): Command => ({
  check: () => true,
  run: async (_m, r) => {
    await act(r);
    await expectEngineInvariants(sys, r.h);
  },
  toString: () => name,
});

const commands = [
  fc.constant(command('tick', () => sys.engine.tick())),
  fc.constant(command('two ticks at once', () => Promise.all([sys.engine.tick(), sys.engine.tick()]))),
  fc.constant(command('dialer', () => sys.engine.drain())),
  fc.constant(command('round', () => sys.round(3_000))),
  // Up to two minutes: long enough, without a tick in between, for the sweeper to find silent attempts.
  fc.integer({ min: 1, max: 120_000 }).map((ms) => command(`advance ${ms}`, () => sys.scheduler.advance(ms))),
  fc
    .integer({ min: 1, max: 8_000 })
    .map((ms) =>
      command(`tick while ${ms} ms of calls happen`, () =>
        Promise.all([sys.engine.tick(), sys.scheduler.advance(ms)]),
      ),
    ),
  fc.nat().map((pick) =>
    command(`replay event #${pick}`, async (r) => {
      const mine = delivered.slice(r.firstEvent);
      const event = mine[pick % Math.max(1, mine.length)];
      if (event) await httpDeliver(event);
    }),
  ),
  fc.nat().map((pick) =>
    command(`replay event #${pick} twice at once`, async (r) => {
      const mine = delivered.slice(r.firstEvent);
      const event = mine[pick % Math.max(1, mine.length)];
      if (event) await Promise.all([httpDeliver(event), httpDeliver(event)]);
    }),
  ),
  fc.nat().map((pick) =>
    command(`dial job of attempt #${pick} again`, async (r) => {
      const calls = await steps.read.calls(r.h.id);
      const call = calls[pick % Math.max(1, calls.length)];
      if (call) await sys.engine.deps.dialQueue.send([{ campaigncallId: call.id }]);
    }),
  ),
  fc.constant(command('stop', (r) => steps.when.statusIsSet(r.h.id, 'stop'))),
  fc.constant(
    command('force stop', (r) =>
      sys.customer.put(`/campaigns/${r.h.id}/status`, { status: 'stop', force: true }),
    ),
  ),
  fc.constant(
    command('raise max_try_count_0', async (r) => {
      if (r.max0 >= 4) return;
      const o = r.h.outplan;
      const res = await sys.customer.put(`/outplans/${r.h.outplanId}/dial_info`, {
        source: o.source,
        dial_timeout: o.dial_timeout,
        try_interval: o.try_interval,
        max_try_count_0: r.max0 + 1,
        max_try_count_1: o.max_try_count_1,
        max_try_count_2: 0,
        max_try_count_3: 0,
        max_try_count_4: 0,
      });
      expect(res.status).toBe(200);
      r.max0 += 1;
      // The invariants compare try counts with the outplan as it is now.
      r.h.outplan.max_try_count_0 = r.max0;
    }),
  ),
  fc.constant(command('run', (r) => steps.when.statusIsSet(r.h.id, 'run'))),
];

const outcome = fc.constantFrom<Outcome>('answer', 'answer', 'busy', 'noanswer', 'failed', 'machine');

const campaignSpec = fc.record({
  // The third element: this target's destination_0 is the previous target's (one person listed twice).
  targets: fc.array(fc.tuple(outcome, fc.option(outcome, { nil: undefined }), fc.boolean()), {
    minLength: 6,
    maxLength: 6,
  }),
  max0: fc.integer({ min: 1, max: 3 }),
  max1: fc.integer({ min: 0, max: 2 }),
  tryInterval: fc.constantFrom(0, 5_000, 30_000),
  dialTimeout: fc.constantFrom(5_000, 20_000),
  cap: fc.integer({ min: 1, max: 4 }),
});

it('keeps every attempt, target and counter consistent under any order of ticks, events, stops and runs', async () => {
  await fc.assert(
    fc.asyncProperty(campaignSpec, fc.commands(commands, { maxCommands: 25 }), async (spec, cmds) => {
      const h = await steps.given.campaign({
        targets: spec.targets.reduce<(string | null)[][]>((made, [d0, d1, again]) => {
          const previous = made.at(-1)?.[0];
          made.push([again && previous ? previous : phone(d0), d1 ? phone(d1) : null]);
          return made;
        }, []),
        maxConcurrentCalls: spec.cap,
        outplan: {
          max_try_count_0: spec.max0,
          max_try_count_1: spec.max1,
          try_interval: spec.tryInterval,
          dial_timeout: spec.dialTimeout,
        },
      });
      const real: Real = { h, firstEvent: delivered.length, max0: spec.max0 };
      await fc.asyncModelRun(() => ({ model: {}, real }), cmds);

      // Run to completion: whatever the sequence left, set it running and let it end.
      if ((await steps.read.status(h.id)) !== 'run') await steps.when.statusIsSet(h.id, 'run');
      await steps.when.runsToTheEnd(h.id, 5_000, 200);

      const { calls, targets } = await expectEngineInvariants(sys, h);
      for (const x of calls) {
        expect(x.status, `attempt ${x.id}`).toBe('done');
        expect(['success', 'fail']).toContain(x.result);
        expect(placements.placed.get(x.id) ?? 0, `placements of ${x.id}`).toBeLessThanOrEqual(1);
        if (x.result === 'success') {
          expect(outcomeOf(x.destination.target), `a success on ${x.destination.target}`).toBe('answer');
          expect(placements.placed.get(x.id)).toBe(1);
        }
      }
      // The campaign's totals, kept in the same transactions, agree with the attempts exactly.
      const stats = (await sys.customer.get(`/campaigns/${h.id}/stats`)).body;
      expect(stats).toMatchObject({
        attempts: calls.length,
        in_flight: 0,
        ringing: 0,
        succeeded: calls.filter((x) => x.result === 'success').length,
        failed: calls.filter((x) => x.result === 'fail').length,
      });
      const max = [real.max0, spec.max1, 0, 0, 0];
      for (const t of targets) {
        const mine = calls.filter((x) => x.outdial_target_id === t.id);
        if (t.status === 'done') {
          const last = mine.reduce((a, b) => (a.tm_create > b.tm_create ? a : b));
          expect(last.result, `the last attempt of done target ${t.id}`).toBe('success');
        } else {
          expect(t.status).toBe('idle');
          expect(mine.every((x) => x.result === 'fail')).toBe(true);
          for (let n = 0; n < 5; n++) {
            expect(t[`try_count_${n}`], `try_count_${n} of exhausted ${t.id}`).toBe(
              t[`destination_${n}`] ? max[n] : 0,
            );
          }
        }
      }
    }),
    { numRuns: 6, endOnFailure: true },
  );
}, 240_000);
