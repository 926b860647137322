/**
 * `npm run backfill-target-counts -- <outdial_id>…`: counts, once, the targets of lists written before
 * the stream kept their counts (`target_count`, `targets_by_state`; docs/deploy.md, upgrade notes).
 * Safe while the system runs and safe to run again: a target already counted is left alone. Reads
 * TABLE_NAME and, for DynamoDB Local, DYNAMODB_ENDPOINT; in AWS, the usual credentials and region.
 */

import { createDocumentClient } from '#adapters/dynamodb/client.ts';
import { backfillTargetCounts } from '#adapters/dynamodb/target-count-backfill.ts';
import { config } from '#shared/config.ts';

const ids = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (ids.length === 0) {
  console.error('usage: TABLE_NAME=<table> npm run backfill-target-counts -- <outdial_id> [<outdial_id>…]');
  process.exit(2);
}
const ddb = createDocumentClient();
const { tableName } = config();
for (const id of ids) {
  const r = await backfillTargetCounts(ddb, tableName, id);
  console.log(
    `${id}: ${r.targets} live targets; counted in ${r.countedIn}, state given to ${r.stateGiven}, already counted ${r.alreadyCounted}`,
  );
}
