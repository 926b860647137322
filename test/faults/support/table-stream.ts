/**
 * The table's change stream read whole, from its oldest record, independently of the webhook
 * pipeline: what was committed (terminal transitions of attempts) and which webhooks it must produce
 * (the same use case the stream handler runs, with a sink that only records the jobs).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { toItemChange } from '#functions/events/stream-handler.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import { enqueueDeliveries, type ItemChange } from '#services/events/enqueue-deliveries.ts';
import { toLambdaRecord } from '../../../infra/local/events-runtime.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** Every change the table's stream holds, oldest first per shard. */
export const readTableStream = async (endpoint: string, tableName: string): Promise<ItemChange[]> => {
  const ddb = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials });
  const streams = new DynamoDBStreamsClient({ endpoint, region: 'us-east-1', credentials });
  try {
    const arn = (await ddb.send(new DescribeTableCommand({ TableName: tableName }))).Table?.LatestStreamArn;
    if (!arn) throw new Error(`table ${tableName} has no stream`);
    const changes: ItemChange[] = [];
    let start: string | undefined;
    do {
      const out = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        let iterator = (
          await streams.send(
            new GetShardIteratorCommand({
              StreamArn: arn,
              ShardId: shard.ShardId,
              ShardIteratorType: 'TRIM_HORIZON',
            }),
          )
        ).ShardIterator;
        while (iterator) {
          const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
          const records = page.Records ?? [];
          for (const r of records) changes.push(toItemChange(toLambdaRecord(r, arn)));
          // An open shard always hands back an iterator: an empty page is its end for now.
          iterator = records.length ? page.NextShardIterator : undefined;
        }
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    return changes;
  } finally {
    ddb.destroy();
    streams.destroy();
  }
};

/** Times each attempt (campaigncall) changed to `done` in the committed changes, by attempt id. */
export const terminalTransitions = (changes: readonly ItemChange[]) => {
  const ends = new Map<string, number>();
  for (const c of changes) {
    const after = c.newImage;
    if (after?.et !== 'campaigncall' || after.status !== 'done') continue;
    if (c.oldImage?.status === 'done') continue;
    const id = String(after.id);
    ends.set(id, (ends.get(id) ?? 0) + 1);
  }
  return ends;
};

/** The webhook jobs the committed changes must produce (stable delivery ids, as the pipeline makes them). */
export const expectedDeliveries = async (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  changes: readonly ItemChange[],
): Promise<DeliveryJob[]> => {
  const jobs: DeliveryJob[] = [];
  const result = await enqueueDeliveries(
    {
      accesskeys: new DynamoAccesskeyStore(ddb, tableName),
      ids: cryptoIds,
      sink: {
        enqueue: async (batch) => {
          jobs.push(...batch);
          return [];
        },
      },
    },
    changes,
  );
  if (result.failedAt !== undefined) throw new Error(`change #${result.failedAt} could not be read`);
  return jobs;
};
