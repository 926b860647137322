import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { startFauxqs } from 'fauxqs';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { streamSpecification } from '#adapters/dynamodb/table.ts';
import { HttpWebhookSender, hmacSigner } from '#adapters/http/webhook-sender.ts';
import { SqsWebhookQueue } from '#adapters/sqs/webhook-queue.ts';
import { defaultRetryPolicy, type RetryPolicy } from '#domain/events.ts';
import { buildDeliveryHandler } from '#functions/events/delivery-handler.ts';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import type { Clock } from '#ports/clock.ts';
import type { DeliveryJob } from '#ports/event-sink.ts';
import type { IdSource } from '#ports/ids.ts';
import type { WebhookSender } from '#ports/webhook-sender.ts';
import { toSqsEvent } from './sqs-event.ts';

export interface LocalEventsOptions {
  ddb: DynamoDBDocumentClient;
  /** DynamoDB Local's endpoint (its stream API is served there too). */
  endpoint: string;
  tableName: string;
  clock: Clock;
  /** @default 'local': loopback and http receivers are allowed. */
  runtime?: 'local' | 'aws';
  /** Overrides of the retry policy (tests retry at once and time out fast). */
  policy?: Partial<RetryPolicy>;
  ids?: IdSource;
  sender?: WebhookSender;
}

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

interface Shard {
  iterator: string | undefined;
  /** Last record handed on, to find the place again when an iterator expires. */
  lastSequence: string | undefined;
}

/** Turns on the table's stream if it is off (DynamoDB Local tables start without) and returns its ARN. */
const ensureStream = async (endpoint: string, tableName: string): Promise<string> => {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: localCredentials });
  try {
    const described = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (described.Table?.StreamSpecification?.StreamEnabled && described.Table.LatestStreamArn) {
      return described.Table.LatestStreamArn;
    }
    const updated = await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: streamSpecification,
      }),
    );
    const arn = updated.TableDescription?.LatestStreamArn;
    if (!arn) throw new Error(`no stream on table ${tableName}`);
    return arn;
  } finally {
    client.destroy();
  }
};

/** A stream record as the Lambda event source mapping delivers it. */
const toLambdaRecord = (r: StreamRecord, streamArn: string): DynamoDBRecord => {
  const { ApproximateCreationDateTime, ...rest } = r.dynamodb ?? {};
  return {
    ...(r.eventID ? { eventID: r.eventID } : {}),
    ...(r.eventName ? { eventName: r.eventName } : {}),
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
  };
};

export class LocalEvents {
  readonly policy: RetryPolicy;
  private readonly shards = new Map<string, Shard>();
  private readonly streamHandler: ReturnType<typeof buildStreamHandler>;
  private readonly deliveryHandler: ReturnType<typeof buildDeliveryHandler>;
  private stopped = false;
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly sqs: SQSClient,
    private readonly queue: { url: string; arn: string; deadLetterUrl: string },
    private readonly fauxqs: { stop(): Promise<void> },
    options: LocalEventsOptions,
  ) {
    this.policy = { ...defaultRetryPolicy, ...options.policy };
    const webhookQueue = new SqsWebhookQueue(sqs, queue.url, queue.deadLetterUrl);
    const accesskeys = new DynamoAccesskeyStore(options.ddb, options.tableName);
    this.streamHandler = buildStreamHandler({
      accesskeys,
      ids: options.ids ?? cryptoIds,
      sink: webhookQueue,
    });
    this.deliveryHandler = buildDeliveryHandler({
      accesskeys,
      sender: options.sender ?? new HttpWebhookSender(),
      signer: hmacSigner,
      clock: options.clock,
      runtime: options.runtime ?? 'local',
      policy: this.policy,
      retries: webhookQueue,
    });
  }

  static async start(options: LocalEventsOptions): Promise<LocalEvents> {
    const streamArn = await ensureStream(options.endpoint, options.tableName);
    const streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: localCredentials,
    });
    const server = await startFauxqs({ port: 0, logger: false });
    const maxAttempts = options.policy?.maxAttempts ?? defaultRetryPolicy.maxAttempts;
    const dlq = server.createQueue('outbound-webhooks-dlq');
    const { queueUrl, queueArn } = server.createQueue('outbound-webhooks', {
      attributes: {
        VisibilityTimeout: '30',
        // Safety net only: the delivery handler dead-letters a job itself after its last attempt.
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.queueArn,
          maxReceiveCount: String(maxAttempts + 2),
        }),
      },
    });
    const sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: localCredentials,
    });
    const events = new LocalEvents(
      streams,
      streamArn,
      sqs,
      { url: queueUrl, arn: queueArn, deadLetterUrl: dlq.queueUrl },
      server,
      options,
    );
    // From now on: changes made before the runtime started are not delivered.
    await events.refreshShards('LATEST');
    return events;
  }

  /** Finds shards not seen yet: those open at start are read from now, later ones from their start. */
  private async refreshShards(fresh: 'LATEST' | 'TRIM_HORIZON') {
    let start: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (!id || this.shards.has(id)) continue;
        // A closed shard found at start holds only the past.
        if (fresh === 'LATEST' && shard.SequenceNumberRange?.EndingSequenceNumber) {
          this.shards.set(id, { iterator: undefined, lastSequence: undefined });
          continue;
        }
        this.shards.set(id, { iterator: await this.iterator(id, fresh), lastSequence: undefined });
      }
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  private async iterator(
    shardId: string,
    type: 'LATEST' | 'TRIM_HORIZON' | 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER',
    sequence?: string,
  ) {
    const out = await this.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shardId,
        ShardIteratorType: type,
        ...(sequence ? { SequenceNumber: sequence } : {}),
      }),
    );
    return out.ShardIterator;
  }

  /** Reads every shard once and runs the stream handler on what it finds; returns records handled. */
  async pollStream(): Promise<number> {
    await this.refreshShards('TRIM_HORIZON');
    let handled = 0;
    for (const [id, shard] of this.shards) {
      if (!shard.iterator) continue;
      let out: Awaited<ReturnType<typeof this.getRecords>>;
      try {
        out = await this.getRecords(shard.iterator);
      } catch (err) {
        if (!(err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException))
          throw err;
        shard.iterator = shard.lastSequence
          ? await this.iterator(id, 'AFTER_SEQUENCE_NUMBER', shard.lastSequence)
          : await this.iterator(id, 'TRIM_HORIZON');
        continue;
      }
      const records = out.Records ?? [];
      if (records.length === 0) {
        shard.iterator = out.NextShardIterator;
        continue;
      }
      const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, this.streamArn)) };
      const { batchItemFailures } = await this.streamHandler(event);
      const failed = batchItemFailures[0]?.itemIdentifier;
      if (failed) {
        // As the event source mapping does: read again from the first record not handled.
        const index = records.findIndex((r) => r.dynamodb?.SequenceNumber === failed);
        handled += Math.max(0, index);
        shard.lastSequence = index > 0 ? records[index - 1]?.dynamodb?.SequenceNumber : shard.lastSequence;
        shard.iterator = await this.iterator(id, 'AT_SEQUENCE_NUMBER', failed);
        continue;
      }
      handled += records.length;
      shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber;
      shard.iterator = out.NextShardIterator;
    }
    return handled;
  }

  private getRecords(iterator: string) {
    return this.streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
  }

  /** Receives one batch of delivery jobs and runs the delivery handler; returns how many it received. */
  async pollDeliveries(waitSeconds = 0): Promise<number> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queue.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    const { batchItemFailures } = await this.deliveryHandler(toSqsEvent(messages, this.queue.arn));
    // Failed jobs stay: the handler already set when they come back (the backoff).
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.url,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    return messages.length;
  }

  /** One round: the stream, then one batch of deliveries. */
  async pollOnce(): Promise<number> {
    return (await this.pollStream()) + (await this.pollDeliveries());
  }

  /** Until the stream has nothing new and no delivery job is visible (jobs in backoff stay queued). */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.pollOnce(); n > 0; n = await this.pollOnce()) total += n;
    return total;
  }

  /** Jobs given up after their last attempt (read and removed from the dead-letter queue). */
  async takeDeadLetters(): Promise<DeliveryJob[]> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.queue.deadLetterUrl, MaxNumberOfMessages: 10 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queue.deadLetterUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    return messages.map((m) => JSON.parse(m.Body ?? '{}') as DeliveryJob);
  }

  /** `npm start` and tests of concurrency: the stream every `streamIntervalMs`, deliveries long-polled. */
  startLoops(onError: (err: unknown) => void, streamIntervalMs = 250) {
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());
    const loop = async (step: () => Promise<unknown>, idleMs: number) => {
      while (!this.stopped) {
        try {
          if (!(await step())) await pause(idleMs);
        } catch (err) {
          if (!this.stopped) onError(err);
          await pause(1000);
        }
      }
    };
    this.loops.push(
      loop(() => this.pollStream(), streamIntervalMs),
      loop(() => this.pollDeliveries(1), 0),
    );
  }

  async stop() {
    this.stopped = true;
    await Promise.allSettled(this.loops);
    this.streams.destroy();
    await this.fauxqs.stop();
    this.sqs.destroy();
  }
}
