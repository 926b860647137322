import type { Cursor } from '#domain/pagination.ts';

/** Kinds of item kept in the store. */
export type StoredKind =
  | 'campaign'
  | 'campaigncall'
  | 'outplan'
  | 'outdial'
  | 'outdialtarget'
  | 'queue'
  | 'agent'
  | 'customer'
  | 'accesskey'
  | 'suppression';

/** Which newest-first list an item appears in. */
export type ListScope =
  | { by: 'customer'; customerId: string }
  | { by: 'outdial'; outdialId: string }
  | { by: 'campaign'; campaignId: string };

export interface ListRequest {
  scope: ListScope;
  cursor?: Cursor;
  /** Maximum number of items to return. */
  limit: number;
}

/**
 * What an item must look like for a change to apply. The store checks it inside the same write, so a
 * concurrent delete or ownership mismatch can never slip between a read and the write.
 */
export interface Expectation {
  customerId: string;
  /** Reject when soft-deleted (default true). */
  notDeleted?: boolean;
  /** Internal counter of campaigns referencing the item must be zero (delete of outplan/outdial/queue). */
  unreferenced?: boolean;
  /** Current `status` must be one of these. */
  statusIn?: readonly string[];
}

/** Why an expectation failed, decided from the item as it was when the write was refused. */
export type ExpectationFailure = 'missing' | 'other-customer' | 'deleted' | 'referenced' | 'status';

export class ExpectationFailed extends Error {
  constructor(
    readonly failure: ExpectationFailure,
    readonly current?: Record<string, unknown>,
  ) {
    super(`expectation failed: ${failure}`);
  }
}

/** The most items one createAll writes: DynamoDB's limit of 100 actions per transaction. */
export const MAX_CREATE_ALL = 100;

/** Generic persistence of API resources. Items are plain objects in their API shape. */
export interface ResourceStore {
  create(kind: StoredKind, item: StoredItem): Promise<void>;
  /** Creates up to MAX_CREATE_ALL items of one kind: all of them or, on any failure, none. */
  createAll(kind: StoredKind, items: readonly StoredItem[]): Promise<void>;
  get(kind: StoredKind, id: string): Promise<StoredItem | undefined>;
  list(kind: StoredKind, req: ListRequest): Promise<StoredItem[]>;
  /** Sets attributes under an expectation; returns the item after the change. */
  update(
    kind: StoredKind,
    id: string,
    expect: Expectation,
    set: Record<string, unknown>,
  ): Promise<StoredItem>;
  /** Soft delete: sets tm_delete and tm_update and drops the item from its lists. */
  softDelete(kind: StoredKind, id: string, expect: Expectation, now: string): Promise<StoredItem>;
}

/**
 * An item as stored: the API fields plus the owner (`customer_id`, also on targets, where the API hides
 * it) and internal counters, which start with `_` and never leave the store layer in API output.
 */
export type StoredItem = Record<string, unknown> & { id: string; tm_create: string };
