import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCampaign, anOutdial, anOutplan } from '../support/factories/bodies.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startTestSystem({ ringMs: 2000, talkMs: 5000 });
});
afterAll(() => sys.close());

/** A destination whose last digit picks the simulated outcome: 1 busy, 2 no answer, 3 failed, 4 machine. */
const number = (i: number) => `+1555${String(1_000_000 + i).slice(-7)}`;

const allTargets = async (outdialId: string) => {
  const out: any[] = [];
  let token = '';
  for (;;) {
    const page = await sys.customer.get(
      `/outdials/${outdialId}/targets?page_size=100&page_token=${encodeURIComponent(token)}`,
    );
    out.push(...page.body.result);
    if (page.body.result.length === 0) return out;
    token = page.body.next_page_token;
  }
};

const allCalls = async (campaignId: string) => {
  const out: any[] = [];
  let token = '';
  for (;;) {
    const page = await sys.customer.get(
      `/campaigns/${campaignId}/campaigncalls?page_size=100&page_token=${encodeURIComponent(token)}`,
    );
    out.push(...page.body.result);
    if (page.body.result.length === 0) return out;
    token = page.body.next_page_token;
  }
};

const runUntilStopped = async (campaignId: string, maxRounds: number) => {
  for (let i = 0; i < maxRounds; i++) {
    await sys.round(5000);
    const c = await sys.customer.get(`/campaigns/${campaignId}`);
    if (c.body.status === 'stop') return i + 1;
  }
  throw new Error('campaign did not stop');
};

describe('a running campaign', () => {
  it('dials every target, retries the failures per the outplan, records every result and ends', async () => {
    const c = sys.customer;
    const outplan = (
      await c.post('/outplans', anOutplan({ max_try_count_0: 2, max_try_count_1: 0, try_interval: 60_000 }))
    ).body;
    const outdial = (await c.post('/outdials', anOutdial())).body;
    const count = 20;
    for (let i = 0; i < count; i++) {
      const res = await c.post(`/outdials/${outdial.id}/targets`, {
        name: `t${i}`,
        destination_0: { type: 'tel', target: number(i) },
      });
      expect(res.status).toBe(200);
    }
    const campaign = (
      await c.post('/campaigns', aCampaign({ outplan_id: outplan.id, outdial_id: outdial.id }))
    ).body;
    expect((await c.put(`/campaigns/${campaign.id}/status`, { status: 'run' })).body.status).toBe('run');

    await runUntilStopped(campaign.id, 200);

    const failing = (t: any) => ['1', '2', '3', '4'].includes(t.destination_0.target.at(-1));
    const targets = await allTargets(outdial.id);
    expect(targets).toHaveLength(count);
    for (const t of targets) {
      if (failing(t)) {
        expect({ target: t.destination_0.target, tries: t.try_count_0, status: t.status }).toEqual({
          target: t.destination_0.target,
          tries: 2,
          status: 'idle',
        });
      } else {
        expect({ target: t.destination_0.target, tries: t.try_count_0, status: t.status }).toEqual({
          target: t.destination_0.target,
          tries: 1,
          status: 'done',
        });
      }
    }
    const calls = await allCalls(campaign.id);
    const failingTargets = targets.filter(failing).length;
    expect(calls).toHaveLength(count - failingTargets + 2 * failingTargets);
    expect(calls.every((x) => x.status === 'done')).toBe(true);
    expect(calls.filter((x) => x.result === 'success')).toHaveLength(count - failingTargets);
    expect(calls.every((x) => x.reference_type === 'call' && x.reference_id.startsWith('SIM'))).toBe(true);
  });
});
