/**
 * Remembers the outcome of a client's POST under its Idempotency-Key, so a retried request (a timeout,
 * a lost answer) gets the first answer again instead of creating a second resource.
 */
export interface StoredResponse {
  statusCode: number;
  body: string;
}

export type IdempotencyBegin =
  /** First time (or the earlier try failed unexpectedly): run the request, then complete or abandon. */
  | { kind: 'started' }
  /** Already answered: send this again. */
  | { kind: 'replay'; response: StoredResponse }
  /** The same key is being processed right now. */
  | { kind: 'in-progress' }
  /** The key was used with a different request. */
  | { kind: 'mismatch' };

export interface IdempotencyStore {
  /** `scope` isolates keys (a customer, or the operator); `fingerprint` identifies the request. */
  begin(scope: string, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyBegin>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /** The request failed in a way a retry may fix (a 5xx): let the next try run it again. */
  abandon(scope: string, key: string): Promise<void>;
}
