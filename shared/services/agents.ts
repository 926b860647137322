/** Use cases of agents; their status feeds queue capacity through the available-agents index. */
import type * as z from 'zod';
import type { Agent, AgentStatus } from '#domain/queue.ts';
import type { CreateAgent, UpdateAgent } from '#schemas/queue.ts';
import type { Deps } from './deps.ts';
import { getOwn, guarded, listOwn, newOwned, now, type PageQuery } from './owned.ts';
import { presentAgent as show } from './present.ts';

type AgentInput = z.output<typeof UpdateAgent>;

export const createAgent = async (
  deps: Deps,
  customerId: string,
  input: z.output<typeof CreateAgent>,
): Promise<Agent> => {
  const agent: Agent = newOwned(deps, customerId, input);
  await deps.agents.create(agent);
  return show(agent as never);
};

export const listAgents = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'agent', customerId, query, show);

export const getAgent = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'agent', customerId, id, show);

export const updateAgent = (deps: Deps, customerId: string, id: string, input: AgentInput) =>
  guarded('agent', async () =>
    show((await deps.agents.update(id, { customerId }, input, now(deps))) as never),
  );

export const setAgentStatus = (deps: Deps, customerId: string, id: string, status: AgentStatus) =>
  guarded('agent', async () =>
    show((await deps.agents.setStatus(id, { customerId }, status, now(deps))) as never),
  );

export const deleteAgent = (deps: Deps, customerId: string, id: string) =>
  guarded('agent', async () => show((await deps.agents.remove(id, { customerId }, now(deps))) as never));
