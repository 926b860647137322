import type { Timestamps } from './resource.ts';

export interface Customer extends Timestamps {
  id: string;
  name: string;
  detail: string;
  webhook_uri: string;
}

export interface Accesskey extends Timestamps {
  id: string;
  customer_id: string;
  name: string;
  detail: string;
  /** Only the first characters, so a person can tell keys apart; the key itself is stored as a hash. */
  token_prefix: string;
}

/** Who is calling: a customer (by access key) or the operator (admin key). */
export type Caller = { kind: 'customer'; customerId: string } | { kind: 'admin' };
