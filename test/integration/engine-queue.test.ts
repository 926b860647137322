import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, anOutdial, anOutplan } from '../support/factories/bodies.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ ringMs: 2000, talkMs: 5000 });
});
afterAll(() => sys.close());

let people = 0;
const setup = async (agents: number, targets: number, queueFields: Record<string, unknown> = {}) => {
  const c = sys.customer;
  const outplan = (
    await c.post('/outplans', anOutplan({ max_try_count_0: 2, max_try_count_1: 0, try_interval: 600_000 }))
  ).body;
  const outdial = (await c.post('/outdials', anOutdial())).body;
  for (let i = 0; i < targets; i++) {
    // Last digit 5..9: answered, then a normal hangup after the talk time. Every setup calls new people:
    // campaigns of earlier tests may still be calling theirs, and one person is never rung twice at once.
    await c.post(`/outdials/${outdial.id}/targets`, {
      name: `t${i}`,
      destination_0: { type: 'tel', target: `+1555${String(++people).padStart(6, '0')}${5 + (i % 5)}` },
    });
  }
  const tag = crypto.randomUUID();
  const queue = (await c.post('/queues', { name: 'sales', tag_ids: [tag], ...queueFields })).body;
  const agentIds: string[] = [];
  for (let i = 0; i < agents; i++) {
    agentIds.push((await c.post('/agents', { name: `a${i}`, tag_ids: [tag], status: 'available' })).body.id);
  }
  const campaign = (
    await c.post(
      '/campaigns',
      aCampaign({ outplan_id: outplan.id, outdial_id: outdial.id, queue_id: queue.id, service_level: 100 }),
    )
  ).body;
  await c.put(`/campaigns/${campaign.id}/status`, { status: 'run' });
  return { campaign, agentIds, outdial };
};

const calls = async (campaignId: string) =>
  (await sys.customer.get(`/campaigns/${campaignId}/campaigncalls`)).body.result as any[];
const agentStatus = async (id: string) => (await sys.customer.get(`/agents/${id}`)).body.status;

describe('queue join', () => {
  it('gives an answered call to an available agent, who is busy for the call and available after it', async () => {
    const { campaign, agentIds } = await setup(1, 3);
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(1);
    await sys.engine.drain();
    await sys.scheduler.advance(2000); // answered
    expect(await agentStatus(agentIds[0]!)).toBe('busy');
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(1); // the only agent is busy: no new call
    await sys.scheduler.advance(5000); // hangup
    expect(await agentStatus(agentIds[0]!)).toBe('available');
    const [done] = await calls(campaign.id);
    expect(done).toMatchObject({ status: 'done', result: 'success' });
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(2);
  });

  it('lets a caller wait when no agent is free and records a hang-up while waiting as abandoned', async () => {
    const { campaign, agentIds, outdial } = await setup(2, 2);
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(2);
    await sys.engine.drain();
    // One agent steps away while both calls ring: the second answered caller has nobody to talk to.
    await sys.customer.put(`/agents/${agentIds[1]}/status`, { status: 'away' });
    await sys.scheduler.advance(2000);
    expect(await agentStatus(agentIds[0]!)).toBe('busy');
    await sys.scheduler.advance(5000);
    const results = (await calls(campaign.id)).map((c) => c.result).sort();
    expect(results).toEqual(['fail', 'success']);
    const targets = (await sys.customer.get(`/outdials/${outdial.id}/targets`)).body.result as any[];
    expect(targets.map((t) => t.status).sort()).toEqual(['done', 'idle']);
    expect(await agentStatus(agentIds[0]!)).toBe('available');
    expect(await agentStatus(agentIds[1]!)).toBe('away');
  });

  it('offers a waiting caller to an agent who becomes available', async () => {
    const { campaign, agentIds } = await setup(1, 1);
    await sys.engine.tick();
    await sys.engine.drain();
    await sys.customer.put(`/agents/${agentIds[0]}/status`, { status: 'away' });
    await sys.scheduler.advance(2000); // answered, nobody free: waits
    await sys.customer.put(`/agents/${agentIds[0]}/status`, { status: 'available' });
    await sys.engine.tick(); // the waiting caller is offered first
    expect(await agentStatus(agentIds[0]!)).toBe('busy');
    await sys.scheduler.advance(5000);
    const [call] = await calls(campaign.id);
    expect(call).toMatchObject({ status: 'done', result: 'success' });
    expect(await agentStatus(agentIds[0]!)).toBe('available');
  });

  it('keeps an agent in wrap-up for the queue’s wrapup_ms after a call, uncounted by pacing, then available', async () => {
    const { campaign, agentIds } = await setup(1, 3, { wrapup_ms: 30_000 });
    await sys.engine.tick();
    await sys.engine.drain();
    await sys.scheduler.advance(2000); // answered
    await sys.scheduler.advance(5000); // hung up: wrap-up for 30 s
    expect(await agentStatus(agentIds[0]!)).toBe('wrapup');
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(1); // in wrap-up: no capacity
    await sys.scheduler.advance(20_000);
    await sys.engine.tick();
    expect(await agentStatus(agentIds[0]!)).toBe('wrapup');
    expect(await calls(campaign.id)).toHaveLength(1);
    await sys.scheduler.advance(10_000); // 30 s after the hangup
    await sys.engine.tick();
    expect(await agentStatus(agentIds[0]!)).toBe('available');
    expect(await calls(campaign.id)).toHaveLength(2);
  });

  it('ends wrap-up early when the agent is set available, and a later tick leaves that agent alone', async () => {
    const { campaign, agentIds } = await setup(1, 3, { wrapup_ms: 60_000 });
    await sys.engine.tick();
    await sys.engine.drain();
    await sys.scheduler.advance(7000); // answered and hung up
    expect(await agentStatus(agentIds[0]!)).toBe('wrapup');
    await sys.customer.put(`/agents/${agentIds[0]}/status`, { status: 'available' });
    await sys.engine.tick();
    expect(await calls(campaign.id)).toHaveLength(2);
    await sys.customer.put(`/agents/${agentIds[0]}/status`, { status: 'away' });
    await sys.scheduler.advance(60_000);
    await sys.engine.tick();
    // The old wrap-up's end does not make an agent who stepped away available.
    expect(await agentStatus(agentIds[0]!)).toBe('away');
  });

  it('shows a queue’s wrapup_ms, 0 by default, and keeps it when PUT omits it', async () => {
    const c = sys.customer;
    const plain = (await c.post('/queues', { name: 'q', tag_ids: [] })).body;
    expect(plain.wrapup_ms).toBe(0);
    const q = (await c.post('/queues', { name: 'q', tag_ids: [], wrapup_ms: 10_000 })).body;
    expect(q.wrapup_ms).toBe(10_000);
    expect((await c.put(`/queues/${q.id}`, { name: 'r', detail: '', tag_ids: [] })).body.wrapup_ms).toBe(
      10_000,
    );
    expect(
      (await c.put(`/queues/${q.id}`, { name: 'r', detail: '', tag_ids: [], wrapup_ms: 0 })).body.wrapup_ms,
    ).toBe(0);
    expect((await c.post('/queues', { name: 'q', tag_ids: [], wrapup_ms: -1 })).status).toBe(400);
  });
});
