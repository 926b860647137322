/**
 * "Why is nothing dialing?": GET /campaigns/{id}/diagnosis names each reason the last tick decided,
 * with the earliest time it ends where the tick knows it.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { withinCallingHours } from '#domain/calling-hours.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { type CampaignHandle, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));
const diagnosis = async (h: Pick<CampaignHandle, 'id'>) => {
  const res = await ctx.sys.customer.get(`/campaigns/${h.id}/diagnosis`);
  expect(res.status).toBe(200);
  return res.body as { dialing: boolean; reasons: { code: string; message: string; until?: string }[] };
};
const codes = async (h: Pick<CampaignHandle, 'id'>) => (await diagnosis(h)).reasons.map((r) => r.code);
const round = async () => {
  await ctx.steps.when.theTickRuns();
  await ctx.steps.when.theDialerRuns();
};

describe('campaign diagnosis', () => {
  it('says a stopped campaign is stopped, and a started one that no tick has seen yet says so', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(1), run: false });
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'stopped' }] });
    await ctx.steps.when.statusIsSet(h.id, 'run');
    expect(await codes(h)).toEqual(['not_ticked_yet']);
  });

  it('names a missing outplan or outdial', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(1) });
    await ctx.sys.engine.deps.resources.update(
      'campaign',
      h.id,
      { customerId: ctx.sys.customer.customerId },
      { outplan_id: NIL_UUID },
    );
    expect(await codes(h)).toEqual(['no_outplan']);
  });

  it('reports dialing at the concurrency cap, then the list done once every target has been called', async () => {
    const h = await ctx.steps.given.campaign({
      targets: answering(3),
      campaign: { dialing_mode: 'agentless', max_concurrent_calls: 2, end_handle: 'continue' },
    });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'max_concurrent_calls' }] });
    // The next ticks are screened (no room): the decision kept is the same.
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'max_concurrent_calls' }] });
    for (let i = 0; i < 6; i++) await ctx.steps.when.aRound(5_000);
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'list_done' }] });
  });

  it('keeps "list done" beside "stopped" when a list that ends the campaign ran out', async () => {
    const h = await ctx.steps.given.campaign({ targets: answering(1) });
    await ctx.steps.when.runsToTheEnd(h.id);
    expect(await codes(h)).toEqual(['stopped', 'list_done']);
  });

  it('names no available agent, and agents in wrap-up', async () => {
    const tag = randomUUID();
    const h = await ctx.steps.given.campaign({ targets: answering(3), queueTags: [tag] });
    await round();
    expect(await codes(h)).toEqual(['no_agent_available']);

    const [agent] = await ctx.steps.given.agents(1, 'available', [tag]);
    await ctx.sys.customer.put(`/queues/${h.queueId}`, {
      name: 'q',
      detail: '',
      tag_ids: [tag],
      wrapup_ms: 60_000,
    });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'pacing_bound' }] });
    await ctx.steps.when.timePasses(7_000); // answered, talked, hung up: the agent wraps up
    expect((await ctx.sys.customer.get(`/agents/${agent}`)).body.status).toBe('wrapup');
    await round();
    expect(await codes(h)).toEqual(['agents_in_wrapup']);
  });

  it('names the pacing bound of service level', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(4, 'available', [tag]);
    const h = await ctx.steps.given.campaign({
      targets: answering(9),
      queueTags: [tag],
      campaign: { service_level: 50 },
    });
    await round();
    await round();
    const d = await diagnosis(h);
    expect(d).toMatchObject({ dialing: false, reasons: [{ code: 'pacing_bound' }] });
    expect(d.reasons[0]!.message).toContain('service_level 50');
  });

  it('says every target waits for its retry, and from when the first is due', async () => {
    const h = await ctx.steps.given.campaign({
      targets: [phone('busy'), phone('busy')],
      outplan: { max_try_count_0: 3, try_interval: 600_000 },
      campaign: { end_handle: 'continue' },
    });
    await round();
    await ctx.steps.when.timePasses(3_000); // both busy: ended
    const endedAt = ctx.sys.clock.now();
    await round();
    const d = await diagnosis(h);
    expect(d.reasons).toEqual([
      { code: 'waiting_retry', message: expect.any(String), until: expect.any(String) },
    ]);
    const until = Date.parse(d.reasons[0]!.until!);
    expect(until).toBeGreaterThan(endedAt);
    expect(until).toBeLessThanOrEqual(endedAt + 600_000);
  });

  it('says when calling hours open next while outside them', async () => {
    const now = new Date(ctx.sys.clock.now());
    // A one-hour window starting three hours from now (UTC), every day.
    const startHour = (now.getUTCHours() + 3) % 24;
    const hh = (n: number) => String(n).padStart(2, '0');
    const hours = {
      timezone: 'UTC',
      days: [1, 2, 3, 4, 5, 6, 7],
      start: `${hh(startHour)}:00`,
      end: startHour === 23 ? '23:59' : `${hh(startHour + 1)}:00`,
    };
    const h = await ctx.steps.given.campaign({ targets: answering(1), campaign: { calling_hours: hours } });
    await round();
    const d = await diagnosis(h);
    expect(d.reasons.map((r) => r.code)).toEqual(['outside_calling_hours']);
    const until = Date.parse(d.reasons[0]!.until!);
    expect(withinCallingHours(hours, until)).toBe(true);
    expect(withinCallingHours(hours, until - 60_000)).toBe(false);
    expect(until).toBeGreaterThan(ctx.sys.clock.now());
  });

  it('names the carrier’s calls-per-second budget when it cut the calls of a tick', async () => {
    ctx.sys.engine.deps.settings.claimsPerTick = 1;
    const h = await ctx.steps.given.campaign({ targets: answering(4), maxConcurrentCalls: 10 });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'cps_budget' }] });
  });

  it('names carrier errors for some minutes after the carrier refused calls', async () => {
    const h = await ctx.steps.given.campaign({
      targets: [phone('failed'), ...answering(3)],
      maxConcurrentCalls: 1,
      outplan: { max_try_count_0: 1 },
    });
    await round();
    for (let i = 0; i < 3; i++) await ctx.steps.when.aRound(1_000);
    expect(await codes(h)).toContain('carrier_errors');
    await ctx.steps.when.timePasses(6 * 60_000);
    await round();
    expect(await codes(h)).not.toContain('carrier_errors');
  });
  it('names people held by the contact policy’s caps, with the earliest time one may be called', async () => {
    const policy = {
      max_attempts: null,
      per_days: null,
      rest_after_contact_days: 1,
      calling_hours: null,
    };
    expect((await ctx.sys.customer.put('/customer/contact_policy', policy)).status).toBe(200);
    const person = phone('answer');
    const first = await ctx.steps.given.campaign({ targets: [person] });
    await ctx.steps.when.runsToTheEnd(first.id);
    const reachedAt = ctx.sys.clock.now();
    const second = await ctx.steps.given.campaign({
      targets: [person],
      campaign: { end_handle: 'continue' },
    });
    await round();
    const d = await diagnosis(second);
    expect(d.dialing).toBe(false);
    const held = d.reasons.find((r) => r.code === 'held_by_contact_policy');
    expect(held?.message).toContain('1 due person is held');
    // The rest runs a day from the end of the call that reached the person.
    const until = Date.parse(held!.until!);
    expect(until).toBeGreaterThan(reachedAt + 86_400_000 - 60_000);
    expect(until).toBeLessThanOrEqual(reachedAt + 86_400_000);
  });

  it('names destinations skipped because their numbers are suppressed', async () => {
    const blocked = phone('answer');
    expect(
      (await ctx.sys.customer.post('/suppressions', { number: blocked, reason: 'asked', expire_at: null }))
        .status,
    ).toBe(200);
    const h = await ctx.steps.given.campaign({ targets: [blocked], campaign: { end_handle: 'continue' } });
    await round();
    expect(await codes(h)).toContain('held_suppressed');
    expect(await ctx.steps.read.calls(h.id)).toEqual([]);
  });

  it('names the abandon-rate governor of a predictive campaign with the measured rate and the bound', async () => {
    const tag = randomUUID();
    await ctx.steps.given.agents(2, 'available', [tag]);
    await ctx.steps.given.agents(6, 'busy', [tag]);
    const h = await ctx.steps.given.campaign({
      targets: answering(10),
      queueTags: [tag],
      run: false,
      campaign: { dialing_mode: 'predictive', max_abandon_rate: 0.02 },
    });
    const ids = (n: number) => Array.from({ length: n }, () => randomUUID());
    const people = ids(50);
    await ctx.sys.engine.deps.timeseries.record([
      {
        customerId: ctx.sys.customer.customerId,
        campaignId: h.id,
        minute: ctx.sys.clock.now() - (ctx.sys.clock.now() % 60_000),
        dialed: people,
        answered: people,
        outcomes: { success: people.slice(1), abandoned: people.slice(0, 1) },
        human: people,
      },
    ]);
    await ctx.steps.when.statusIsSet(h.id, 'run');
    await round();
    await round();
    const d = await diagnosis(h);
    expect(d.reasons.map((r) => r.code)).toEqual(['abandon_governor']);
    // 1 of 50 people abandoned: 2 %, at the campaign's 2 % bound; one call per available agent.
    expect(d.reasons[0]!.message).toContain('2 % measured over 50 ended calls');
    expect(d.reasons[0]!.message).toContain('max_abandon_rate 2 %');
    expect((await ctx.steps.read.calls(h.id)).length).toBe(2);
  });
});
