import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpWebhookSender } from '#adapters/http/webhook-sender.ts';
import { type Receiver, startReceiver } from '../support/webhook-receiver.ts';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver(({ path }) => (path === '/hang' ? 'hang' : path === '/moved' ? 302 : 200));
});
afterAll(() => receiver.close());

const sender = new HttpWebhookSender();
const post = (url: string, overrides: { timeoutMs?: number; refusePrivateAddresses?: boolean } = {}) =>
  sender.post({
    url,
    headers: { 'content-type': 'application/json' },
    body: '{"type":"outplan_created","data":{"id":"x"}}',
    timeoutMs: 2000,
    refusePrivateAddresses: false,
    ...overrides,
  });

describe('webhook sender', () => {
  it('POSTs the body as given and reports the status', async () => {
    expect(await post(receiver.url('/ok'))).toEqual({ kind: 'answered', status: 200 });
    const [got] = receiver.received('/ok');
    expect(got?.body).toBe('{"type":"outplan_created","data":{"id":"x"}}');
    expect(got?.headers['content-type']).toBe('application/json');
  });

  it('does not follow redirects', async () => {
    expect(await post(receiver.url('/moved'))).toEqual({ kind: 'answered', status: 302 });
  });

  it('gives up on a receiver that does not answer within the timeout', async () => {
    const started = Date.now();
    const result = await post(receiver.url('/hang'), { timeoutMs: 200 });
    expect(result).toEqual({ kind: 'failed', reason: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a refused connection as a failure worth retrying', async () => {
    const result = await post('http://127.0.0.1:9/nothing-listens-here');
    expect(result.kind).toBe('failed');
  });

  it('refuses, without connecting, a name that resolves to a loopback address when asked to (AWS)', async () => {
    const before = receiver.received().length;
    const url = receiver.url('/private').replace('127.0.0.1', 'localhost');
    expect(await post(url, { refusePrivateAddresses: true })).toEqual({
      kind: 'refused',
      reason: 'localhost resolves to a private address',
    });
    expect(receiver.received()).toHaveLength(before);
    expect((await post(url)).kind).toBe('answered');
  });
});
