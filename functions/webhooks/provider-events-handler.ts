/**
 * POST /v1.0/providers/{provider}/events: public, authenticated by the provider's signature, not by an
 * access key. Verify first (403 and nothing written on failure), then record each normalised event.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Forbidden, NotFound, ValidationFailed } from '#domain/errors.ts';
import { errorResponse, json } from '#http/responses.ts';
import type { NormalizedCallEvent, WebhookRequest } from '#ports/telephony.ts';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { recordCallEvent } from '#services/engine/record-call-event.ts';
import { logger } from '#shared/observability.ts';

export const PROVIDER_EVENTS_PATH = /^\/v1\.0\/providers\/([a-z]+)\/events\/?$/;

export const toWebhookRequest = (event: APIGatewayProxyEventV2, publicBaseUrl: string): WebhookRequest => {
  const raw = event.body ?? '';
  return {
    method: event.requestContext.http.method === 'GET' ? 'GET' : 'POST',
    // The URL the provider signed is the public one we configured, never one rebuilt from proxy headers.
    url: `${publicBaseUrl}${event.rawPath}${event.rawQueryString ? `?${event.rawQueryString}` : ''}`,
    headers: Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v ?? '']),
    ),
    rawBody: event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw,
  };
};

/**
 * What makes a request the same request: who signed what, where (headers other than the signature
 * vary). 72 bits of SHA-256 (12 characters): kept on the attempt it reports on, whose item must stay
 * under 1 KB; only signed requests (which nobody else can make) are compared, a few per attempt.
 */
export const requestDigest = (provider: string, req: WebhookRequest) => {
  const signatures = Object.entries(req.headers)
    .filter(([k]) => k.includes('signature'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}:${v}`);
  return createHash('sha256')
    .update([provider, req.url, ...signatures, req.rawBody].join('\n'))
    .digest()
    .subarray(0, 9)
    .toString('base64url');
};

const replayed = () => new Forbidden('This request was already received', 'REQUEST_REPLAYED');

/**
 * The event of one attempt: the attempt itself remembers the request (in the write that applies the
 * event), so accepting it costs no write of its own. Not recorded: forgotten, so the provider's retry
 * of this very request gets in.
 */
const recordOnAttempt = async (
  deps: EngineDeps,
  event: NormalizedCallEvent,
  attemptId: string,
  digest: string,
) => {
  let outcome: Awaited<ReturnType<typeof recordCallEvent>>;
  try {
    outcome = await recordCallEvent(deps, event, digest);
  } catch (err) {
    await deps.engine.forgetSeen(attemptId, digest).catch(() => undefined);
    throw err;
  }
  logger.debug('call event', { attemptId, kind: event.kind, outcome });
  if (outcome === 'replayed') throw replayed();
  // No such attempt: nothing to keep it on, so it gets a marker of its own.
  if (outcome === 'unknown-attempt' && !(await deps.replays.firstSight(digest, deps.clock.now()))) {
    throw replayed();
  }
};

export const buildProviderEventsHandler =
  (deps: EngineDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext.requestId;
    try {
      const name = PROVIDER_EVENTS_PATH.exec(event.rawPath)?.[1];
      if (event.requestContext.http.method !== 'POST' || name !== deps.provider.name) {
        throw new NotFound('ROUTE_NOT_FOUND', 'No such route');
      }
      const req = toWebhookRequest(event, deps.settings.publicBaseUrl);
      if (!deps.provider.verifyWebhook(req)) throw new Forbidden('The request signature is not valid');
      let events: ReturnType<typeof deps.provider.parseEvent>;
      try {
        events = deps.provider.parseEvent(req);
      } catch {
        throw new ValidationFailed('The event could not be read');
      }
      // A valid signature proves who sent it, not when: a request seen before is a replay.
      const digest = requestDigest(name, req);
      const [only] = events;
      if (events.length === 1 && only?.attemptId) {
        await recordOnAttempt(deps, only, only.attemptId, digest);
        return json(200, {});
      }
      // A request about no attempt (a status we do not track): a marker of its own.
      if (!(await deps.replays.firstSight(digest, deps.clock.now()))) throw replayed();
      try {
        for (const e of events) {
          const outcome = await recordCallEvent(deps, e);
          logger.debug('call event', { attemptId: e.attemptId, kind: e.kind, outcome });
        }
      } catch (err) {
        // Not recorded: the provider's retry of this very request must get in.
        await deps.replays.forget(digest);
        throw err;
      }
      // 2xx for duplicates and stale events too, so the provider stops retrying.
      return json(200, {});
    } catch (err) {
      if (!(err instanceof NotFound || err instanceof Forbidden || err instanceof ValidationFailed)) {
        logger.error('provider event failed', { requestId, error: err as Error });
      }
      return errorResponse(err, requestId);
    }
  };
