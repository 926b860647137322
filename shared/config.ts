import * as z from 'zod';

/**
 * Environment, parsed once with zod; nothing else reads process.env. Parsed on first use rather than at
 * import so the local runtime and tests can set the environment before the handlers need it.
 */
const schema = z
  .object({
    TABLE_NAME: z.string().min(1),
    DYNAMODB_ENDPOINT: z.url().optional(),
    AWS_REGION: z.string().min(1).default('us-east-1'),
    /** Operator key for POST /v1.0/customers, for local use. Unset (with no secret): no caller is an operator. */
    OUTBOUND_ADMIN_KEY: z.string().min(16).optional(),
    /** In AWS the operator key lives in Secrets Manager; the handler reads it once, on its first event. */
    OUTBOUND_ADMIN_KEY_SECRET_ARN: z.string().startsWith('arn:').optional(),
    /** `local` (npm start) also allows http and loopback customer webhook URIs. */
    OUTBOUND_RUNTIME: z.enum(['local', 'aws']).default('aws'),
    /** Seconds a warm handler trusts a verified access key before looking it up again. */
    ACCESSKEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
    /** Requests per second each customer may sustain on the API, across all containers; 0 turns it off. */
    API_REQUESTS_PER_SECOND: z.coerce.number().min(0).max(100_000).default(50),
    /** Requests a customer may send at once after a quiet spell (the bucket's size). */
    API_REQUEST_BURST: z.coerce.number().int().min(1).max(100_000).default(100),
    /** Webhook delivery jobs (events functions only). */
    WEBHOOK_QUEUE_URL: z.url().optional(),
    /** Where jobs go after their last failed attempt (delivery function); unset: logged and dropped. */
    WEBHOOK_DLQ_URL: z.url().optional(),
    /** Engine (functions/engine, functions/webhooks): the dial jobs queue the tick fills. */
    DIAL_QUEUE_URL: z.url().optional(),
    /** The tick queue the fan-out fills (tick-fanout function only). */
    TICK_QUEUE_URL: z.url().optional(),
    /** Where the provider reaches the webhook route, e.g. https://api.example.com (no /v1.0). */
    PUBLIC_BASE_URL: z.url().optional(),
    /** The carrier adapter the engine uses. Unset: the simulator. */
    TELEPHONY_PROVIDER: z.enum(['twilio', 'simulator']).optional(),
    /** Twilio account (locally; in AWS they come from TWILIO_SECRET_ARN). */
    TWILIO_ACCOUNT_SID: z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/)
      .optional(),
    /** Signs Twilio's webhooks; also the REST password unless an API key is set. */
    TWILIO_AUTH_TOKEN: z.string().min(1).optional(),
    /** Optional API key for the REST calls (webhooks are still checked with the auth token). */
    TWILIO_API_KEY_SID: z
      .string()
      .regex(/^SK[0-9a-fA-F]{32}$/)
      .optional(),
    TWILIO_API_KEY_SECRET: z.string().min(1).optional(),
    /** Twilio's REST base URL; tests and staging point it at a fake. */
    TWILIO_API_BASE_URL: z.url().default('https://api.twilio.com'),
    /** The account's calls per second, shared by every dialer (Twilio's default is 1). */
    TWILIO_CPS: z.coerce.number().positive().max(1000).default(1),
    /** Secrets Manager secret: JSON with TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN (and optionally the API key). */
    TWILIO_SECRET_ARN: z.string().startsWith('arn:').optional(),
    /** Secrets Manager secret holding the simulator's signing key. */
    SIMULATOR_SECRET_ARN: z.string().startsWith('arn:').optional(),
    /** Where the queued simulator puts its delayed call events. */
    SIM_EVENTS_QUEUE_URL: z.url().optional(),
  })
  .refine((env) => !(env.OUTBOUND_ADMIN_KEY && env.OUTBOUND_ADMIN_KEY_SECRET_ARN), {
    message: 'Set OUTBOUND_ADMIN_KEY or OUTBOUND_ADMIN_KEY_SECRET_ARN, not both',
  })
  .refine((env) => !env.TWILIO_API_KEY_SID === !env.TWILIO_API_KEY_SECRET, {
    message: 'Set TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET together',
  })
  .refine(
    (env) =>
      env.TELEPHONY_PROVIDER !== 'twilio' ||
      Boolean(env.TWILIO_SECRET_ARN || (env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN)),
    {
      message:
        'TELEPHONY_PROVIDER=twilio needs TWILIO_SECRET_ARN or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
    },
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
}

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
  };
  return cached;
};
