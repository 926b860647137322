import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IdSource } from '#ports/ids.ts';

export const cryptoIds: IdSource = {
  uuid: () => randomUUID(),
  // 32 random bytes, URL-safe: fits in ?accesskey= without escaping.
  token: () => randomBytes(32).toString('base64url'),
  hash: (token) => createHash('sha256').update(token).digest('hex'),
};
