import * as z from 'zod';
import { EVENT_TYPES } from '#domain/events.ts';

/** The webhook queue's message body (a DeliveryJob). `data` is the resource as the API shows it. */
export const DeliveryJobMessage = z.strictObject({
  deliveryId: z.guid(),
  customerId: z.string().min(1),
  type: z.enum(EVENT_TYPES),
  data: z.looseObject({ id: z.string() }),
});
