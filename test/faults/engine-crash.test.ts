/**
 * A process crash at each engine step, then a restart on the same data. The engine process dies right
 * before or right after one command of the step (its clients then refuse everything, as a killed
 * process sends nothing more), and a new process starts on the same table and the same kept dial
 * queue, with a new simulator that knows none of the old calls (they died with the old one). The
 * campaign then runs to its end with nothing lost or doubled: no person called while an earlier call
 * to them was live, no attempt left open, every target tried as the outplan says, stats exact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineSteps, expectEngineInvariants, phone } from '../support/engine-steps.ts';
import type { CrashPlan } from './support/engine-process.ts';
import { type FaultSystem, startFaultSystem } from './support/fault-system.ts';
import { recordFigures } from './support/report.ts';
import { caseSeed } from './support/seed.ts';

const seed = caseSeed('engine crash');
const OUTPLAN = { max_try_count_0: 2, max_try_count_1: 1, try_interval: 1_000, dial_timeout: 10_000 };

let sys: FaultSystem | undefined;
let dir: string | undefined;
afterEach(async () => {
  await sys?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  sys = undefined;
  dir = undefined;
});

/** A value of a marshalled attribute (the middleware sees the low-level input), or a plain one. */
const s = (v: unknown) => (v && typeof v === 'object' && 'S' in v ? (v as { S: string }).S : v);
const items = (input: any): any[] => input?.TransactItems ?? [];

/** The command each step ends with, and the moment of the crash around it. */
const plans: Record<string, Omit<CrashPlan, 'step'>> = {
  // The attempt is claimed (target, counters, line with its copy), never written, its job never queued.
  claim: {
    when: 'after',
    nth: 2,
    matches: (_, input) => s(items(input)[2]?.Update?.ExpressionAttributeValues?.[':et']) === 'person',
  },
  // The dial jobs are queued; the tick never gets to release its lease.
  enqueue: { when: 'after', nth: 1, matches: (command) => command === 'SendMessageBatchCommand' },
  // The carrier placed the call; its id is never recorded.
  place: {
    when: 'before',
    nth: 2,
    matches: (_, input) => String(input?.UpdateExpression ?? '').includes('reference_id = :call'),
  },
  // The answer is recorded on the attempt, not on its shard; the call dies with the process.
  answer: {
    when: 'after',
    nth: 2,
    matches: (_, input) => String(input?.UpdateExpression ?? '').startsWith('SET #status = :progressing'),
  },
  // The hangup arrives; the process dies before the attempt is closed.
  finish: {
    when: 'before',
    nth: 2,
    matches: (_, input) => String(input?.UpdateExpression ?? '').startsWith('SET #status = :done'),
  },
  // The attempt is closed; its target, line and shard are not told.
  'close-committed': {
    when: 'after',
    nth: 2,
    matches: (_, input) => String(input?.UpdateExpression ?? '').startsWith('SET #status = :done'),
  },
  // The target is back in line; the person's line is still held by the closed attempt.
  'close-target': {
    when: 'after',
    nth: 2,
    matches: (_, input) =>
      s(input?.ConditionExpression) === '#open = :cc' &&
      String(s(input?.Key?.pk) ?? '').startsWith('outdialtarget#'),
  },
};

describe('a process crash at each engine step, then a restart on the same data', () => {
  for (const [step, plan] of Object.entries(plans)) {
    it(`${step}: the campaign finishes with nothing lost or doubled`, async () => {
      dir = mkdtempSync(join(tmpdir(), 'outbound-crash-'));
      sys = await startFaultSystem({
        seed,
        ringMs: 2_000,
        talkMs: 5_000,
        queueDir: dir,
        crash: { step, ...plan },
      });
      const { given, read } = engineSteps(sys);
      const person = phone('answer');
      const h = await given.campaign({
        targets: [
          person,
          phone('answer'),
          [phone('busy'), phone('answer')],
          person,
          phone('noanswer'),
          phone('machine'),
          phone('answer'),
          phone('failed'),
        ],
        maxConcurrentCalls: 4,
        outplan: OUTPLAN,
      });

      const onePerPerson = async (round: number) => {
        const open = await sys!.store.openAttempts({ id: h.id }, '9999', 1_000);
        const numbers = open.map((x) => x.destination.target);
        expect(new Set(numbers).size, `open attempts to one person after round ${round}`).toBe(
          numbers.length,
        );
      };
      let rounds = 0;
      while (!sys.process.dead) {
        expect(++rounds, `the process dies at ${step}`).toBeLessThan(20);
        await sys.round(1_000);
        await onePerPerson(rounds);
      }
      const diedAt = sys.process.diedAt ?? '';
      await sys.restart();
      while ((await read.status(h.id)) !== 'stop') {
        expect(++rounds, 'the campaign ends after the restart').toBeLessThan(80);
        await sys.round(5_000);
        await onePerPerson(rounds);
      }

      const { calls, targets } = await expectEngineInvariants(sys, h);
      const openLeft = calls.filter((x) => x.status !== 'done').length;
      const stats = (await sys.customer.get(`/campaigns/${h.id}/stats`)).body;
      expect(stats).toMatchObject({
        attempts: calls.length,
        in_flight: 0,
        succeeded: calls.filter((x) => x.result === 'success').length,
        failed: calls.filter((x) => x.result === 'fail').length,
      });
      // Nothing lost: a target not done was tried on every destination as often as the outplan says.
      const max = [OUTPLAN.max_try_count_0, OUTPLAN.max_try_count_1];
      for (const t of targets.filter((x) => x.status !== 'done')) {
        for (const n of [0, 1]) {
          expect(t[`try_count_${n}`], `try_count_${n} of ${t.id}`).toBe(t[`destination_${n}`] ? max[n] : 0);
        }
      }

      const byAttempt = new Map<string, number>();
      for (const p of sys.placements) byAttempt.set(p.attemptId, (byAttempt.get(p.attemptId) ?? 0) + 1);
      let doubleDials = [...byAttempt.values()].reduce((n, k) => n + k - 1, 0);
      const byPerson = new Map<string, typeof sys.placements>();
      for (const p of sys.placements) byPerson.set(p.to, [...(byPerson.get(p.to) ?? []), p]);
      for (const list of byPerson.values()) {
        for (let i = 1; i < list.length; i++) {
          const before = list[i - 1]!;
          if (before.endedAt === undefined || list[i]!.at < before.endedAt) doubleDials++;
        }
      }
      // A result is lost when a call of the restarted process ended and its attempt says otherwise.
      const byId = new Map(calls.map((x) => [x.id as string, x]));
      let lostResults = openLeft;
      for (const p of sys.placements.filter((x) => x.process > 1)) {
        const state = await p.provider.getCall(p.callId);
        const attempt = byId.get(p.attemptId);
        const expected = state?.phase === 'ended' && state.reason === 'normal' ? 'success' : 'fail';
        if (attempt?.status === 'done' && attempt.result !== expected) lostResults++;
      }

      recordFigures(`engine crash at ${step} (${plan.when})`, [
        { figure: 'died', value: diedAt },
        { figure: 'attempts', value: calls.length },
        { figure: 'calls placed', value: sys.placements.length },
        { figure: 'double dials', value: doubleDials, bound: '= 0' },
        { figure: 'open attempts left', value: openLeft, bound: '= 0' },
        { figure: 'lost results', value: lostResults, bound: '= 0' },
      ]);
      expect(doubleDials, 'double dials').toBe(0);
      expect(openLeft, 'open attempts left').toBe(0);
      expect(lostResults, 'lost results').toBe(0);
    }, 120_000);
  }
});
