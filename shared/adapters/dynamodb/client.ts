import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.ts';

/** Built once at init; every repository imports it. */
export const createDocumentClient = (endpoint = config().dynamodbEndpoint) =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      ...(endpoint
        ? {
            endpoint,
            region: config().awsRegion,
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          }
        : {}),
      maxAttempts: 3,
    }),
    // convertClassInstanceToMap: the marshaller takes any object whose `constructor` key is not Object's
    // for a class instance, so a stored option like {"constructor": []} would fail the write.
    { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true } },
  );
