/**
 * Faults of the dial queue as SDK middleware on its SQS client, at ReceiveMessage:
 * - a duplicated delivery: the message is handed on, and a copy of it is sent to the queue again, so
 *   the dialer gets it a second time later, with its own receipt (SQS's at-least-once delivery);
 * - a re-ordered delivery: the message is held back and handed on after messages queued behind it,
 *   with the next receive (or alone, when the queue has nothing else).
 * An EngineProcess can kill the client for good (see engine-process.ts).
 */
import { type Message, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { EngineProcess } from './engine-process.ts';
import type { Random } from './seed.ts';

export interface SqsFaultCounts {
  received: number;
  duplicated: number;
  reordered: number;
}

/** Most messages one receive hands on, as SQS. */
const MAX_BATCH = 10;

export const injectSqsFaults = (
  client: SQSClient,
  options: { random: Random; duplicate: number; reorder: number; process?: EngineProcess },
) => {
  const { random, process } = options;
  const counts: SqsFaultCounts = { received: 0, duplicated: 0, reordered: 0 };
  let held: Message[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      process?.check(command, args.input, 'before');
      const result = await next(args);
      process?.check(command, args.input, 'after');
      if (command !== 'ReceiveMessageCommand') return result;
      const input = args.input as { QueueUrl: string };
      const output = result.output as { Messages?: Message[] };
      const released = held;
      held = [];
      const handed: Message[] = [];
      for (const m of output.Messages ?? []) {
        counts.received++;
        const draw = random();
        if (draw < options.reorder) {
          counts.reordered++;
          held.push(m);
          continue;
        }
        if (draw < options.reorder + options.duplicate) {
          counts.duplicated++;
          await client.send(new SendMessageCommand({ QueueUrl: input.QueueUrl, MessageBody: m.Body ?? '' }));
        }
        handed.push(m);
      }
      // Messages held from an earlier receive come after this receive's: they overtook nothing.
      const batch = [...handed, ...released];
      held.push(...batch.splice(MAX_BATCH));
      output.Messages = batch;
      return result;
    },
    { step: 'initialize', name: 'faultsInjectedSqs' },
  );
  return { counts, held: () => held.length };
};
