import * as z from 'zod/mini';
import { EVENT_TYPES } from '#domain/events.ts';

/**
 * The webhook queue's message body (a DeliveryJob). `data` is the resource as the API shows it.
 * zod/mini: the delivery function loads nothing of classic zod.
 */
export const DeliveryJobMessage = z.strictObject({
  deliveryId: z.guid(),
  customerId: z.string().check(z.minLength(1)),
  type: z.enum(EVENT_TYPES),
  data: z.looseObject({ id: z.string() }),
});
