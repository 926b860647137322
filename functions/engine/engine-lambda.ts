/**
 * EngineDeps for the engine's Lambda entry points, built from config once per container (on the first
 * event; a failed build is retried on the next one). The simulator key is read from Secrets Manager
 * only by the functions that are given SIMULATOR_SECRET_ARN (dialer, provider-events).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { SqsDialQueue } from '#adapters/sqs/dial-queue.ts';
import { QueuedSimulatorProvider } from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import type { DialQueue } from '#ports/dial-queue.ts';
import { defaultEngineSettings, type EngineDeps } from '#services/engine/engine-deps.ts';
import { type Config, config } from '#shared/config.ts';

const loadSimulatorSecret = async (cfg: Config): Promise<string | undefined> => {
  if (!cfg.simulatorSecretArn) return undefined;
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: cfg.awsRegion, maxAttempts: 3 });
  const out = await client.send(new GetSecretValueCommand({ SecretId: cfg.simulatorSecretArn }));
  client.destroy();
  if (!out.SecretString || out.SecretString.length < 16) {
    throw new Error('The simulator signing key secret is empty or shorter than 16 characters');
  }
  return out.SecretString;
};

/** A function without DIAL_QUEUE_URL never enqueues; if it tries, say so instead of failing silently. */
const noDialQueue: DialQueue = {
  send: async () => {
    throw new Error('DIAL_QUEUE_URL is not set for this function');
  },
};

export const buildEngineDeps = async (cfg: Config = config()): Promise<EngineDeps> => {
  if (!cfg.publicBaseUrl) throw new Error('PUBLIC_BASE_URL is required by the engine');
  const provider = cfg.telephonyProvider ?? 'simulator';
  const ddb = createDocumentClient();
  const sqs = new SQSClient({ region: cfg.awsRegion, maxAttempts: 3 });
  const deps = dynamoDeps(ddb, cfg.tableName, { runtime: cfg.runtime });
  const secret = await loadSimulatorSecret(cfg);
  if (provider !== 'simulator') throw new Error(`unsupported TELEPHONY_PROVIDER ${provider}`);
  return {
    ...deps,
    engine: new DynamoEngineStore(ddb, cfg.tableName),
    dialQueue: cfg.dialQueueUrl ? new SqsDialQueue(sqs, cfg.dialQueueUrl) : noDialQueue,
    provider: new QueuedSimulatorProvider(sqs, {
      secret,
      queueUrl: cfg.simEventsQueueUrl,
      now: () => deps.clock.now(),
    }),
    settings: defaultEngineSettings(cfg.publicBaseUrl),
  };
};

/** Wraps a handler factory: deps are built on the first event and reused while the container lives. */
export const withEngineDeps = <E, R>(
  factory: (deps: EngineDeps) => (event: E) => Promise<R>,
): ((event: E) => Promise<R>) => {
  let built: Promise<(event: E) => Promise<R>> | undefined;
  return async (event: E) => {
    built ??= buildEngineDeps()
      .then(factory)
      .catch((err: unknown) => {
        built = undefined;
        throw err;
      });
    return (await built)(event);
  };
};
