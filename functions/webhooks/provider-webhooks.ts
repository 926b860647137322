/**
 * The provider's callbacks, one function for both routes: call events (…/events) and keypresses at a
 * prompt (…/gather). Each handler checks the signature itself.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { EngineDeps } from '#services/engine/engine-deps.ts';
import { buildProviderEventsHandler } from './provider-events-handler.ts';
import { buildProviderGatherHandler, PROVIDER_GATHER_PATH } from './provider-gather-handler.ts';

/** Both callback routes, for the local server's mount. */
export const PROVIDER_WEBHOOKS_PATH = /^\/v1\.0\/providers\/([a-z]+)\/(events|gather)\/?$/;

export const buildProviderWebhooksHandler = (deps: EngineDeps) => {
  const events = buildProviderEventsHandler(deps);
  const gather = buildProviderGatherHandler(deps);
  return (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> =>
    PROVIDER_GATHER_PATH.test(event.rawPath) ? gather(event) : events(event);
};
