/**
 * The Twilio provider as the engine uses it: REST adapter, TwiML from the campaign, and the account's
 * calls-per-second budget in the table, shared by every dialer. One builder for Lambda and `npm start`.
 */
import * as z from 'zod/mini';
import { DynamoCpsBucket } from '#adapters/dynamodb/cps-bucket.ts';
import type { Clock } from '#ports/clock.ts';
import type { EngineStore } from '#ports/engine-store.ts';
import { RateLimitedProvider } from './rate-limited-provider.ts';
import { type TwilioCredentials, TwilioProvider } from './twilio-provider.ts';
import { campaignTwiml } from './twiml.ts';

/**
 * The TWILIO_SECRET_ARN secret's SecretString (the stack creates it in exactly this shape). zod/mini,
 * as in shared/config.ts: the engine functions load nothing of classic zod.
 */
export const TwilioSecret = z.object({
  TWILIO_ACCOUNT_SID: z.string().check(z.regex(/^AC[0-9a-fA-F]{32}$/)),
  TWILIO_AUTH_TOKEN: z.string().check(z.minLength(1)),
  TWILIO_API_KEY_SID: z.optional(z.string().check(z.regex(/^SK[0-9a-fA-F]{32}$/))),
  TWILIO_API_KEY_SECRET: z.optional(z.string().check(z.minLength(1))),
});

export const credentialsFromSecret = (secretString: string): TwilioCredentials => {
  let json: unknown;
  try {
    json = JSON.parse(secretString);
  } catch {
    throw new Error('The Twilio secret is not JSON');
  }
  const placeholder = json as Record<string, unknown> | null;
  if (placeholder && placeholder.TWILIO_ACCOUNT_SID === '' && placeholder.TWILIO_AUTH_TOKEN === '') {
    throw new Error(
      'The Twilio secret still holds its placeholder: put the account SID and auth token in it',
    );
  }
  const parsed = TwilioSecret.safeParse(json);
  // Never echo the secret: name the fields that are wrong, nothing else.
  if (!parsed.success) {
    throw new Error(
      `The Twilio secret is invalid: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
    );
  }
  const s = parsed.data;
  return {
    accountSid: s.TWILIO_ACCOUNT_SID,
    authToken: s.TWILIO_AUTH_TOKEN,
    ...(s.TWILIO_API_KEY_SID && s.TWILIO_API_KEY_SECRET
      ? { apiKeySid: s.TWILIO_API_KEY_SID, apiKeySecret: s.TWILIO_API_KEY_SECRET }
      : {}),
  };
};

/** Credentials from the environment (config's TWILIO_* values), for `npm start` and tests. */
export const credentialsFromEnv = (t: {
  accountSid: string | undefined;
  authToken: string | undefined;
  apiKeySid: string | undefined;
  apiKeySecret: string | undefined;
}): TwilioCredentials => {
  if (!t.accountSid || !t.authToken) throw new Error('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are required');
  return {
    accountSid: t.accountSid,
    authToken: t.authToken,
    ...(t.apiKeySid && t.apiKeySecret ? { apiKeySid: t.apiKeySid, apiKeySecret: t.apiKeySecret } : {}),
  };
};

export interface BuildTwilioOptions {
  credentials: TwilioCredentials;
  baseUrl: string;
  cps: number;
  /** Where the CPS bucket item lives (the engine's table). */
  ddb: ConstructorParameters<typeof DynamoCpsBucket>[0];
  tableName: string;
  /** Reads the campaign of a placement for its TwiML. */
  store: Pick<EngineStore, 'getCampaign'>;
  /** The engine's clock (timestamps, reconciliation windows); the CPS budget always runs on wall time. */
  clock: Clock;
  requestTimeoutMs?: number;
}

export const buildTwilioProvider = (o: BuildTwilioOptions) =>
  new RateLimitedProvider(
    new TwilioProvider({
      ...o.credentials,
      baseUrl: o.baseUrl,
      answerTwiml: campaignTwiml(o.store),
      clock: o.clock,
      ...(o.requestTimeoutMs !== undefined ? { requestTimeoutMs: o.requestTimeoutMs } : {}),
    }),
    new DynamoCpsBucket(o.ddb, {
      tableName: o.tableName,
      name: `twilio#${o.credentials.accountSid}`,
      cps: o.cps,
    }),
  );
