import type { ContactPolicy } from '#domain/contact-policy.ts';

export interface StoredContactPolicy extends ContactPolicy {
  customer_id: string;
  /** When it was last set; null while the customer has never set one. */
  tm_update: string | null;
  /** When `calling_hours` last changed (absent: never set); the tick wakes targets held before it. */
  _hours_changed_at?: string;
}

/** What is kept about one person (a number of a customer) for the guardrails; see GET /contacts. */
export interface ContactHistory {
  /** Claim times of recent attempts, oldest first: kept only while the customer's policy has a cap. */
  recent: string[];
  /** The end of the last attempt that reached the person (answered, not by a machine). */
  lastContact: string | null;
  /** The end of the last call to the person that was abandoned (no agent was free). */
  lastAbandoned: string | null;
  /** The suppression holding the number (in force or expired), with its expiry. */
  suppression: { id: string; expire_at: string | null } | null;
  /** The attempt calling the person now, if any. */
  openAttemptId: string | null;
}

/** One contact policy per customer, in a small item of its own that the engine can read cheaply. */
export interface ContactPolicyStore {
  /** What is kept about the person with this E.164 number (empty when nothing is). */
  contactHistory(customerId: string, e164: string): Promise<ContactHistory>;
  /** The customer's policy, or undefined when none was ever set. */
  get(customerId: string): Promise<StoredContactPolicy | undefined>;
  /** Replaces the customer's policy. */
  put(policy: StoredContactPolicy): Promise<void>;
}
