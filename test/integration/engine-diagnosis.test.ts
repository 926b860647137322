/**
 * "Why is nothing dialing?": GET /campaigns/{id}/diagnosis names each reason the last tick decided,
 * with the earliest time it ends where the tick knows it.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withinCallingHours } from '#domain/calling-hours.ts';
import { NIL_UUID } from '#domain/ids.ts';
import { type CampaignHandle, engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: 5_000 });
  steps = engineSteps(sys);
});
afterEach(() => sys.close());

const answering = (n: number) => Array.from({ length: n }, () => phone('answer'));
const diagnosis = async (h: Pick<CampaignHandle, 'id'>) => {
  const res = await sys.customer.get(`/campaigns/${h.id}/diagnosis`);
  expect(res.status).toBe(200);
  return res.body as { dialing: boolean; reasons: { code: string; message: string; until?: string }[] };
};
const codes = async (h: Pick<CampaignHandle, 'id'>) => (await diagnosis(h)).reasons.map((r) => r.code);
const round = async () => {
  await steps.when.theTickRuns();
  await steps.when.theDialerRuns();
};

describe('campaign diagnosis', () => {
  it('says a stopped campaign is stopped, and a started one that no tick has seen yet says so', async () => {
    const h = await steps.given.campaign({ targets: answering(1), run: false });
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'stopped' }] });
    await steps.when.statusIsSet(h.id, 'run');
    expect(await codes(h)).toEqual(['not_ticked_yet']);
  });

  it('names a missing outplan or outdial', async () => {
    const h = await steps.given.campaign({ targets: answering(1) });
    await sys.engine.deps.resources.update(
      'campaign',
      h.id,
      { customerId: sys.customer.customerId },
      { outplan_id: NIL_UUID },
    );
    expect(await codes(h)).toEqual(['no_outplan']);
  });

  it('reports dialing at the concurrency cap, then the list done once every target has been called', async () => {
    const h = await steps.given.campaign({
      targets: answering(3),
      campaign: { dialing_mode: 'agentless', max_concurrent_calls: 2, end_handle: 'continue' },
    });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'max_concurrent_calls' }] });
    // The next ticks are screened (no room): the decision kept is the same.
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'max_concurrent_calls' }] });
    for (let i = 0; i < 6; i++) await steps.when.aRound(5_000);
    expect(await diagnosis(h)).toMatchObject({ dialing: false, reasons: [{ code: 'list_done' }] });
  });

  it('keeps "list done" beside "stopped" when a list that ends the campaign ran out', async () => {
    const h = await steps.given.campaign({ targets: answering(1) });
    await steps.when.runsToTheEnd(h.id);
    expect(await codes(h)).toEqual(['stopped', 'list_done']);
  });

  it('names no available agent, and agents in wrap-up', async () => {
    const tag = randomUUID();
    const h = await steps.given.campaign({ targets: answering(3), queueTags: [tag] });
    await round();
    expect(await codes(h)).toEqual(['no_agent_available']);

    const [agent] = await steps.given.agents(1, 'available', [tag]);
    await sys.customer.put(`/queues/${h.queueId}`, {
      name: 'q',
      detail: '',
      tag_ids: [tag],
      wrapup_ms: 60_000,
    });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'pacing_bound' }] });
    await steps.when.timePasses(7_000); // answered, talked, hung up: the agent wraps up
    expect((await sys.customer.get(`/agents/${agent}`)).body.status).toBe('wrapup');
    await round();
    expect(await codes(h)).toEqual(['agents_in_wrapup']);
  });

  it('names the pacing bound of service level', async () => {
    const tag = randomUUID();
    await steps.given.agents(4, 'available', [tag]);
    const h = await steps.given.campaign({
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
    const h = await steps.given.campaign({
      targets: [phone('busy'), phone('busy')],
      outplan: { max_try_count_0: 3, try_interval: 600_000 },
      campaign: { end_handle: 'continue' },
    });
    await round();
    await steps.when.timePasses(3_000); // both busy: ended
    const endedAt = sys.clock.now();
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
    const now = new Date(sys.clock.now());
    // A one-hour window starting three hours from now (UTC), every day.
    const startHour = (now.getUTCHours() + 3) % 24;
    const hh = (n: number) => String(n).padStart(2, '0');
    const hours = {
      timezone: 'UTC',
      days: [1, 2, 3, 4, 5, 6, 7],
      start: `${hh(startHour)}:00`,
      end: startHour === 23 ? '23:59' : `${hh(startHour + 1)}:00`,
    };
    const h = await steps.given.campaign({ targets: answering(1), campaign: { calling_hours: hours } });
    await round();
    const d = await diagnosis(h);
    expect(d.reasons.map((r) => r.code)).toEqual(['outside_calling_hours']);
    const until = Date.parse(d.reasons[0]!.until!);
    expect(withinCallingHours(hours, until)).toBe(true);
    expect(withinCallingHours(hours, until - 60_000)).toBe(false);
    expect(until).toBeGreaterThan(sys.clock.now());
  });

  it('names the carrier’s calls-per-second budget when it cut the calls of a tick', async () => {
    sys.engine.deps.settings.claimsPerTick = 1;
    const h = await steps.given.campaign({ targets: answering(4), maxConcurrentCalls: 10 });
    await round();
    expect(await diagnosis(h)).toMatchObject({ dialing: true, reasons: [{ code: 'cps_budget' }] });
  });

  it('names carrier errors for some minutes after the carrier refused calls', async () => {
    const h = await steps.given.campaign({
      targets: [phone('failed'), ...answering(3)],
      maxConcurrentCalls: 1,
      outplan: { max_try_count_0: 1 },
    });
    await round();
    for (let i = 0; i < 3; i++) await steps.when.aRound(1_000);
    expect(await codes(h)).toContain('carrier_errors');
    await steps.when.timePasses(6 * 60_000);
    await round();
    expect(await codes(h)).not.toContain('carrier_errors');
  });
});
