/**
 * The Lambda entry points' DynamoDB document client: one per container, built on first use from config
 * (its endpoint, if any, for local runs). One file per client, so a bundle loads only the SDK it uses.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '#adapters/dynamodb/client.ts';

let ddb: DynamoDBDocumentClient | undefined;

export const documentClient = (): DynamoDBDocumentClient => {
  ddb ??= createDocumentClient();
  return ddb;
};
