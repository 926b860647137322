/** Use cases of customers (tenants) and their access keys. Keys are shown once and stored as hashes. */
import type * as z from 'zod';
import type { Accesskey } from '#domain/customer.ts';
import { notFound } from '#domain/errors.ts';
import { WEBHOOK_SECRET_PREFIX } from '#domain/events.ts';
import { checkWebhookUri } from '#domain/webhook-uri.ts';
import type { CreateAccesskey, CreateCustomer } from '#schemas/customer.ts';
import type { Deps } from './deps.ts';
import { getOwn, guarded, listOwn, loadOwned, now, type PageQuery } from './owned.ts';
import { presentAccesskey as show, presentCustomer as showCustomer } from './present.ts';

const TOKEN_PREFIX_LENGTH = 6;

/** A new webhook signing secret: random like an access key, but kept usable (not hashed) to sign. */
const newWebhookSecret = (deps: Deps) => `${WEBHOOK_SECRET_PREFIX}${deps.ids.token()}`;

const issueKey = async (
  deps: Deps,
  customerId: string,
  input: { name: string; detail: string },
  token = deps.ids.token(),
) => {
  const key: Accesskey = {
    id: deps.ids.uuid(),
    customer_id: customerId,
    name: input.name,
    detail: input.detail,
    token_prefix: token.slice(0, TOKEN_PREFIX_LENGTH),
    tm_create: now(deps),
    tm_update: null,
    tm_delete: null,
  };
  await deps.accesskeys.create(key, deps.ids.hash(token));
  return { ...show(key as never), token };
};

export const createCustomer = async (deps: Deps, input: z.output<typeof CreateCustomer>, token?: string) => {
  checkWebhookUri(input.webhook_uri, deps.runtime);
  const customer = { id: deps.ids.uuid(), ...input, tm_create: now(deps), tm_update: null, tm_delete: null };
  const webhookSecret = newWebhookSecret(deps);
  await deps.accesskeys.createCustomer(customer, webhookSecret);
  const accesskey = await issueKey(
    deps,
    customer.id,
    { name: 'default', detail: 'created with the customer' },
    token,
  );
  // The signing secret is shown here and on rotation only, like an access key's token.
  return { customer: showCustomer(customer as never), accesskey, webhook_secret: webhookSecret };
};

/** Replaces the caller's webhook signing secret; deliveries sent from now on are signed with the new one. */
export const rotateWebhookSecret = async (deps: Deps, customerId: string) => {
  const webhookSecret = newWebhookSecret(deps);
  if (!(await deps.accesskeys.setWebhookSecret(customerId, webhookSecret, now(deps)))) {
    throw notFound('customer');
  }
  return { webhook_secret: webhookSecret };
};

/** For `npm start`: makes sure a customer owns this key, creating "dev" with it on first start. */
export const ensureCustomerWithKey = async (deps: Deps, name: string, token: string): Promise<string> => {
  const existing = await deps.accesskeys.findCustomerByHash(deps.ids.hash(token));
  if (existing) return existing;
  const created = await createCustomer(
    deps,
    { name, detail: 'created by npm start', webhook_uri: '' },
    token,
  );
  return created.customer.id;
};

export const getCustomer = async (deps: Deps, customerId: string) => {
  const customer = await deps.accesskeys.getCustomer(customerId);
  if (!customer) throw notFound('customer');
  return showCustomer(customer as never);
};

export const createAccesskey = (deps: Deps, customerId: string, input: z.output<typeof CreateAccesskey>) =>
  issueKey(deps, customerId, input);

export const listAccesskeys = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'accesskey', customerId, query, show);

export const getAccesskey = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'accesskey', customerId, id, show);

export const deleteAccesskey = async (deps: Deps, customerId: string, id: string) => {
  const key = await loadOwned(deps, 'accesskey', customerId, id);
  return guarded('accesskey', async () =>
    show((await deps.accesskeys.remove(key as never, now(deps))) as never),
  );
};
