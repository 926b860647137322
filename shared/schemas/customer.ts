import * as z from 'zod/mini';
import { Detail, Name, OptionalName, strings, Timestamps } from './common.ts';
import { withMeta } from './with-meta.ts';

export const CreateCustomer = z
  .strictObject({
    name: Name,
    detail: Detail,
    webhook_uri: z._default(z.string().check(z.maxLength(2048)), ''),
  })
  .apply(withMeta, { id: 'CreateCustomer' });
export const CreateAccesskey = z
  .strictObject({ name: OptionalName, detail: Detail })
  .apply(withMeta, { id: 'CreateAccesskey' });

export const Customer = z
  .object({ ...strings('id', 'name', 'detail', 'webhook_uri'), ...Timestamps })
  .apply(withMeta, { id: 'Customer' });
export const Accesskey = z
  .object({ ...strings('id', 'customer_id', 'name', 'detail', 'token_prefix'), ...Timestamps })
  .apply(withMeta, { id: 'Accesskey' });
/** Only the response to a create carries the key itself; it is never shown again. */
export const AccesskeyWithToken = z
  .extend(Accesskey, { token: z.string() })
  .apply(withMeta, { id: 'AccesskeyWithToken' });
/** The secret webhooks are signed with (HMAC-SHA256); shown on creation and rotation only. */
const WebhookSecretValue = z
  .string()
  .apply(withMeta, { description: 'Key of the x-outbound-signature HMAC-SHA256; shown only here' });
export const CreatedCustomer = z
  .object({ customer: Customer, accesskey: AccesskeyWithToken, webhook_secret: WebhookSecretValue })
  .apply(withMeta, { id: 'CreatedCustomer' });
export const WebhookSecret = z
  .object({ webhook_secret: WebhookSecretValue })
  .apply(withMeta, { id: 'WebhookSecret' });
