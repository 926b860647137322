/**
 * The Outbound stack synthesised for the infra tests, as infra/app.ts builds it: a fresh App writing
 * its cloud assembly to a temporary directory (removed by `dispose`), cdk-nag's AWS Solutions checks
 * attached as a validation plugin, and `docker` shadowed on the PATH by a shim that records any call
 * and fails, so bundling can only succeed with the local esbuild. Plus the lookups into the
 * template that several test files share.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll } from 'vitest';
import { OutboundStack } from '../../infra/outbound-stack.ts';

/** CloudFormation JSON, read loosely. */
export type Json = any;
export type Resources = Record<string, Json>;

/** Context that skips asset bundling: for tests of configuration, not of the bundles. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

/** A value or a list of them (IAM's Action and Resource), as a list. */
export const asList = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

/**
 * Writes a `docker` into `dir` that appends its arguments to `log` and fails. `path` is the PATH with
 * `dir` first; `log` exists afterwards only if something called Docker.
 */
export function shadowDocker(dir: string): { path: string; log: string } {
  const log = join(dir, 'calls.log');
  writeFileSync(join(dir, 'docker'), `#!/bin/sh\necho "docker $*" >> '${log}'\nexit 1\n`, { mode: 0o755 });
  return { path: `${dir}:${process.env.PATH}`, log };
}

export interface SynthesizeOptions {
  /** App context (with bundling off, over NO_BUNDLING). */
  context?: Record<string, unknown>;
  /** Attach cdk-nag's AwsSolutionsChecks as a validation plugin (default true). */
  nag?: boolean;
  /** Bundle the functions (default true); false synthesises with NO_BUNDLING. */
  bundle?: boolean;
}

export interface Synthesized {
  app: App;
  stack: OutboundStack;
  template: Template;
  resources: Resources;
  /** The cloud assembly directory (templates, assets, validation-report.json). */
  assemblyDir: string;
  /** The Docker shim's log: it exists only if synthesis called Docker. */
  dockerLog: string;
  /** Removes the assembly and the shim. */
  dispose(): void;
  /** [logical id, resource] of every resource of a CloudFormation type. */
  ofType(type: string): [string, Json][];
  /** Logical id of a construct's default child (a function, queue, table, secret…). */
  logicalId(construct: { node: { defaultChild?: unknown } }): string;
  /** Logical id of the role of a function, by the function's logical id. */
  roleOf(fnLogicalId: string): string;
  /** Statements of the inline policies (AWS::IAM::Policy) attached to a role, by its logical id. */
  statementsOfRole(roleId: string): Json[];
  /** Statements of the inline policies attached to a function's role, by the function's logical id. */
  statementsOfFunction(fnLogicalId: string): Json[];
  /** A function's bundle directory in the cloud assembly (named after the asset hash). */
  assetDir(fnLogicalId: string): string;
  /** The AWS Solutions findings in the assembly's validation report (cdk-nag on). */
  nagFindings(): Json[];
}

/** Synthesises `new OutboundStack(app, 'Outbound')`; call `dispose` when done (afterAll). */
export function synthesizeOutbound(opts: SynthesizeOptions = {}): Synthesized {
  const { nag = true, bundle = true } = opts;
  const root = mkdtempSync(join(tmpdir(), 'outbound-cdk-'));
  const dispose = () => rmSync(root, { recursive: true, force: true });
  const shimDir = join(root, 'no-docker');
  const path = process.env.PATH;
  try {
    mkdirSync(shimDir);
    const docker = shadowDocker(shimDir);
    process.env.PATH = docker.path;
    const app = new App({
      outdir: join(root, 'cdk.out'),
      context: bundle ? { ...opts.context } : { ...NO_BUNDLING, ...opts.context },
    });
    const stack = new OutboundStack(app, 'Outbound');
    if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const assemblyDir = app.synth().directory;
    const template = Template.fromStack(stack);
    const resources: Resources = template.toJSON().Resources;

    const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
    const roleOf = (fnLogicalId: string): string => resources[fnLogicalId].Properties.Role['Fn::GetAtt'][0];
    const statementsOfRole = (roleId: string): Json[] =>
      ofType('AWS::IAM::Policy')
        .filter(([, p]) => p.Properties.Roles.some((r: Json) => r.Ref === roleId))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);

    return {
      app,
      stack,
      template,
      resources,
      assemblyDir,
      dockerLog: docker.log,
      dispose,
      ofType,
      logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
      roleOf,
      statementsOfRole,
      statementsOfFunction: (fnLogicalId) => statementsOfRole(roleOf(fnLogicalId)),
      assetDir: (fnLogicalId) =>
        join(
          assemblyDir,
          `asset.${String(resources[fnLogicalId].Properties.Code.S3Key).replace(/\.zip$/, '')}`,
        ),
      nagFindings: () => {
        const report = JSON.parse(readFileSync(join(assemblyDir, 'validation-report.json'), 'utf8'));
        return (report.pluginReports as Json[])
          .flatMap((r) => r.violations as Json[])
          .filter((v) => /AwsSolutions-/.test(v.ruleName));
      },
    };
  } catch (error) {
    dispose();
    throw error;
  } finally {
    process.env.PATH = path;
  }
}

/**
 * Synthesises once for the enclosing describe block (or file) in a beforeAll, and disposes in an
 * afterAll. The returned object is filled in by the beforeAll: read it only inside tests and hooks.
 */
export function synthesizeOnce(opts: SynthesizeOptions = {}, timeoutMs = 240_000): Synthesized {
  const synth = {} as Synthesized;
  beforeAll(() => {
    Object.assign(synth, synthesizeOutbound(opts));
  }, timeoutMs);
  afterAll(() => synth.dispose?.());
  return synth;
}
