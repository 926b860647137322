import type { TargetState } from '#domain/outdial.ts';
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
  /** Its state in the image the change came from: the new one, or the last one when removed. */
  state: TargetState;
}

/** A target counted in, counted out, or moved from one state's count to another's. */
export type TargetIndexChange =
  | { kind: 'added' | 'removed'; target: IndexedTarget }
  | { kind: 'moved'; target: IndexedTarget; from: TargetState };

/** The targets' counts per outdial and their numbers, kept from the table's change stream. */
export interface TargetIndexStore {
  /**
   * Applies the changes in order. Idempotent: a change applied before (a redelivered stream record)
   * moves no count and leaves the number entries as they are. A move counts only while the target is
   * counted in the state it moves from, so replayed changes end where the target stands.
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
