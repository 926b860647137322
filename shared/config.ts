import * as z from 'zod/mini';
import {
  type AnswerRates,
  DEFAULT_DISTRIBUTIONS,
  type MsRange,
  parseMsRange,
} from '#adapters/telephony/simulator/call-distributions.ts';

/** A simulator time: `2000` (fixed) or `5000-25000` (drawn uniformly per call), milliseconds. */
const msRangeText = z.optional(
  z
    .string()
    .check(z.refine((t) => parseMsRange(t) !== undefined, 'a number of ms, or a range like 5000-25000')),
);
const share = z.optional(z.coerce.number().check(z.minimum(0), z.maximum(1)));

/** A Secrets Manager ARN, when set. */
const arn = z.optional(z.string().check(z.startsWith('arn:')));

/**
 * Environment, parsed once with zod; nothing else reads process.env. Parsed on first use rather than at
 * import so the local runtime and tests can set the environment before the handlers need it. zod/mini,
 * not classic zod: every Lambda loads this schema, and classic zod (about 90 KB, whose schemas each
 * build their own methods) was the largest package after the SDK in every bundle.
 */
const schema = z
  .object({
    TABLE_NAME: z.string().check(z.minLength(1)),
    DYNAMODB_ENDPOINT: z.optional(z.url()),
    AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
    /** Operator key for POST /v1.0/customers, for local use. Unset (with no secret): no caller is an operator. */
    OUTBOUND_ADMIN_KEY: z.optional(z.string().check(z.minLength(16))),
    /** In AWS the operator key lives in Secrets Manager; the handler reads it once, on its first event. */
    OUTBOUND_ADMIN_KEY_SECRET_ARN: arn,
    /** `local` (npm start) also allows http and loopback customer webhook URIs. */
    OUTBOUND_RUNTIME: z._default(z.enum(['local', 'aws']), 'aws'),
    /** Seconds a warm handler trusts a verified access key before looking it up again. */
    ACCESSKEY_CACHE_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(300)), 10),
    /** Requests per second each customer may sustain on the API, across all containers; 0 turns it off. */
    API_REQUESTS_PER_SECOND: z._default(z.coerce.number().check(z.minimum(0), z.maximum(100_000)), 50),
    /** Requests a customer may send at once after a quiet spell (the bucket's size). */
    API_REQUEST_BURST: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100_000)), 100),
    /** Webhook delivery jobs (events functions only). */
    WEBHOOK_QUEUE_URL: z.optional(z.url()),
    /** Where jobs go after their last failed attempt (delivery function); unset: logged and dropped. */
    WEBHOOK_DLQ_URL: z.optional(z.url()),
    /** Engine (functions/engine, functions/webhooks): the dial jobs queue the tick fills. */
    DIAL_QUEUE_URL: z.optional(z.url()),
    /** The tick queue the fan-out fills (tick-fanout function only). */
    TICK_QUEUE_URL: z.optional(z.url()),
    /** Where the provider reaches the webhook route, e.g. https://api.example.com (no /v1.0). */
    PUBLIC_BASE_URL: z.optional(z.url()),
    /** The carrier adapter the engine uses. Unset: the simulator. */
    TELEPHONY_PROVIDER: z.optional(z.enum(['twilio', 'simulator'])),
    /** Twilio account (locally; in AWS they come from TWILIO_SECRET_ARN). */
    TWILIO_ACCOUNT_SID: z.optional(z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/))),
    /** Signs Twilio's webhooks; also the REST password unless an API key is set. */
    TWILIO_AUTH_TOKEN: z.optional(z.string().check(z.minLength(1))),
    /** Optional API key for the REST calls (webhooks are still checked with the auth token). */
    TWILIO_API_KEY_SID: z.optional(z.string().check(z.regex(/^SK[0-9a-fA-F]{32}$/))),
    TWILIO_API_KEY_SECRET: z.optional(z.string().check(z.minLength(1))),
    /** Twilio's REST base URL; tests and staging point it at a fake. */
    TWILIO_API_BASE_URL: z._default(z.url(), 'https://api.twilio.com'),
    /** The account's calls per second, shared by every dialer (Twilio's default is 1). */
    TWILIO_CPS: z._default(z.coerce.number().check(z.positive(), z.maximum(1000)), 1),
    /** Secrets Manager secret: JSON with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (and optionally the API key). */
    TWILIO_SECRET_ARN: arn,
    /** Secrets Manager secret holding the simulator's signing key. */
    SIMULATOR_SECRET_ARN: arn,
    /** Where the queued simulator puts its delayed call events. */
    SIM_EVENTS_QUEUE_URL: z.optional(z.url()),
    /** Local simulator (`npm start`): seeds its drawn outcomes and times; unset: a random seed, printed. */
    SIM_SEED: z.optional(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(2 ** 32 - 1))),
    /** Share of calls a person answers; set (or SIM_MACHINE_RATE): outcomes drawn, not by last digit. */
    SIM_LIVE_ANSWER_RATE: share,
    /** Share of calls an answering machine answers. */
    SIM_MACHINE_RATE: share,
    /** Ring time before an answer. @default 2000, or 5000-25000 with answer rates set */
    SIM_RING_MS: msRangeText,
    /** Talk time of a person. @default 5000, or 90000-180000 with answer rates set */
    SIM_TALK_MS: msRangeText,
    /** `auto` or a number: `npm start` keeps that many simulated agents (auto: 20) available. */
    SIM_AGENTS: z.optional(
      z.union([z.literal('auto'), z.coerce.number().check(z.int(), z.minimum(0), z.maximum(1000))]),
    ),
  })
  .check(
    z.refine((env) => !(env.OUTBOUND_ADMIN_KEY && env.OUTBOUND_ADMIN_KEY_SECRET_ARN), {
      message: 'Set OUTBOUND_ADMIN_KEY or OUTBOUND_ADMIN_KEY_SECRET_ARN, not both',
    }),
    z.refine((env) => (env.SIM_LIVE_ANSWER_RATE ?? 0) + (env.SIM_MACHINE_RATE ?? 0) <= 1, {
      message: 'SIM_LIVE_ANSWER_RATE and SIM_MACHINE_RATE add up to more than 1',
    }),
    z.refine((env) => !env.TWILIO_API_KEY_SID === !env.TWILIO_API_KEY_SECRET, {
      message: 'Set TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET together',
    }),
    z.refine(
      (env) =>
        env.TELEPHONY_PROVIDER !== 'twilio' ||
        Boolean(env.TWILIO_SECRET_ARN || (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN)),
      {
        message:
          'TELEPHONY_PROVIDER=twilio needs TWILIO_SECRET_ARN or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
      },
    ),
  );

/** Twilio settings; credentials are unset in AWS, where they are read from `secretArn`. */
export interface TwilioConfig {
  accountSid: string | undefined;
  authToken: string | undefined;
  apiKeySid: string | undefined;
  apiKeySecret: string | undefined;
  apiBaseUrl: string;
  cps: number;
  secretArn: string | undefined;
}

/** The local call simulator's settings (see docs/behaviour.md, Simulator). */
export interface SimulatorConfig {
  /** Unset: the caller picks one and prints it. */
  seed: number | undefined;
  /** Set: outcomes drawn at these rates; unset: the last-digit rules. */
  answerRates: AnswerRates | undefined;
  ringMs: MsRange;
  talkMs: MsRange;
  /** Simulated agents `npm start` keeps available; undefined: none. */
  agents: number | undefined;
}

/** Simulated agents when SIM_AGENTS=auto: enough for a call centre's floor, few enough for a laptop. */
export const AUTO_SIM_AGENTS = 20;

export interface Config {
  tableName: string;
  dynamodbEndpoint: string | undefined;
  awsRegion: string;
  adminKey: string | undefined;
  adminKeySecretArn: string | undefined;
  runtime: 'local' | 'aws';
  accesskeyCacheSeconds: number;
  /** The per-customer API request budget (ratePerSecond 0: off). */
  apiBudget: { ratePerSecond: number; burst: number };
  webhookQueueUrl: string | undefined;
  webhookDeadLetterQueueUrl: string | undefined;
  dialQueueUrl: string | undefined;
  tickQueueUrl: string | undefined;
  publicBaseUrl: string | undefined;
  telephonyProvider: 'twilio' | 'simulator' | undefined;
  twilio: TwilioConfig;
  simulatorSecretArn: string | undefined;
  simEventsQueueUrl: string | undefined;
  simulator: SimulatorConfig;
}

const simulatorConfig = (env: z.infer<typeof schema>): SimulatorConfig => {
  const drawn = env.SIM_LIVE_ANSWER_RATE !== undefined || env.SIM_MACHINE_RATE !== undefined;
  const answerRates = drawn
    ? {
        liveAnswerRate:
          env.SIM_LIVE_ANSWER_RATE ??
          Math.min(DEFAULT_DISTRIBUTIONS.liveAnswerRate, 1 - (env.SIM_MACHINE_RATE ?? 0)),
        machineRate:
          env.SIM_MACHINE_RATE ??
          Math.min(DEFAULT_DISTRIBUTIONS.machineRate, 1 - (env.SIM_LIVE_ANSWER_RATE ?? 0)),
      }
    : undefined;
  const range = (text: string | undefined, plain: number, realistic: MsRange) =>
    (text !== undefined ? parseMsRange(text) : undefined) ?? (drawn ? realistic : { min: plain, max: plain });
  return {
    seed: env.SIM_SEED,
    answerRates,
    ringMs: range(env.SIM_RING_MS, 2000, DEFAULT_DISTRIBUTIONS.ringMs),
    talkMs: range(env.SIM_TALK_MS, 5000, DEFAULT_DISTRIBUTIONS.talkMs),
    agents: env.SIM_AGENTS === 'auto' ? AUTO_SIM_AGENTS : env.SIM_AGENTS,
  };
};

let cached: Config | undefined;

export const config = (): Config => {
  if (cached) return cached;
  const env = schema.parse(process.env);
  cached = {
    tableName: env.TABLE_NAME,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
    awsRegion: env.AWS_REGION,
    adminKey: env.OUTBOUND_ADMIN_KEY,
    adminKeySecretArn: env.OUTBOUND_ADMIN_KEY_SECRET_ARN,
    runtime: env.OUTBOUND_RUNTIME,
    accesskeyCacheSeconds: env.ACCESSKEY_CACHE_SECONDS,
    apiBudget: { ratePerSecond: env.API_REQUESTS_PER_SECOND, burst: env.API_REQUEST_BURST },
    webhookQueueUrl: env.WEBHOOK_QUEUE_URL,
    webhookDeadLetterQueueUrl: env.WEBHOOK_DLQ_URL,
    dialQueueUrl: env.DIAL_QUEUE_URL,
    tickQueueUrl: env.TICK_QUEUE_URL,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    telephonyProvider: env.TELEPHONY_PROVIDER,
    twilio: {
      accountSid: env.TWILIO_ACCOUNT_SID,
      authToken: env.TWILIO_AUTH_TOKEN,
      apiKeySid: env.TWILIO_API_KEY_SID,
      apiKeySecret: env.TWILIO_API_KEY_SECRET,
      apiBaseUrl: env.TWILIO_API_BASE_URL,
      cps: env.TWILIO_CPS,
      secretArn: env.TWILIO_SECRET_ARN,
    },
    simulatorSecretArn: env.SIMULATOR_SECRET_ARN,
    simEventsQueueUrl: env.SIM_EVENTS_QUEUE_URL,
    simulator: simulatorConfig(env),
  };
  return cached;
};
