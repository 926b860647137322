/**
 * The dialing engine in AWS: an EventBridge rule fans out twelve tick messages a minute (one every
 * 5 s) to the tick function; the tick fills the dial queue, whose consumer places calls with the
 * carrier CPS budget as its concurrency; the provider posts call events to a public webhook route.
 * The carrier is the call simulator (its delayed events travel through their own queue, as Lambda
 * cannot hold timers) or Twilio (credentials in Secrets Manager, calls paced to the account's CPS).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DIAL_JOB_MAX_RECEIVES } from '#domain/dial-retries.ts';
import { API_BASE_PATH, type Api } from './api.ts';
import type { Data } from './data.ts';
import { createFunctions, type NodeFunction, type PowertoolsLogLevel } from './node-function.ts';
import type { TwilioCredentials } from './secrets.ts';
import { type EngineFunctionName, engineTableAccess } from './table-access.ts';

/** Entry files, relative to the project root (bench/bundle-size.ts measures the same files). */
export const ENGINE_ENTRIES: Readonly<Record<EngineFunctionName, string>> = {
  tick: 'functions/engine/tick.ts',
  'tick-fanout': 'functions/engine/tick-fanout.ts',
  dialer: 'functions/engine/dialer.ts',
  'provider-events': 'functions/webhooks/provider-events.ts',
  'simulator-events': 'functions/engine/simulator-events.ts',
};

/** The carrier the engine dials through (context `outbound:provider`). */
export type ProviderSettings =
  | { kind: 'simulator' }
  | {
      kind: 'twilio';
      /** The account's calls-per-second budget, shared by every dialer (context `outbound:twilioCps`). */
      cps: number;
      credentials: TwilioCredentials;
    };

/**
 * Functions that talk to the carrier: the dialer places calls, provider-events verifies its webhook
 * signatures, the tick's sweeper asks about and hangs up silent calls (shared/services/engine/sweep.ts).
 */
export const PROVIDER_CLIENTS = ['tick', 'dialer', 'provider-events'] as const satisfies EngineFunctionName[];

/**
 * Dialers one CPS budget keeps busy: a call create takes up to about a second, so each running dialer
 * uses at most ~1 call per second of the budget; more would only wait for tokens. Lambda's floor is 2.
 */
export const dialerConcurrencyFor = (cps: number) => Math.max(2, Math.ceil(cps));

export interface EngineProps {
  projectRoot: string;
  data: Data;
  /** The provider webhook route is added to its HTTP API; its endpoint is the engine's public base URL. */
  api: Api;
  /**
   * Most dialer invocations at once: each places calls one after another, so this bounds the call
   * rate the carrier sees (its CPS budget). Lambda's floor is 2.
   * @default 2 with the simulator; with Twilio dialerConcurrencyFor(cps). Context `outbound:dialerConcurrency`.
   */
  dialerConcurrency?: number;
  /** @default { kind: 'simulator' }: deploys and dials without a carrier account. */
  provider?: ProviderSettings;
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
  /** Simulator only. */
  readonly simulatorEventsQueue: Queue | undefined;
  /** Simulator only. */
  readonly simulatorSecret: Secret | undefined;
  readonly dialerConcurrency: number;
  readonly schedule: Rule;
  readonly functions: ReadonlyMap<EngineFunctionName, NodeFunction>;
  /** Dead-letter depth alarms; the stack sends them to the alarm topic. */
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: EngineProps) {
    super(scope, id);
    const provider = props.provider ?? { kind: 'simulator' };
    if (
      provider.kind === 'twilio' &&
      (!Number.isInteger(provider.cps) || provider.cps < 1 || provider.cps > 1000)
    ) {
      throw new Error(`${id}: Twilio cps must be an integer from 1 to 1000, got ${provider.cps}`);
    }
    const dialerConcurrency =
      props.dialerConcurrency ?? (provider.kind === 'twilio' ? dialerConcurrencyFor(provider.cps) : 2);
    this.dialerConcurrency = dialerConcurrency;
    const simulated = provider.kind === 'simulator';
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
    // A throttled job comes back many times while the CPS budget is short (see shared/domain/dial-retries.ts).
    const dial = queue('DialQueue', Duration.seconds(180), DIAL_JOB_MAX_RECEIVES);
    const sim = simulated ? queue('SimulatorEventsQueue', Duration.seconds(60), 5) : undefined;
    this.tickQueue = tick.q;
    this.dialQueue = dial.q;
    this.dialDeadLetterQueue = dial.dlq!;
    this.simulatorEventsQueue = sim?.q;

    this.simulatorSecret = simulated
      ? new Secret(this, 'SimulatorSigningKey', {
          description: 'Outbound: key signing the call simulator webhook events',
          generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
          removalPolicy,
        })
      : undefined;
    if (this.simulatorSecret) {
      Validations.of(this.simulatorSecret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'The simulator signing key is shared by the dialer (signs) and provider-events (verifies), both ' +
          'read once per container; a rotation would make in-flight simulated calls fail verification. ' +
          'It guards test traffic only; replace it by hand with a stack update (docs/deploy.md).',
      });
    }

    const publicBaseUrl = props.api.httpApi.apiEndpoint;
    const base = {
      TABLE_NAME: props.data.table.tableName,
      OUTBOUND_RUNTIME: 'aws',
    };
    const engineEnv = { ...base, PUBLIC_BASE_URL: publicBaseUrl, TELEPHONY_PROVIDER: provider.kind };
    // Carrier settings for the functions that call it; the credentials' ARN is added with the grant.
    const carrierEnv: Record<string, string> =
      provider.kind === 'twilio'
        ? { TWILIO_CPS: String(provider.cps) }
        : { SIMULATOR_SECRET_ARN: this.simulatorSecret!.secretArn };
    const specs: Partial<
      Record<
        EngineFunctionName,
        { description: string; timeout: Duration; environment: Record<string, string> }
      >
    > = {
      tick: {
        description: 'Outbound engine: tick (claims due targets, enqueues dial jobs, sweeps)',
        timeout: Duration.seconds(60),
        environment: {
          ...engineEnv,
          DIAL_QUEUE_URL: this.dialQueue.queueUrl,
          ...(provider.kind === 'twilio' ? carrierEnv : {}),
        },
      },
      'tick-fanout': {
        description: 'Outbound engine: tick fan-out (twelve ticks a minute)',
        timeout: Duration.seconds(10),
        environment: { ...base, TICK_QUEUE_URL: this.tickQueue.queueUrl },
      },
      dialer: {
        description: 'Outbound engine: dialer (places calls from the dial queue)',
        timeout: Duration.seconds(30),
        environment: {
          ...engineEnv,
          ...carrierEnv,
          // Its own queue: a throttled job's visibility is shortened to the carrier's Retry-After.
          DIAL_QUEUE_URL: this.dialQueue.queueUrl,
          ...(sim ? { SIM_EVENTS_QUEUE_URL: sim.q.queueUrl } : {}),
        },
      },
      'provider-events': {
        description: 'Outbound engine: provider call events webhook',
        timeout: Duration.seconds(10),
        // A caller who starts waiting for an agent gets a delayed abandon check on the dial queue.
        environment: { ...engineEnv, ...carrierEnv, DIAL_QUEUE_URL: this.dialQueue.queueUrl },
      },
      ...(simulated
        ? {
            'simulator-events': {
              description: 'Outbound engine: posts the call simulator events when due',
              timeout: Duration.seconds(10),
              environment: {},
            },
          }
        : {}),
    };

    const functions = createFunctions<EngineFunctionName>(this, specs, {
      projectRoot: props.projectRoot,
      entries: ENGINE_ENTRIES,
      constructId: pascal,
      grantTable: (fn, name) => props.data.grant(fn, engineTableAccess[name]),
      removalPolicy,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
      ...(props.logLevel ? { logLevel: props.logLevel } : {}),
    });
    this.functions = functions;
    const fn = (name: EngineFunctionName) => functions.get(name)!.fn;

    // Sends: each function only to the queue it fills.
    this.tickQueue.grantSendMessages(fn('tick-fanout'));
    this.dialQueue.grantSendMessages(fn('tick'));
    this.dialQueue.grantSendMessages(fn('provider-events'));
    if (sim && this.simulatorSecret) {
      sim.q.grantSendMessages(fn('dialer'));
      this.simulatorSecret.grantRead(fn('dialer'));
      this.simulatorSecret.grantRead(fn('provider-events'));
    } else if (provider.kind === 'twilio') {
      for (const name of PROVIDER_CLIENTS) provider.credentials.grantReadTo(fn(name));
    }

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
    if (sim) {
      fn('simulator-events').addEventSource(
        new SqsEventSource(sim.q, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 }),
      );
    }

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
    // The opt-out prompt's keypresses: the same function, which tells the two routes apart.
    props.api.addPublicRoute(
      'ProviderGather',
      'POST',
      `${API_BASE_PATH}/providers/{provider}/gather`,
      functions.get('provider-events')!,
    );

    const deadLetters: [string, Queue, string][] = [
      ['DialDeadLetters', this.dialDeadLetterQueue, 'dial jobs'],
      ...(sim
        ? [['SimulatorEventsDeadLetters', sim.dlq!, 'simulator events'] as [string, Queue, string]]
        : []),
      ['TickDeadLetters', tick.dlq!, 'ticks'],
    ];
    for (const [aid, dlq, what] of deadLetters) {
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
