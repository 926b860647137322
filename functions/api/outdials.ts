/** Entry point: /v1.0/outdials and their targets. Wires routes to use cases; decides nothing. */
import { route } from '#http/route.ts';
import { IdParams, PageQuery, pageOf } from '#schemas/common.ts';
import {
  CreateOutdial,
  CreateTarget,
  CreateTargets,
  Outdial,
  OutdialTarget,
  OutdialTargetBatch,
  TargetParams,
  UpdateOutdial,
  UpdateOutdialCampaign,
  UpdateOutdialData,
} from '#schemas/outdial.ts';
import {
  createOutdial,
  createTarget,
  createTargets,
  deleteOutdial,
  deleteTarget,
  getOutdial,
  getTarget,
  listOutdials,
  listTargets,
  updateOutdial,
} from '#services/outdials.ts';
import { lambdaHandler, type RouteFactory } from './lambda.ts';

const tag = 'outdials';
const one = { tag, access: 'customer' as const, params: IdParams, response: Outdial };

export const routes: RouteFactory = (deps) => [
  route(
    {
      method: 'POST',
      path: '/v1.0/outdials',
      summary: 'Create an outdial',
      tag,
      access: 'customer',
      body: CreateOutdial,
      response: Outdial,
    },
    ({ customerId, body }) => createOutdial(deps, customerId, body),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/outdials',
      summary: 'List outdials',
      tag,
      access: 'customer',
      query: PageQuery,
      response: pageOf(Outdial, 'OutdialList'),
    },
    ({ customerId, query }) => listOutdials(deps, customerId, query),
  ),
  route(
    { ...one, method: 'GET', path: '/v1.0/outdials/{id}', summary: 'Get an outdial' },
    ({ customerId, params }) => getOutdial(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'DELETE',
      path: '/v1.0/outdials/{id}',
      summary: 'Delete an outdial (409 while a campaign uses it)',
    },
    ({ customerId, params }) => deleteOutdial(deps, customerId, params.id),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/outdials/{id}',
      summary: 'Update name and detail',
      body: UpdateOutdial,
    },
    ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/outdials/{id}/campaign_id',
      summary: 'Set the campaign that uses the outdial',
      body: UpdateOutdialCampaign,
    },
    ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
  ),
  route(
    {
      ...one,
      method: 'PUT',
      path: '/v1.0/outdials/{id}/data',
      summary: 'Set the outdial data',
      body: UpdateOutdialData,
    },
    ({ customerId, params, body }) => updateOutdial(deps, customerId, params.id, body),
  ),
  route(
    {
      method: 'POST',
      path: '/v1.0/outdials/{id}/targets',
      summary: 'Add a target (up to 5 destinations)',
      tag,
      access: 'customer',
      params: IdParams,
      body: CreateTarget,
      response: OutdialTarget,
    },
    ({ customerId, params, body }) => createTarget(deps, customerId, params.id, body),
  ),
  route(
    {
      method: 'POST',
      path: '/v1.0/outdials/{id}/targets/batch',
      summary: 'Add up to 100 targets at once, all or none, in upload order (our addition)',
      tag,
      access: 'customer',
      params: IdParams,
      body: CreateTargets,
      response: OutdialTargetBatch,
    },
    ({ customerId, params, body }) => createTargets(deps, customerId, params.id, body.targets),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/outdials/{id}/targets',
      summary: "List an outdial's targets",
      tag,
      access: 'customer',
      params: IdParams,
      query: PageQuery,
      response: pageOf(OutdialTarget, 'OutdialTargetList'),
    },
    ({ customerId, params, query }) => listTargets(deps, customerId, params.id, query),
  ),
  route(
    {
      method: 'GET',
      path: '/v1.0/outdials/{id}/targets/{target_id}',
      summary: 'Get a target',
      tag,
      access: 'customer',
      params: TargetParams,
      response: OutdialTarget,
    },
    ({ customerId, params }) => getTarget(deps, customerId, params.id, params.target_id),
  ),
  route(
    {
      method: 'DELETE',
      path: '/v1.0/outdials/{id}/targets/{target_id}',
      summary: 'Delete a target (409 while it is dialled)',
      tag,
      access: 'customer',
      params: TargetParams,
      response: OutdialTarget,
    },
    ({ customerId, params }) => deleteTarget(deps, customerId, params.id, params.target_id),
  ),
];

export const handler = lambdaHandler(routes);
