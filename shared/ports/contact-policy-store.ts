import type { ContactPolicy } from '#domain/contact-policy.ts';

export interface StoredContactPolicy extends ContactPolicy {
  customer_id: string;
  /** When it was last set; null while the customer has never set one. */
  tm_update: string | null;
}

/** One contact policy per customer, in a small item of its own that the engine can read cheaply. */
export interface ContactPolicyStore {
  /** The customer's policy, or undefined when none was ever set. */
  get(customerId: string): Promise<StoredContactPolicy | undefined>;
  /** Replaces the customer's policy. */
  put(policy: StoredContactPolicy): Promise<void>;
}
