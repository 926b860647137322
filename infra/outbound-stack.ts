/**
 * The Outbound stack: stateful constructs (table, operator key) built first and passed into the
 * stateless ones (API functions, alarms). Engine constructs (queues, tick, dialer) slot in the same way.
 */
import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct, Node } from 'constructs';
import { families } from '#functions/api/families.ts';
import { API_BASE_PATH, Api } from './constructs/api.ts';
import { Data } from './constructs/data.ts';
import { Engine } from './constructs/engine.ts';
import { Observability } from './constructs/observability.ts';
import { OperatorKey } from './constructs/secrets.ts';
import { apiTableAccess } from './constructs/table-access.ts';

/** Directory of package.json: bundling resolves the `#…` imports map from there. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface OutboundSettings {
  /** Throwaway stacks (dev, CI): table, logs, key and secret are deleted with the stack. */
  throwaway: boolean;
  corsOrigins: string[];
  throttle: { burstLimit: number; rateLimit: number };
  alarmEmail: string | undefined;
}

/** cdk.json gives booleans and numbers; `-c key=value` gives strings. Anything else is a mistake. */
const flag = (node: Node, key: string): boolean | undefined => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return undefined;
  if (v === true || v === 'true') return true;
  if (v === false || v === 'false') return false;
  throw new Error(`context ${key} must be true or false, got ${JSON.stringify(v)}`);
};

const num = (node: Node, key: string, fallback: number): number => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return fallback;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`context ${key} must be a positive number, got ${JSON.stringify(v)}`);
  return n;
};

const list = (node: Node, key: string): string[] => {
  const v: unknown = node.tryGetContext(key);
  if (v === undefined || v === null || v === '') return [];
  if (typeof v === 'string')
    return v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v;
  throw new Error(`context ${key} must be a comma-separated string or a list of strings`);
};

/** Reads the `outbound:*` context flags (docs/deploy.md lists them). */
export const settingsFromContext = (node: Node): OutboundSettings => {
  const throwaway = flag(node, 'outbound:throwaway') ?? false;
  if (throwaway && flag(node, 'outbound:production') === true) {
    throw new Error('outbound:throwaway=true contradicts outbound:production=true');
  }
  const alarmEmail: unknown = node.tryGetContext('outbound:alarmEmail');
  if (alarmEmail !== undefined && typeof alarmEmail !== 'string') {
    throw new Error('context outbound:alarmEmail must be a string');
  }
  return {
    throwaway,
    corsOrigins: list(node, 'outbound:corsOrigins'),
    throttle: {
      burstLimit: num(node, 'outbound:throttleBurst', 200),
      rateLimit: num(node, 'outbound:throttleRate', 100),
    },
    alarmEmail: alarmEmail || undefined,
  };
};

export interface OutboundStackProps extends StackProps {
  /** @default - read from context with settingsFromContext */
  settings?: OutboundSettings;
}

export class OutboundStack extends Stack {
  readonly data: Data;
  readonly operatorKey: OperatorKey;
  readonly api: Api;
  readonly engine: Engine;
  readonly observability: Observability;

  constructor(scope: Construct, id: string, props: OutboundStackProps = {}) {
    super(scope, id, {
      description: 'Outbound: serverless outbound campaign service (API, engine, table, alarms)',
      ...props,
    });
    const settings = props.settings ?? settingsFromContext(this.node);
    const removalPolicy = settings.throwaway ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Stateful.
    this.data = new Data(this, 'Data', { removalPolicy });
    this.operatorKey = new OperatorKey(this, 'OperatorKey', { stackName: this.stackName, removalPolicy });

    // Stateless.
    this.api = new Api(this, 'Api', {
      projectRoot: PROJECT_ROOT,
      families,
      data: this.data,
      tableAccess: apiTableAccess,
      operatorKey: this.operatorKey,
      throttle: settings.throttle,
      corsOrigins: settings.corsOrigins,
      removalPolicy,
    });
    this.engine = new Engine(this, 'Engine', {
      projectRoot: PROJECT_ROOT,
      data: this.data,
      api: this.api,
      dialerConcurrency: num(this.node, 'outbound:dialerConcurrency', 2),
      prefix: this.stackName,
      removalPolicy,
    });
    this.observability = new Observability(this, 'Observability', {
      httpApi: this.api.httpApi,
      functions: this.api.functions,
      removalPolicy,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    const topic = this.observability.topic;
    if (topic) {
      for (const a of this.engine.alarms) {
        a.addAlarmAction(new SnsAction(topic));
        a.addOkAction(new SnsAction(topic));
      }
    }

    const secretName = this.operatorKey.secretName;
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API; every route starts with it',
      value: this.api.baseUrl,
    });
    new CfnOutput(this, 'OperatorKeySecretName', {
      description: 'Secrets Manager secret holding the operator key (POST /v1.0/customers)',
      value: secretName,
    });
    new CfnOutput(this, 'OperatorKeyCommand', {
      description: 'Prints the operator key',
      value: `aws secretsmanager get-secret-value --region ${Aws.REGION} --secret-id ${secretName} --query SecretString --output text`,
    });
    const keyReaders = [...this.api.operatorKeyReaders].map((name) => this.api.functions.get(name)!.fn);
    if (keyReaders.length > 0) {
      new CfnOutput(this, 'OperatorKeyReaders', {
        description: 'Functions that read the operator key; update their configuration after rotating it',
        value: Fn.join(
          ' ',
          keyReaders.map((fn) => fn.functionName),
        ),
      });
    }
    new CfnOutput(this, 'ProviderWebhookUrl', {
      description: 'Where the telephony provider posts call events (public route, checked by signature)',
      value: `${this.api.httpApi.apiEndpoint}${API_BASE_PATH}/providers/{provider}/events`,
    });
    new CfnOutput(this, 'TableName', { description: 'The DynamoDB table', value: this.data.table.tableName });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard of the API and its functions',
      value: this.observability.dashboard.dashboardName,
    });
  }
}
