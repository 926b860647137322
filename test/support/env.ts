/** Points the config at this file's DynamoDB Local (loopback only, see local-dynamo.ts). */
import { dynamoEndpoint, TEST_TABLE } from './local-dynamo.ts';

process.env.TABLE_NAME = TEST_TABLE;
process.env.DYNAMODB_ENDPOINT = dynamoEndpoint();
process.env.OUTBOUND_RUNTIME = 'local';
process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
// API tests send bursts from one customer on purpose; the budget's own tests give the server one.
process.env.API_REQUESTS_PER_SECOND ??= '0';
