/**
 * The dialing engine in AWS: an EventBridge rule fans out twelve tick messages a minute (one every
 * 5 s) to the tick function; the tick fills the dial queue, whose consumer places calls with the
 * carrier CPS budget as its concurrency; the provider posts call events to a public webhook route.
 * The simulator's delayed events travel through their own queue (Lambda cannot hold timers).
 */
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API_BASE_PATH, type Api } from './api.ts';
import type { Data } from './data.ts';
import { NodeFunction, type PowertoolsLogLevel } from './node-function.ts';
import { type EngineFunctionName, engineTableAccess } from './table-access.ts';

export interface EngineProps {
  projectRoot: string;
  data: Data;
  /** The provider webhook route is added to its HTTP API; its endpoint is the engine's public base URL. */
  api: Api;
  /**
   * Most dialer invocations at once: each places calls one after another, so this bounds the call
   * rate the carrier sees (its CPS budget). Lambda's floor is 2.
   * @default 2 (context `outbound:dialerConcurrency`)
   */
  dialerConcurrency?: number;
  /** Stack name, prefixing alarm names. */
  prefix: string;
  removalPolicy?: RemovalPolicy;
  logRetention?: RetentionDays;
  logLevel?: PowertoolsLogLevel;
}

const pascal = (name: string) =>
  name
    .split('-')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');

export class Engine extends Construct {
  readonly tickQueue: Queue;
  readonly dialQueue: Queue;
  readonly dialDeadLetterQueue: Queue;
  readonly simulatorEventsQueue: Queue;
  readonly simulatorSecret: Secret;
  readonly schedule: Rule;
  readonly functions: ReadonlyMap<EngineFunctionName, NodeFunction>;
  /** Dead-letter depth alarms; the stack sends them to the alarm topic. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EngineProps) {
    super(scope, id);
    const dialerConcurrency = props.dialerConcurrency ?? 2;
    if (!Number.isInteger(dialerConcurrency) || dialerConcurrency < 2 || dialerConcurrency > 1000) {
      throw new Error(`${id}: dialerConcurrency must be an integer from 2 to 1000, got ${dialerConcurrency}`);
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // Queues: SQS-managed encryption, TLS only, each with a dead-letter queue.
    const queue = (qid: string, visibilityTimeout: Duration, maxReceiveCount?: number) => {
      const dlq =
        maxReceiveCount === undefined
          ? undefined
          : new Queue(this, `${qid}DeadLetters`, {
              encryption: QueueEncryption.SQS_MANAGED,
              enforceSSL: true,
              retentionPeriod: Duration.days(14),
            });
      const q = new Queue(this, qid, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout,
        ...(dlq && maxReceiveCount ? { deadLetterQueue: { queue: dlq, maxReceiveCount } } : {}),
      });
      return { q, dlq };
    };
    // A tick failing three times is stale by then; the DLQ only shows that ticks keep failing.
    const tick = queue('TickQueue', Duration.seconds(90), 3);
    const dial = queue('DialQueue', Duration.seconds(180), 5);
    const sim = queue('SimulatorEventsQueue', Duration.seconds(60), 5);
    this.tickQueue = tick.q;
    this.dialQueue = dial.q;
    this.dialDeadLetterQueue = dial.dlq!;
    this.simulatorEventsQueue = sim.q;

    this.simulatorSecret = new Secret(this, 'SimulatorSigningKey', {
      description: 'Outbound: key signing the call simulator webhook events',
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy,
    });
    Validations.of(this.simulatorSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The simulator signing key is shared by the dialer (signs) and provider-events (verifies), both ' +
        'read once per container; a rotation would make in-flight simulated calls fail verification. ' +
        'It guards test traffic only; replace it by hand with a stack update (docs/deploy.md).',
    });

    const publicBaseUrl = props.api.httpApi.apiEndpoint;
    const base = {
      TABLE_NAME: props.data.table.tableName,
      OUTBOUND_RUNTIME: 'aws',
    };
    const engineEnv = { ...base, PUBLIC_BASE_URL: publicBaseUrl, TELEPHONY_PROVIDER: 'simulator' };
    const specs: Record<
      EngineFunctionName,
      { entry: string; description: string; timeout: Duration; environment: Record<string, string> }
    > = {
      tick: {
        entry: 'functions/engine/tick.ts',
        description: 'Outbound engine: tick (claims due targets, enqueues dial jobs, sweeps)',
        timeout: Duration.seconds(60),
        environment: { ...engineEnv, DIAL_QUEUE_URL: this.dialQueue.queueUrl },
      },
      'tick-fanout': {
        entry: 'functions/engine/tick-fanout.ts',
        description: 'Outbound engine: tick fan-out (twelve ticks a minute)',
        timeout: Duration.seconds(10),
        environment: { ...base, TICK_QUEUE_URL: this.tickQueue.queueUrl },
      },
      dialer: {
        entry: 'functions/engine/dialer.ts',
        description: 'Outbound engine: dialer (places calls from the dial queue)',
        timeout: Duration.seconds(30),
        environment: {
          ...engineEnv,
          SIMULATOR_SECRET_ARN: this.simulatorSecret.secretArn,
          SIM_EVENTS_QUEUE_URL: this.simulatorEventsQueue.queueUrl,
        },
      },
      'provider-events': {
        entry: 'functions/webhooks/provider-events.ts',
        description: 'Outbound engine: provider call events webhook',
        timeout: Duration.seconds(10),
        environment: { ...engineEnv, SIMULATOR_SECRET_ARN: this.simulatorSecret.secretArn },
      },
      'simulator-events': {
        entry: 'functions/engine/simulator-events.ts',
        description: 'Outbound engine: posts the call simulator events when due',
        timeout: Duration.seconds(10),
        environment: {},
      },
    };

    const functions = new Map<EngineFunctionName, NodeFunction>();
    for (const [name, spec] of Object.entries(specs) as [EngineFunctionName, (typeof specs)['tick']][]) {
      const fn = new NodeFunction(this, pascal(name), {
        entry: join(props.projectRoot, spec.entry),
        projectRoot: props.projectRoot,
        description: spec.description,
        timeout: spec.timeout,
        environment: spec.environment,
        removalPolicy,
        ...(props.logRetention ? { logRetention: props.logRetention } : {}),
        ...(props.logLevel ? { logLevel: props.logLevel } : {}),
      });
      props.data.grant(fn.fn, engineTableAccess[name]);
      functions.set(name, fn);
    }
    this.functions = functions;
    const fn = (name: EngineFunctionName) => functions.get(name)!.fn;

    // Sends: each function only to the queue it fills.
    this.tickQueue.grantSendMessages(fn('tick-fanout'));
    this.dialQueue.grantSendMessages(fn('tick'));
    this.simulatorEventsQueue.grantSendMessages(fn('dialer'));
    this.simulatorSecret.grantRead(fn('dialer'));
    this.simulatorSecret.grantRead(fn('provider-events'));

    // Consumers: partial batch failures, bounded concurrency.
    fn('tick').addEventSource(
      new SqsEventSource(this.tickQueue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }),
    );
    fn('dialer').addEventSource(
      new SqsEventSource(this.dialQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: dialerConcurrency,
      }),
    );
    fn('simulator-events').addEventSource(
      new SqsEventSource(this.simulatorEventsQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 2,
      }),
    );

    this.schedule = new Rule(this, 'TickSchedule', {
      description: 'Outbound engine: fans out the tick every minute',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [new LambdaFunction(fn('tick-fanout'), { retryAttempts: 0 })],
    });

    props.api.addPublicRoute(
      'ProviderEvents',
      'POST',
      `${API_BASE_PATH}/providers/{provider}/events`,
      functions.get('provider-events')!,
    );

    for (const [aid, dlq, what] of [
      ['DialDeadLetters', this.dialDeadLetterQueue, 'dial jobs'],
      ['SimulatorEventsDeadLetters', sim.dlq!, 'simulator events'],
      ['TickDeadLetters', tick.dlq!, 'ticks'],
    ] as const) {
      this.alarms.push(
        new Alarm(this, `${aid}Alarm`, {
          alarmName: `${props.prefix}-${aid}`,
          alarmDescription: `Outbound engine: ${what} failed every attempt and are parked in the DLQ`,
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
