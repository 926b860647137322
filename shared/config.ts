import { z } from 'zod';

/**
 * Environment, parsed once with zod; nothing else reads process.env. Parsed on first use rather than at
 * import so the local runtime and tests can set the environment before the handlers need it.
 */
const schema = z.object({
  TABLE_NAME: z.string().min(1),
  DYNAMODB_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Operator key for POST /v1.0/customers. Unset: no caller is an operator. */
  OUTBOUND_ADMIN_KEY: z.string().min(16).optional(),
  /** `local` (npm start) also allows http and loopback customer webhook URIs. */
  OUTBOUND_RUNTIME: z.enum(['local', 'aws']).default('aws'),
  /** Seconds a warm handler trusts a verified access key before looking it up again. */
  ACCESSKEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
});

export interface Config {
  tableName: string;
  dynamodbEndpoint: string | undefined;
  awsRegion: string;
  adminKey: string | undefined;
  runtime: 'local' | 'aws';
  accesskeyCacheSeconds: number;
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
    runtime: env.OUTBOUND_RUNTIME,
    accesskeyCacheSeconds: env.ACCESSKEY_CACHE_SECONDS,
  };
  return cached;
};
