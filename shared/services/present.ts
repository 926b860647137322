import { NIL_UUID } from '#domain/ids.ts';
import type { StoredItem } from '#ports/resource-store.ts';

/**
 * API shapes: exactly the fields VoIPBIN exposes, in its order, internal attributes dropped, and
 * tm_update / tm_delete null until set (§1).
 */
const fields = {
  campaign: [
    'id',
    'customer_id',
    'type',
    'name',
    'detail',
    'status',
    'service_level',
    'end_handle',
    'actions',
    'outplan_id',
    'outdial_id',
    'queue_id',
    'next_campaign_id',
    'max_concurrent_calls',
    'calling_hours',
  ],
  campaigncall: [
    'id',
    'customer_id',
    'campaign_id',
    'outplan_id',
    'outdial_id',
    'outdial_target_id',
    'queue_id',
    'activeflow_id',
    'flow_id',
    'reference_type',
    'reference_id',
    'status',
    'result',
    'source',
    'destination',
    'destination_index',
    'try_count',
  ],
  outplan: [
    'id',
    'customer_id',
    'name',
    'detail',
    'source',
    'dial_timeout',
    'try_interval',
    'max_try_count_0',
    'max_try_count_1',
    'max_try_count_2',
    'max_try_count_3',
    'max_try_count_4',
  ],
  outdial: ['id', 'customer_id', 'campaign_id', 'name', 'detail', 'data'],
  outdialtarget: [
    'id',
    'outdial_id',
    'name',
    'detail',
    'data',
    'status',
    'destination_0',
    'destination_1',
    'destination_2',
    'destination_3',
    'destination_4',
    'try_count_0',
    'try_count_1',
    'try_count_2',
    'try_count_3',
    'try_count_4',
  ],
  queue: ['id', 'customer_id', 'name', 'detail', 'tag_ids'],
  agent: ['id', 'customer_id', 'name', 'detail', 'tag_ids', 'status'],
  accesskey: ['id', 'customer_id', 'name', 'detail', 'token_prefix'],
  customer: ['id', 'name', 'detail', 'webhook_uri'],
} as const;

export type PresentedKind = keyof typeof fields;

const ADDRESS_FIELDS = new Set([
  'source',
  'destination',
  'destination_0',
  'destination_1',
  'destination_2',
  'destination_3',
  'destination_4',
]);

/** DynamoDB maps come back in any key order; addresses are shown in the documented order. */
const address = (a: unknown) => {
  if (!a || typeof a !== 'object') return null;
  const { type = '', target = '', target_name = '', name = '', detail = '' } = a as Record<string, unknown>;
  return { type, target, target_name, name, detail };
};

export const present =
  <T>(kind: PresentedKind) =>
  (item: StoredItem): T & { id: string; tm_create: string } => {
    const out: Record<string, unknown> = {};
    // An id left out of a stored item is the nil id (attempts store only the ids they have).
    for (const f of fields[kind])
      out[f] = ADDRESS_FIELDS.has(f) ? address(item[f]) : (item[f] ?? (f.endsWith('_id') ? NIL_UUID : null));
    out.tm_create = item.tm_create;
    out.tm_update = item.tm_update ?? null;
    out.tm_delete = item.tm_delete ?? null;
    return out as T & { id: string; tm_create: string };
  };
