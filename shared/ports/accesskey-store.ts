import type { Accesskey, Customer } from '#domain/customer.ts';

/** Access keys are stored as SHA-256 hashes, with a lookup item per hash for authentication. */
export interface AccesskeyStore {
  /** Creates the customer with the secret its webhooks are signed with. */
  createCustomer(customer: Customer, webhookSecret: string): Promise<void>;
  getCustomer(id: string): Promise<Customer | undefined>;
  /** Where a customer's webhooks go and the secret they are signed with; undefined for no customer. */
  getWebhookSettings(
    customerId: string,
  ): Promise<{ webhookUri: string; webhookSecret: string | undefined } | undefined>;
  /** Replaces the signing secret of a live customer; false when there is none. */
  setWebhookSecret(customerId: string, webhookSecret: string, now: string): Promise<boolean>;
  create(key: Accesskey, tokenHash: string): Promise<void>;
  /** The owning customer of a live key with this hash, if any. */
  findCustomerByHash(tokenHash: string): Promise<string | undefined>;
  remove(key: Accesskey, now: string): Promise<Accesskey>;
}
