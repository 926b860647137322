/**
 * The time zones a phone number may ring in, from libphonenumber's mapping of number ranges to zones
 * (pruned at build time by scripts/phone-zones.ts): the zones of the longest listed prefix of its E.164
 * digits. A NANP number is placed by its area code (+1 212 → America/New_York); one whose area code is
 * not mapped to a place, a toll-free +1 800 or an unassigned code, falls back to the whole plan's
 * zones, from Guam to Newfoundland, so the calling hours must hold in all of them (fail closed). A
 * number no range covers has no zones at all, and calling hours in the callee's time never open for it.
 */
import data from './phone-zones.json' with { type: 'json' };

const { zones, ranges } = data as { zones: string[]; ranges: Record<string, number[]> };

/** Longest listed prefix: E.164 numbers have at most 15 digits, the map's prefixes at most 9. */
const LONGEST_PREFIX = Math.max(...Object.keys(ranges).map((p) => p.length));

/** The candidate IANA zones of an E.164 number (`+14155550100`), or none when no range covers it. */
export const zonesOfNumber = (e164: string): string[] => {
  if (!/^\+\d{2,15}$/.test(e164)) return [];
  const digits = e164.slice(1);
  for (let n = Math.min(LONGEST_PREFIX, digits.length); n > 0; n--) {
    const found = ranges[digits.slice(0, n)];
    if (found) return found.map((i) => zones[i] as string);
  }
  return [];
};
