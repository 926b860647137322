/** Writes shared/domain/phone-zones.json (see scripts/phone-zones.ts), formatted as the linter keeps it; a unit test fails when stale. */
import { writeFileSync } from 'node:fs';
import { packedPhoneZones } from './phone-zones.ts';

writeFileSync(
  new URL('../shared/domain/phone-zones.json', import.meta.url),
  `${JSON.stringify(packedPhoneZones(), null, 2)}\n`,
);
console.log('wrote shared/domain/phone-zones.json');
