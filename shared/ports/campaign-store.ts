import type { Campaign, CampaignResourceInfo } from '#domain/campaign.ts';

/** A reference field of a campaign and the id it points to (nil ids are never passed here). */
export type ReferenceField = keyof CampaignResourceInfo;

/** Raised when a referenced resource is missing, deleted, another customer's or already taken. */
export class ReferenceRejected extends Error {
  constructor(readonly field: ReferenceField) {
    super(`reference rejected: ${field}`);
  }
}

/**
 * Campaign writes that touch referenced resources. Each runs as one DynamoDB transaction so that the
 * reference check, the outdial link and the in-use counters of outplan/outdial/queue never disagree.
 */
export interface CampaignStore {
  create(campaign: Campaign): Promise<void>;
  /** Replaces the four references of `current` (as read) with `next`; fails if `current` changed meanwhile. */
  replaceResources(current: Campaign, next: CampaignResourceInfo, now: string): Promise<Campaign>;
  /** Soft-deletes a stopped campaign and releases what it referenced. */
  remove(current: Campaign, now: string): Promise<Campaign>;
  /** stop|stopping → run, re-validating references in the same write. */
  run(current: Campaign, now: string): Promise<Campaign>;
  /** run|stopping → stop when nothing is in flight, else run → stopping. */
  /** run → stop when nothing is in flight, else → stopping; `force` also has the engine end the calls. */
  stop(current: Campaign, now: string, options?: { force: boolean }): Promise<Campaign>;
  /** The campaign's runtime counters added up over its shards (absent counters are absent). */
  runtimeTotals(campaignId: string): Promise<Record<string, number>>;
  /** Checks one reference the way create does, without changing anything. */
  checkReference(customerId: string, field: ReferenceField, id: string, campaignId: string): Promise<void>;
}
