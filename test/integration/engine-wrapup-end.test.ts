/**
 * Wrap-up ends on time (docs/behaviour.md, Queue join): an agent's wrap-up is ended by a job on the
 * dial queue delayed by the queue's wrapup_ms (the SQS emulator's own delay, in real seconds, then the
 * engine's clock), not by the next tick, and a caller already waiting gets the agent at once. A
 * duplicate or late job changes nothing; the tick still ends a wrap-up whose job was lost. On the
 * simulator, DynamoDB Local and the SQS emulator.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { itemKey } from '#adapters/dynamodb/keys.ts';
import type { DialJob } from '#ports/dial-queue.ts';
import { RetryLater } from '#services/engine/place-call.ts';
import { endWrapUpOnTime } from '#services/engine/wrapup-end.ts';
import { engineSteps, phone } from '../support/engine-steps.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const TALK_MS = 10_000;

let sys: TestSystem;
let steps: ReturnType<typeof engineSteps>;
beforeEach(async () => {
  sys = await startTestSystem({ ringMs: 2_000, talkMs: TALK_MS });
  steps = engineSteps(sys);
});
afterEach(() => sys.close());

const agentItem = async (id: string) =>
  (await sys.ddb.send(new GetCommand({ TableName: sys.tableName, Key: itemKey('agent', id) }))).Item ?? {};
const agentStatus = async (id: string) => (await agentItem(id)).status as string;

/** Runs the dialer on what the queue hands out (delayed jobs as they come due) until `done`. */
const dialerUntil = async (done: () => Promise<boolean>, maxRealMs = 8_000) => {
  const until = Date.now() + maxRealMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('not reached while the dialer ran');
    await sys.engine.pollOnce(1);
  }
};

/** A running campaign of `targets` answering people whose queue (of `wrapup_ms`) has one agent. */
const oneAgentCampaign = async (wrapupMs: number, targets = 1) => {
  const tag = randomUUID();
  const [agentId] = await steps.given.agents(1, 'available', [tag]);
  const h = await steps.given.campaign({
    targets: Array.from({ length: targets }, () => phone('answer')),
    queueTags: [tag],
    campaign: { service_level: 100, abandon_after_ms: 60_000 },
  });
  await sys.customer.put(`/queues/${h.queueId}`, {
    name: 'sales',
    detail: '',
    tag_ids: [tag],
    wrapup_ms: wrapupMs,
  });
  return { h, agentId: agentId!, tag };
};

describe('wrap-up ends on time', { timeout: 90_000 }, () => {
  it('makes an agent available when its wrap-up ends, without a tick, and gives it the caller waiting', async () => {
    const { h, agentId, tag } = await oneAgentCampaign(1_000, 2);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.timePasses(2_000); // the first call answered: the agent takes it until +12 s
    expect(await agentStatus(agentId)).toBe('busy');
    // A second agent lets the next tick place the second call, then steps away before it is answered.
    const [helper] = await steps.given.agents(1, 'available', [tag]);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.agentIs(helper!, 'away');
    await steps.when.timePasses(2_000); // the second call answered at +4 s: nobody free, it waits
    const waiting = await sys.engine.deps.engine.waitingCallers(h.queueId, 10);
    expect(waiting).toHaveLength(1);
    const waitingId = waiting[0]!.id;

    await steps.when.timePasses(8_000); // +12 s: the first call ends, the agent wraps up for 1 s
    expect(await agentStatus(agentId)).toBe('wrapup');
    await steps.when.timePasses(1_000); // wrap-up over; no tick runs from here on
    await dialerUntil(async () => (await agentStatus(agentId)) === 'busy');

    const taken = await sys.engine.deps.engine.getCampaigncall(waitingId);
    expect(taken).toMatchObject({ status: 'progressing', _agent_id: agentId });
    expect(await sys.engine.deps.engine.waitingCallers(h.queueId, 10)).toEqual([]);
  });

  it('frees an agent with nobody waiting when its wrap-up ends, and the next tick dials for it', async () => {
    const { h, agentId } = await oneAgentCampaign(1_000, 2);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.timePasses(2_000 + TALK_MS); // answered, talked, hung up: wrap-up for 1 s
    expect(await agentStatus(agentId)).toBe('wrapup');
    await steps.when.timePasses(1_000);
    await dialerUntil(async () => (await agentStatus(agentId)) === 'available');
    // The tick finds the agent free already: it neither had to end the wrap-up nor waits a tick more.
    await steps.when.theTickRuns();
    expect(await steps.read.calls(h.id)).toHaveLength(2);
  });
});

describe('a late or duplicate wrap-up end', { timeout: 90_000 }, () => {
  it('changes nothing for an agent set busy meanwhile, nor for one whose wrap-up ended already', async () => {
    const { h, agentId } = await oneAgentCampaign(30_000);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.timePasses(2_000 + TALK_MS); // hung up: wrap-up for 30 s
    const item = await agentItem(agentId);
    expect(item.status).toBe('wrapup');
    const [call] = await steps.read.calls(h.id);
    const job = { campaigncallId: call.id as string, wrapupUntil: String(item._wrapup_until) };

    // Early by the engine's clock (the queue's delay is whole seconds of its own): it comes back later.
    await expect(endWrapUpOnTime(sys.engine.deps, job)).rejects.toBeInstanceOf(RetryLater);
    expect(await agentStatus(agentId)).toBe('wrapup');

    // The agent is set busy by hand during the wrap-up: the end, when due, leaves them busy.
    await steps.when.agentIs(agentId, 'busy');
    await steps.when.timePasses(30_000);
    expect(await endWrapUpOnTime(sys.engine.deps, job)).toBe('not-in-wrapup');
    expect(await agentStatus(agentId)).toBe('busy');

    // Back in wrap-up by hand is not the wrap-up the job was sent for: the agent's own, left to them.
    await steps.when.agentIs(agentId, 'wrapup');
    expect(await endWrapUpOnTime(sys.engine.deps, job)).toBe('not-in-wrapup');
    expect(await agentStatus(agentId)).toBe('wrapup');
  });

  it('ends a wrap-up once: a second delivery of the same end leaves an agent who stepped away alone', async () => {
    const { h, agentId } = await oneAgentCampaign(30_000);
    await steps.when.theTickRuns();
    await steps.when.theDialerRuns();
    await steps.when.timePasses(2_000 + TALK_MS);
    const item = await agentItem(agentId);
    const [call] = await steps.read.calls(h.id);
    const job = { campaigncallId: call.id as string, wrapupUntil: String(item._wrapup_until) };
    await steps.when.timePasses(30_000);

    expect(await endWrapUpOnTime(sys.engine.deps, job)).toBe('ended');
    expect(await agentStatus(agentId)).toBe('available');
    await steps.when.agentIs(agentId, 'away');
    expect(await endWrapUpOnTime(sys.engine.deps, job)).toBe('not-in-wrapup');
    expect(await agentStatus(agentId)).toBe('away');
  });

  it('leaves the end to the tick when the job was lost, and the call still closes', async () => {
    const { h, agentId } = await oneAgentCampaign(2_000);
    const queue = sys.engine.deps.dialQueue;
    const lost: DialJob[] = [];
    const sendLater = queue.sendLater.bind(queue);
    queue.sendLater = async (job, delayMs) => {
      if (job.kind === 'wrapup-end') {
        lost.push(job);
        throw new Error('the queue refused the message');
      }
      return sendLater(job, delayMs);
    };
    try {
      await steps.when.theTickRuns();
      await steps.when.theDialerRuns();
      await steps.when.timePasses(2_000 + TALK_MS);
      expect(lost).toHaveLength(1);
      const [call] = await steps.read.calls(h.id);
      expect(call).toMatchObject({ status: 'done', result: 'success' });
      expect(await agentStatus(agentId)).toBe('wrapup');

      await steps.when.timePasses(2_000);
      await sys.engine.drain();
      expect(await agentStatus(agentId)).toBe('wrapup'); // nothing but the tick frees it now
      await steps.when.theTickRuns();
      expect(await agentStatus(agentId)).toBe('available');
    } finally {
      queue.sendLater = sendLater;
    }
  });
});
