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
    /** The carrier adapter the engine uses; only the simulator so far. */
    TELEPHONY_PROVIDER: z.enum(['simulator']).optional(),
    /** Secrets Manager secret holding the simulator's signing key. */
    SIMULATOR_SECRET_ARN: z.string().startsWith('arn:').optional(),
    /** Where the queued simulator puts its delayed call events. */
    SIM_EVENTS_QUEUE_URL: z.url().optional(),
  })
  .refine((env) => !(env.OUTBOUND_ADMIN_KEY && env.OUTBOUND_ADMIN_KEY_SECRET_ARN), {
    message: 'Set OUTBOUND_ADMIN_KEY or OUTBOUND_ADMIN_KEY_SECRET_ARN, not both',
  });

export interface Config {
  tableName: string;
  dynamodbEndpoint: string | undefined;
  awsRegion: string;
  adminKey: string | undefined;
  adminKeySecretArn: string | undefined;
  runtime: 'local' | 'aws';
  accesskeyCacheSeconds: number;
  webhookQueueUrl: string | undefined;
  webhookDeadLetterQueueUrl: string | undefined;
  dialQueueUrl: string | undefined;
  tickQueueUrl: string | undefined;
  publicBaseUrl: string | undefined;
  telephonyProvider: 'simulator' | undefined;
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
    webhookQueueUrl: env.WEBHOOK_QUEUE_URL,
    webhookDeadLetterQueueUrl: env.WEBHOOK_DLQ_URL,
    dialQueueUrl: env.DIAL_QUEUE_URL,
    tickQueueUrl: env.TICK_QUEUE_URL,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    telephonyProvider: env.TELEPHONY_PROVIDER,
    simulatorSecretArn: env.SIMULATOR_SECRET_ARN,
    simEventsQueueUrl: env.SIM_EVENTS_QUEUE_URL,
  };
  return cached;
};
