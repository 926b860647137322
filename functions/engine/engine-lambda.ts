/**
 * EngineDeps for the engine's Lambda entry points, built from config once per container (on the first
 * event; a failed build is retried on the next one). The simulator key is read from Secrets Manager
 * only by the functions that are given SIMULATOR_SECRET_ARN (dialer, provider-events); with
 * TELEPHONY_PROVIDER=twilio the Twilio credentials come from TWILIO_SECRET_ARN (else from the env).
 * Both secrets are read again once they are 5 min old; when one has changed the deps are rebuilt
 * around it (the clients stay), so a rotated key or token is in use within 5 min.
 */
import { documentClient } from '#adapters/aws/clients/dynamodb.ts';
import { sqsClient } from '#adapters/aws/clients/sqs.ts';
import { oncePerContainer, oncePerKey } from '#adapters/aws/once-per-container.ts';
import { secretString } from '#adapters/aws/secrets.ts';
import { dynamoEngineStores } from '#adapters/dynamodb/deps.ts';
import { DynamoEngineStore } from '#adapters/dynamodb/engine-store.ts';
import { SqsDialQueue } from '#adapters/sqs/dial-queue.ts';
import { QueuedSimulatorProvider } from '#adapters/telephony/simulator/queued-simulator-provider.ts';
import { campaignOptOutKey } from '#adapters/telephony/simulator/simulator-provider.ts';
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

/** The secrets' current SecretStrings, as read (undefined: not configured for this function). */
export interface EngineSecrets {
  simulator?: string | undefined;
  twilio?: string | undefined;
}

/** The simulator's signing key: the secret when SIMULATOR_SECRET_ARN is set, else none (local). */
const simulatorKey = (cfg: Config, secrets: EngineSecrets): string | undefined => {
  if (!cfg.simulatorSecretArn) return undefined;
  const secret = secrets.simulator;
  if (!secret || secret.length < 16) {
    throw new Error('The simulator signing key secret is empty or shorter than 16 characters');
  }
  return secret;
};

/** Twilio credentials: the secret when TWILIO_SECRET_ARN is set (AWS), else the environment (local). */
const twilioCredentials = (cfg: Config, secrets: EngineSecrets): TwilioCredentials => {
  if (!cfg.twilio.secretArn) return credentialsFromEnv(cfg.twilio);
  if (!secrets.twilio) throw new Error('The Twilio secret has no SecretString');
  return credentialsFromSecret(secrets.twilio);
};

/** A function without DIAL_QUEUE_URL never enqueues; if it tries, say so instead of failing silently. */
const noDialQueue: DialQueue = {
  send: async () => {
    throw new Error('DIAL_QUEUE_URL is not set for this function');
  },
  sendLater: async () => {
    throw new Error('DIAL_QUEUE_URL is not set for this function');
  },
};

export const buildEngineDeps = (cfg: Config, secrets: EngineSecrets): EngineDeps => {
  if (!cfg.publicBaseUrl) throw new Error('PUBLIC_BASE_URL is required by the engine');
  const provider = cfg.telephonyProvider ?? 'simulator';
  const ddb = documentClient();
  const sqs = sqsClient();
  const deps = dynamoEngineStores(ddb, cfg.tableName);
  const engine = new DynamoEngineStore(ddb, cfg.tableName);
  let telephony: TelephonyProvider;
  if (provider === 'twilio') {
    telephony = buildTwilioProvider({
      credentials: twilioCredentials(cfg, secrets),
      baseUrl: cfg.twilio.apiBaseUrl,
      cps: cfg.twilio.cps,
      ddb,
      tableName: cfg.tableName,
      store: engine,
      clock: deps.clock,
    });
  } else {
    telephony = new QueuedSimulatorProvider(sqs, {
      secret: simulatorKey(cfg, secrets),
      queueUrl: cfg.simEventsQueueUrl,
      now: () => deps.clock.now(),
      optOutKey: campaignOptOutKey(engine),
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

/** Readers of the secrets this function is given (none: nothing to read). */
const secretReaders = oncePerContainer(() => {
  const cfg = config();
  const simulator =
    cfg.telephonyProvider !== 'twilio' && cfg.simulatorSecretArn
      ? secretString(cfg.simulatorSecretArn)
      : undefined;
  const twilio =
    cfg.telephonyProvider === 'twilio' && cfg.twilio.secretArn
      ? secretString(cfg.twilio.secretArn)
      : undefined;
  return async (): Promise<[string | undefined, string | undefined]> =>
    Promise.all([simulator?.(), twilio?.()]);
});

/**
 * Wraps a handler factory: deps are built on the first event and reused while the container lives,
 * and built again when a secret they hold has changed.
 */
export const withEngineDeps = <E, R>(
  factory: (deps: EngineDeps) => (event: E) => Promise<R>,
): ((event: E) => Promise<R>) => {
  const handlerFor = oncePerKey(([simulator, twilio]: [string | undefined, string | undefined]) =>
    factory(buildEngineDeps(config(), { simulator, twilio })),
  );
  return async (event: E) => {
    const secrets = await (await secretReaders())();
    return (await handlerFor(secrets))(event);
  };
};
