/**
 * SIM_AGENTS (`npm start`): the local customer's queue of simulated agents on DynamoDB Local, created
 * once and kept at its size across restarts, through the same use cases the API calls.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { listAgents, setAgentStatus } from '#services/agents.ts';
import type { Deps } from '#services/deps.ts';
import { countAvailableAgents, getQueue } from '#services/queues.ts';
import { ensureSimulatedAgents, SIMULATED_WRAPUP_MS } from '../../infra/local/simulated-agents.ts';
import { testDeps } from '../support/local-api.ts';

let deps: Deps;
beforeAll(() => {
  deps = testDeps();
});

describe('simulated agents', () => {
  it('creates a queue with wrap-up and n available agents serving it', async () => {
    const customer = randomUUID();
    const { queueId, agents } = await ensureSimulatedAgents(deps, customer, 5);
    expect(agents).toBe(5);
    const queue = await getQueue(deps, customer, queueId);
    expect(queue.wrapup_ms).toBe(SIMULATED_WRAPUP_MS);
    expect(await countAvailableAgents(deps, customer, queueId)).toBe(5);
  });

  it('keeps the same queue on a restart, tops it up, and makes agents left offline available again', async () => {
    const customer = randomUUID();
    const first = await ensureSimulatedAgents(deps, customer, 3);
    const [one] = (await listAgents(deps, customer, { page_size: 100 })).result;
    await setAgentStatus(deps, customer, one!.id, 'offline');
    const again = await ensureSimulatedAgents(deps, customer, 4);
    expect(again.queueId).toBe(first.queueId);
    expect((await listAgents(deps, customer, { page_size: 100 })).result).toHaveLength(4);
    expect(await countAvailableAgents(deps, customer, first.queueId)).toBe(4);
  });
});
