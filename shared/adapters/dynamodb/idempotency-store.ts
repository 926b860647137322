import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { IdempotencyBegin, IdempotencyStore, StoredResponse } from '#ports/idempotency-store.ts';
import { idempotencyKey } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** How long an answer is kept for replay (the table's TTL removes it afterwards). */
export const IDEMPOTENCY_RETENTION_SECONDS = 24 * 3600;
/** A pending record older than this belongs to a request that died (Lambda times out long before). */
const STALE_PENDING_MS = 5 * 60_000;

/** One small item per key, in no index; expired by TTL. */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async begin(scope: string, key: string, fingerprint: string, nowMs: number): Promise<IdempotencyBegin> {
    const nowSeconds = Math.floor(nowMs / 1000);
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...idempotencyKey(scope, key),
            et: 'idempotency',
            fingerprint,
            state: 'pending',
            started_ms: nowMs,
            [TTL_ATTRIBUTE]: nowSeconds + IDEMPOTENCY_RETENTION_SECONDS,
          },
          // New, abandoned, expired (TTL deletes lazily), or pending so long that its request died.
          ConditionExpression:
            'attribute_not_exists(pk) OR #state = :abandoned OR #ttl < :now OR (#state = :pending AND started_ms < :stale)',
          ExpressionAttributeNames: { '#state': 'state', '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: {
            ':abandoned': 'abandoned',
            ':pending': 'pending',
            ':now': nowSeconds,
            ':stale': nowMs - STALE_PENDING_MS,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'started' };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      const old = (err.Item ?? {}) as Record<string, { S?: string; N?: string }>;
      if (old.fingerprint?.S !== fingerprint) return { kind: 'mismatch' };
      if (old.state?.S !== 'done') return { kind: 'in-progress' };
      return {
        kind: 'replay',
        response: { statusCode: Number(old.status_code?.N ?? 200), body: old.body?.S ?? '' },
      };
    }
  }

  async complete(scope: string, key: string, response: StoredResponse) {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: idempotencyKey(scope, key),
        UpdateExpression: 'SET #state = :done, status_code = :code, body = :body',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':done': 'done', ':code': response.statusCode, ':body': response.body },
      }),
    );
  }

  async abandon(scope: string, key: string) {
    await this.ddb
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: idempotencyKey(scope, key),
          UpdateExpression: 'SET #state = :abandoned',
          ConditionExpression: '#state = :pending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':abandoned': 'abandoned', ':pending': 'pending' },
        }),
      )
      .catch((err: unknown) => {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      });
  }
}
