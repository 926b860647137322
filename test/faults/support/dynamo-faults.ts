/**
 * Faults of DynamoDB as SDK middleware on a client, placed inside the SDK's retry loop (deserialize
 * step: it runs once per attempt), so the SDK classifies and retries them as it would in production:
 * - throttling: `ProvisionedThroughputExceededException` or `ThrottlingException`, before the request
 *   is sent (DynamoDB refuses it; nothing is written);
 * - a timeout before the request is sent (nothing written), or after DynamoDB applied it (the write
 *   happened, the caller gets a TimeoutError and the SDK sends it again: the dangerous one).
 * An EngineProcess can also kill the client for good (see engine-process.ts).
 */
import {
  type DynamoDBClient,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EngineProcess } from './engine-process.ts';
import type { Random } from './seed.ts';

export interface DynamoFaultRates {
  /** Share of requests refused as throttled. */
  throttle: number;
  /** Share of requests that time out before they are sent. */
  timeoutBeforeSend: number;
  /** Share of requests that time out after DynamoDB applied them. */
  timeoutAfterApply: number;
}

export interface DynamoFaultCounts {
  requests: number;
  throttles: number;
  timeoutsBeforeSend: number;
  timeoutsAfterApply: number;
}

/** As the SDK's node HTTP handler reports a socket timeout. */
const timeoutError = (when: string) =>
  Object.assign(new Error(`injected: connection timed out ${when}`), { name: 'TimeoutError' });

const throttled = (draw: number) => {
  const opts = { message: 'injected: rate of requests exceeds the allowed throughput', $metadata: {} };
  return draw < 0.5
    ? new ProvisionedThroughputExceededException({ ...opts, $metadata: { httpStatusCode: 400 } })
    : new ThrottlingException({ ...opts, $metadata: { httpStatusCode: 400 } });
};

/**
 * The SDK's backoff between retries (up to ~1 s for a throttle) scaled down, so a run with thousands
 * of injected faults stays short; which errors are retried, how often and the retry quota are the
 * SDK's own.
 */
const scaleRetryDelays = (client: DynamoDBClient | DynamoDBDocumentClient, factor: number) => {
  const config = client.config as unknown as { retryStrategy: () => Promise<any> };
  const original = config.retryStrategy;
  const scaled = new WeakSet<object>();
  config.retryStrategy = async () => {
    // The SDK's standard strategy waits inside itself, for what its backoff strategy computes.
    const strategy = await original();
    const backoff = strategy.retryBackoffStrategy;
    if (backoff && !scaled.has(backoff)) {
      scaled.add(backoff);
      const compute = backoff.computeNextBackoffDelay.bind(backoff);
      backoff.computeNextBackoffDelay = (attempts: number) => Math.round(compute(attempts) * factor);
    }
    return strategy;
  };
};

export const injectDynamoFaults = (
  client: DynamoDBClient | DynamoDBDocumentClient,
  options: { random: Random; rates: DynamoFaultRates; process?: EngineProcess; retryDelayFactor?: number },
) => {
  const { random, rates, process } = options;
  const counts: DynamoFaultCounts = {
    requests: 0,
    throttles: 0,
    timeoutsBeforeSend: 0,
    timeoutsAfterApply: 0,
  };
  let paused = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      process?.check(command, args.input, 'before');
      if (paused) return next(args);
      counts.requests++;
      const draw = random();
      if (draw < rates.throttle) {
        counts.throttles++;
        throw throttled(random());
      }
      if (draw < rates.throttle + rates.timeoutBeforeSend) {
        counts.timeoutsBeforeSend++;
        throw timeoutError('before the request was sent');
      }
      const result = await next(args);
      process?.check(command, args.input, 'after');
      if (draw < rates.throttle + rates.timeoutBeforeSend + rates.timeoutAfterApply) {
        counts.timeoutsAfterApply++;
        throw timeoutError('after the request was applied');
      }
      return result;
    },
    { step: 'deserialize', priority: 'high', name: 'faultsInjectedDynamoDB' },
  );
  if (options.retryDelayFactor !== undefined) scaleRetryDelays(client, options.retryDelayFactor);
  return {
    counts,
    /** Runs `work` with no faults injected (a test's own checks through the engine's store). */
    async without<T>(work: () => Promise<T>): Promise<T> {
      paused = true;
      try {
        return await work();
      } finally {
        paused = false;
      }
    },
  };
};
