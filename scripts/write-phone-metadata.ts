/** Writes shared/domain/phone-metadata.json (see scripts/phone-metadata.ts); a unit test fails when stale. */
import { writeFileSync } from 'node:fs';
import { prunedPhoneMetadata } from './phone-metadata.ts';

writeFileSync(
  new URL('../shared/domain/phone-metadata.json', import.meta.url),
  `${JSON.stringify(prunedPhoneMetadata())}\n`,
);
console.log('wrote shared/domain/phone-metadata.json');
