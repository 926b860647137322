/**
 * Use case: committed changes (a batch of stream records, in order) → webhook delivery jobs on the
 * queue, one per event of a customer that has a webhook_uri. Delivery itself happens elsewhere, so a
 * slow receiver never holds up the stream, let alone the engine.
 */
import type { Customer } from '#domain/customer.ts';
import { webhookBody } from '#domain/events.ts';
import type { AccesskeyStore } from '#ports/accesskey-store.ts';
import type { DeliveryJob, EventSink } from '#ports/event-sink.ts';
import type { IdSource } from '#ports/ids.ts';
import { eventsFromChange, type ItemImage } from './events-from-change.ts';

export interface EnqueueDeps {
  accesskeys: Pick<AccesskeyStore, 'getCustomer'>;
  ids: Pick<IdSource, 'hash'>;
  sink: EventSink;
}

/** One committed change; `recordId` is unique per change and the same each time it is read. */
export interface ItemChange {
  recordId: string;
  oldImage?: ItemImage;
  newImage?: ItemImage;
}

export interface EnqueueResult {
  enqueued: number;
  /** Index of the first change not fully enqueued: it and every later change must be read again. */
  failedAt?: number;
  /** Events left out because their job is bigger than a queue message may be. */
  tooLarge: { deliveryId: string; type: string }[];
}

/** SQS takes at most 256 KiB per message; the job wraps the body with a few ids. */
export const MAX_JOB_BYTES = 240 * 1024;

const utf8 = new TextEncoder();

/** A UUID-shaped id from a hash: stable for the same change and event, different for every other. */
export const deliveryIdFor = (ids: Pick<IdSource, 'hash'>, recordId: string, index: number) => {
  const h = ids.hash(`outbound-webhook#${recordId}#${index}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

export const enqueueDeliveries = async (
  deps: EnqueueDeps,
  changes: readonly ItemChange[],
): Promise<EnqueueResult> => {
  const customers = new Map<string, Promise<Customer | undefined>>();
  const customer = (id: string) => {
    let found = customers.get(id);
    if (!found) {
      found = deps.accesskeys.getCustomer(id);
      customers.set(id, found);
    }
    return found;
  };
  const jobs: { job: DeliveryJob; change: number }[] = [];
  const tooLarge: EnqueueResult['tooLarge'] = [];
  let failedAt: number | undefined;
  for (const [n, change] of changes.entries()) {
    try {
      const events = eventsFromChange(change.oldImage, change.newImage);
      for (const [i, event] of events.entries()) {
        if (!(await customer(event.customerId))?.webhook_uri) continue;
        const job: DeliveryJob = {
          deliveryId: deliveryIdFor(deps.ids, change.recordId, i),
          customerId: event.customerId,
          type: event.type,
          data: event.data,
        };
        // A job that can never be enqueued would block every later change: leave it out, say so.
        if (utf8.encode(webhookBody(job.type, job.data)).length > MAX_JOB_BYTES) {
          tooLarge.push({ deliveryId: job.deliveryId, type: job.type });
          continue;
        }
        jobs.push({ job, change: n });
      }
    } catch {
      // The customer could not be read (or the change not understood): this change and the ones
      // after it are read again; one that never succeeds is set aside by whoever feeds the stream.
      failedAt = n;
      break;
    }
  }
  const refused = new Set(jobs.length ? await deps.sink.enqueue(jobs.map((j) => j.job)) : []);
  const firstRefused = jobs.find((j) => refused.has(j.job.deliveryId))?.change;
  if (firstRefused !== undefined) failedAt = Math.min(failedAt ?? firstRefused, firstRefused);
  return {
    enqueued: jobs.length - refused.size,
    ...(failedAt !== undefined ? { failedAt } : {}),
    tooLarge,
  };
};
