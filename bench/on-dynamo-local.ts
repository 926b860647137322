/**
 * Every bench runs against its own DynamoDB Local: started here with the tables it names (the first is
 * the one the handlers use), stopped however the bench ends.
 */
import { ensureTable, startDynamoLocal } from '../infra/local/dynamodb-local.ts';

export const onDynamoLocal = async (tables: string[], run: (endpoint: string) => Promise<void>) => {
  const dynamo = await startDynamoLocal();
  try {
    for (const table of tables) await ensureTable(dynamo.endpoint, table);
    process.env.TABLE_NAME = tables[0];
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.POWERTOOLS_LOG_LEVEL = 'CRITICAL';
    await run(dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
};
