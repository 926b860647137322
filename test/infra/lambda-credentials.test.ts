/**
 * The module that replaces the SDK's default credential chain in Lambda bundles: the role's
 * credentials from the environment, container credentials as the fallback, and nothing else.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../infra/bundling/lambda-credentials.ts';
import { bundleAliases } from '../../infra/constructs/node-function.ts';

const CREDENTIAL_ENV = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
];

let saved: Record<string, string | undefined>;
beforeEach(() => {
  saved = Object.fromEntries(CREDENTIAL_ENV.map((k) => [k, process.env[k]]));
  for (const k of CREDENTIAL_ENV) delete process.env[k];
});
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('the Lambda credential provider', () => {
  it('stands in for @aws-sdk/credential-provider-node in every bundle', () => {
    expect(bundleAliases['@aws-sdk/credential-provider-node']).toMatch(
      /infra\/bundling\/lambda-credentials\.ts$/,
    );
  });

  it('returns the role credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAENVKEY';
    process.env.AWS_SECRET_ACCESS_KEY = 'env-secret';
    process.env.AWS_SESSION_TOKEN = 'env-token';
    expect(await defaultProvider()()).toMatchObject({
      accessKeyId: 'ASIAENVKEY',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
    });
  });

  it('falls back to container credentials when the environment has none', async () => {
    const server = createServer((req, res) => {
      res.writeHead(req.headers.authorization === 'container-token' ? 200 : 403, {
        'content-type': 'application/json',
      });
      res.end(
        JSON.stringify({
          AccessKeyId: 'ASIACONTAINER',
          SecretAccessKey: 'container-secret',
          Token: 'container-session',
          Expiration: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `http://127.0.0.1:${(server.address() as AddressInfo).port}/creds`;
      process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = 'container-token';
      expect(await defaultProvider()()).toMatchObject({
        accessKeyId: 'ASIACONTAINER',
        sessionToken: 'container-session',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('never reads profiles or credential files, which a Lambda does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outbound-creds-'));
    try {
      const file = join(dir, 'credentials');
      writeFileSync(file, '[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n');
      process.env.AWS_SHARED_CREDENTIALS_FILE = file;
      await expect(defaultProvider()()).rejects.toThrow(/environment variable credentials/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
