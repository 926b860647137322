import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Awaits one conditional write: its output, or undefined when its condition refused it. Most engine
 * writes are guarded by the state they expect, and a refusal means another writer got there first.
 * Other failures are thrown.
 */
export const unlessRefused = async <T>(write: Promise<T>): Promise<T | undefined> => {
  try {
    return await write;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return undefined;
    throw err;
  }
};
