/** Routes of /v1.0/agents: what each takes and answers. */
import { Agent, CreateAgent, UpdateAgent, UpdateAgentStatus } from '#schemas/queue.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const agents = collectionRoutes({
  tag: 'agents',
  path: '/v1.0/agents',
  item: Agent,
  listId: 'AgentList',
  body: CreateAgent,
  summaries: {
    create: 'Create an agent',
    list: 'List agents',
    get: 'Get an agent',
    delete: 'Delete an agent',
  },
});

export const agentRoutes = {
  create: agents.create,
  list: agents.list,
  get: agents.get,
  update: {
    ...agents.one,
    method: 'PUT',
    path: '/v1.0/agents/{id}',
    summary: 'Replace name, detail and tag_ids',
    body: UpdateAgent,
  },
  status: {
    ...agents.one,
    method: 'PUT',
    path: '/v1.0/agents/{id}/status',
    summary: 'Set available, away, busy, offline or ringing',
    body: UpdateAgentStatus,
  },
  delete: agents.delete,
} satisfies RouteSpecs;
