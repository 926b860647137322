/** Entry point: /v1.0/agents. Wires routes to use cases; decides nothing. */
import { routesFor } from '#http/route.ts';
import { agentRoutes } from '#http/specs/agents.ts';
import {
  createAgent,
  deleteAgent,
  getAgent,
  listAgents,
  setAgentStatus,
  updateAgent,
} from '#services/agents.ts';
import { collectionHandlers } from './collection-handlers.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

export const routes: RouteFactory = (deps) =>
  routesFor(agentRoutes, {
    ...collectionHandlers(deps, createAgent, listAgents, getAgent, deleteAgent),
    update: ({ customerId, params, body }) => updateAgent(deps, customerId, params.id, body),
    status: ({ customerId, params, body }) => setAgentStatus(deps, customerId, params.id, body.status),
  });

export const handler = lambdaHandler(routes);
