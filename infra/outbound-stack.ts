/**
 * The Outbound stack: stateful constructs (table, operator key, carrier credentials) built first and
 * passed into the stateless ones (API, engine, webhook pipeline, alarms and dashboard).
 */
import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Construct, Node } from 'constructs';
import { familySpecs } from '#http/specs/families.ts';
import { API_BASE_PATH, Api } from './constructs/api.ts';
import { ConsoleSite } from './constructs/console.ts';
import { Data } from './constructs/data.ts';
import { Engine, PROVIDER_CLIENTS, type ProviderSettings } from './constructs/engine.ts';
import { Events } from './constructs/events.ts';
import type { NodeFunction } from './constructs/node-function.ts';
import { Observability } from './constructs/observability.ts';
import { OperatorKey, type TWILIO_SECRET_PLACEHOLDER, TwilioCredentials } from './constructs/secrets.ts';
import { apiTableAccess } from './constructs/table-access.ts';

/** Directory of package.json: bundling resolves the `#…` imports map from there. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface OutboundSettings {
  /** Throwaway stacks (dev, CI): table, logs, key and secret are deleted with the stack. */
  throwaway: boolean;
  corsOrigins: string[];
  throttle: { burstLimit: number; rateLimit: number };
  alarmEmail: string | undefined;
  /** The carrier the engine dials through. */
  provider: 'simulator' | 'twilio';
  /** Twilio only: the account's calls per second, shared by every dialer. */
  twilioCps: number;
  /** Most dialer invocations at once. @default - from the provider (engine.ts) */
  dialerConcurrency: number | undefined;
}

const PROVIDERS = ['simulator', 'twilio'] as const;

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
  const provider: unknown = node.tryGetContext('outbound:provider') ?? 'simulator';
  if (!PROVIDERS.includes(provider as never)) {
    throw new Error(`context outbound:provider must be simulator or twilio, got ${JSON.stringify(provider)}`);
  }
  const twilioCps = num(node, 'outbound:twilioCps', 1);
  if (!Number.isInteger(twilioCps)) throw new Error('context outbound:twilioCps must be a whole number');
  const dialerConcurrency: unknown = node.tryGetContext('outbound:dialerConcurrency');
  return {
    throwaway,
    corsOrigins: list(node, 'outbound:corsOrigins'),
    throttle: {
      burstLimit: num(node, 'outbound:throttleBurst', 200),
      rateLimit: num(node, 'outbound:throttleRate', 100),
    },
    alarmEmail: alarmEmail || undefined,
    provider: provider as OutboundSettings['provider'],
    twilioCps,
    dialerConcurrency:
      dialerConcurrency === undefined || dialerConcurrency === null || dialerConcurrency === ''
        ? undefined
        : num(node, 'outbound:dialerConcurrency', 2),
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
  readonly events: Events;
  readonly observability: Observability;
  readonly console: ConsoleSite;
  /** Twilio only. */
  readonly twilioCredentials: TwilioCredentials | undefined;

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
    this.twilioCredentials =
      settings.provider === 'twilio'
        ? new TwilioCredentials(this, 'TwilioCredentials', { stackName: this.stackName, removalPolicy })
        : undefined;
    const provider: ProviderSettings = this.twilioCredentials
      ? { kind: 'twilio', cps: settings.twilioCps, credentials: this.twilioCredentials }
      : { kind: 'simulator' };

    // Stateless. The console's origin comes first: CORS on the API allows exactly it (and any
    // origins configured besides).
    this.console = new ConsoleSite(this, 'Console', { removalPolicy });
    this.api = new Api(this, 'Api', {
      projectRoot: PROJECT_ROOT,
      families: familySpecs,
      data: this.data,
      tableAccess: apiTableAccess,
      operatorKey: this.operatorKey,
      throttle: settings.throttle,
      corsOrigins: [this.console.url, ...settings.corsOrigins],
      removalPolicy,
    });
    this.console.deploy(this.api.baseUrl);
    this.engine = new Engine(this, 'Engine', {
      projectRoot: PROJECT_ROOT,
      data: this.data,
      api: this.api,
      provider,
      ...(settings.dialerConcurrency !== undefined ? { dialerConcurrency: settings.dialerConcurrency } : {}),
      prefix: this.stackName,
      removalPolicy,
    });
    // Custom metrics per deployment: two stacks in one account never mix their call counts.
    const metricsNamespace = `Outbound/${this.stackName}`;
    this.events = new Events(this, 'Events', {
      projectRoot: PROJECT_ROOT,
      data: this.data,
      prefix: this.stackName,
      metricsNamespace,
      removalPolicy,
    });
    const functions = new Map<string, NodeFunction>([
      ...this.api.functions,
      ...this.engine.functions,
      ...this.events.functions,
    ]);
    this.observability = new Observability(this, 'Observability', {
      httpApi: this.api.httpApi,
      functions,
      calls: {
        namespace: metricsNamespace,
        dialQueue: this.engine.dialQueue,
        deliveryQueue: this.events.deliveryQueue,
      },
      removalPolicy,
      ...(settings.alarmEmail ? { alarmEmail: settings.alarmEmail } : {}),
    });

    const topic = this.observability.topic;
    if (topic) {
      for (const a of [...this.engine.alarms, ...this.events.alarms]) {
        a.addAlarmAction(new SnsAction(topic));
        a.addOkAction(new SnsAction(topic));
      }
    }

    const secretName = this.operatorKey.secretName;
    new CfnOutput(this, 'ApiUrl', {
      description: 'Base URL of the API; every route starts with it',
      value: this.api.baseUrl,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The operator console; sign in with an access key',
      value: this.console.url,
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
      value: `${this.api.httpApi.apiEndpoint}${API_BASE_PATH}/providers/${this.twilioCredentials ? 'twilio' : '{provider}'}/events`,
    });
    if (this.twilioCredentials) {
      const twilioSecret = this.twilioCredentials.secretName;
      const example: Record<keyof typeof TWILIO_SECRET_PLACEHOLDER, string> = {
        TWILIO_ACCOUNT_SID: 'ACxxxxxxxx',
        TWILIO_AUTH_TOKEN: 'your-auth-token',
      };
      new CfnOutput(this, 'TwilioSecretName', {
        description:
          'Secrets Manager secret for the Twilio account SID and auth token (a placeholder until you fill it in)',
        value: twilioSecret,
      });
      new CfnOutput(this, 'TwilioSecretCommand', {
        description:
          'Stores your Twilio credentials (replace both values); new function containers read them',
        value: `aws secretsmanager put-secret-value --region ${Aws.REGION} --secret-id ${twilioSecret} --secret-string '${JSON.stringify(example)}'`,
      });
      new CfnOutput(this, 'TwilioSecretReaders', {
        description:
          'Functions that read the Twilio credentials; update their configuration to use new values at once',
        value: Fn.join(
          ' ',
          [...this.engine.functions]
            .filter(([name]) => (PROVIDER_CLIENTS as readonly string[]).includes(name))
            .map(([, f]) => f.fn.functionName),
        ),
      });
    }
    new CfnOutput(this, 'TableName', { description: 'The DynamoDB table', value: this.data.table.tableName });
    new CfnOutput(this, 'DashboardName', {
      description: 'CloudWatch dashboard: calls placed, answered and failed, queue age, API and functions',
      value: this.observability.dashboard.dashboardName,
    });
  }
}
