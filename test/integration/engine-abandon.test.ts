/**
 * Abandoned calls (docs/behaviour.md, "Abandoned calls"): an answered caller no agent takes within the
 * campaign's abandon_after_ms hears its abandon_message and the call ends `abandoned`, by a delayed
 * check on the dial queue (the SQS emulator's own delay, in real seconds, then the engine's clock); an
 * agent or the abandon, never both; then no campaign of the customer calls the person for 72 hours.
 * On the simulator, DynamoDB Local and the SQS emulator.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { SimulatorProvider } from '#adapters/telephony/simulator/simulator-provider.ts';
import { formatTimestamp } from '#domain/time.ts';
import { abandonCall } from '#services/engine/abandon-call.ts';
import { RetryLater } from '#services/engine/place-call.ts';
import { type CampaignHandle, phone } from '../support/engine-steps.ts';
import { systemPerTest } from '../support/system-per-test.ts';

const ctx = systemPerTest();

const MESSAGE = [
  { type: 'talk', option: { text: 'This was Acme Energy. Please call us back on 0800 123 456.' } },
];
const HOURS_72 = 72 * 3_600_000;

const simulator = () => ctx.sys.engine.deps.provider as SimulatorProvider;
const statsOf = async (id: string) => (await ctx.sys.customer.get(`/campaigns/${id}/stats`)).body;
const agentStatus = async (id: string) => (await ctx.sys.customer.get(`/agents/${id}`)).body.status;
const contact = async (number: string) =>
  (await ctx.sys.customer.get(`/contacts/${encodeURIComponent(number)}`)).body;

/**
 * A running queue campaign of one answering target whose only agent steps away while it rings: the
 * caller answers (at +2 s) with nobody free, and waits.
 */
const aWaitingCaller = async (campaign: Record<string, unknown> = {}, number = phone('answer')) => {
  const tag = randomUUID();
  const [agentId] = await ctx.steps.given.agents(1, 'available', [tag]);
  const h = await ctx.steps.given.campaign({
    targets: [number],
    queueTags: [tag],
    campaign: { abandon_after_ms: 1_000, abandon_message: MESSAGE, ...campaign },
  });
  await ctx.steps.when.theTickRuns();
  await ctx.steps.when.theDialerRuns();
  await ctx.steps.when.agentIs(agentId!, 'away');
  await ctx.steps.when.timePasses(2_000); // answered: nobody free, the caller waits
  const [call] = await ctx.steps.read.calls(h.id);
  expect(call).toMatchObject({ status: 'progressing' });
  return { h, agentId: agentId!, tag, callId: call.id as string, number };
};

const reasonsOf = async (h: CampaignHandle) => (await statsOf(h.id)).failed_by_reason;

describe('abandoned calls', () => {
  it('abandons a caller no agent takes within abandon_after_ms: the message plays, the call ends abandoned, an agent freed later does not get it', async () => {
    const { h, agentId, callId, number } = await aWaitingCaller();
    await ctx.steps.when.timePasses(1_000);
    await ctx.sys.engine.drainDelayed();

    expect(simulator().interrupted).toEqual([
      expect.objectContaining({ attemptId: callId, actions: [expect.objectContaining(MESSAGE[0])] }),
    ]);
    const call = await ctx.steps.read.call(callId);
    expect(call).toMatchObject({ status: 'done', result: 'fail' });
    expect(await reasonsOf(h)).toMatchObject({ abandoned: 1 });
    expect(await statsOf(h.id)).toMatchObject({ answered: 1, failed: 1, succeeded: 0 });
    const [target] = await ctx.steps.read.targets(h.outdialId);
    expect(target.status).toBe('idle');

    await ctx.steps.when.agentIs(agentId, 'available');
    await ctx.steps.when.theTickRuns();
    expect(await agentStatus(agentId)).toBe('available');
    expect(simulator().interrupted).toHaveLength(1);
    const person = await contact(number);
    expect(person).toMatchObject({ reason: 'abandoned_rest', last_abandoned: expect.any(String) });
    expect(Date.parse(person.next_allowed_at)).toBe(Date.parse(person.last_abandoned) + HOURS_72);
  });

  it('does not abandon a caller an agent takes within the delay', async () => {
    const { h, agentId, callId } = await aWaitingCaller();
    await ctx.steps.when.timePasses(500);
    await ctx.steps.when.agentIs(agentId, 'available');
    await ctx.steps.when.theTickRuns(); // the waiting caller is offered to the agent
    expect(await agentStatus(agentId)).toBe('busy');
    await ctx.steps.when.timePasses(1_000);
    await ctx.sys.engine.drainDelayed(); // the check finds the caller with an agent

    expect(simulator().interrupted).toEqual([]);
    await ctx.steps.when.timePasses(5_000);
    expect(await ctx.steps.read.call(callId)).toMatchObject({ status: 'done', result: 'success' });
    expect(await reasonsOf(h)).toMatchObject({ abandoned: 0 });
  });

  it('puts back a check that comes early by the engine clock, and a duplicate or late one changes nothing', async () => {
    const { h, callId } = await aWaitingCaller();
    await expect(abandonCall(ctx.sys.engine.deps, callId)).rejects.toBeInstanceOf(RetryLater);
    expect(simulator().interrupted).toEqual([]);

    await ctx.steps.when.timePasses(1_000);
    await ctx.sys.engine.drainDelayed();
    expect(simulator().interrupted).toHaveLength(1);
    const after = await statsOf(h.id);

    // The same check again, now and after a while: the call has ended, nothing more happens.
    expect(await abandonCall(ctx.sys.engine.deps, callId)).toBe('not-waiting');
    await ctx.sys.engine.deps.dialQueue.sendLater({ campaigncallId: callId, kind: 'abandon' }, 0);
    await ctx.steps.when.timePasses(60_000);
    await ctx.sys.engine.drainDelayed();
    expect(simulator().interrupted).toHaveLength(1);
    expect(await statsOf(h.id)).toEqual(after);
  });

  it('gives a waiting caller to the agent or abandons them, never both, whichever write lands first', async () => {
    // The abandon first: the agent's take is refused and the agent stays available.
    const first = await aWaitingCaller();
    const now = formatTimestamp(ctx.sys.clock.now());
    expect(await ctx.sys.engine.deps.engine.markAbandoned(first.callId, now)).toBe(true);
    await ctx.steps.when.agentIs(first.agentId, 'available');
    const abandoned = await ctx.sys.engine.deps.engine.getCampaigncall(first.callId);
    expect(await ctx.sys.engine.deps.engine.assignAgent(abandoned!, [first.tag], now)).toBeUndefined();
    expect(await agentStatus(first.agentId)).toBe('available');
    expect(await ctx.sys.engine.deps.engine.markAbandoned(first.callId, now)).toBe(false);

    // The agent first: the abandon is refused, and the check that comes later does nothing.
    const second = await aWaitingCaller();
    await ctx.steps.when.agentIs(second.agentId, 'available');
    const waiting = await ctx.sys.engine.deps.engine.getCampaigncall(second.callId);
    expect(await ctx.sys.engine.deps.engine.assignAgent(waiting!, [second.tag], now)).toBe(second.agentId);
    expect(await ctx.sys.engine.deps.engine.markAbandoned(second.callId, now)).toBe(false);
    await ctx.steps.when.timePasses(1_000);
    expect(await abandonCall(ctx.sys.engine.deps, second.callId)).toBe('not-waiting');
    expect(simulator().interrupted.map((i) => i.attemptId)).not.toContain(second.callId);
  });

  it('does not abandon a call a machine answered: its close is the machine detection’s', async () => {
    const { h, callId } = await aWaitingCaller({}, phone('machine'));
    // Due, and the machine's verdict not yet reported: the carrier's view of the call says who answered.
    ctx.sys.clock.set(ctx.sys.clock.peek() + 1_000);
    expect(await abandonCall(ctx.sys.engine.deps, callId)).toBe('machine');
    await ctx.steps.when.timePasses(0);
    await ctx.sys.engine.drainDelayed();
    expect(simulator().interrupted).toEqual([]);
    expect(await reasonsOf(h)).toMatchObject({ abandoned: 0, amd: 1 });
  });

  it('refuses an abandon_after_ms or abandon_message it cannot honour, naming the field', async () => {
    for (const [body, field] of [
      [{ abandon_after_ms: 999 }, 'abandon_after_ms'],
      [{ abandon_after_ms: 60_001 }, 'abandon_after_ms'],
      [{ abandon_message: [{ type: 'connect', option: {} }] }, 'abandon_message.0.type'],
      [{ abandon_message: [{ type: 'talk', option: {} }] }, 'abandon_message.0.option.text'],
    ] as const) {
      const res = await ctx.sys.customer.post('/campaigns', { ...aCampaignBody(), ...body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body), JSON.stringify(body)).toContain(field);
    }
  });
});

const aCampaignBody = () => ({
  name: 'c',
  detail: '',
  type: 'call',
  service_level: 100,
  end_handle: 'stop',
});

describe('the rest after an abandoned call', () => {
  it('keeps every campaign of the customer from calling the person for 72 hours, then calls them', async () => {
    const number = phone('answer');
    const a = await aWaitingCaller({}, number);
    await ctx.steps.when.timePasses(1_000);
    await ctx.sys.engine.drainDelayed();
    expect(await reasonsOf(a.h)).toMatchObject({ abandoned: 1 });
    await ctx.steps.when.statusIsSet(a.h.id, 'stop');

    const tag = randomUUID();
    await ctx.steps.given.agents(2, 'available', [tag]);
    const b = await ctx.steps.given.campaign({ targets: [number], queueTags: [tag] });
    await ctx.steps.when.theTickRuns();
    expect(await ctx.steps.read.calls(b.id)).toHaveLength(0);
    const [held] = await ctx.steps.read.targets(b.outdialId);
    expect(held.hold).toMatchObject({ reason: 'capped' });
    const person = await contact(number);
    expect(held.hold.until).toBe(person.next_allowed_at);
    expect(person.reason).toBe('abandoned_rest');

    await ctx.steps.when.timePasses(HOURS_72 - 60_000);
    await ctx.steps.when.theTickRuns();
    expect(await ctx.steps.read.calls(b.id)).toHaveLength(0);
    await ctx.steps.when.timePasses(60_000);
    await ctx.steps.when.theTickRuns();
    expect(await ctx.steps.read.calls(b.id)).toHaveLength(1);
  });

  it('follows the customer’s policy: rest_after_abandon_hours 0 lets another campaign call at once', async () => {
    const policy = {
      max_attempts: null,
      per_days: null,
      rest_after_contact_days: null,
      calling_hours: null,
      rest_after_abandon_hours: 0,
    };
    expect((await ctx.sys.customer.put('/customer/contact_policy', policy)).status).toBe(200);
    const number = phone('answer');
    const a = await aWaitingCaller({}, number);
    await ctx.steps.when.timePasses(1_000);
    await ctx.sys.engine.drainDelayed();
    expect(await reasonsOf(a.h)).toMatchObject({ abandoned: 1 });

    const tag = randomUUID();
    await ctx.steps.given.agents(1, 'available', [tag]);
    const b = await ctx.steps.given.campaign({ targets: [number], queueTags: [tag] });
    await ctx.steps.when.theTickRuns();
    expect(await ctx.steps.read.calls(b.id)).toHaveLength(1);
  });
});
