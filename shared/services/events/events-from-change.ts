/**
 * Events from one committed item change (a stream record's old and new image): the only place that
 * decides what a change means to a customer, so no write path has to remember to publish
 * (see docs/behaviour.md, "Events and webhooks").
 */
import { type EventKind, type EventType, isEventKind, type ResourceEvent } from '#domain/events.ts';
import type { StoredItem } from '#ports/resource-store.ts';
import {
  presentCampaign,
  presentCampaigncall,
  presentOutdial,
  presentOutdialTarget,
  presentOutplan,
  presentSuppression,
} from '../present.ts';

/** An item as DynamoDB holds it: API fields, `et` (its kind), key attributes and internal `_` ones. */
export type ItemImage = Record<string, unknown>;

type Presenter = (item: StoredItem) => Record<string, unknown> & { id: string };

const presenters: Record<EventKind, Presenter> = {
  campaign: presentCampaign,
  campaigncall: presentCampaigncall,
  outplan: presentOutplan,
  outdial: presentOutdial,
  outdialtarget: presentOutdialTarget,
  suppression: presentSuppression,
};

/**
 * Fields whose change alone is not an update: the time of the write, deletion (its own event), and an
 * outdial's target counts (each target added, deleted or changed has its own event).
 */
const NOT_AN_UPDATE = new Set(['tm_update', 'tm_delete', 'target_count', 'targets_by_state']);

const isSet = (v: unknown) => v !== undefined && v !== null;

/** Deep equality of API values; DynamoDB maps come back with their keys in any order. */
export const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
    );
  }
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object') return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
};

/** Shown fields that differ between two presentations, time of the write and deletion left out. */
const changedFields = (before: Record<string, unknown>, after: Record<string, unknown>) =>
  Object.keys(after).filter((f) => !NOT_AN_UPDATE.has(f) && !sameValue(before[f], after[f]));

const CAMPAIGN_STATUS_EVENT: Record<string, EventType> = {
  run: 'campaign_status_run',
  stopping: 'campaign_status_stopping',
  stop: 'campaign_status_stop',
};

/** Updates of a live resource: what changed decides the event, per kind. */
const updateEvents = (kind: EventKind, changed: string[], after: Record<string, unknown>): EventType[] => {
  if (changed.length === 0) return [];
  switch (kind) {
    case 'campaign': {
      const types: EventType[] = [];
      // Basic info, service_level, actions, resource_info, next_campaign_id: anything shown but status.
      if (changed.some((f) => f !== 'status')) types.push('campaign_updated');
      const status = CAMPAIGN_STATUS_EVENT[String(after.status)];
      if (changed.includes('status') && status) types.push(status);
      return types;
    }
    case 'campaigncall':
      // An attempt is "updated" on every status change (progressing, done); the provider's call id
      // arriving while it is still dialing is bookkeeping, not a transition.
      return changed.includes('status') ? ['campaigncall_updated'] : [];
    case 'suppression':
      // Only added and deleted; nothing else of it ever changes.
      return [];
    default:
      return [`${kind}_updated`];
  }
};

/**
 * What a change means. No event for items that are not resources (access-key hashes, placement guards,
 * customers), for writes that touched only internal `_` attributes, index keys or tm_update (counters,
 * leases, retry partitions, idempotent repeats), or for anything done to an already deleted resource.
 */
export const eventsFromChange = (oldImage?: ItemImage, newImage?: ItemImage): ResourceEvent[] => {
  const kind = (newImage ?? oldImage)?.et;
  if (!isEventKind(kind)) return [];
  const show = presenters[kind];
  const owner = (newImage ?? oldImage)?.customer_id;
  if (typeof owner !== 'string' || owner === '') return [];
  const event = (type: EventType, item: ItemImage): ResourceEvent => ({
    type,
    customerId: owner,
    data: show(item as StoredItem),
  });

  if (!oldImage && newImage) return isSet(newImage.tm_delete) ? [] : [event(`${kind}_created`, newImage)];
  if (oldImage && !newImage) return isSet(oldImage.tm_delete) ? [] : [event(`${kind}_deleted`, oldImage)];
  if (!oldImage || !newImage || isSet(oldImage.tm_delete)) return [];
  if (isSet(newImage.tm_delete)) return [event(`${kind}_deleted`, newImage)];

  const after = show(newImage as StoredItem);
  const types = updateEvents(kind, changedFields(show(oldImage as StoredItem), after), after);
  return types.map((type) => ({ type, customerId: owner, data: after }));
};
