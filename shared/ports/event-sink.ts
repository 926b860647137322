import type { EventType } from '#domain/events.ts';

/**
 * One webhook delivery to make: an event of one customer. The id stays the same however often the
 * delivery is tried or the change that caused it is read again, so receivers can drop duplicates.
 */
export interface DeliveryJob {
  deliveryId: string;
  customerId: string;
  type: EventType;
  data: Record<string, unknown> & { id: string };
}

/** Where delivery jobs wait for the deliverer (the webhook queue). */
export interface EventSink {
  /** Enqueues jobs; resolves with the delivery ids it could not enqueue (empty when all went). */
  enqueue(jobs: readonly DeliveryJob[]): Promise<string[]>;
}

/** What the deliverer does with a job it could not deliver yet, or ever. */
export interface DeliveryRetries {
  /** Makes the received message (by its receipt) visible again after `delaySeconds`. */
  retryAfter(receipt: string, delaySeconds: number): Promise<void>;
  /** Keeps a job that was given up, for a person to look at (a dead-letter queue). */
  deadLetter(job: DeliveryJob, reason: string): Promise<void>;
}
