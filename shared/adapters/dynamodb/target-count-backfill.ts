/**
 * Counts, once, the targets of a list written before the stream kept its counts (`_target_count`, then
 * the counts by state). It pages through the list's own partition (byList, no Scan), reads each page's
 * targets and their markers consistently, and counts each target the stream has not counted, in one
 * transaction conditioned on the target being as read and the marker as found (target-index-requests.ts).
 * Meanwhile the stream goes on counting what changes, so the two add up; the last write marks the list
 * as counted, and only then does the API show its counts by state.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { itemKey, listPartitionOf, targetCountedKey } from './keys.ts';
import { backfillCount, countedByState } from './target-index-requests.ts';

const PAGE = 50;
const TRIES = 10;

export interface BackfillResult {
  outdialId: string;
  /** Live targets seen. */
  targets: number;
  /** Of them, counted in now (no marker before). */
  countedIn: number;
  /** Of them, given their state now (counted in the total before states were). */
  stateGiven: number;
  /** Already counted by the stream. */
  alreadyCounted: number;
}

const isLive = (t: Record<string, unknown>) => t.tm_delete === undefined || t.tm_delete === null;

export const backfillTargetCounts = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  outdialId: string,
): Promise<BackfillResult> => {
  const outdial = await ddb.send(
    new GetCommand({ TableName: tableName, Key: itemKey('outdial', outdialId), ConsistentRead: true }),
  );
  if (!outdial.Item) throw new Error(`outdial ${outdialId} not found`);
  const result: BackfillResult = { outdialId, targets: 0, countedIn: 0, stateGiven: 0, alreadyCounted: 0 };
  const partition = listPartitionOf('outdialtarget', { by: 'outdial', outdialId }, '');
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: partition.index,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition.pk },
        Limit: PAGE,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const ids = (page.Items ?? []).map((k) => String(k.pk).slice('outdialtarget#'.length));
    await Promise.all(ids.map((id) => countOne(ddb, tableName, id, result)));
    start = page.LastEvaluatedKey;
  } while (start);
  await ddb.send(new UpdateCommand(countedByState(tableName, outdialId)));
  return result;
};

/** One target: read it and its marker, count it if the stream has not; read again when either moved. */
const countOne = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  id: string,
  result: BackfillResult,
) => {
  for (let attempt = 0; attempt < TRIES; attempt++) {
    const [target, marker] = await Promise.all(
      [itemKey('outdialtarget', id), targetCountedKey(id)].map(async (Key) => {
        const out = await ddb.send(new GetCommand({ TableName: tableName, Key, ConsistentRead: true }));
        return out.Item;
      }),
    );
    if (!target || !isLive(target)) return;
    if (attempt === 0) result.targets++;
    if (marker && typeof marker.state === 'string') {
      result.alreadyCounted++;
      return;
    }
    try {
      await ddb.send(
        new TransactWriteCommand({
          TransactItems: backfillCount(tableName, target, marker ? 'without-state' : 'absent'),
        }),
      );
      if (marker) result.stateGiven++;
      else result.countedIn++;
      return;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      // The target changed or the stream counted it meanwhile (or a conflict): read both again.
      await new Promise((r) => setTimeout(r, 10 * 2 ** attempt));
    }
  }
  throw new Error(`target ${id} kept changing; run the backfill again`);
};
