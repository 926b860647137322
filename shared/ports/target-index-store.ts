import type { Cursor } from '#domain/pagination.ts';
import type { StoredItem } from './resource-store.ts';

/** A target as the index keeps it: what it was counted and found by. */
export interface IndexedTarget {
  id: string;
  customerId: string;
  outdialId: string;
  tmCreate: string;
  /** Its tel destinations, in E.164. */
  numbers: string[];
}

export type TargetIndexChange = { kind: 'added' | 'removed'; target: IndexedTarget };

/** The targets' counts per outdial and their numbers, kept from the table's change stream. */
export interface TargetIndexStore {
  /**
   * Applies the changes in order. Idempotent: a change applied before (a redelivered stream record)
   * moves no count and leaves the number entries as they are.
   */
  record(changes: readonly TargetIndexChange[]): Promise<void>;
  /** Live targets of an outdial with this number, newest first, older than the cursor. */
  byNumber(q: {
    customerId: string;
    outdialId: string;
    e164: string;
    cursor?: Cursor;
    limit: number;
  }): Promise<StoredItem[]>;
}
