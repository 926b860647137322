/**
 * Customer webhooks on one machine, through the same handlers as in AWS: the table's stream (DynamoDB
 * Local) → stream handler → one webhook queue per customer (fauxqs) → delivery handler → endpoints.
 *
 * - A stream record that keeps failing is tried a few times with a short backoff, then written to the
 *   dead-letter store and passed, so it never holds up the records behind it.
 * - Each customer has its own queue, delivered by its own loop (a batch of at most ten at a time, a
 *   bounded number of customers at once): a hanging or failing endpoint holds up only its customer.
 *   In AWS one queue does this with fair-queue message groups (infra/constructs/events.ts).
 * - With a state directory the stream position (per shard, the last record handed on), the queues
 *   (fauxqs's SQLite persistence) and the dead letters are kept there, so a restart, even after a
 *   crash, resumes where the last run stopped: a change is delivered at least once, never lost.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import {
  DeleteMessageBatchCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { type FauxqsServer, startFauxqs } from 'fauxqs';
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { DynamoCallTimeseriesStore } from '#adapters/dynamodb/call-timeseries-store.ts';
import { streamSpecification } from '#adapters/dynamodb/table.ts';
import { DynamoTargetIndexStore } from '#adapters/dynamodb/target-index-store.ts';
import { HttpWebhookSender, hmacSigner } from '#adapters/http/webhook-sender.ts';
import { SqsWebhookQueue } from '#adapters/sqs/webhook-queue.ts';
import { defaultRetryPolicy, type RetryPolicy } from '#domain/events.ts';
import { buildDeliveryHandler } from '#functions/events/delivery-handler.ts';
import { buildStreamHandler } from '#functions/events/stream-handler.ts';
import type { AccesskeyStore } from '#ports/accesskey-store.ts';
import type { Clock } from '#ports/clock.ts';
import type { DeliveryJob, EventSink } from '#ports/event-sink.ts';
import type { IdSource } from '#ports/ids.ts';
import type { WebhookSender } from '#ports/webhook-sender.ts';
import { type DeadLetter, DeadLetterStore } from './dead-letters.ts';
import { toSqsEvent } from './sqs-event.ts';

type CustomerLookups = Pick<AccesskeyStore, 'getCustomer' | 'getWebhookSettings'>;

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
  /**
   * Where the stream position, the webhook queues and the dead letters are kept across restarts.
   * @default none: all in memory, and the stream is read from the moment the runtime starts.
   */
  stateDir?: string;
  /** A stream record is tried this often, the waits doubling from `baseDelayMs`, then set aside. */
  streamRetry?: { maxTries: number; baseDelayMs: number };
  /** Customers whose deliveries run at once (each one a batch of at most ten jobs). @default 16 */
  customersAtOnce?: number;
  /** Wraps the customer lookups both handlers use (tests make one fail for good). */
  customerLookups?: (store: CustomerLookups) => CustomerLookups;
  /** Wraps the webhook queues' sink (tests stop the runtime between reading and enqueueing). */
  sink?: (sink: EventSink) => EventSink;
  /**
   * Most stream records handed to the stream handler at once, per shard (the cost benches set the
   * event source mapping's 100, since the handler's writes are per batch). @default 1000
   */
  streamBatchSize?: number;
}

/** 5 tries over about 3 s: a passing hiccup of the local queue or table is ridden out. */
export const defaultStreamRetry = { maxTries: 5, baseDelayMs: 200 };

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const LANE_PREFIX = 'outbound-webhooks-c-';
const DEAD_LETTER_QUEUE = 'outbound-webhook-dead-letters';
/** Waits `ms`, or less if `signal` fires first (a stop does not wait for idle loops to wake). */
const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

interface Shard {
  iterator: string | undefined;
  /** Last record handed on: saved as the position, and to find the place again. */
  lastSequence: string | undefined;
  /** The record that failed last, its tries so far and when it may be tried again. */
  failing?: { sequence: string; tries: number; retryAt: number };
}

interface SavedPosition {
  streamArn: string;
  shards: Record<string, string>;
}

interface Lane {
  name: string;
  url: string;
  handler: ReturnType<typeof buildDeliveryHandler>;
  /** The lane's loop, while one runs. */
  running?: Promise<void>;
  /** Jobs were added while the loop ran: look again before going idle. */
  again: boolean;
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

/**
 * An attribute value as the SDK's stream client returns it → as Lambda delivers it (JSON): binaries
 * as base64, and an empty map `{"M":{}}`, which the client returns as `{}`, as `{"M":{}}` again.
 */
export const toWireAttribute = (a: unknown): unknown => {
  if (a === null || typeof a !== 'object') return a;
  const v = a as Record<string, unknown>;
  const keys = Object.keys(v);
  if (keys.length === 0) return { M: {} };
  if ('M' in v) return { M: toWireImage(v.M as Record<string, unknown>) };
  if ('L' in v) return { L: (v.L as unknown[]).map(toWireAttribute) };
  if ('B' in v) return { B: Buffer.from(v.B as Uint8Array).toString('base64') };
  if ('BS' in v) return { BS: (v.BS as Uint8Array[]).map((b) => Buffer.from(b).toString('base64')) };
  return v;
};

const toWireImage = (image: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(image).map(([k, a]) => [k, toWireAttribute(a)]));

/** A stream record as the Lambda event source mapping delivers it. */
export const toLambdaRecord = (r: StreamRecord, streamArn: string): DynamoDBRecord => {
  const { ApproximateCreationDateTime, NewImage, OldImage, Keys, ...rest } = r.dynamodb ?? {};
  const images = Object.fromEntries(
    Object.entries({ NewImage, OldImage, Keys })
      .filter(([, image]) => image !== undefined)
      .map(([name, image]) => [name, toWireImage(image as Record<string, unknown>)]),
  );
  return {
    ...(r.eventID ? { eventID: r.eventID } : {}),
    ...(r.eventName ? { eventName: r.eventName } : {}),
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    eventSourceARN: streamArn,
    dynamodb: {
      ...(rest as DynamoDBRecord['dynamodb']),
      ...images,
      ...(ApproximateCreationDateTime
        ? { ApproximateCreationDateTime: Math.floor(ApproximateCreationDateTime.getTime() / 1000) }
        : {}),
    },
  };
};

/** Most customers delivered at once; the rest wait their turn, each behind no other customer's jobs. */
class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((r) => this.waiting.push(r));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

export class LocalEvents {
  readonly policy: RetryPolicy;
  readonly streamRetry: { maxTries: number; baseDelayMs: number };
  private readonly shards = new Map<string, Shard>();
  private readonly lanes = new Map<string, Lane>();
  private readonly streamHandler: ReturnType<typeof buildStreamHandler>;
  private readonly lookups: CustomerLookups;
  private readonly slots: Slots;
  private readonly deadLetterStore: DeadLetterStore;
  private stopped = false;
  /** Dropped as by a crash: nothing more is saved, deleted or sent. */
  private abandoned = false;
  private readonly stopping = new AbortController();
  private looping = false;
  private loops: Promise<void>[] = [];

  private constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly sqs: SQSClient,
    private readonly fauxqs: FauxqsServer,
    private readonly deadLetterQueue: { url: string; arn: string },
    private readonly options: LocalEventsOptions,
  ) {
    this.policy = { ...defaultRetryPolicy, ...options.policy };
    this.streamRetry = options.streamRetry ?? defaultStreamRetry;
    this.slots = new Slots(options.customersAtOnce ?? 16);
    this.deadLetterStore = new DeadLetterStore(options.stateDir);
    const store = new DynamoAccesskeyStore(options.ddb, options.tableName);
    this.lookups = options.customerLookups ? options.customerLookups(store) : store;
    const sink: EventSink = { enqueue: (jobs) => this.enqueue(jobs) };
    this.streamHandler = buildStreamHandler({
      accesskeys: this.lookups,
      ids: options.ids ?? cryptoIds,
      sink: options.sink ? options.sink(sink) : sink,
      timeseries: new DynamoCallTimeseriesStore(options.ddb, options.tableName),
      targets: new DynamoTargetIndexStore(options.ddb, options.tableName),
    });
  }

  static async start(options: LocalEventsOptions): Promise<LocalEvents> {
    const streamArn = await ensureStream(options.endpoint, options.tableName);
    const streams = new DynamoDBStreamsClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: localCredentials,
    });
    const queuesDir = options.stateDir ? join(options.stateDir, 'webhook-queues') : undefined;
    if (queuesDir) mkdirSync(queuesDir, { recursive: true });
    const server = await startFauxqs({
      port: 0,
      logger: false,
      ...(queuesDir ? { dataDir: queuesDir } : {}),
    });
    const sqs = new SQSClient({
      endpoint: server.address,
      region: 'us-east-1',
      credentials: localCredentials,
    });
    const dlq = existingOrNewQueue(server, DEAD_LETTER_QUEUE, {});
    const events = new LocalEvents(streams, streamArn, sqs, server, dlq, options);
    await events.resumeLanes();
    await events.resumeStream();
    return events;
  }

  // ---- the stream ------------------------------------------------------------------------------

  private get positionFile() {
    return this.options.stateDir ? join(this.options.stateDir, 'webhook-stream-position.json') : undefined;
  }

  private savedPosition(): SavedPosition | undefined {
    const file = this.positionFile;
    if (!file || !existsSync(file)) return undefined;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as SavedPosition;
    return saved.streamArn === this.streamArn ? saved : undefined;
  }

  private savePosition() {
    const file = this.positionFile;
    if (!file || this.abandoned) return;
    const shards: Record<string, string> = {};
    for (const [id, s] of this.shards) if (s.lastSequence) shards[id] = s.lastSequence;
    // Written whole, then renamed over the old one: a crash leaves the old position or the new one.
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ streamArn: this.streamArn, shards } satisfies SavedPosition),
    );
    renameSync(`${file}.tmp`, file);
  }

  /**
   * Where reading starts. In memory: from now (changes made before start are not delivered). With a
   * state directory: after the saved position, and a shard with no saved position (the first run on
   * this data, or a shard opened since) from its oldest record. That replays at most the stream's
   * 24 h once, rather than losing what was committed while no runtime was reading; every delivery
   * keeps its id, so receivers drop what they already have.
   */
  private async resumeStream() {
    const saved = this.options.stateDir ? (this.savedPosition() ?? { shards: {} }) : undefined;
    await this.refreshShards(saved ? 'TRIM_HORIZON' : 'LATEST', saved?.shards);
  }

  /** Finds shards not seen yet; `fresh` says where a shard with no saved position is read from. */
  private async refreshShards(fresh: 'LATEST' | 'TRIM_HORIZON', saved: Record<string, string> = {}) {
    let start: string | undefined;
    do {
      const out = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: start }),
      );
      for (const shard of out.StreamDescription?.Shards ?? []) {
        const id = shard.ShardId;
        if (!id || this.shards.has(id)) continue;
        const after = saved[id];
        if (after) {
          this.shards.set(id, { iterator: await this.iteratorAfter(id, after), lastSequence: after });
          continue;
        }
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

  /** After `sequence`, or from the oldest record if the stream no longer holds it. */
  private async iteratorAfter(shardId: string, sequence: string) {
    try {
      return await this.iterator(shardId, 'AFTER_SEQUENCE_NUMBER', sequence);
    } catch (err) {
      if (!(err instanceof TrimmedDataAccessException)) throw err;
      return this.iterator(shardId, 'TRIM_HORIZON');
    }
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
      if (!shard.iterator || this.stopped) continue;
      if (shard.failing && Date.now() < shard.failing.retryAt) continue;
      let out: Awaited<ReturnType<typeof this.getRecords>> | undefined;
      // A refused iterator is replaced and read again at once: reporting this round as empty would let
      // drain() return while records still wait (DynamoDB Local refuses an iterator taken on an empty
      // stream once another table has taken the next record number).
      for (let tries = 0; !out && tries < 2; tries++) {
        try {
          out = await this.getRecords(shard.iterator);
        } catch (err) {
          if (!(err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException))
            throw err;
          shard.iterator = shard.lastSequence
            ? await this.iteratorAfter(id, shard.lastSequence)
            : await this.iterator(id, 'TRIM_HORIZON');
          if (!shard.iterator) break;
        }
      }
      if (!out) continue;
      const records = out.Records ?? [];
      if (records.length === 0) {
        shard.iterator = out.NextShardIterator;
        continue;
      }
      const event: DynamoDBStreamEvent = { Records: records.map((r) => toLambdaRecord(r, this.streamArn)) };
      let failed: string | undefined;
      try {
        failed = (await this.streamHandler(event)).batchItemFailures[0]?.itemIdentifier;
      } catch {
        // The handler reports its failures; should it throw anyway, the whole batch comes back.
        failed = records[0]?.dynamodb?.SequenceNumber;
      }
      if (this.abandoned) return handled;
      const index = failed ? records.findIndex((r) => r.dynamodb?.SequenceNumber === failed) : -1;
      if (!failed || index < 0) {
        handled += records.length;
        shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber;
        shard.iterator = out.NextShardIterator;
        shard.failing = undefined;
        this.savePosition();
        continue;
      }
      // As the event source mapping does: the records before it are done, it comes back.
      handled += index;
      if (index > 0) shard.lastSequence = records[index - 1]?.dynamodb?.SequenceNumber;
      const tries = shard.failing?.sequence === failed ? shard.failing.tries + 1 : 1;
      if (tries >= this.streamRetry.maxTries) {
        this.setAside(id, event.Records[index]!, failed, tries);
        // Passed, so counted: the records behind it are read on the next round.
        handled += 1;
        shard.lastSequence = failed;
        shard.failing = undefined;
        shard.iterator = await this.iterator(id, 'AFTER_SEQUENCE_NUMBER', failed);
      } else {
        const wait = this.streamRetry.baseDelayMs * 2 ** (tries - 1);
        shard.failing = { sequence: failed, tries, retryAt: Date.now() + wait };
        shard.iterator = await this.iterator(id, 'AT_SEQUENCE_NUMBER', failed);
      }
      this.savePosition();
    }
    return handled;
  }

  private setAside(shardId: string, record: DynamoDBRecord, sequence: string, tries: number) {
    const letter: DeadLetter = {
      source: 'stream',
      at: new Date().toISOString(),
      reason: `failed ${tries} tries`,
      shardId,
      sequence,
      ...(record.eventID ? { eventID: record.eventID } : {}),
      record,
    };
    this.deadLetterStore.add(letter);
    console.error(`webhooks: stream record ${sequence} set aside after ${tries} tries (see dead letters)`);
  }

  /** When the next stream record in backoff may be tried again, if any is. */
  private nextStreamRetry(): number | undefined {
    const at = [...this.shards.values()].flatMap((s) => (s.failing ? [s.failing.retryAt] : []));
    return at.length ? Math.min(...at) : undefined;
  }

  private getRecords(iterator: string) {
    return this.streams.send(
      new GetRecordsCommand({ ShardIterator: iterator, Limit: this.options.streamBatchSize ?? 1000 }),
    );
  }

  // ---- the per-customer webhook queues ---------------------------------------------------------

  private laneQueueAttributes() {
    return {
      VisibilityTimeout: '30',
      // Safety net only: the delivery handler dead-letters a job itself after its last attempt.
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: String(this.policy.maxAttempts + 2),
      }),
    };
  }

  private lane(name: string): Lane {
    let lane = this.lanes.get(name);
    if (lane) return lane;
    const { url } = existingOrNewQueue(this.fauxqs, name, this.laneQueueAttributes());
    const queue = new SqsWebhookQueue(this.sqs, url);
    const handler = buildDeliveryHandler({
      accesskeys: this.lookups,
      sender: this.options.sender ?? new HttpWebhookSender(),
      signer: hmacSigner,
      clock: this.options.clock,
      runtime: this.options.runtime ?? 'local',
      policy: this.policy,
      retries: {
        // At least 1 s when the queues are kept on disk: fauxqs 2.4.1 fails a visibility change to 0
        // on a persisted queue (its SQLite update writes NULL into a NOT NULL column) after taking
        // the job out of flight, and the job would then be stuck until a restart.
        retryAfter: (receipt, delaySeconds) =>
          queue.retryAfter(receipt, this.options.stateDir ? Math.max(1, delaySeconds) : delaySeconds),
        deadLetter: async (job, reason) =>
          this.deadLetterStore.add({ source: 'delivery', at: new Date().toISOString(), reason, job }),
      },
    });
    lane = { name, url, handler, again: false };
    this.lanes.set(name, lane);
    return lane;
  }

  /** The stream handler's sink: each customer's jobs, in order, on that customer's queue. */
  private async enqueue(jobs: readonly DeliveryJob[]): Promise<string[]> {
    const byLane = new Map<string, DeliveryJob[]>();
    for (const job of jobs) {
      const name = laneName(job.customerId);
      byLane.set(name, [...(byLane.get(name) ?? []), job]);
    }
    const refused: string[] = [];
    for (const [name, group] of byLane) {
      const lane = this.lane(name);
      refused.push(...(await new SqsWebhookQueue(this.sqs, lane.url).enqueue(group)));
      this.wake(lane);
    }
    return refused;
  }

  /**
   * The queues of an earlier run (state directory). Jobs it was delivering when it stopped are queued
   * again at once: nothing else consumes these queues, so their receiver is gone.
   */
  private async resumeLanes() {
    if (!this.options.stateDir) return;
    const out = await this.sqs.send(new ListQueuesCommand({ QueueNamePrefix: LANE_PREFIX }));
    for (const url of out.QueueUrls ?? []) {
      const lane = this.lane(url.slice(url.lastIndexOf('/') + 1));
      // Sent again rather than made visible: fauxqs does not let a restored in-flight message be
      // changed. If the old copy comes back after its visibility timeout, it is a duplicate with the
      // same delivery id, which receivers drop.
      const orphans = this.fauxqs.inspectQueue(lane.name)?.messages.inflight ?? [];
      if (orphans.length) {
        const jobs = orphans.map(({ message }) => JSON.parse(message.body) as DeliveryJob);
        const refused = await new SqsWebhookQueue(this.sqs, lane.url).enqueue(jobs);
        if (refused.length)
          throw new Error(`could not requeue ${refused.length} webhook jobs of ${lane.name}`);
      }
    }
  }

  /** Receives one batch of a customer's jobs and runs the delivery handler on it. */
  private async pollLane(lane: Lane, waitSeconds = 0): Promise<number> {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: lane.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return 0;
    const arn = this.fauxqs.inspectQueue(lane.name)?.arn ?? lane.name;
    const { batchItemFailures } = await lane.handler(toSqsEvent(messages, arn));
    if (this.abandoned) return messages.length;
    // Failed jobs stay: the handler already set when they come back (the backoff).
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    if (done.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: lane.url,
          Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    return messages.length;
  }

  /** Jobs of a lane waiting for their retry (or received and not yet settled). */
  private waiting(lane: Lane) {
    const q = this.fauxqs.inspectQueue(lane.name);
    return q ? q.messages.ready.length + q.messages.delayed.length + q.messages.inflight.length : 0;
  }

  /** With the loops on: a customer's loop runs while its queue holds jobs, then stops until woken. */
  private wake(lane: Lane) {
    if (!this.looping || this.stopped) return;
    if (lane.running) {
      lane.again = true;
      return;
    }
    lane.again = false;
    lane.running = (async () => {
      try {
        while (!this.stopped) {
          const received = await this.slots.run(() => this.pollLane(lane));
          if (received > 0) continue;
          if (lane.again) {
            lane.again = false;
            continue;
          }
          if (this.waiting(lane) === 0) break;
          // Jobs in backoff: look again soon, without holding a slot.
          await pause(100, this.stopping.signal);
        }
      } catch (err) {
        if (!this.stopped) this.onError(err);
        await pause(1000, this.stopping.signal);
        lane.running = undefined;
        return this.wake(lane);
      }
      lane.running = undefined;
    })();
  }

  private onError: (err: unknown) => void = () => {};

  /** Moves jobs the queues' own redrive gave up on (our failures, not the endpoint's) to the store. */
  private async sweepDeadLetterQueue() {
    const out = await this.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: this.deadLetterQueue.url, MaxNumberOfMessages: 10 }),
    );
    const messages = out.Messages ?? [];
    for (const m of messages) {
      this.deadLetterStore.add({
        source: 'delivery',
        at: new Date().toISOString(),
        reason: 'received too often without an outcome',
        job: JSON.parse(m.Body ?? '{}') as DeliveryJob,
      });
    }
    if (messages.length) {
      await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.deadLetterQueue.url,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
  }

  /** One batch from every customer's queue, customers side by side; returns jobs received. */
  async pollDeliveries(): Promise<number> {
    await this.sweepDeadLetterQueue();
    const counts = await Promise.all(
      [...this.lanes.values()].map((l) => this.slots.run(() => this.pollLane(l))),
    );
    return counts.reduce((a, b) => a + b, 0);
  }

  /** One round: the stream, then one batch of deliveries per customer. */
  async pollOnce(): Promise<number> {
    return (await this.pollStream()) + (await this.pollDeliveries());
  }

  /**
   * Until the stream has nothing new (no record waiting for its retry either) and no delivery job is
   * visible (jobs in backoff stay queued).
   */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.pollOnce();
      total += n;
      if (n > 0) continue;
      const retryAt = this.nextStreamRetry();
      if (retryAt === undefined) return total;
      await pause(Math.max(0, retryAt - Date.now()));
    }
  }

  /** Every dead letter: stream records set aside and deliveries given up (earlier runs' too). */
  deadLetters(): DeadLetter[] {
    return this.deadLetterStore.list();
  }

  /** Deliveries given up since the last call. */
  async takeDeadLetters(): Promise<DeliveryJob[]> {
    await this.sweepDeadLetterQueue();
    return this.deadLetterStore.takeDeliveries();
  }

  /** `npm start` and tests of concurrency: the stream every `streamIntervalMs`, each customer's queue as it fills. */
  startLoops(onError: (err: unknown) => void, streamIntervalMs = 250) {
    this.onError = onError;
    this.looping = true;
    const loop = async (step: () => Promise<unknown>, idleMs: number) => {
      while (!this.stopped) {
        try {
          if (!(await step())) await pause(idleMs, this.stopping.signal);
        } catch (err) {
          if (!this.stopped) onError(err);
          await pause(1000, this.stopping.signal);
        }
      }
    };
    this.loops.push(
      loop(() => this.pollStream(), streamIntervalMs),
      loop(() => this.sweepDeadLetterQueue().then(() => 0), 5000),
    );
    for (const lane of this.lanes.values()) this.wake(lane);
  }

  /** Stops reading and delivering, waiting for work in hand to finish. */
  async stop() {
    this.stopped = true;
    this.stopping.abort();
    await Promise.allSettled([...this.loops, ...[...this.lanes.values()].map((l) => l.running)]);
    this.streams.destroy();
    await this.fauxqs.stop();
    this.sqs.destroy();
  }

  /**
   * As a crash would leave it: nothing more is read, saved, deleted or sent from here on, and work in
   * hand is dropped, not finished (tests of a restart).
   */
  async abandon() {
    this.stopped = true;
    this.abandoned = true;
    this.stopping.abort();
    this.streams.destroy();
    this.sqs.destroy();
    await this.fauxqs.stop();
  }
}

/** A customer's queue name: SQS names allow 80 characters of [A-Za-z0-9_-]; ids are hashed to fit. */
const laneName = (customerId: string) =>
  `${LANE_PREFIX}${createHash('sha256').update(customerId).digest('hex').slice(0, 32)}`;

/** fauxqs's createQueue replaces a queue of the same name (and its jobs): reuse one restored from disk. */
const existingOrNewQueue = (server: FauxqsServer, name: string, attributes: Record<string, string>) => {
  const found = server.inspectQueue(name);
  if (!found) {
    const made = server.createQueue(name, { attributes });
    return { url: made.queueUrl, arn: made.queueArn };
  }
  // Its stored URL names the port of the run that made it.
  const url = new URL(found.url);
  url.host = new URL(server.address).host;
  return { url: url.toString(), arn: found.arn };
};
