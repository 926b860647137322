/**
 * §6 dial_info: raising a maximum can revive exhausted targets. After the change the engine reviews
 * the targets it had parked, dials the ones with tries left again and leaves the others alone.
 */
import { expect, it } from 'vitest';
import { phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest({ ringMs: 1_000, talkMs: 1_000 });

const dialInfo = (outplan: Record<string, any>, changes: Record<string, number>) => ({
  source: outplan.source,
  dial_timeout: outplan.dial_timeout,
  try_interval: outplan.try_interval,
  max_try_count_0: outplan.max_try_count_0,
  max_try_count_1: outplan.max_try_count_1,
  max_try_count_2: outplan.max_try_count_2,
  max_try_count_3: outplan.max_try_count_3,
  max_try_count_4: outplan.max_try_count_4,
  ...changes,
});

it('dials exhausted targets again after max_try_count is raised, and only as far as the new maximum', async () => {
  const { given, when, read } = ctx.steps;
  const busy = phone('busy');
  const h = await given.campaign({
    targets: [busy, phone('answer')],
    outplan: { max_try_count_0: 1, max_try_count_1: 0, try_interval: 0 },
    campaign: { end_handle: 'continue' },
  });
  // One try each: the busy target is exhausted and parked, the answered one is done.
  for (let i = 0; i < 4; i++) await when.aRound(5_000);
  expect((await read.calls(h.id)).map((c) => c.destination.target).sort()).toHaveLength(2);

  const raised = await ctx.sys.customer.put(
    `/outplans/${h.outplanId}/dial_info`,
    dialInfo(h.outplan, { max_try_count_0: 3 }),
  );
  expect(raised.status).toBe(200);
  // The review stamp is internal: never part of the resource.
  expect(Object.keys(raised.body).some((k) => k.startsWith('_'))).toBe(false);

  for (let i = 0; i < 8; i++) await when.aRound(5_000);
  const calls = await read.calls(h.id);
  const toBusy = calls.filter((c) => c.destination.target === busy);
  expect(toBusy.map((c) => c.try_count).sort()).toEqual([1, 2, 3]);
  expect(calls.filter((c) => c.destination.target !== busy)).toHaveLength(1);
  const target = await read.target(h.outdialId, h.targets[0]!.id);
  expect(target.try_count_0).toBe(3);
});

it('leaves exhausted targets parked when dial_info changes without raising their maximum', async () => {
  const { given, when, read } = ctx.steps;
  const h = await given.campaign({
    targets: [phone('busy'), phone('failed')],
    outplan: { max_try_count_0: 1, max_try_count_1: 0, try_interval: 0 },
    campaign: { end_handle: 'continue' },
  });
  for (let i = 0; i < 4; i++) await when.aRound(5_000);
  expect(await read.calls(h.id)).toHaveLength(2);

  const changed = await ctx.sys.customer.put(
    `/outplans/${h.outplanId}/dial_info`,
    dialInfo(h.outplan, { dial_timeout: 20_000 }),
  );
  expect(changed.status).toBe(200);
  for (let i = 0; i < 4; i++) await when.aRound(5_000);

  expect(await read.calls(h.id)).toHaveLength(2);
  const campaign = await ctx.sys.engine.deps.engine.getCampaign(h.id);
  // Reviewed once: later ticks do not read the parked targets again.
  expect(campaign?._exhausted_reviewed).toBeDefined();
});

it('ends a campaign with end_handle stop after the revived targets have had their new tries', async () => {
  const { given, when, read } = ctx.steps;
  const busy = phone('busy');
  const h = await given.campaign({
    targets: [busy],
    outplan: { max_try_count_0: 1, max_try_count_1: 0, try_interval: 0 },
  });
  await when.runsToTheEnd(h.id);
  expect(await read.calls(h.id)).toHaveLength(1);

  await ctx.sys.customer.put(
    `/outplans/${h.outplanId}/dial_info`,
    dialInfo(h.outplan, { max_try_count_0: 2 }),
  );
  expect((await when.statusIsSet(h.id, 'run')).body.status).toBe('run');
  await when.runsToTheEnd(h.id);

  expect((await read.calls(h.id)).map((c) => c.try_count).sort()).toEqual([1, 2]);
});
