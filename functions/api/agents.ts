/** Entry point: /v1.0/agents. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import { Agent, CreateAgent, UpdateAgent, UpdateAgentStatus } from '#schemas/queue.ts';
import {
  createAgent,
  deleteAgent,
  getAgent,
  listAgents,
  setAgentStatus,
  updateAgent,
} from '#services/agents.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'agents';
const one = { tag, access: 'customer' as const, params: IdParams, response: Agent };

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/agents',
      summary: 'Create an agent',
      tag,
      access: 'customer',
      body: CreateAgent,
      response: Agent,
    },
    ({ customerId, body }) => createAgent(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/agents',
      summary: 'List agents',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Agent, 'AgentList'),
    },
    ({ customerId, query }) => listAgents(deps, customerId, query),
  ),
  route(
    { ...one, method: 'GET', path: '/v1.0/agents/{id}', summary: 'Get an agent' },
    ({ customerId, params }) => getAgent(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/agents/{id}',
      summary: 'Replace name, detail and tag_ids',
      body: UpdateAgent,
    },
    ({ customerId, params, body }) => updateAgent(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/agents/{id}/status',
      summary: 'Set available, away, busy, offline or ringing',
      body: UpdateAgentStatus,
    },
    ({ customerId, params, body }) => setAgentStatus(deps, customerId, params.id, body.status),
  ),
  route(
    { ...one, method: 'DELETE', path: '/v1.0/agents/{id}', summary: 'Delete an agent' },
    ({ customerId, params }) => deleteAgent(deps, customerId, params.id),
  ),
];

export const handler = lambdaHandler(routes);
