/** Writes docs/openapi.json from the routes; a test fails when the checked-in copy is stale. */
import { writeFileSync } from 'node:fs';
import { openApiDocument } from '#functions/api/openapi-document.ts';

writeFileSync(
  new URL('../docs/openapi.json', import.meta.url),
  `${JSON.stringify(openApiDocument(), null, 2)}\n`,
);
console.log('wrote docs/openapi.json');
