/**
 * libphonenumber's smallest shipped metadata ("min", 83 KB) less what normalising never reads: each
 * country's formatting rules (index 4: how to print a number nationally) and its number-type patterns
 * (index 11: fixed line, mobile, … for `getType()` and `isValid()`). What is left, calling codes,
 * national number patterns, possible lengths and prefixes, is all `parsePhoneNumberWithError(...)`,
 * `.number` and `.isPossible()` use: 24 KB, which keeps the bundles taking phone numbers under 500 KB.
 * test/unit/phone-number.test.ts checks that the committed copy is current and answers as the full
 * metadata does. Run `npm run phone-metadata` after upgrading libphonenumber-js.
 */
import { createRequire } from 'node:module';

/** Positions in a country's metadata array (metadata format version 4) that normalising never reads. */
const UNUSED = new Set([4, 11]);

type Entries = Record<string, unknown[]>;

const prune = (entries: Entries | undefined) =>
  Object.fromEntries(
    Object.entries(entries ?? {}).map(([k, v]) => [k, v.map((x, i) => (UNUSED.has(i) ? 0 : x))]),
  );

export const minMetadata = (): { version: number; countries: Entries; nonGeographic?: Entries } =>
  createRequire(import.meta.url)('libphonenumber-js/metadata.min.json');

export const prunedPhoneMetadata = () => {
  const min = minMetadata();
  if (min.version !== 4) throw new Error(`metadata format ${min.version}: check the pruned positions`);
  return { ...min, countries: prune(min.countries), nonGeographic: prune(min.nonGeographic) };
};
