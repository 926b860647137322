/**
 * Every route family of the API and the specs of its routes, with no handler in reach: infra deploys
 * one function per family from these, and the OpenAPI document is built from them.
 */
import type { RouteSpecs } from '../route.ts';
import { accesskeyRoutes } from './accesskeys.ts';
import { agentRoutes } from './agents.ts';
import { campaigncallRoutes } from './campaigncalls.ts';
import { campaignRoutes } from './campaigns.ts';
import { complianceRoutes } from './compliance.ts';
import { customerRoutes } from './customers.ts';
import { openapiRoutes } from './openapi.ts';
import { outdialRoutes } from './outdials.ts';
import { outplanRoutes } from './outplans.ts';
import { queueRoutes } from './queues.ts';

export interface FamilySpec {
  /** Function name suffix and entry file (functions/api/<name>.ts). */
  name: string;
  specs: RouteSpecs;
}

export const familySpecs = [
  { name: 'campaigns', specs: campaignRoutes },
  { name: 'campaigncalls', specs: campaigncallRoutes },
  { name: 'outplans', specs: outplanRoutes },
  { name: 'outdials', specs: outdialRoutes },
  { name: 'queues', specs: queueRoutes },
  { name: 'agents', specs: agentRoutes },
  { name: 'customers', specs: customerRoutes },
  { name: 'accesskeys', specs: accesskeyRoutes },
  { name: 'compliance', specs: complianceRoutes },
  { name: 'openapi', specs: openapiRoutes },
] as const satisfies readonly FamilySpec[];

export type FamilyName = (typeof familySpecs)[number]['name'];
