/**
 * Who is calling (see docs/behaviour.md, "Authentication"): the operator by the admin key, or a customer
 * by one of its access keys.
 */
import type { Caller } from '#domain/customer.ts';
import { Unauthenticated } from '#domain/errors.ts';
import type { Deps } from './deps.ts';

export interface Credentials {
  /** First credential found: cookie token, ?token=, Bearer, cookie accesskey, ?accesskey=, in that order. */
  key: string | undefined;
}

export interface KeyCache {
  get(hash: string): string | undefined;
  set(hash: string, customerId: string): void;
}

export const authenticate = async (
  deps: Deps,
  credentials: Credentials,
  adminKeyHash: string | undefined,
  cache?: KeyCache,
  equalHashes: (a: string, b: string) => boolean = (a, b) => a === b,
): Promise<Caller> => {
  if (!credentials.key) throw new Unauthenticated('AUTHENTICATION_REQUIRED', 'An access key is required');
  const hash = deps.ids.hash(credentials.key);
  if (adminKeyHash && equalHashes(hash, adminKeyHash)) return { kind: 'admin' };
  const cached = cache?.get(hash);
  if (cached) return { kind: 'customer', customerId: cached };
  const customerId = await deps.accesskeys.findCustomerByHash(hash);
  if (!customerId) throw new Unauthenticated('INVALID_CREDENTIALS', 'The access key is not valid');
  cache?.set(hash, customerId);
  return { kind: 'customer', customerId };
};
