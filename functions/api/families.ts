/**
 * Every API Lambda and the routes it serves. infra/ deploys one function per family, the local server
 * dispatches to the same handlers, and the OpenAPI document is generated from these routes.
 */

import { routes as accesskeys } from './accesskeys.ts';
import { routes as agents } from './agents.ts';
import { routes as campaigncalls } from './campaigncalls.ts';
import { routes as campaigns } from './campaigns.ts';
import { routes as customers } from './customers.ts';
import type { RouteFactory } from './lambda.ts';
import { routes as openapi } from './openapi.ts';
import { routes as outdials } from './outdials.ts';
import { routes as outplans } from './outplans.ts';
import { routes as queues } from './queues.ts';

export interface Family {
  /** Function name suffix and entry file (functions/api/<name>.ts). */
  name: string;
  routes: RouteFactory;
}

export const families: Family[] = [
  { name: 'campaigns', routes: campaigns },
  { name: 'campaigncalls', routes: campaigncalls },
  { name: 'outplans', routes: outplans },
  { name: 'outdials', routes: outdials },
  { name: 'queues', routes: queues },
  { name: 'agents', routes: agents },
  { name: 'customers', routes: customers },
  { name: 'accesskeys', routes: accesskeys },
  // Deferred: openapi's own module imports this list, so in a bundle its `routes` is bound after ours.
  { name: 'openapi', routes: (deps, hooks) => openapi(deps, hooks) },
];
