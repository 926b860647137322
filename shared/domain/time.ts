/**
 * Timestamps are ISO-8601 UTC with fixed microseconds (`2026-01-15T09:30:00.000000Z`), the current
 * VoIPBIN form. Legacy `2022-04-28 02:16:39.712142` is accepted wherever a client sends a timestamp.
 * `extraMicros` fills the sub-millisecond digits, so items made in one millisecond (a batch of targets)
 * keep their order in every list and in the order they are dialled.
 */
export const formatTimestamp = (epochMs: number, extraMicros = 0): string => {
  if (!Number.isInteger(extraMicros) || extraMicros < 0 || extraMicros > 999) {
    throw new RangeError(`extraMicros must be an integer 0..999, got ${extraMicros}`);
  }
  return new Date(epochMs).toISOString().replace('Z', `${String(extraMicros).padStart(3, '0')}Z`);
};

const CURRENT = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z$/;
const LEGACY = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

/** Returns the canonical form of a client-supplied timestamp, or undefined if it is not one. */
export const canonicalTimestamp = (value: string): string | undefined => {
  const m = CURRENT.exec(value) ?? LEGACY.exec(value);
  if (!m) return undefined;
  const [, date, time, frac = ''] = m;
  const canonical = `${date}T${time}.${frac.padEnd(6, '0')}Z`;
  return Number.isNaN(Date.parse(canonical.replace(/\d{3}Z$/, 'Z'))) ? undefined : canonical;
};
