/**
 * Queue capacity (§8): the available agents of a queue, counted from the sparse available-agents
 * partition on DynamoDB Local, through the same use cases the API and the tick call.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AgentStatus } from '#domain/queue.ts';
import { createAgent, deleteAgent, setAgentStatus, updateAgent } from '#services/agents.ts';
import type { Deps } from '#services/deps.ts';
import { countAvailableAgents, createQueue, updateQueue } from '#services/queues.ts';
import { testDeps } from '../support/local-api.ts';

let deps: Deps;
beforeAll(() => {
  deps = testDeps();
});

const aCustomer = () => randomUUID();

const given = {
  agent: (customerId: string, status: AgentStatus, tag_ids: string[] = []) =>
    createAgent(deps, customerId, { name: 'agent', detail: '', tag_ids, status }),
  queue: (customerId: string, tag_ids: string[] = []) =>
    createQueue(deps, customerId, { name: 'queue', detail: '', tag_ids, wrapup_ms: 0 }),
  /** Creates `n` agents, a hundred writes at a time. */
  agents: async (n: number, customerId: string, status: AgentStatus, tag_ids: string[] = []) => {
    for (let i = 0; i < n; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, n - i) }, () => given.agent(customerId, status, tag_ids)),
      );
    }
  },
};

describe('countAvailableAgents', () => {
  it('counts only available agents; away, busy, offline and ringing agents do not count', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer);
    for (const status of ['available', 'available', 'away', 'busy', 'offline', 'ringing'] as const) {
      await given.agent(customer, status);
    }
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(2);
    expect(await deps.agents.countAvailable(customer, [])).toBe(2);
  });

  it("never counts another customer's available agents", async () => {
    const alice = aCustomer();
    const bob = aCustomer();
    const queue = await given.queue(alice);
    await given.agent(alice, 'available');
    await given.agents(3, bob, 'available');
    expect(await countAvailableAgents(deps, alice, queue.id)).toBe(1);
    expect(await deps.agents.countAvailable(bob, [])).toBe(3);
  });

  it('answers 0 for a customer without agents', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer);
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(0);
  });

  it('does not count a deleted agent, even one that was available', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer);
    const agent = await given.agent(customer, 'available');
    await given.agent(customer, 'available');
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(2);

    await deleteAgent(deps, customer, agent.id);
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(1);
  });

  it('follows status changes at once: becoming available adds one, leaving available removes one', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer);
    const agent = await given.agent(customer, 'offline');
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(0);

    await setAgentStatus(deps, customer, agent.id, 'available');
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(1);

    await setAgentStatus(deps, customer, agent.id, 'available');
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(1);

    for (const status of ['ringing', 'busy', 'away', 'offline'] as const) {
      await setAgentStatus(deps, customer, agent.id, 'available');
      await setAgentStatus(deps, customer, agent.id, status);
      expect(await countAvailableAgents(deps, customer, queue.id), status).toBe(0);
    }
  });

  it('is not capped at 100: 250 available agents count as 250', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer);
    await given.agents(250, customer, 'available');
    await given.agents(20, customer, 'busy');
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(250);
  });

  it('refuses to count for a queue of another customer or an unknown queue', async () => {
    const alice = aCustomer();
    const queue = await given.queue(alice);
    await expect(countAvailableAgents(deps, aCustomer(), queue.id)).rejects.toMatchObject({
      reason: 'PERMISSION_DENIED',
    });
    await expect(countAvailableAgents(deps, alice, randomUUID())).rejects.toMatchObject({
      reason: 'QUEUE_NOT_FOUND',
    });
  });
});

describe('queue tags (§8)', () => {
  it('an untagged queue is served by every available agent of the customer, tagged or not', async () => {
    const customer = aCustomer();
    const queue = await given.queue(customer, []);
    await given.agent(customer, 'available');
    await given.agent(customer, 'available', [randomUUID()]);
    await given.agent(customer, 'available', [randomUUID(), randomUUID()]);
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(3);
  });

  it('a tagged queue is served only by available agents sharing at least one of its tags', async () => {
    const customer = aCustomer();
    const [sales, support, billing] = [randomUUID(), randomUUID(), randomUUID()];
    const queue = await given.queue(customer, [sales, support]);
    await given.agent(customer, 'available', [sales]);
    await given.agent(customer, 'available', [support, billing]);
    await given.agent(customer, 'available', [sales, support]);
    await given.agent(customer, 'available', [billing]);
    await given.agent(customer, 'available', []);
    await given.agent(customer, 'busy', [sales]);

    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(3);
    expect(await deps.agents.countAvailable(customer, [billing])).toBe(2);
    expect(await deps.agents.countAvailable(customer, [randomUUID()])).toBe(0);
  });

  it('follows tag changes of an available agent and of the queue', async () => {
    const customer = aCustomer();
    const [sales, support] = [randomUUID(), randomUUID()];
    const queue = await given.queue(customer, [sales]);
    const agent = await given.agent(customer, 'available', [support]);
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(0);

    await updateAgent(deps, customer, agent.id, { name: 'agent', detail: '', tag_ids: [support, sales] });
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(1);

    await updateQueue(deps, customer, queue.id, { name: 'queue', detail: '', tag_ids: [randomUUID()] });
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(0);
  });

  it('counts the tagged agents among more than 100 available agents', async () => {
    const customer = aCustomer();
    const sales = randomUUID();
    const queue = await given.queue(customer, [sales]);
    await given.agents(90, customer, 'available', []);
    await given.agents(30, customer, 'available', [sales]);
    expect(await countAvailableAgents(deps, customer, queue.id)).toBe(30);
  });
});
