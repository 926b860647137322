/** Secrets: the operator key (generated) and, with the Twilio provider, the carrier credentials. */
import { RemovalPolicy, SecretValue, Validations } from 'aws-cdk-lib';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** The variable shared/config.ts reads; the handler fetches the secret on its first event. */
export const ADMIN_KEY_SECRET_ENV = 'OUTBOUND_ADMIN_KEY_SECRET_ARN';

export interface OperatorKeyProps {
  /**
   * The secret's name, so operators can find it with the CLI.
   * @default '<stack name>/operator-key': one per deployment, obvious in the console.
   */
  secretName?: string;
  /** @default RemovalPolicy.RETAIN: deleting the stack must not lock operators out of a retained table. */
  removalPolicy?: RemovalPolicy;
}

export class OperatorKey extends Construct {
  readonly secret: Secret;
  /** The name as a plain string (the Secret's own `secretName` is a token parsed from its ARN). */
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: OperatorKeyProps & { stackName: string }) {
    super(scope, id);
    this.secretName = props.secretName ?? `${props.stackName}/operator-key`;
    this.secret = new Secret(this, 'Secret', {
      secretName: this.secretName,
      description: 'Outbound operator key: the credential for POST /v1.0/customers',
      // A plain string (not JSON) is the key itself; no punctuation so it survives headers and shells.
      generateSecretString: { passwordLength: 48, excludePunctuation: true, includeSpace: false },
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'The operator key is a bearer credential held by people, not a database password: automatic ' +
        'rotation would silently invalidate the copy operators use. Rotate it by hand (docs/deploy.md); ' +
        'functions read the new value when their containers are replaced.',
    });
  }

  /** Lets one function read the key and tells it where the key is; nobody else gets either. */
  grantReadTo(fn: IGrantable & { addEnvironment(key: string, value: string): unknown }): void {
    this.secret.grantRead(fn);
    fn.addEnvironment(ADMIN_KEY_SECRET_ENV, this.secret.secretArn);
  }
}

/** The variable the Twilio adapter reads; its functions fetch the secret on their first event. */
export const TWILIO_SECRET_ENV = 'TWILIO_SECRET_ARN';

/**
 * What the secret holds until the user puts the real values in (docs/deploy.md). Empty strings, not
 * credentials: the account SID and auth token never pass through the template or an env var.
 */
export const TWILIO_SECRET_PLACEHOLDER = { TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' } as const;

export interface TwilioCredentialsProps {
  /** @default '<stack name>/twilio': one per deployment, easy to find for put-secret-value. */
  secretName?: string;
  /** @default RemovalPolicy.RETAIN: the credentials were typed in by hand; a `cdk destroy` keeps them. */
  removalPolicy?: RemovalPolicy;
}

/**
 * The Twilio account SID and auth token, in a secret created with an empty placeholder. CloudFormation
 * writes the value only when the placeholder in the template changes, so a later deploy never puts the
 * placeholder back over the values the user stored.
 */
export class TwilioCredentials extends Construct {
  readonly secret: Secret;
  readonly secretName: string;

  constructor(scope: Construct, id: string, props: TwilioCredentialsProps & { stackName: string }) {
    super(scope, id);
    this.secretName = props.secretName ?? `${props.stackName}/twilio`;
    this.secret = new Secret(this, 'Secret', {
      secretName: this.secretName,
      description:
        'Outbound: Twilio account SID and auth token (JSON: TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN); ' +
        'fill in after deploy with put-secret-value',
      secretStringValue: SecretValue.unsafePlainText(JSON.stringify(TWILIO_SECRET_PLACEHOLDER)),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        "Twilio credentials are issued by Twilio's console, not by a rotation Lambda we could run: rotate " +
        'the auth token in Twilio, then put-secret-value (docs/deploy.md).',
    });
  }

  /** Lets one function read the credentials and tells it where they are; nobody else gets either. */
  grantReadTo(fn: IGrantable & { addEnvironment(key: string, value: string): unknown }): void {
    this.secret.grantRead(fn);
    fn.addEnvironment(TWILIO_SECRET_ENV, this.secret.secretArn);
  }
}
