/**
 * The app as the CDK CLI runs it: cdk.json's `app` command, with cdk.json's context, writing a cloud
 * assembly, on a PATH where `docker` is a shim that records calls and fails.
 */
import { exec } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it, onTestFinished } from 'vitest';
import { families } from '#functions/api/families.ts';
import { engineTableAccess, eventsTableAccess } from '../../infra/constructs/table-access.ts';
import { PROJECT_ROOT } from '../../infra/outbound-stack.ts';
import { shadowDocker } from '../support/synthesized.ts';

const sh = promisify(exec);

it('synthesises through the cdk.json app command without Docker and without cdk-nag findings', async () => {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8'));
  const outdir = mkdtempSync(join(tmpdir(), 'outbound-cdk-app-'));
  const shimDir = mkdtempSync(join(tmpdir(), 'outbound-no-docker-'));
  const docker = shadowDocker(shimDir);

  onTestFinished(() => {
    for (const dir of [outdir, shimDir]) rmSync(dir, { recursive: true, force: true });
  });

  // What the CLI does: run the app with the output directory and the context in the environment.
  await sh(cdkJson.app, {
    cwd: PROJECT_ROOT,
    env: {
      ...process.env,
      PATH: docker.path,
      CDK_OUTDIR: outdir,
      CDK_CONTEXT_JSON: JSON.stringify(cdkJson.context ?? {}),
    },
    maxBuffer: 16 * 1024 * 1024,
  });

  expect(existsSync(docker.log)).toBe(false);
  const template = JSON.parse(readFileSync(join(outdir, 'Outbound.template.json'), 'utf8'));
  const functions = Object.values(template.Resources as Record<string, { Type: string }>).filter(
    (r) => r.Type === 'AWS::Lambda::Function',
  );
  // Plus one: CDK's bucket deployment handler, which uploads the console at deploy.
  expect(functions).toHaveLength(
    families.length + Object.keys(engineTableAccess).length + Object.keys(eventsTableAccess).length + 1,
  );
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  expect(report.pluginReports.flatMap((r: { violations: unknown[] }) => r.violations)).toEqual([]);
});
