/**
 * Use case: one attempt at one webhook delivery. Signs the body with the customer's current secret,
 * POSTs it with a short timeout and says what should happen next: done, try again later (exponential
 * backoff, jittered), or never (the address is not allowed, the customer has no webhook any more).
 */
import { ValidationFailed } from '#domain/errors.ts';
import {
  jitteredDelaySeconds,
  type RetryPolicy,
  SIGNATURE_SCHEME,
  signaturePayload,
  WEBHOOK_HEADERS,
  webhookBody,
} from '#domain/events.ts';
import { checkWebhookUri } from '#domain/webhook-uri.ts';
import type { AccesskeyStore } from '#ports/accesskey-store.ts';
import type { Clock } from '#ports/clock.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import type { WebhookSender, WebhookSigner } from '#ports/webhook-sender.ts';

export interface DeliverDeps {
  accesskeys: Pick<AccesskeyStore, 'getWebhookSettings'>;
  sender: WebhookSender;
  signer: WebhookSigner;
  clock: Clock;
  /** `aws` also refuses hosts that resolve to private addresses; `local` allows loopback receivers. */
  runtime: 'local' | 'aws';
  policy: RetryPolicy;
  /** Uniform in [0, 1): the retry delay's jitter. @default Math.random */
  random?: () => number;
}

export type DeliveryOutcome =
  | { kind: 'delivered'; status: number }
  /** Failed this time; the job comes back after `delaySeconds`. */
  | { kind: 'retry'; delaySeconds: number; reason: string }
  /** Failed on the last allowed attempt. */
  | { kind: 'give-up'; reason: string }
  /** Not sent and never will be; nothing to retry. */
  | { kind: 'dropped'; reason: string };

/** The request a receiver gets; exported so tests and docs show the one true shape. */
export const signedRequest = (
  signer: WebhookSigner,
  secret: string,
  job: DeliveryJob,
  timestampSeconds: number,
) => {
  const body = webhookBody(job.type, job.data);
  const signature = signer.sign(secret, signaturePayload(timestampSeconds, body));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [WEBHOOK_HEADERS.deliveryId]: job.deliveryId,
      [WEBHOOK_HEADERS.eventType]: job.type,
      [WEBHOOK_HEADERS.timestamp]: String(timestampSeconds),
      [WEBHOOK_HEADERS.signature]: `${SIGNATURE_SCHEME}=${signature}`,
    },
  };
};

/** `attempt` counts from 1 (the queue's receive count). */
export const deliverWebhook = async (
  deps: DeliverDeps,
  job: DeliveryJob,
  attempt: number,
): Promise<DeliveryOutcome> => {
  // Read at send time: a rotated secret or a removed customer applies to jobs already queued.
  const settings = await deps.accesskeys.getWebhookSettings(job.customerId);
  if (!settings?.webhookUri) return { kind: 'dropped', reason: 'no webhook_uri' };
  if (!settings.webhookSecret) return { kind: 'dropped', reason: 'no signing secret' };
  try {
    checkWebhookUri(settings.webhookUri, deps.runtime);
  } catch (err) {
    if (err instanceof ValidationFailed) return { kind: 'dropped', reason: err.message };
    throw err;
  }
  const timestamp = Math.floor(deps.clock.now() / 1000);
  const request = signedRequest(deps.signer, settings.webhookSecret, job, timestamp);
  const result = await deps.sender.post({
    url: settings.webhookUri,
    ...request,
    timeoutMs: deps.policy.timeoutMs,
    refusePrivateAddresses: deps.runtime === 'aws',
  });
  if (result.kind === 'refused') return { kind: 'dropped', reason: result.reason };
  if (result.kind === 'answered' && result.status >= 200 && result.status < 300) {
    return { kind: 'delivered', status: result.status };
  }
  const reason = result.kind === 'answered' ? `status ${result.status}` : result.reason;
  if (attempt >= deps.policy.maxAttempts) return { kind: 'give-up', reason };
  const delaySeconds = jitteredDelaySeconds(deps.policy, attempt, deps.random ?? Math.random);
  return { kind: 'retry', delaySeconds, reason };
};
