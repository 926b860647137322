/**
 * The local API server (the handlers the Lambdas run) for a bench of the store's own throughput, with a
 * new customer to send requests as. Close `api` when done.
 */
import { cryptoIds } from '#adapters/crypto-ids.ts';
import { createCustomer } from '#services/customers.ts';
import type { Deps } from '#services/deps.ts';
import { startApiServer } from '../infra/local/api-server.ts';

/** `atOnce`: how many requests the bench keeps in flight, all let into the handler together. */
export const benchApi = async (deps: Deps, atOnce: number) => {
  const api = await startApiServer({
    deps,
    adminKeyHash: cryptoIds.hash(cryptoIds.token()),
    keyCacheSeconds: 10,
    // No request budget, and every request in the handler at once (the local server otherwise runs one
    // request per credential at a time): what is measured is the store, not the server's admission.
    requestBudget: null,
    maxInFlightPerCredential: atOnce,
  });
  const { accesskey } = await createCustomer(deps, { name: 'bench', detail: '', webhook_uri: '' });
  return {
    api,
    base: `http://127.0.0.1:${api.port}/v1.0`,
    headers: { authorization: `Bearer ${accesskey.token}`, 'content-type': 'application/json' },
  };
};
