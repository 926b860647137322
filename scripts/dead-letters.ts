/**
 * `npm run dead-letters`: the webhook dead letters of the local data directory (OUTBOUND_DATA_DIR,
 * default .data), oldest first: stream records set aside after their tries and deliveries given up
 * after their last attempt. `--json` prints them as they are stored, one JSON object a line.
 */
import { resolve } from 'node:path';
import { deadLetterFile, readDeadLetters } from '../infra/local/dead-letters.ts';

const dataDir = resolve(process.env.OUTBOUND_DATA_DIR ?? '.data');
const letters = readDeadLetters(dataDir);
if (process.argv.includes('--json')) {
  for (const l of letters) console.log(JSON.stringify(l));
} else if (letters.length === 0) {
  console.log(`No webhook dead letters in ${deadLetterFile(dataDir)}.`);
} else {
  for (const l of letters) {
    const what =
      l.source === 'stream'
        ? `stream record ${l.sequence} (shard ${l.shardId}${l.eventID ? `, event ${l.eventID}` : ''})`
        : `delivery ${l.job.deliveryId} ${l.job.type} of ${l.job.data.id} to customer ${l.job.customerId}`;
    console.log(`${l.at}  ${l.source.padEnd(8)}  ${what}: ${l.reason}`);
  }
  console.log(`${letters.length} dead letter(s) in ${deadLetterFile(dataDir)}`);
}
