/**
 * The time zones a phone number may ring in, from libphonenumber's mapping of number ranges to zones
 * (packed at build time by scripts/phone-zones.ts): the zones of the longest listed prefix of its E.164
 * digits. A NANP number is placed by its area code (+1 212 → America/New_York), and by its exchange
 * where an area code spans zones; one whose area code is mapped to no place, a toll-free +1 800 or an
 * unassigned code, falls back to the whole plan's zones, from Guam to Newfoundland, so the calling
 * hours must hold in all of them (fail closed). A number no range covers has no zones at all, and
 * calling hours in the callee's time never open for it.
 */
import packed from './phone-zones.json' with { type: 'json' };

type Ranges = Map<string, readonly string[]>;

let unpacked: Ranges | undefined;

/** Unpacked on first use: only a tick with callee hours in force pays for it (a few milliseconds). */
const ranges = (): Ranges => {
  if (unpacked) return unpacked;
  const zones = packed.zones.split(' ');
  const sets = packed.sets
    .split(' ')
    .map((s) => (s ? s.split(',').map((i) => zones[Number(i)] as string) : []));
  const map: Ranges = new Map();
  let previous = '';
  for (const entry of packed.ranges.split(' ')) {
    const [digits = '', set = ''] = entry.split(':');
    previous = previous.slice(0, Number(digits[0])) + digits.slice(1);
    map.set(previous, sets[Number.parseInt(set, 36)] ?? []);
  }
  unpacked = map;
  return map;
};

/** E.164 allows 15 digits; the longest listed prefix is shorter. */
const E164 = /^\+\d{2,15}$/;

/** The candidate IANA zones of an E.164 number (`+14155550100`), or none when no range covers it. */
export const zonesOfNumber = (e164: string): string[] => {
  if (!E164.test(e164)) return [];
  const digits = e164.slice(1);
  const map = ranges();
  for (let n = digits.length; n > 0; n--) {
    const found = map.get(digits.slice(0, n));
    if (found) return [...found];
  }
  return [];
};
