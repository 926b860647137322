/** Table stream records as Lambda receives them, for tests that feed the stream handler by hand. */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';

/**
 * A maker of stream records numbered on from `from`: an INSERT without an old image, else a MODIFY.
 * Each maker counts on its own; give the makers of one table distinct prefixes and ranges, since the
 * handler may dedupe by event id or sequence number.
 */
export const streamRecords = (idPrefix: string, from: number) => {
  let sequence = from;
  return (oldImage: object | undefined, newImage: object): DynamoDBRecord => {
    sequence += 1;
    return {
      eventID: `${idPrefix}${sequence}`,
      eventName: oldImage ? 'MODIFY' : 'INSERT',
      dynamodb: {
        SequenceNumber: String(sequence).padStart(21, '0'),
        ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) as never } : {}),
        NewImage: marshall(newImage, { removeUndefinedValues: true }) as never,
      },
    };
  };
};
