/**
 * Idempotency-Key on POST (IETF draft-ietf-httpapi-idempotency-key-header): a client that retries a
 * create after a timeout sends the same key and gets the first answer again, marked
 * `idempotent-replayed: true`, instead of a second resource (a second target is a person dialled
 * twice). The same key with a different request is a 422; while the first is running, a 409.
 * Answers are kept 24 h. Validation errors (400) are not recorded: nothing ran.
 */
import { createHash } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import {
  DomainError,
  IdempotencyKeyReused,
  IdempotentRequestInProgress,
  ValidationFailed,
} from '#domain/errors.ts';
import type { IdempotencyStore } from '#ports/idempotency-store.ts';
import { errorResponse } from './responses.ts';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'idempotent-replayed';

/** Printable ASCII without spaces, as UUIDs and the draft's examples are; at most 255 characters. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export const idempotencyKeyOf = (event: APIGatewayProxyEventV2): string | undefined => {
  const entry = Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === IDEMPOTENCY_HEADER);
  if (!entry) return undefined;
  const key = (entry[1] ?? '').trim();
  if (!KEY_PATTERN.test(key)) {
    throw new ValidationFailed('The Idempotency-Key header is not valid', [
      { field: 'Idempotency-Key', issue: 'must be 1 to 255 printable characters without spaces' },
    ]);
  }
  return key;
};

/** What makes two requests "the same": method, path and the validated body (field order normalised). */
export const requestFingerprint = (method: string, path: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(body ?? null)}`)
    .digest('base64url');

export const runIdempotently = async (
  store: IdempotencyStore,
  request: { scope: string; key: string; fingerprint: string; nowMs: number; requestId: string },
  run: () => Promise<APIGatewayProxyStructuredResultV2>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const { scope, key } = request;
  const begun = await store.begin(scope, key, request.fingerprint, request.nowMs);
  switch (begun.kind) {
    case 'mismatch':
      throw new IdempotencyKeyReused();
    case 'in-progress':
      throw new IdempotentRequestInProgress();
    case 'replay':
      return {
        statusCode: begun.response.statusCode,
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'cache-control': 'no-store',
          [REPLAYED_HEADER]: 'true',
        },
        body: begun.response.body,
      };
    case 'started':
      break;
  }
  let response: APIGatewayProxyStructuredResultV2;
  try {
    response = await run();
  } catch (err) {
    if (err instanceof ValidationFailed) {
      // Refused by a use case's own validation (a phone number, say) before anything was written:
      // like a body the schema refused, it is not recorded, so the corrected request can use the key.
      await store.abandon(scope, key);
    } else if (err instanceof DomainError) {
      // A refusal (404, 409, …) is the request's answer: the same retry gets the same refusal.
      const refused = errorResponse(err, request.requestId);
      await store.complete(scope, key, { statusCode: refused.statusCode ?? 400, body: String(refused.body) });
    } else {
      await store.abandon(scope, key);
    }
    throw err;
  }
  await store.complete(scope, key, {
    statusCode: response.statusCode ?? 200,
    body: String(response.body ?? ''),
  });
  return response;
};
