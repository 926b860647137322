/**
 * Alarms (every function's errors and throttles, API 5xx) and one dashboard: the campaign business
 * first (calls placed per minute, answers, failures by reason, queue age), then the API and functions.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { NodeFunction } from './node-function.ts';

/**
 * Metric names the stream function emits (shared/services/events/call-metrics.ts decides them), and
 * the dimensions: the Powertools service name on every metric, plus the hangup reason on failures.
 */
export const CALL_METRICS = {
  placed: 'CallsPlaced',
  answered: 'CallsAnswered',
  succeeded: 'CallsSucceeded',
  failed: 'CallsFailed',
} as const;
export const SERVICE_DIMENSION = { service: 'outbound' } as const;
export const REASON_DIMENSION = 'reason';

export interface CallMetricsProps {
  /** Namespace the stream function writes to (POWERTOOLS_METRICS_NAMESPACE). */
  namespace: string;
  /** Its ApproximateAgeOfOldestMessage is how far the dialer is behind the tick. */
  dialQueue: IQueue;
  /** How far webhook delivery is behind (a slow or failing customer endpoint shows here first). */
  deliveryQueue: IQueue;
}

export interface AlarmThresholds {
  /** @default 1: a Lambda error is a crash or a timeout (domain errors are responses), so one is news. */
  functionErrors: number;
  /** @default 1: throttling means the account's concurrency is exhausted; callers are already failing. */
  functionThrottles: number;
  /**
   * @default 5: a 5xx is an unexpected failure answered with a request id; a few in five minutes is a
   * pattern worth waking for, a single one is usually a transient DynamoDB or network error.
   */
  api5xx: number;
}

export interface ObservabilityProps {
  httpApi: HttpApi;
  /** Function per name (API families, engine and webhook functions); each gets error and throttle alarms. */
  functions: ReadonlyMap<string, NodeFunction>;
  /** @default - no business widgets: the dashboard shows the API and functions only. */
  calls?: CallMetricsProps;
  /**
   * Where alarm notifications go. With an address, an encrypted SNS topic is created, subscribed and
   * used as every alarm's action.
   * @default - no topic: alarms are visible in the console and on the dashboard only.
   */
  alarmEmail?: string;
  thresholds?: Partial<AlarmThresholds>;
  /** For the topic's KMS key. @default RemovalPolicy.RETAIN */
  removalPolicy?: RemovalPolicy;
}

const PERIOD = Duration.minutes(5);

export class Observability extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  readonly topic: Topic | undefined;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const thresholds: AlarmThresholds = {
      functionErrors: 1,
      functionThrottles: 1,
      api5xx: 5,
      ...props.thresholds,
    };
    for (const [name, value] of Object.entries(thresholds)) {
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`${id}: threshold ${name} must be an integer ≥ 1`);
    }
    if (props.alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(props.alarmEmail)) {
      throw new Error(`${id}: alarmEmail "${props.alarmEmail}" is not an email address`);
    }
    const prefix = Stack.of(this).stackName;

    if (props.alarmEmail) {
      // CloudWatch can only publish to an encrypted topic whose key lets it; the AWS-managed SNS key cannot.
      const key = new Key(this, 'AlarmTopicKey', {
        description: `${prefix}: encrypts the alarm topic`,
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
      this.topic = new Topic(this, 'AlarmTopic', {
        displayName: `${prefix} alarms`,
        masterKey: key,
        enforceSSL: true,
      });
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    const alarm = (alarmId: string, metric: IMetric, threshold: number, description: string) => {
      const a = new Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No traffic is not a failure.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      if (this.topic) {
        a.addAlarmAction(new SnsAction(this.topic));
        a.addOkAction(new SnsAction(this.topic));
      }
      this.alarms.push(a);
      return a;
    };

    const errors: Metric[] = [];
    const durations: Metric[] = [];
    const throttles: Metric[] = [];
    for (const [name, { fn }] of props.functions) {
      const e = fn.metricErrors({ period: PERIOD, statistic: 'Sum' });
      const t = fn.metricThrottles({ period: PERIOD, statistic: 'Sum' });
      // Labels only on the dashboard: a labelled metric turns an alarm into a metric-math alarm.
      errors.push(e.with({ label: name }));
      throttles.push(t.with({ label: name }));
      durations.push(fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name }));
      alarm(
        `${name}-errors`,
        e,
        thresholds.functionErrors,
        `The ${name} function failed (crash or timeout).`,
      );
      alarm(`${name}-throttles`, t, thresholds.functionThrottles, `The ${name} function was throttled.`);
    }

    const api = props.httpApi;
    const api5xx = api.metricServerError({ period: PERIOD, statistic: 'Sum' });
    alarm('api-5xx', api5xx, thresholds.api5xx, 'The API answered 5xx; look up the request ids in the logs.');

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: prefix,
      defaultInterval: Duration.hours(3),
    });
    if (props.calls) this.addCallWidgets(props.calls);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests',
        left: [api.metricCount({ period: PERIOD, statistic: 'Sum', label: 'requests' })],
        right: [
          api5xx.with({ label: '5xx' }),
          api.metricClientError({ period: PERIOD, statistic: 'Sum', label: '4xx' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          api.metricLatency({ period: PERIOD, statistic: 'p50', label: 'p50' }),
          api.metricLatency({ period: PERIOD, statistic: 'p99', label: 'p99' }),
          api.metricIntegrationLatency({ period: PERIOD, statistic: 'p99', label: 'integration p99' }),
        ],
        width: 8,
      }),
      new GraphWidget({ title: 'API 5xx', left: [api5xx.with({ label: '5xx' })], width: 8 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({ title: 'Lambda errors', left: errors, width: 8 }),
      new GraphWidget({ title: 'Lambda duration p99 (ms)', left: durations, width: 8 }),
      new GraphWidget({ title: 'Lambda throttles', left: throttles, width: 8 }),
    );
  }

  /** Calls placed per minute, answers and failures, failures by hangup reason, queue age. */
  private addCallWidgets(calls: CallMetricsProps): void {
    const minute = Duration.minutes(1);
    const call = (metricName: string, label: string, period = PERIOD) =>
      new Metric({
        namespace: calls.namespace,
        metricName,
        dimensionsMap: { ...SERVICE_DIMENSION },
        statistic: 'Sum',
        period,
        label,
      });
    // Every reason seen, without listing them here: a search over the reason dimension.
    const byReason = new MathExpression({
      expression: `SEARCH('{${calls.namespace},${Object.keys(SERVICE_DIMENSION)[0]},${REASON_DIMENSION}} MetricName="${CALL_METRICS.failed}"', 'Sum', ${PERIOD.toSeconds()})`,
      usingMetrics: {},
      label: '',
      period: PERIOD,
    });
    const age = (queue: IQueue, label: string) =>
      queue.metricApproximateAgeOfOldestMessage({ period: minute, statistic: 'Maximum', label });
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Calls placed per minute',
        left: [call(CALL_METRICS.placed, 'dials/min', minute)],
        width: 6,
      }),
      new GraphWidget({
        title: 'Answers and failures (per 5 min)',
        left: [
          call(CALL_METRICS.answered, 'answered'),
          call(CALL_METRICS.succeeded, 'succeeded'),
          call(CALL_METRICS.failed, 'failed'),
        ],
        width: 6,
      }),
      new GraphWidget({ title: 'Failures by hangup reason (per 5 min)', left: [byReason], width: 6 }),
      new GraphWidget({
        title: 'Queue age (s)',
        left: [age(calls.dialQueue, 'dial queue'), age(calls.deliveryQueue, 'webhook deliveries')],
        width: 6,
      }),
    );
  }
}
