/** Routes of /v1.0/outdials and their targets: what each takes and answers. */
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
import type { RouteSpecs } from '../route.ts';

const base = { tag: 'outdials', access: 'customer' } as const;
const one = { ...base, params: IdParams, response: Outdial };
const oneTarget = { ...base, params: TargetParams, response: OutdialTarget };

export const outdialRoutes = {
  create: {
    ...base,
    method: 'POST',
    path: '/v1.0/outdials',
    summary: 'Create an outdial',
    body: CreateOutdial,
    response: Outdial,
  },
  list: {
    ...base,
    method: 'GET',
    path: '/v1.0/outdials',
    summary: 'List outdials',
    query: PageQuery,
    response: pageOf(Outdial, 'OutdialList'),
  },
  get: { ...one, method: 'GET', path: '/v1.0/outdials/{id}', summary: 'Get an outdial' },
  delete: {
    ...one,
    method: 'DELETE',
    path: '/v1.0/outdials/{id}',
    summary: 'Delete an outdial (409 while a campaign uses it)',
  },
  update: {
    ...one,
    method: 'PUT',
    path: '/v1.0/outdials/{id}',
    summary: 'Update name and detail',
    body: UpdateOutdial,
  },
  campaign: {
    ...one,
    method: 'PUT',
    path: '/v1.0/outdials/{id}/campaign_id',
    summary: 'Set the campaign that uses the outdial',
    body: UpdateOutdialCampaign,
  },
  data: {
    ...one,
    method: 'PUT',
    path: '/v1.0/outdials/{id}/data',
    summary: 'Set the outdial data',
    body: UpdateOutdialData,
  },
  createTarget: {
    ...one,
    method: 'POST',
    path: '/v1.0/outdials/{id}/targets',
    summary: 'Add a target (up to 5 destinations)',
    body: CreateTarget,
    response: OutdialTarget,
  },
  createTargets: {
    ...one,
    method: 'POST',
    path: '/v1.0/outdials/{id}/targets/batch',
    summary: 'Add up to 100 targets at once, all or none, in upload order (our addition)',
    body: CreateTargets,
    response: OutdialTargetBatch,
  },
  listTargets: {
    ...one,
    method: 'GET',
    path: '/v1.0/outdials/{id}/targets',
    summary: "List an outdial's targets",
    query: PageQuery,
    response: pageOf(OutdialTarget, 'OutdialTargetList'),
  },
  getTarget: {
    ...oneTarget,
    method: 'GET',
    path: '/v1.0/outdials/{id}/targets/{target_id}',
    summary: 'Get a target',
  },
  deleteTarget: {
    ...oneTarget,
    method: 'DELETE',
    path: '/v1.0/outdials/{id}/targets/{target_id}',
    summary: 'Delete a target (409 while it is dialled)',
  },
} satisfies RouteSpecs;
