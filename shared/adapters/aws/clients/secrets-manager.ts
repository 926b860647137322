/**
 * Secrets Manager for the Lambda entry points: one client per container, 3 tries a request. The SDK
 * is imported on the first read, so the functions that read no secret never load it at cold start.
 */
import { config } from '#shared/config.ts';

type SecretsManager = import('@aws-sdk/client-secrets-manager').SecretsManagerClient;

let client: Promise<SecretsManager> | undefined;

/** A secret's current SecretString (undefined when it holds none, say a binary secret). */
export const readSecretString = async (secretId: string): Promise<string | undefined> => {
  client ??= import('@aws-sdk/client-secrets-manager').then(
    ({ SecretsManagerClient }) => new SecretsManagerClient({ region: config().awsRegion, maxAttempts: 3 }),
  );
  const { GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const out = await (await client).send(new GetSecretValueCommand({ SecretId: secretId }));
  return out.SecretString;
};
