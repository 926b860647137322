import { describe, expect, it } from 'vitest';
import { ValidationFailed } from '#domain/errors.ts';
import { checkWebhookUri, isPrivateHost } from '#domain/webhook-uri.ts';

const refusal = (uri: string, runtime: 'local' | 'aws') => {
  try {
    checkWebhookUri(uri, runtime);
    return undefined;
  } catch (err) {
    return err;
  }
};

describe('checkWebhookUri in the cloud (aws runtime)', () => {
  it.each([
    '',
    'https://example.com/hook',
    'https://hooks.example.com:8443/a/b?c=d',
    'https://8.8.8.8/hook',
    'https://172.32.0.1/hook',
    'https://[2001:db8::1]/hook',
  ])('accepts %j', (uri) => {
    expect(refusal(uri, 'aws')).toBeUndefined();
  });

  it.each([
    ['http, even to a public host', 'http://example.com/hook'],
    ['ftp', 'ftp://example.com/hook'],
    ['not a URL', 'not a url'],
    ['a relative path', '/hook'],
    ['credentials in the URL', 'https://user:pass@example.com/hook'],
    ['localhost', 'https://localhost/hook'],
    ['LOCALHOST in capitals', 'https://LOCALHOST/hook'],
    ['localhost with a trailing dot', 'https://localhost./hook'],
    ['a .localhost name', 'https://api.localhost/hook'],
    ['an .internal name', 'https://db.internal/hook'],
    ['an .internal name with a trailing dot', 'https://db.internal./hook'],
    ['a .local name', 'https://printer.local/hook'],
    ['127.0.0.1', 'https://127.0.0.1/hook'],
    ['127.0.0.1 with a trailing dot', 'https://127.0.0.1./hook'],
    ['127.0.0.1 written in hex', 'https://0x7f000001/hook'],
    ['127.0.0.1 written as one number', 'https://2130706433/hook'],
    ['127.0.0.1 shortened', 'https://127.1/hook'],
    ['0.0.0.0', 'https://0.0.0.0/hook'],
    ['10/8', 'https://10.1.2.3/hook'],
    ['172.16/12', 'https://172.16.0.1/hook'],
    ['172.31/12', 'https://172.31.255.255/hook'],
    ['192.168/16', 'https://192.168.1.1/hook'],
    ['the link-local metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['carrier-grade NAT', 'https://100.64.0.1/hook'],
    ['multicast', 'https://224.0.0.1/hook'],
    ['IPv6 loopback', 'https://[::1]/hook'],
    ['IPv6 loopback written out', 'https://[0:0:0:0:0:0:0:1]/hook'],
    ['IPv6 unspecified', 'https://[::]/hook'],
    ['IPv6 unique local', 'https://[fd00::1]/hook'],
    ['IPv6 link local', 'https://[fe80::1]/hook'],
    ['an IPv4-mapped private address', 'https://[::ffff:10.0.0.1]/hook'],
    ['an IPv4-compatible loopback address', 'https://[::127.0.0.1]/hook'],
    ['a NAT64 address', 'https://[64:ff9b::a00:1]/hook'],
  ])('refuses %s', (_, uri) => {
    const err = refusal(uri, 'aws');
    expect(err).toBeInstanceOf(ValidationFailed);
    expect(err).toMatchObject({
      reason: 'INVALID_ARGUMENT',
      details: [{ field: 'webhook_uri', issue: expect.any(String) }],
    });
  });

  it('never echoes the URI, so a secret in it does not end up in an error body', () => {
    const err = refusal('https://user:topsecret@example.com/hook', 'aws') as Error;
    expect(err.message).not.toContain('topsecret');
    expect(JSON.stringify(err)).not.toContain('topsecret');
  });
});

describe('checkWebhookUri locally (local runtime)', () => {
  it.each([
    'http://localhost:9000/hook',
    'http://127.0.0.1:9000/hook',
    'http://[::1]:9000/hook',
    'https://example.com/hook',
    'http://example.com/hook',
  ])('accepts %j so people can receive webhooks on their own machine', (uri) => {
    expect(refusal(uri, 'local')).toBeUndefined();
  });

  it.each([
    'ftp://x',
    'not a url',
    'http://10.0.0.1/x',
    'https://192.168.1.1/x',
    'https://169.254.169.254/',
    'http://db.internal/x',
  ])('still refuses %j', (uri) => {
    expect(refusal(uri, 'local')).toBeInstanceOf(ValidationFailed);
  });
});

describe('isPrivateHost', () => {
  it.each([
    ['example.com', false],
    ['93.184.216.34', false],
    ['172.15.0.1', false],
    ['100.128.0.1', false],
    ['10.0.0.1', true],
    ['[::1]', true],
    ['localhost.', true],
  ])('%s → %s', (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});
