/** Routes of /v1.0/agents: what each takes and answers. */
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { Agent, CreateAgent, UpdateAgent, UpdateAgentStatus } from '#schemas/queue.ts';
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'agents', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Agent };

export const agentRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/agents',
    summary: 'Create an agent',
    body: CreateAgent,
    response: Agent,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/agents',
    summary: 'List agents',
    query: PageQuery,
    response: pageOf(Agent, 'AgentList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/agents/{id}', summary: 'Get an agent' },
  update: {
    ...one,
    method: 'PUT',
    path: '/v1.0/agents/{id}',
    summary: 'Replace name, detail and tag_ids',
    body: UpdateAgent,
  },
  status: {
    ...one,
    method: 'PUT',
    path: '/v1.0/agents/{id}/status',
    summary: 'Set available, away, busy, offline or ringing',
    body: UpdateAgentStatus,
  },
  delete: { ...one, method: 'DELETE', path: '/v1.0/agents/{id}', summary: 'Delete an agent' },
} satisfies RouteSpecs;
