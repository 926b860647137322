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
    { marshallOptions: { removeUndefinedValues: true } },
  );
