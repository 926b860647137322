/** Points the config at the run's DynamoDB Local; refuses anything that is not loopback. */
import { inject } from 'vitest';

const endpoint = inject('ddbEndpoint');
if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
  throw new Error(`tests only run against a local DynamoDB, not ${endpoint}`);
}
process.env.TABLE_NAME = 'outbound-test';
process.env.DYNAMODB_ENDPOINT = endpoint;
process.env.OUTBOUND_RUNTIME = 'local';
process.env.POWERTOOLS_LOG_LEVEL ??= 'CRITICAL';
// API tests send bursts from one customer on purpose; the budget's own tests give the server one.
process.env.API_REQUESTS_PER_SECOND ??= '0';
