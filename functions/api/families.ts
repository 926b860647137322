/**
 * Every API Lambda and the routes it serves: the specs of shared/http/specs with the handlers of each
 * family's entry file. The local server dispatches to these; infra and the OpenAPI document need only
 * the specs.
 */

import { type FamilyName, type FamilySpec, familySpecs } from '#http/specs/families.ts';
import { routes as accesskeys } from './accesskeys.ts';
import { routes as agents } from './agents.ts';
import { routes as campaigncalls } from './campaigncalls.ts';
import { routes as campaigns } from './campaigns.ts';
import { routes as compliance } from './compliance.ts';
import { routes as customers } from './customers.ts';
import type { RouteFactory } from './lambda.ts';
import { routes as openapi } from './openapi.ts';
import { routes as outdials } from './outdials.ts';
import { routes as outplans } from './outplans.ts';
import { routes as queues } from './queues.ts';

export interface Family extends FamilySpec {
  routes: RouteFactory;
}

const factories: Record<FamilyName, RouteFactory> = {
  campaigns,
  campaigncalls,
  outplans,
  outdials,
  queues,
  agents,
  customers,
  accesskeys,
  compliance,
  openapi,
};

export const families: Family[] = familySpecs.map((f) => ({ ...f, routes: factories[f.name] }));
