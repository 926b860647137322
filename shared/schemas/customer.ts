import * as z from 'zod';
import { Detail, Name, OptionalName, strings, Timestamps } from './common.ts';

export const CreateCustomer = z
  .strictObject({ name: Name, detail: Detail, webhook_uri: z.string().max(2048).default('') })
  .meta({ id: 'CreateCustomer' });
export const CreateAccesskey = z
  .strictObject({ name: OptionalName, detail: Detail })
  .meta({ id: 'CreateAccesskey' });

export const Customer = z
  .object({ ...strings('id', 'name', 'detail', 'webhook_uri'), ...Timestamps })
  .meta({ id: 'Customer' });
export const Accesskey = z
  .object({ ...strings('id', 'customer_id', 'name', 'detail', 'token_prefix'), ...Timestamps })
  .meta({ id: 'Accesskey' });
/** Only the response to a create carries the key itself; it is never shown again. */
export const AccesskeyWithToken = Accesskey.extend({ token: z.string() }).meta({ id: 'AccesskeyWithToken' });
/** The secret webhooks are signed with (HMAC-SHA256); shown on creation and rotation only. */
const WebhookSecretValue = z
  .string()
  .meta({ description: 'Key of the x-outbound-signature HMAC-SHA256; shown only here' });
export const CreatedCustomer = z
  .object({ customer: Customer, accesskey: AccesskeyWithToken, webhook_secret: WebhookSecretValue })
  .meta({ id: 'CreatedCustomer' });
export const WebhookSecret = z.object({ webhook_secret: WebhookSecretValue }).meta({ id: 'WebhookSecret' });
