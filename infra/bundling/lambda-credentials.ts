/**
 * Stands in for `@aws-sdk/credential-provider-node` inside Lambda bundles (node-function.ts aliases it).
 * Lambda hands every function its role's credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN, so the SDK's default chain never gets past its first link there; the rest of it
 * (SSO, ini files, credential_process, web identity, instance metadata and the STS/SSO clients they
 * bring) is about 80 KB of every bundle that never runs. Kept: the environment, then container
 * credentials (AWS_CONTAINER_CREDENTIALS_*), which some Lambda modes and local emulators use.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

type Init = Parameters<typeof fromEnv>[0] & Parameters<typeof fromHttp>[0];

const CONTAINER_URIS = ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'];

/** Same name and shape as the SDK's: client runtime configs call `defaultProvider(init)`. */
export const defaultProvider =
  (init: Init = {}): AwsCredentialIdentityProvider =>
  async (): Promise<AwsCredentialIdentity> => {
    try {
      return await fromEnv(init)();
    } catch (envError) {
      if (!CONTAINER_URIS.some((k) => process.env[k])) throw envError;
      return fromHttp(init)();
    }
  };
