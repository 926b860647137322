import type { Accesskey, Customer } from '#domain/customer.ts';

/** Access keys are stored as SHA-256 hashes, with a lookup item per hash for authentication. */
export interface AccesskeyStore {
  createCustomer(customer: Customer): Promise<void>;
  getCustomer(id: string): Promise<Customer | undefined>;
  create(key: Accesskey, tokenHash: string): Promise<void>;
  /** The owning customer of a live key with this hash, if any. */
  findCustomerByHash(tokenHash: string): Promise<string | undefined>;
  remove(key: Accesskey, now: string): Promise<Accesskey>;
}
