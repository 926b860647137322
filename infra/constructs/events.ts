/**
 * Customer webhooks in AWS: the table's change stream feeds the stream function, which turns committed
 * changes into delivery jobs on the delivery queue (and call metrics into CloudWatch); the delivery
 * function POSTs each job, pushing a failed one back with a growing delay and parking it in the
 * delivery dead-letter queue after its last try. Stream batches that keep failing are skipped to their
 * own dead-letter queue (as a pointer to the skipped range), never retried forever.
 *
 * Tenants: the delivery queue is an SQS fair queue. It is a standard queue, and every job carries its
 * customer as MessageGroupId (shared/adapters/sqs/webhook-queue.ts), so SQS keeps one customer's
 * backlog (a hanging or failing endpoint retried again and again) from delaying the others' jobs.
 * The delivery function POSTs a batch's jobs side by side with a short timeout and reports each
 * failed one alone (partial batch response), so a slow endpoint holds only its own jobs.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { EVENT_KINDS } from '#domain/events.ts';
import type { Data } from './data.ts';
import { createFunctions, type NodeFunction, type PowertoolsLogLevel } from './node-function.ts';
import { type EventsFunctionName, eventsTableAccess } from './table-access.ts';

/** Entry files, relative to the project root (bench/bundle-size.ts measures the same files). */
export const EVENTS_ENTRIES: Readonly<Record<EventsFunctionName, string>> = {
  'webhook-stream': 'functions/events/stream-handler.ts',
  'webhook-delivery': 'functions/events/delivery-handler.ts',
};

export interface EventsProps {
  projectRoot: string;
  data: Data;
  /** Stack name, prefixing alarm names. */
  prefix: string;
  /** CloudWatch namespace of the call metrics the stream function emits (the dashboard reads it). */
  metricsNamespace: string;
  /**
   * Most delivery invocations at once. Each one POSTs up to ten jobs side by side, so this bounds the
   * requests in flight to customers' endpoints (and the Lambda bill when an endpoint hangs).
   * @default 5: about 50 requests in flight; a backlog drains at several hundred jobs a minute.
   */
  deliveryConcurrency?: number;
  /**
   * Times a failing stream batch is retried (bisected on each error) before it is skipped to the
   * stream dead-letter queue. The handler fails when SQS or the customer lookup is down, or on a
   * record it cannot read; it reports the first record not handled, so the retry starts there and
   * each error halves the batch. 10 isolates one bad record of a 100-record batch (7 halvings) with
   * tries to spare for a passing outage, and holds the shard for minutes: with 100 the records
   * behind one poison record waited up to the 12 h record age.
   * @default 10
   */
  streamRetryAttempts?: number;
  removalPolicy?: RemovalPolicy;
  logRetention?: RetentionDays;
  logLevel?: PowertoolsLogLevel;
}

/**
 * The deliverer gives up after the retry policy's 8th attempt (shared/domain/events.ts) and parks the
 * job itself; the queue's own redrive is the backstop for jobs that fail here (table or SQS down), so
 * it must allow more receives than the policy's attempts.
 */
const DELIVERY_MAX_RECEIVES = 10;

export class Events extends Construct {
  readonly deliveryQueue: Queue;
  readonly deliveryDeadLetterQueue: Queue;
  /** Where the stream mapping parks batches it gave up on (their shard and sequence range). */
  readonly streamDeadLetterQueue: Queue;
  readonly functions: ReadonlyMap<EventsFunctionName, NodeFunction>;
  /** Dead-letter depth alarms; the stack sends them to the alarm topic. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    const deliveryConcurrency = props.deliveryConcurrency ?? 5;
    if (!Number.isInteger(deliveryConcurrency) || deliveryConcurrency < 2 || deliveryConcurrency > 1000) {
      throw new Error(
        `${id}: deliveryConcurrency must be an integer from 2 to 1000, got ${deliveryConcurrency}`,
      );
    }
    const streamRetryAttempts = props.streamRetryAttempts ?? 10;
    if (!Number.isInteger(streamRetryAttempts) || streamRetryAttempts < 0 || streamRetryAttempts > 10_000) {
      throw new Error(`${id}: streamRetryAttempts must be an integer from 0 to 10000`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    const deadLetters = (qid: string) =>
      new Queue(this, qid, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
    this.streamDeadLetterQueue = deadLetters('StreamDeadLetters');
    Validations.of(this.streamDeadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is a dead-letter queue: the on-failure destination of the table stream mapping ' +
        '(cdk-nag only recognises redrive targets). Nothing consumes it; its depth alarm pages a human.',
    });
    this.deliveryDeadLetterQueue = deadLetters('DeliveryDeadLetters');

    const deliveryTimeout = Duration.seconds(60);
    this.deliveryQueue = new Queue(this, 'DeliveryQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's advice for SQS event sources: six times the function timeout, so a batch retried by
      // Lambda itself is not received twice. Backoff retries set their own visibility per message.
      visibilityTimeout: Duration.seconds(deliveryTimeout.toSeconds() * 6),
      // Longer than the policy's whole backoff (15 s doubling to 15 min, 8 tries: about 40 min).
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deliveryDeadLetterQueue, maxReceiveCount: DELIVERY_MAX_RECEIVES },
    });

    const base = { TABLE_NAME: props.data.table.tableName, OUTBOUND_RUNTIME: 'aws' };
    const specs: Record<
      EventsFunctionName,
      { description: string; timeout: Duration; environment: Record<string, string> }
    > = {
      'webhook-stream': {
        description: 'Outbound webhooks: table stream to delivery jobs, and call metrics',
        timeout: Duration.seconds(60),
        environment: {
          ...base,
          WEBHOOK_QUEUE_URL: this.deliveryQueue.queueUrl,
          POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        },
      },
      'webhook-delivery': {
        description: 'Outbound webhooks: signed POST of each delivery job, with backoff',
        timeout: deliveryTimeout,
        environment: {
          ...base,
          WEBHOOK_QUEUE_URL: this.deliveryQueue.queueUrl,
          WEBHOOK_DLQ_URL: this.deliveryDeadLetterQueue.queueUrl,
        },
      },
    };

    const functions = createFunctions<EventsFunctionName>(this, specs, {
      projectRoot: props.projectRoot,
      entries: EVENTS_ENTRIES,
      constructId: (name) => (name === 'webhook-stream' ? 'StreamFunction' : 'DeliveryFunction'),
      grantTable: (fn, name) => props.data.grant(fn, eventsTableAccess[name]),
      removalPolicy,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    this.functions = functions;
    const stream = functions.get('webhook-stream')!.fn;
    const delivery = functions.get('webhook-delivery')!.fn;

    // Stream: read by the stream function only. The mapping is built directly (not DynamoEventSource)
    // because that one also grants dynamodb:ListStreams on every stream of the account.
    props.data.grantStreamRead(stream);
    stream.addEventSourceMapping('TableStream', {
      eventSourceArn: props.data.table.tableStreamArn!,
      // TRIM_HORIZON, not LATEST: the stream and the mapping are created in the same deployment, and
      // with LATEST every change committed before the mapping is live (the engine may already be
      // dialling) would never become a webhook. The cost is a replay of at most the stream's 24 h if
      // the mapping is ever recreated; deliveries carry a stable id per change for receivers to dedupe.
      startingPosition: StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      maxBatchingWindow: Duration.seconds(1),
      // One batch per shard at a time: the handler relies on record order within a shard.
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: streamRetryAttempts,
      // Stream records live 24 h; give up earlier so a skipped range can still be read and replayed.
      maxRecordAge: Duration.hours(12),
      onFailure: new SqsDlq(this.streamDeadLetterQueue),
      // Only the kinds that have webhooks invoke the function: the engine's placement guards, the
      // CPS bucket and idempotency records change once per call or request and never become an event.
      // A new or updated item is matched on its new image, a removed one on its old image.
      filters: [
        FilterCriteria.filter({ dynamodb: { NewImage: { et: { S: [...EVENT_KINDS] } } } }),
        FilterCriteria.filter({
          eventName: ['REMOVE'],
          dynamodb: { OldImage: { et: { S: [...EVENT_KINDS] } } },
        }),
      ],
    });
    this.deliveryQueue.grantSendMessages(stream);

    // Delivery: consumes the queue (receive, delete, change visibility for the backoff) and sends
    // only to its dead-letter queue.
    delivery.addEventSource(
      new SqsEventSource(this.deliveryQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: deliveryConcurrency,
      }),
    );
    this.deliveryDeadLetterQueue.grantSendMessages(delivery);

    for (const [aid, dlq, what] of [
      ['StreamDeadLetters', this.streamDeadLetterQueue, 'table stream batches were skipped (webhooks lost)'],
      ['DeliveryDeadLetters', this.deliveryDeadLetterQueue, 'webhook deliveries failed every attempt'],
    ] as const) {
      this.alarms.push(
        new Alarm(this, `${aid}Alarm`, {
          alarmName: `${props.prefix}-Webhook${aid}`,
          alarmDescription: `Outbound webhooks: ${what}; see the dead-letter queue`,
          metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1) }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }
}
