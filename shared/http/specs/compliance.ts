/**
 * Routes of the compliance guardrails (our addition): /v1.0/suppressions, the customer's do-not-call
 * list, /v1.0/customer/contact_policy, its limits per person across campaigns, and /v1.0/contacts/{number},
 * what the guardrails know about one person.
 */
import * as z from 'zod/mini';
import { MAX_SUPPRESSIONS_PER_BATCH } from '#domain/suppression.ts';
import { pageOf } from '#schemas/common.ts';
import { Contact, ContactParams, ContactPolicy, ContactPolicyInput } from '#schemas/contact-policy.ts';
import {
  CreateSuppression,
  CreateSuppressions,
  Suppression,
  SuppressionBatch,
  SuppressionQuery,
} from '#schemas/suppression.ts';
import type { RouteSpecs } from '../route.ts';
import { collectionRoutes } from './collection.ts';

const suppressions = collectionRoutes({
  tag: 'compliance',
  path: '/v1.0/suppressions',
  item: Suppression,
  listId: 'SuppressionList',
  body: CreateSuppression,
  summaries: {
    create: 'Suppress a number (an already suppressed one answers its suppression)',
    list: 'List suppressions, or look one number up with ?number=',
    get: 'Get a suppression',
    delete: 'Delete a suppression: the number may be called again',
  },
});

const policy = { tag: 'compliance', access: 'customer', response: ContactPolicy } as const;

export const complianceRoutes = {
  create: suppressions.create,
  createMany: {
    ...suppressions.base,
    method: 'POST',
    path: '/v1.0/suppressions/batch',
    summary: `Suppress up to ${MAX_SUPPRESSIONS_PER_BATCH} numbers; invalid rows are reported, the rest added`,
    body: CreateSuppressions,
    response: SuppressionBatch,
  },
  list: {
    ...suppressions.list,
    query: SuppressionQuery,
    response: pageOf(Suppression, 'SuppressionList'),
  },
  get: suppressions.get,
  delete: suppressions.delete,
  getContactPolicy: {
    ...policy,
    method: 'GET',
    path: '/v1.0/customer/contact_policy',
    summary: "The caller's contact policy (all null: no limits)",
    query: z.strictObject({}),
  },
  putContactPolicy: {
    ...policy,
    method: 'PUT',
    path: '/v1.0/customer/contact_policy',
    summary: "Replace the caller's contact policy",
    body: ContactPolicyInput,
  },
  getContact: {
    tag: 'compliance',
    access: 'customer',
    method: 'GET',
    path: '/v1.0/contacts/{number}',
    summary:
      'One person: attempts in the policy window, last contact, suppression, and when they may be called next',
    params: ContactParams,
    query: z.strictObject({}),
    response: Contact,
  },
} satisfies RouteSpecs;
