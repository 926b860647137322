/**
 * Secrets of the Lambda entry points, read again once they are older than a maximum age, so a value
 * rotated in Secrets Manager reaches running containers without a redeploy or a recycle.
 */
import { readSecretString } from './clients/secrets-manager.ts';

/**
 * How long a secret read is used before it is read again.
 * @default 5 minutes: a rotated secret is in use everywhere within 5 min, at one read per container
 * and secret every 5 min (a few cents a month for a busy stack).
 */
export const SECRET_MAX_AGE_MS = 5 * 60_000;

/** After a failed re-read the last value is kept this long before the next try (at most the max age). */
export const SECRET_RETRY_MS = 30_000;

export interface RefreshingSecretOptions<T> {
  /** Reads the current value (Secrets Manager in AWS; tests pass their own). */
  read: () => Promise<T>;
  /** @default SECRET_MAX_AGE_MS */
  maxAgeMs?: number;
  /** Milliseconds since the epoch. @default Date.now */
  now?: () => number;
}

/**
 * A secret read on first use and again on the first use after `maxAgeMs`. Calls at the same time share
 * one read. A failed first read fails the call (and the next call reads again); a failed re-read keeps
 * the last value, tried again after SECRET_RETRY_MS, so Secrets Manager being down does not take down
 * functions that already hold the secret.
 */
export const refreshingSecret = <T>(options: RefreshingSecretOptions<T>): (() => Promise<T>) => {
  const maxAgeMs = options.maxAgeMs ?? SECRET_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  let held: { value: T; readAt: number } | undefined;
  let reading: Promise<T> | undefined;
  return async () => {
    if (held && now() - held.readAt < maxAgeMs) return held.value;
    reading ??= options
      .read()
      .then(
        (value) => {
          held = { value, readAt: now() };
          return value;
        },
        (err: unknown) => {
          if (!held) throw err;
          // Try again after a short while, not on every call while the service is down.
          held = { value: held.value, readAt: now() - maxAgeMs + Math.min(SECRET_RETRY_MS, maxAgeMs) };
          return held.value;
        },
      )
      .finally(() => {
        reading = undefined;
      });
    return reading;
  };
};

/** A Secrets Manager secret's SecretString, refreshed after `maxAgeMs`; undefined when it has none. */
export const secretString = (secretId: string, maxAgeMs = SECRET_MAX_AGE_MS) =>
  refreshingSecret({ read: () => readSecretString(secretId), maxAgeMs });
