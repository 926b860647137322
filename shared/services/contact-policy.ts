/** Use cases of the customer's contact policy (our addition): read it, replace it. */
import type * as z from 'zod';
import { NO_CONTACT_LIMITS } from '#domain/contact-policy.ts';
import type { StoredContactPolicy } from '#ports/contact-policy-store.ts';
import type { ContactPolicyInput } from '#schemas/contact-policy.ts';
import type { Deps } from './deps.ts';
import { now } from './owned.ts';
import { presentContactPolicy as show } from './present.ts';

/** The policy in force: the customer's, or no limits at all until one is set. */
export const getContactPolicy = async (deps: Deps, customerId: string) =>
  show(
    (await deps.contactPolicies.get(customerId)) ?? {
      customer_id: customerId,
      ...NO_CONTACT_LIMITS,
      tm_update: null,
    },
  );

export const putContactPolicy = async (
  deps: Deps,
  customerId: string,
  input: z.output<typeof ContactPolicyInput>,
) => {
  const policy: StoredContactPolicy = { customer_id: customerId, ...input, tm_update: now(deps) };
  await deps.contactPolicies.put(policy);
  return show(policy);
};
