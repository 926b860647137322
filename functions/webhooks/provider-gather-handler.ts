/**
 * POST /v1.0/providers/{provider}/gather: the key a called person pressed at the opt-out prompt (the
 * carrier's Gather callback). Public, authenticated like the status callbacks: the provider's signature
 * first (403 and nothing written on failure), a replayed request refused. The answer is the call's next
 * instructions in the provider's own terms (TwiML for Twilio).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { Forbidden, NotFound, ValidationFailed } from '#domain/errors.ts';
import { errorResponse } from '#http/responses.ts';
import type { KeypressEvent } from '#ports/telephony.ts';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { recordKeypress } from '#services/engine/record-keypress.ts';
import { logger } from '#shared/observability.ts';
import { requestDigest, toWebhookRequest } from './provider-events-handler.ts';

export const PROVIDER_GATHER_PATH = /^\/v1\.0\/providers\/([a-z]+)\/gather\/?$/;

export const buildProviderGatherHandler =
  (deps: EngineDeps) =>
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const requestId = event.requestContext.requestId;
    try {
      const name = PROVIDER_GATHER_PATH.exec(event.rawPath)?.[1];
      const { provider } = deps;
      if (
        event.requestContext.http.method !== 'POST' ||
        name !== provider.name ||
        !provider.parseKeypress ||
        !provider.keypressReply
      ) {
        throw new NotFound('ROUTE_NOT_FOUND', 'No such route');
      }
      const req = toWebhookRequest(event, deps.settings.publicBaseUrl);
      if (!provider.verifyWebhook(req)) throw new Forbidden('The request signature is not valid');
      let press: KeypressEvent;
      try {
        press = provider.parseKeypress(req);
      } catch {
        throw new ValidationFailed('The keypress could not be read');
      }
      const { outcome, next } = await recordKeypress(deps, press, requestDigest(name, req));
      logger.info('keypress', { attemptId: press.attemptId, outcome });
      if (outcome === 'replayed')
        throw new Forbidden('This request was already received', 'REQUEST_REPLAYED');
      const reply = provider.keypressReply(next.actions, next.queueId);
      return { statusCode: 200, headers: { 'content-type': reply.contentType }, body: reply.body };
    } catch (err) {
      if (!(err instanceof NotFound || err instanceof Forbidden || err instanceof ValidationFailed)) {
        logger.error('keypress callback failed', { requestId, error: err as Error });
      }
      return errorResponse(err, requestId);
    }
  };
