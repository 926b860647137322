/**
 * The table stream's consumers in a cost bench: the local events runtime (the same stream and delivery
 * handlers as in AWS) on a client of its own, metered apart from the engine's, so a bench reports what
 * the stream side writes per attempt: the calls-per-minute items and their hour and day sums, the
 * list's counts by state and targets by number, and the webhook side's reads.
 *
 * As AWS's event source mapping batches at most 100 records and waits at most 1 s, the bench hands the
 * handler at most 100 records at a time and reads the stream after every simulated second (`poll`).
 * Locally every record reaches the handler; in AWS a filter passes only the kinds that have webhooks,
 * so a local batch of 100 may hold fewer of them than AWS's would: if anything the local run makes
 * more batches, which bills the per-batch writes (an outdial's counts, a minute item) more often.
 */
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoAccesskeyStore } from '#adapters/dynamodb/accesskey-store.ts';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import type { Clock } from '#ports/clock.ts';
import type { WebhookSender } from '#ports/webhook-sender.ts';
import { LocalEvents } from '../infra/local/events-runtime.ts';
import { meter } from './dynamo-capacity.ts';

/** The event source mapping's batch size (infra/constructs/events.ts). */
const STREAM_BATCH = 100;

/** Which consumer an item belongs to, from its key. */
export const consumerOf = (key: Record<string, unknown> | undefined) => {
  const pk = String(key?.pk ?? '');
  const sk = String(key?.sk ?? '');
  if (/#minutes#\d+$/.test(pk)) return 'rollups: minute items';
  if (/#(hours|days)$/.test(pk)) return 'rollups: hour and day items';
  if (pk.startsWith('outdialtarget#') && sk === 'counted') return 'target counts: markers';
  if (pk.startsWith('outdial#') && sk === 'outdial') return 'target counts: outdial';
  if (/^t#[^#]+#number#/.test(pk)) return 'targets by number';
  if (pk.startsWith('customer#')) return 'webhooks: customer';
  return pk ? `other: ${pk.split('#')[0]}` : undefined;
};

/** The share of each consumer in a meter's `byKind` (write and read units by consumer). */
export const byConsumer = (byKind: Map<string, number>) => {
  const out = new Map<string, number>();
  for (const [k, v] of byKind) {
    const [, direction, kind] = /^(write|read) (.*)$/.exec(k) ?? [];
    if (!direction || !kind) continue;
    const consumer = kind.split(':')[0] as string;
    const key = `${direction} ${consumer}`;
    out.set(key, (out.get(key) ?? 0) + v);
  }
  return out;
};

/** A receiver that answers 200 to every webhook, and counts them. */
const acceptingReceiver = () => {
  const r = { posts: 0 } as WebhookSender & { posts: number };
  r.post = async () => {
    r.posts++;
    return { kind: 'answered', status: 200 };
  };
  return r;
};

/**
 * Starts the stream consumers on `tableName` (the stream turned on if it is off). Start it before the
 * list is loaded and call `settle()` once it is: the stream then counts the list in, as in AWS. Then
 * `measure()` gives `customerId` a webhook (from then on its changes go all the way to a counting
 * receiver; the list's load made no deliveries, which keeps a 100k-target setup short) and attaches
 * the meter.
 */
export const streamConsumers = async (o: {
  endpoint: string;
  tableName: string;
  scratchTable: string;
  unmetered: DynamoDBDocumentClient;
  clock: Clock;
  customerId: string;
}) => {
  const ddb = createDocumentClient(o.endpoint);
  const receiver = acceptingReceiver();
  const events = await LocalEvents.start({
    ddb,
    endpoint: o.endpoint,
    tableName: o.tableName,
    clock: o.clock,
    sender: receiver,
    streamBatchSize: STREAM_BATCH,
  });
  // Batches the stream handler got: GetRecords answers that held records.
  const batches = { count: 0, records: 0 };
  (events as unknown as { streams: DynamoDBStreamsClient }).streams.middlewareStack.add(
    (next, context) => async (args) => {
      const out = await next(args);
      if (context.commandName === 'GetRecordsCommand') {
        const n = (out.output as { Records?: unknown[] }).Records?.length ?? 0;
        if (n > 0) {
          batches.count++;
          batches.records += n;
        }
      }
      return out;
    },
    { step: 'initialize', name: 'batchCounter' },
  );
  return {
    events,
    receiver,
    batches,
    /** Hands on everything the stream holds and delivers the webhooks it made. */
    poll: () => events.drain(),
    settle: () => events.drain(),
    /** Gives the customer its webhook, then meters the consumers from here on. */
    measure: async () => {
      await new DynamoAccesskeyStore(ddb, o.tableName).createCustomer(
        {
          id: o.customerId,
          name: 'bench',
          detail: '',
          webhook_uri: 'https://receiver.example/outbound',
          tm_create: new Date(o.clock.now()).toISOString(),
          tm_update: null,
          tm_delete: null,
        },
        'bench-secret',
      );
      await events.drain();
      batches.count = 0;
      batches.records = 0;
      receiver.posts = 0;
      return meter(ddb, o.unmetered, o.scratchTable, consumerOf);
    },
    stop: () => events.stop(),
  };
};

/**
 * The stream side's units per attempt, by consumer; what no consumer claims (queries, batch reads) is
 * `other`.
 */
export const streamCostLine = (
  units: ReturnType<typeof meter>,
  attempts: number,
  side: { batches: { count: number; records: number }; receiver: { posts: number } },
) => {
  const per = (x: number) => (x / attempts).toFixed(2);
  const shares = byConsumer(units.byKind);
  const part = (direction: 'write' | 'read') => {
    const named = [...shares].filter(([k]) => k.startsWith(`${direction} `));
    const rest = (direction === 'write' ? units.write : units.read) - named.reduce((a, [, v]) => a + v, 0);
    return [
      ...named.map(([k, v]) => `${k.slice(direction.length + 1)} ${per(v)}`),
      ...(rest > 0.005 * attempts ? [`other ${per(rest)}`] : []),
    ].join(', ');
  };
  return (
    `stream side per attempt: ${per(units.write)} WCU (${part('write')}), ${per(units.read)} RCU (${part('read')}), ` +
    `${per(units.requests)} requests; ${side.batches.count} stream batches of ${(side.batches.records / Math.max(1, side.batches.count)).toFixed(0)} records on average, ` +
    `${per(side.receiver.posts)} webhooks delivered`
  );
};
