/** Lambda entry: POST /v1.0/providers/{provider}/events (public; the provider's signature is checked). */
import { withEngineDeps } from '#functions/engine/engine-lambda.ts';
import { buildProviderEventsHandler } from './provider-events-handler.ts';

export const handler = withEngineDeps(buildProviderEventsHandler);
