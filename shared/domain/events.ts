/**
 * Our events (see docs/behaviour.md, "Events and webhooks") and the webhook delivery contract: which
 * events exist, what a delivery carries, how it is signed and when a failed one is tried again. Pure;
 * the signing itself is done by an adapter.
 */

/**
 * Resources whose changes are published: outplan and outdialtarget too, which VoIPBIN never sends, and
 * our suppressions (created and deleted only: a suppression never changes otherwise).
 */
export const EVENT_KINDS = [
  'campaign',
  'campaigncall',
  'outplan',
  'outdial',
  'outdialtarget',
  'suppression',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const CAMPAIGN_STATUS_EVENTS = [
  'campaign_status_run',
  'campaign_status_stopping',
  'campaign_status_stop',
] as const;

export type EventType =
  | `${EventKind}_${'created' | 'updated' | 'deleted'}`
  | (typeof CAMPAIGN_STATUS_EVENTS)[number];

export const EVENT_TYPES: readonly EventType[] = [
  ...EVENT_KINDS.flatMap((k) => [`${k}_created`, `${k}_updated`, `${k}_deleted`] as const),
  ...CAMPAIGN_STATUS_EVENTS,
];

export const isEventKind = (value: unknown): value is EventKind =>
  (EVENT_KINDS as readonly unknown[]).includes(value);

/** One event: the resource as the API shows it, and whose it is. */
export interface ResourceEvent {
  type: EventType;
  customerId: string;
  data: Record<string, unknown> & { id: string };
}

/** The JSON body POSTed to the customer's webhook_uri . */
export const webhookBody = (type: string, data: unknown) => JSON.stringify({ type, data });

/** Headers of a delivery, lower case as they go on the wire. */
export const WEBHOOK_HEADERS = {
  deliveryId: 'x-outbound-delivery-id',
  eventType: 'x-outbound-event-type',
  timestamp: 'x-outbound-timestamp',
  signature: 'x-outbound-signature',
} as const;

/**
 * What is signed: the timestamp header, a dot and the exact body bytes. Binding the timestamp lets a
 * receiver refuse replays of an old delivery; the `v1=` prefix leaves room for another scheme later.
 */
export const signaturePayload = (timestampSeconds: number, body: string) => `${timestampSeconds}.${body}`;
export const SIGNATURE_SCHEME = 'v1';

/** A customer's signing secret is recognisable in logs and config files by its prefix. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

export interface RetryPolicy {
  /** Delay after the first failed attempt; each further failure doubles it. */
  baseDelaySeconds: number;
  /** No wait is longer than this. */
  maxDelaySeconds: number;
  /** Attempts in all, the first included; after the last failure the delivery is given up. */
  maxAttempts: number;
  /** One attempt waits at most this long for the receiver's answer. */
  timeoutMs: number;
}

/**
 * @default 15 s doubling to at most 15 min, 8 attempts (about 31 min of retries), 5 s per attempt:
 * long enough to ride out a deploy or a short outage of the receiver, short enough that one hanging
 * receiver holds a delivery worker for seconds, not minutes.
 */
export const defaultRetryPolicy: RetryPolicy = {
  baseDelaySeconds: 15,
  maxDelaySeconds: 900,
  maxAttempts: 8,
  timeoutMs: 5000,
};

/** Seconds to wait after failed attempt number `attempt` (1 for the first). */
export const retryDelaySeconds = (policy: RetryPolicy, attempt: number) =>
  Math.min(policy.maxDelaySeconds, policy.baseDelaySeconds * 2 ** Math.max(0, attempt - 1));

/** Retry delays are spread ±20 % so jobs that failed together (an endpoint's outage) come back apart. */
export const RETRY_JITTER = 0.2;

/** The delay after failed attempt `attempt`, jittered by `random` (uniform in [0, 1)). */
export const jitteredDelaySeconds = (policy: RetryPolicy, attempt: number, random: () => number) =>
  retryDelaySeconds(policy, attempt) * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random());
