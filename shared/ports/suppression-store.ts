import type { Suppression } from '#domain/suppression.ts';

/** What adding a number answered: the new suppression, or the one already in force for the number. */
export interface Added {
  created: boolean;
  suppression: Suppression;
}

/**
 * A customer's suppressions. Each is a record (by id, in the customer's newest-first list) and, while it
 * is in force, the number's own item, which makes one number one suppression even under concurrent
 * adds and is what a claim checks. Reads by id and lists go through the resource store.
 */
export interface SuppressionStore {
  /**
   * Adds the suppression unless one is in force for its number at its tm_create; then answers that
   * one. An expired suppression gives the number up to the new one.
   */
  add(suppression: Suppression): Promise<Added>;
  /** `add` for many suppressions of one customer, each of another number; answers in their order. */
  addAll(suppressions: readonly Suppression[]): Promise<Added[]>;
  /** The id of the suppression holding the number at `now`, if one is in force. */
  holderOf(customerId: string, number: string, now: string): Promise<string | undefined>;
  /**
   * Soft-deletes a live suppression and frees its number (unless a newer suppression holds it);
   * refused with ExpectationFailed when it is already deleted or gone.
   */
  remove(suppression: Suppression, now: string): Promise<Suppression>;
}
