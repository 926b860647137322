/**
 * A suppression (our addition): a number of a customer that must not be called, the company's own
 * do-not-call list. One number of one customer is one suppression at a time; adding it again while it
 * is in force answers the one in force. Deleting is soft, as everywhere: a deleted (or expired)
 * suppression stays readable by id, which is what proves afterwards why a person was or was not called.
 */
import type { OwnedResource } from './resource.ts';
import { isDeleted } from './resource.ts';

/** How the number came onto the list: by the API, by the person's own opt-out in a call, or an upload. */
export const SUPPRESSION_SOURCES = ['api', 'opt_out', 'import'] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

/** A type, not an interface, so it passes wherever a stored item (a plain record) is taken. */
export type Suppression = Pick<OwnedResource, keyof OwnedResource> & {
  /** E.164, as normalised (shared/domain/phone-number.ts). */
  number: string;
  reason: string;
  source: SuppressionSource;
  /** When it stops suppressing (a timestamp), or null for never. */
  expire_at: string | null;
};

/** The most numbers one batch request takes. */
export const MAX_SUPPRESSIONS_PER_BATCH = 1000;

/**
 * Whether the suppression stops the number from being called at `now` (a timestamp in our format,
 * which orders as text): not deleted, and not past its expire_at.
 */
export const isInForce = (s: { tm_delete?: unknown; expire_at?: unknown }, now: string) =>
  !isDeleted(s) && (typeof s.expire_at !== 'string' || s.expire_at > now);
