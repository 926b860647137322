/**
 * Lambda entry: POST /v1.0/providers/{provider}/events and …/gather (public; the provider's signature
 * is checked).
 */
import { withEngineDeps } from '#functions/engine/engine-lambda.ts';
import { buildProviderWebhooksHandler } from './provider-webhooks.ts';

export const handler = withEngineDeps(buildProviderWebhooksHandler);
