/**
 * EngineDeps for the engine's Lambda entry points, built from config once per container (on the first
 * event; a failed build is retried on the next one). The simulator key is read from Secrets Manager
 * only by the functions that are given SIMULATOR_SECRET_ARN (dialer, provider-events); with
 * TELEPHONY_PROVIDER=twilio the Twilio credentials come from TWILIO_SECRET_ARN (else from the env).
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { dynamoDeps } from '#adapters/dynamodb/deps.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { SqsDialQueue } from '#adapters/sqs/dial-queue.ts';
import { QueuedSimulatorProvider } from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import {
  buildTwilioProvider,
  credentialsFromEnv,
  credentialsFromSecret,
} from '#adapters/telephony/twilio/build-twilio-provider.ts';
import type { TwilioCredentials } from '#adapters/telephony/twilio/twilio-provider.ts';
import type { DialQueue } from '#ports/dial-queue.ts';
import type { TelephonyProvider } from '#ports/telephony.ts';
import {
  claimsPerTickFor,
  defaultEngineSettings,
  type EngineDeps,
  TICK_PERIOD_MS,
} from '#services/engine/engine-deps.ts';
import { type Config, config } from '#shared/config.ts';

const readSecret = async (cfg: Config, secretId: string) => {
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({ region: cfg.awsRegion, maxAttempts: 3 });
  const out = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  client.destroy();
  return out;
};

const loadSimulatorSecret = async (cfg: Config): Promise<string | undefined> => {
  if (!cfg.simulatorSecretArn) return undefined;
  const out = await readSecret(cfg, cfg.simulatorSecretArn);
  if (!out.SecretString || out.SecretString.length < 16) {
    throw new Error('The simulator signing key secret is empty or shorter than 16 characters');
  }
  return out.SecretString;
};

/** Twilio credentials: the secret when TWILIO_SECRET_ARN is set (AWS), else the environment (local). */
const loadTwilioCredentials = async (cfg: Config): Promise<TwilioCredentials> => {
  const t = cfg.twilio;
  if (t.secretArn) {
    const out = await readSecret(cfg, t.secretArn);
    if (!out.SecretString) throw new Error('The Twilio secret has no SecretString');
    return credentialsFromSecret(out.SecretString);
  }
  return credentialsFromEnv(t);
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
  const engine = new DynamoEngineStore(ddb, cfg.tableName);
  let telephony: TelephonyProvider;
  if (provider === 'twilio') {
    telephony = buildTwilioProvider({
      credentials: await loadTwilioCredentials(cfg),
      baseUrl: cfg.twilio.apiBaseUrl,
      cps: cfg.twilio.cps,
      ddb,
      tableName: cfg.tableName,
      store: engine,
      clock: deps.clock,
    });
  } else {
    telephony = new QueuedSimulatorProvider(sqs, {
      secret: await loadSimulatorSecret(cfg),
      queueUrl: cfg.simEventsQueueUrl,
      now: () => deps.clock.now(),
    });
  }
  return {
    ...deps,
    engine,
    dialQueue: cfg.dialQueueUrl ? new SqsDialQueue(sqs, cfg.dialQueueUrl) : noDialQueue,
    provider: telephony,
    settings: {
      ...defaultEngineSettings(cfg.publicBaseUrl),
      // Claim no more per tick than the carrier can place before the next one.
      ...(provider === 'twilio' ? { claimsPerTick: claimsPerTickFor(cfg.twilio.cps, TICK_PERIOD_MS) } : {}),
    },
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
