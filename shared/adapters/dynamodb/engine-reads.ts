/**
 * The engine's reads: an item by kind and id, and pages of its sparse partitions (byDue, byState).
 * The requests are built by pure functions, so unit tests read them offline.
 */
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { itemKey } from './keys.ts';
import { fromItem } from './resource-store.ts';

export type EngineItemKind = Parameters<typeof itemKey>[0];

export const getItemRequest = (tableName: string, kind: EngineItemKind, id: string) => ({
  TableName: tableName,
  Key: itemKey(kind, id),
});

export interface PageQuery {
  /** The partition: byDue's `gsi3pk` or byState's `gsi4pk`. */
  pk: string;
  /** The highest sort key to read (inclusive); unbounded when absent. */
  upper?: string;
  limit: number;
  /** Reads only the table key: enough to tell whether the partition has anything. */
  keysOnly?: boolean;
  /** @default 'gsi3' (byDue) */
  index?: 'gsi3' | 'gsi4';
}

/** One page of a sparse engine partition, oldest first, optionally bounded above (inclusive). */
export const pageQuery = (tableName: string, q: PageQuery) => {
  const index = q.index ?? 'gsi3';
  return {
    TableName: tableName,
    IndexName: index === 'gsi3' ? 'byDue' : 'byState',
    KeyConditionExpression: q.upper ? '#pk = :pk AND #sk <= :upper' : '#pk = :pk',
    ExpressionAttributeNames: { '#pk': `${index}pk`, ...(q.upper ? { '#sk': `${index}sk` } : {}) },
    ExpressionAttributeValues: { ':pk': q.pk, ...(q.upper ? { ':upper': q.upper } : {}) },
    ScanIndexForward: true,
    Limit: q.limit,
    ...(q.keysOnly ? { ProjectionExpression: 'pk' } : {}),
  };
};

/** An engine item by kind and id, as the engine reads it (resource attributes, no table keys). */
export const getEngineItem = async <T>(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  kind: EngineItemKind,
  id: string,
): Promise<T | undefined> => {
  const out = await ddb.send(new GetCommand(getItemRequest(tableName, kind, id)));
  return out.Item ? (fromItem(out.Item) as unknown as T) : undefined;
};

/** The items of one page (raw: index keys included), oldest first. */
export const readPage = async (ddb: DynamoDBDocumentClient, query: QueryCommandInput) => {
  const out = await ddb.send(new QueryCommand(query));
  return (out.Items ?? []) as Record<string, unknown>[];
};

/** Several pages read in parallel (the shards of a partition), their items together. */
export const readPages = async (ddb: DynamoDBDocumentClient, queries: readonly QueryCommandInput[]) =>
  (await Promise.all(queries.map((q) => readPage(ddb, q)))).flat();
