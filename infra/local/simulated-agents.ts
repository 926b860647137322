/**
 * SIM_AGENTS (`npm start`): a call centre on one machine. The local customer gets a queue of simulated
 * agents, created once and kept at the set size across restarts; the engine does the rest as it does
 * for any agent (busy for an answered call, wrap-up for the queue's wrapup_ms, then available again).
 */
import type { Agent, Queue } from '#domain/queue.ts';
import { createAgent, listAgents, setAgentStatus } from '#services/agents.ts';
import type { Deps } from '#services/deps.ts';
import { createQueue, listQueues } from '#services/queues.ts';

/** The queue's name: how a restart finds it again. */
export const SIMULATED_QUEUE_NAME = 'simulated agents';
/** Wrap-up of the simulated queue, as a call centre would set it (and the pacing bench assumes). */
export const SIMULATED_WRAPUP_MS = 10_000;

const everyPage = async <T>(
  list: (query: {
    page_size: number;
    page_token?: string;
  }) => Promise<{ result: T[]; next_page_token: string }>,
) => {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await list({ page_size: 100, ...(token ? { page_token: token } : {}) });
    all.push(...page.result);
    token = page.next_page_token || undefined;
  } while (token);
  return all;
};

/**
 * The simulated queue and `n` agents serving it (sharing its own tag, so they serve no other queue
 * that has tags). Agents left `offline` or `away` are made available again; busy and wrap-up ones are
 * the engine's. More agents than `n` from an earlier run are left as they are.
 */
export const ensureSimulatedAgents = async (deps: Deps, customerId: string, n: number) => {
  const queues = (await everyPage((q) => listQueues(deps, customerId, q))) as Queue[];
  const queue =
    queues.find((q) => q.name === SIMULATED_QUEUE_NAME && !q.tm_delete && q.tag_ids.length > 0) ??
    ((await createQueue(deps, customerId, {
      name: SIMULATED_QUEUE_NAME,
      detail: 'created by npm start (SIM_AGENTS)',
      tag_ids: [deps.ids.uuid()],
      wrapup_ms: SIMULATED_WRAPUP_MS,
    })) as Queue);
  const tag = queue.tag_ids[0]!;
  const agents = ((await everyPage((q) => listAgents(deps, customerId, q))) as Agent[]).filter(
    (a) => !a.tm_delete && a.tag_ids.includes(tag),
  );
  for (const a of agents)
    if (a.status === 'offline' || a.status === 'away')
      await setAgentStatus(deps, customerId, a.id, 'available');
  for (let i = agents.length; i < n; i++) {
    await createAgent(deps, customerId, {
      name: `simulated agent ${i + 1}`,
      detail: 'created by npm start (SIM_AGENTS)',
      tag_ids: [tag],
      status: 'available',
    });
  }
  return { queueId: queue.id, agents: Math.max(n, agents.length) };
};
