/** Routes of /v1.0/outdials and their targets: what each takes and answers. */
import { pageOf } from '#schemas/common.ts';
import {
  CreateOutdial,
  CreateTarget,
  CreateTargets,
  Outdial,
  OutdialTarget,
  OutdialTargetBatch,
  TargetListQuery,
  TargetParams,
  UpdateOutdial,
  UpdateOutdialCampaign,
  UpdateOutdialData,
} from '#schemas/outdial.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const outdials = collectionRoutes({
  tag: 'outdials',
  path: '/v1.0/outdials',
  item: Outdial,
  listId: 'OutdialList',
  body: CreateOutdial,
  summaries: {
    create: 'Create an outdial',
    list: 'List outdials',
    get: 'Get an outdial',
    delete: 'Delete an outdial (409 while a campaign uses it)',
  },
});
const { one } = outdials;
const oneTarget = { ...outdials.base, params: TargetParams, response: OutdialTarget };

export const outdialRoutes = {
  create: outdials.create,
  list: outdials.list,
  get: outdials.get,
  delete: outdials.delete,
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
    summary: "List an outdial's targets, or (with number) those with one phone number",
    query: TargetListQuery,
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
