/**
 * The carrier choice (context `outbound:provider`): Twilio credentials in Secrets Manager, read only by
 * the functions that talk to the carrier, dialer concurrency tied to the CPS budget; the simulator's
 * parts only with the simulator. No bundling here (outbound-stack.test.ts checks the bundles).
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, onTestFinished } from 'vitest';
import { dialerConcurrencyFor, PROVIDER_CLIENTS } from '../../infra/constructs/engine.ts';
import { TWILIO_SECRET_PLACEHOLDER } from '../../infra/constructs/secrets.ts';
import type { EngineFunctionName } from '../../infra/constructs/table-access.ts';
import { asList, type Json, synthesizeOnce, synthesizeOutbound } from '../support/synthesized.ts';

/** The stack, cdk-nag attached, bundling skipped; dispose of it when done. */
const synth = (context: Record<string, unknown>) => synthesizeOutbound({ context, bundle: false });

describe('with outbound:provider=twilio', () => {
  const s = synthesizeOnce({
    context: { 'outbound:provider': 'twilio', 'outbound:twilioCps': '5' },
    bundle: false,
  });
  const fnId = (name: EngineFunctionName) => s.logicalId(s.stack.engine.functions.get(name)!.fn);
  const envOf = (name: EngineFunctionName) => s.resources[fnId(name)].Properties.Environment.Variables;
  const secretId = () => s.logicalId(s.stack.twilioCredentials!.secret);
  const readersOfSecret = () =>
    s
      .ofType('AWS::Lambda::Function')
      .filter(([id]) =>
        s
          .statementsOfFunction(id)
          .some(
            (st: Json) =>
              asList(st.Action).includes('secretsmanager:GetSecretValue') &&
              JSON.stringify(st.Resource).includes(`"${secretId()}"`),
          ),
      )
      .map(([id]) => id)
      .sort();

  it('creates the credentials secret with an empty placeholder, retained', () => {
    s.template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'Outbound/twilio',
        SecretString: JSON.stringify(TWILIO_SECRET_PLACEHOLDER),
      },
    });
    expect(TWILIO_SECRET_PLACEHOLDER).toEqual({ TWILIO_ACCOUNT_SID: '', TWILIO_AUTH_TOKEN: '' });
  });

  it('lets only the dialer, provider-events and the tick (sweeper) read it', () => {
    expect([...PROVIDER_CLIENTS].sort()).toEqual(['dialer', 'provider-events', 'tick']);
    expect(readersOfSecret()).toEqual(PROVIDER_CLIENTS.map(fnId).sort());
  });

  it('tells those functions where the secret is, the provider and the CPS budget, and no one else', () => {
    for (const name of PROVIDER_CLIENTS) {
      expect(envOf(name)).toMatchObject({
        TELEPHONY_PROVIDER: 'twilio',
        TWILIO_SECRET_ARN: { Ref: secretId() },
        TWILIO_CPS: '5',
        PUBLIC_BASE_URL: expect.anything(),
      });
    }
    const withArn = Object.values(s.resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment.Variables.TWILIO_SECRET_ARN,
    );
    expect(withArn).toHaveLength(PROVIDER_CLIENTS.length);
  });

  it('never puts credentials in an environment variable', () => {
    for (const r of s.ofType('AWS::Lambda::Function').map(([, r]) => r)) {
      const env = r.Properties.Environment.Variables;
      expect(Object.keys(env).filter((k) => /ACCOUNT_SID|AUTH_TOKEN/.test(k))).toEqual([]);
    }
  });

  it('runs as many dialers as the CPS budget keeps busy', () => {
    const dialer = Object.values(s.resources).find(
      (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && r.Properties.FunctionName.Ref === fnId('dialer'),
    );
    expect(dialer.Properties.ScalingConfig.MaximumConcurrency).toBe(dialerConcurrencyFor(5));
    expect(dialerConcurrencyFor(5)).toBe(5);
    expect(dialerConcurrencyFor(1)).toBe(2);
  });

  it('has no simulator key, simulator queue or simulator function', () => {
    expect(s.stack.engine.simulatorSecret).toBeUndefined();
    expect(s.stack.engine.simulatorEventsQueue).toBeUndefined();
    expect(s.stack.engine.functions.has('simulator-events')).toBe(false);
    for (const r of s.ofType('AWS::Lambda::Function').map(([, r]) => r)) {
      expect(r.Properties.Environment.Variables).not.toHaveProperty('SIMULATOR_SECRET_ARN');
    }
    s.template.resourceCountIs('AWS::SecretsManager::Secret', 2);
  });

  it('prints the secret name and the put-secret-value command, with placeholders only', () => {
    const outputs = s.template.toJSON().Outputs as Record<string, { Value: Json }>;
    expect(outputs.TwilioSecretName!.Value).toBe('Outbound/twilio');
    const command = (outputs.TwilioSecretCommand!.Value['Fn::Join'][1] as Json[])
      .map((p) => (typeof p === 'string' ? p : '<region>'))
      .join('');
    expect(command).toBe(
      'aws secretsmanager put-secret-value --region <region> --secret-id Outbound/twilio ' +
        `--secret-string '{"TWILIO_ACCOUNT_SID":"ACxxxxxxxx","TWILIO_AUTH_TOKEN":"your-auth-token"}'`,
    );
    const url = (outputs.ProviderWebhookUrl!.Value['Fn::Join'][1] as Json[]).filter(
      (p) => typeof p === 'string',
    );
    expect(url).toEqual(['/v1.0/providers/twilio/events']);
  });

  it('passes cdk-nag', () => {
    expect(new AwsSolutionsChecks().validateScope(s.stack).violations).toEqual([]);
  });
});

describe('with the simulator (the default)', () => {
  const s = synthesizeOnce({ bundle: false });

  it('creates no Twilio secret and sets no Twilio variable', () => {
    expect(s.stack.twilioCredentials).toBeUndefined();
    for (const r of s.ofType('AWS::Lambda::Function').map(([, r]) => r)) {
      const env = r.Properties.Environment.Variables;
      expect(Object.keys(env).filter((k) => k.startsWith('TWILIO_'))).toEqual([]);
      if (env.TELEPHONY_PROVIDER) expect(env.TELEPHONY_PROVIDER).toBe('simulator');
    }
    expect(s.template.toJSON().Outputs).not.toHaveProperty('TwilioSecretCommand');
  });

  it('keeps two dialers', () => {
    expect(s.stack.engine.dialerConcurrency).toBe(2);
  });
});

describe('provider context flags', () => {
  it('refuses a provider it does not know', () => {
    expect(() => synth({ 'outbound:provider': 'vonage' })).toThrow(
      /outbound:provider must be simulator or twilio/,
    );
  });

  it('refuses a CPS budget that is not a positive whole number', () => {
    for (const cps of ['0', '-1', '1.5', 'fast']) {
      expect(() => synth({ 'outbound:provider': 'twilio', 'outbound:twilioCps': cps })).toThrow(
        /outbound:twilioCps/,
      );
    }
  });

  it('lets outbound:dialerConcurrency override the CPS-derived concurrency', () => {
    const s = synth({
      'outbound:provider': 'twilio',
      'outbound:twilioCps': '10',
      'outbound:dialerConcurrency': '4',
    });
    onTestFinished(() => s.dispose());
    expect(s.stack.engine.dialerConcurrency).toBe(4);
  });

  it('defaults to one call per second with Twilio', () => {
    const s = synth({ 'outbound:provider': 'twilio' });
    onTestFinished(() => s.dispose());
    const env =
      s.resources[s.logicalId(s.stack.engine.functions.get('dialer')!.fn)].Properties.Environment.Variables;
    expect(env.TWILIO_CPS).toBe('1');
    expect(s.stack.engine.dialerConcurrency).toBe(2);
  });
});
