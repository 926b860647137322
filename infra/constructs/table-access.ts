/**
 * What each API family's code does with the table, read off its services and the DynamoDB adapters.
 * Least privilege is only as good as this list: when a service starts using a new store method, add
 * the action here (the function gets AccessDenied, and test/infra pins the list, until you do).
 *
 * Every family but openapi authenticates callers: a GetItem on the access-key hash item. Every list
 * reads a page of keys from a keys-only index, then the items with one BatchGetItem.
 */
import type { TableAccess } from './data.ts';

export const apiTableAccess: Readonly<Record<string, TableAccess>> = {
  // create/run/resource_info/delete: transactions of Put + Update + ConditionCheck over the campaign
  // and the resources it references (release reads the outdial first); stop/update: UpdateItem.
  // Lists: campaigns of a customer (byList), campaigncalls of a campaign (byParent).
  // Calls per minute: a Query of the table (a campaign's minute partitions).
  campaigns: {
    items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'ConditionCheckItem', 'Query'],
    queries: ['byList', 'byParent'],
  },
  // Read-only attempts, plus soft delete (a conditional update) of a finished one.
  campaigncalls: { items: ['GetItem', 'BatchGetItem', 'UpdateItem'], queries: ['byList'] },
  // Create, conditional update and soft delete; lists of a customer.
  outplans: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  // Outdials and their targets: lists of a customer and targets of an outdial, both in byList;
  // targets by number: a Query of the table (the customer's number partition).
  outdials: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'Query'], queries: ['byList'] },
  queues: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  // Status changes move the agent in and out of byParent, but only as attributes of UpdateItem.
  agents: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], queries: ['byList'] },
  // Operator creates a customer and its first key (Puts, one transaction); a customer reads itself.
  customers: { items: ['GetItem', 'PutItem', 'UpdateItem'], queries: [] },
  // Create: two Puts in a transaction; delete: Update of the key + Delete of its hash item.
  accesskeys: {
    items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queries: ['byList'],
  },
  // Suppressions: add is a transaction of two conditional Puts (the number's item, the record); delete
  // is Update of the record + Delete of the number's item; reads by id (Get) and the customer's list
  // (byList + BatchGet). The contact policy: Get and Put of its one item.
  compliance: {
    items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queries: ['byList'],
  },
  // Public, static document: no table access at all.
  openapi: { items: [], queries: [] },
};

/**
 * The engine's functions, read off the engine store's request builders (shared/adapters/dynamodb:
 * tick-, due-target-, attempt-, placement- and call-queue-requests.ts) and the use cases each runs
 * (shared/services/engine). No engine code deletes a customer's data or scans: its only deletes are of
 * its own small items (placement guards, replay markers, lines); the active campaigns are a sparse
 * index (byState), due targets a second one (byDue).
 */
export const engineTableAccess = {
  // runTick: the active campaigns, their outplans and runtime shards (BatchGet; Put of a missing
  // shard), lease and its release with the sweep mark (Update), claim
  // (transaction: Update target + Put campaigncall + Update a runtime shard + Put the destination's
  // line), park/stop/answer (Updates), finish (Updates + Delete of the line), the next campaign's run
  // (Update + ConditionCheck on its resources), Gets of campaigns, outplans, queues, targets. Queries:
  // active campaigns and open attempts (byState), due targets and waiting callers (byDue), available
  // agents (byParent).
  tick: {
    items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
    queries: ['byParent', 'byDue', 'byState'],
  },
  // Sends tick messages only.
  'tick-fanout': { items: [], queries: [] },
  // placeCall: the placement marker (Put, Delete on a definite reject), attempt updates, finishAttempt
  // (Updates), Gets of the attempt, outplan, campaign and target, and of the person (suppression) and the
  // customer's contact policy (calling hours) re-checked before placing; a stopping campaign's runtime shards
  // (BatchGet) to stop it after its last call. No queries.
  dialer: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], queries: [] },
  // recordCallEvent: answer/finish (Updates), joinQueue (free agents of a queue: byParent), Gets.
  // The replay marker of each accepted request: Put (conditional), Delete when its processing failed.
  // A stopping campaign's runtime shards (BatchGet) to stop it after its last call.
  'provider-events': {
    items: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
    queries: ['byParent'],
  },
  // Posts delayed simulator events to the webhook route; no table.
  'simulator-events': { items: [], queries: [] },
} as const satisfies Readonly<Record<string, TableAccess>>;

export type EngineFunctionName = keyof typeof engineTableAccess;

/**
 * The customer webhook pipeline (functions/events). Both read one customer item by key: the stream
 * handler to know whether the customer has a webhook_uri (enqueueDeliveries → getCustomer), the
 * deliverer for the address and signing secret at send time (getWebhookSettings). The changes
 * themselves come from the stream, not the table; the stream handler writes only the campaigns'
 * minute items (calls per minute).
 */
export const eventsTableAccess = {
  // And the campaigns' calls per minute (an UpdateItem per minute item, set ADDs), outdials' target
  // counts (transactions: Put/Delete of a target's marker + Update of the outdial) and targets by
  // number (BatchWriteItem of their entries).
  'webhook-stream': {
    items: ['GetItem', 'UpdateItem', 'PutItem', 'DeleteItem', 'BatchWriteItem'],
    queries: [],
  },
  'webhook-delivery': { items: ['GetItem'], queries: [] },
} as const satisfies Readonly<Record<string, TableAccess>>;

export type EventsFunctionName = keyof typeof eventsTableAccess;
