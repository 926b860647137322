import { createHmac } from 'node:crypto';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { isPrivateHost } from '#domain/webhook-uri.ts';
import type { WebhookPost, WebhookResult, WebhookSender, WebhookSigner } from '#ports/webhook-sender.ts';

export const hmacSigner: WebhookSigner = {
  sign: (secret, payload) => createHmac('sha256', secret).update(payload).digest('hex'),
};

class PrivateAddress extends Error {}

/**
 * A DNS lookup that fails when any address of the name is private, link-local or loopback. It is the
 * lookup of the connection itself, so the address checked is the address connected to: a name that
 * answers a public address to a check and a private one to the connect (DNS rebinding) gains nothing.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
    if (err) return callback(err, '', 0);
    const first = addresses[0];
    if (!first || addresses.some((a) => isPrivateHost(a.address))) {
      return callback(
        Object.assign(new PrivateAddress(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }),
        '',
        0,
      );
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
    return callback(null, first.address, first.family);
  });
};

/**
 * POSTs a webhook with node:http(s): no redirects followed (a 3xx is a failed attempt), the response
 * body read and thrown away, and one deadline for the whole exchange.
 */
export class HttpWebhookSender implements WebhookSender {
  post(req: WebhookPost): Promise<WebhookResult> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (result: WebhookResult) => {
        if (settled) return;
        settled = true;
        resolve(result);
      };
      const url = new URL(req.url);
      // node:http only for plain-http URLs (allowed locally): importing it also loads Node's fetch
      // internals, about 20 ms of every cold start, while customer webhooks in AWS are https.
      const send = url.protocol === 'https:' ? httpsRequest : process.getBuiltinModule('node:http').request;
      const outgoing = send(
        url,
        {
          method: 'POST',
          headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
          // A fresh connection each time: a kept-alive socket to a host must not skip the address check.
          agent: false,
          ...(req.refusePrivateAddresses ? { lookup: publicOnlyLookup } : {}),
        },
        (res) => {
          settle({ kind: 'answered', status: res.statusCode ?? 0 });
          res.resume();
          res.on('end', () => clearTimeout(deadline));
        },
      );
      const deadline = setTimeout(() => {
        settle({ kind: 'failed', reason: `no answer within ${req.timeoutMs} ms` });
        outgoing.destroy();
      }, req.timeoutMs);
      outgoing.on('error', (err) => {
        clearTimeout(deadline);
        if (err instanceof PrivateAddress) settle({ kind: 'refused', reason: err.message });
        else settle({ kind: 'failed', reason: (err as NodeJS.ErrnoException).code ?? err.message });
      });
      outgoing.on('close', () => {
        if (settled) clearTimeout(deadline);
      });
      outgoing.end(req.body);
    });
  }
}
