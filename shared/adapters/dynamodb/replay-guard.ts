import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReplayGuard } from '#ports/replay-guard.ts';
import { replayKey } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** Longer than any carrier's retry schedule; the table's TTL removes the marker afterwards. */
export const REPLAY_RETENTION_SECONDS = 24 * 3600;

/** One small marker per accepted request, in no index: a conditional put is the whole check. */
export class DynamoReplayGuard implements ReplayGuard {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async firstSight(digest: string, nowMs: number) {
    const now = Math.floor(nowMs / 1000);
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...replayKey(digest), et: 'replay', [TTL_ATTRIBUTE]: now + REPLAY_RETENTION_SECONDS },
          // TTL deletes lazily: an expired marker no longer counts.
          ConditionExpression: 'attribute_not_exists(pk) OR #ttl < :now',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async forget(digest: string) {
    await this.ddb.send(new DeleteCommand({ TableName: this.tableName, Key: replayKey(digest) }));
  }
}
