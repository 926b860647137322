/**
 * A customer's contact policy (our addition): limits that hold for every campaign and list of the
 * customer, per person (normalised number). Stored and validated here; the engine enforces them in
 * the claim (see docs/behaviour.md, "Contact policy").
 */
import type { CallingHours } from './calling-hours.ts';

export interface ContactPolicy {
  /** Most attempts to one person within `per_days` days, across all campaigns; null: no cap. */
  max_attempts: number | null;
  /** The window of `max_attempts`, in days. */
  per_days: number | null;
  /** Days without an attempt after one that reached the person; null: none. */
  rest_after_contact_days: number | null;
  /** Hours every campaign of the customer stays within (a campaign's own hours narrow them); null: any. */
  calling_hours: CallingHours | null;
}

/** Until a customer sets a policy: no limits, as before policies existed. */
export const NO_CONTACT_LIMITS: ContactPolicy = {
  max_attempts: null,
  per_days: null,
  rest_after_contact_days: null,
  calling_hours: null,
};
