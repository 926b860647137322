/**
 * When a campaign may start calls, in its own time zone (Outbound's addition; VoIPBIN has none).
 * Collections and telemarketing rules (e.g. the US 8 am–9 pm local rule) make this a must for many
 * call centres. Only new attempts wait for the window: calls in flight finish normally.
 */
export const ISO_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

/**
 * `calling_hours.timezone` meaning "in the called person's own local time" (our addition): the window
 * then holds in each destination's zones (the target's `timezone`, else the number's), and a number that
 * could be in several zones is dialled only while the window is open in all of them.
 */
export const CALLEE_TIME_ZONE = 'callee';

export interface CallingHours {
  /** IANA time zone, e.g. `America/New_York`, or CALLEE_TIME_ZONE. */
  timezone: string;
  /** ISO weekdays on which calls may start: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local start of the window, `HH:MM` (24 h), inclusive. */
  start: string;
  /** Local end of the window, `HH:MM`, exclusive; later than `start` (no window across midnight). */
  end: string;
}

export const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** The canonical name of an IANA zone written in any case or as an alias (`utc` → `UTC`), or undefined. */
export const canonicalTimeZone = (tz: string): string | undefined => {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
};

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The ISO weekday and minute of the day at `atMs` in `timeZone` (daylight saving included). */
export const localTime = (timeZone: string, atMs: number) => {
  const parts = formatterFor(timeZone).formatToParts(new Date(atMs));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { day: WEEKDAY[part('weekday')] ?? 0, minute: Number(part('hour')) * 60 + Number(part('minute')) };
};

const openIn = (hours: CallingHours, timeZone: string, atMs: number) => {
  const { day, minute } = localTime(timeZone, atMs);
  return hours.days.includes(day) && minute >= minutesOf(hours.start) && minute < minutesOf(hours.end);
};

/**
 * Whether a new call may start at `atMs`; no calling hours means any time. With the callee's time zone,
 * the window must be open in every one of `calleeZones`, and with none known it is closed: we fail
 * closed rather than call someone at night. (The tick does not pass a destination's zones yet, so a
 * campaign with `timezone: "callee"` starts no call until the engine works them out per destination.)
 */
export const withinCallingHours = (
  hours: CallingHours | null | undefined,
  atMs: number,
  calleeZones: readonly string[] = [],
) => {
  if (!hours) return true;
  if (hours.timezone !== CALLEE_TIME_ZONE) return openIn(hours, hours.timezone, atMs);
  return calleeZones.length > 0 && calleeZones.every((zone) => openIn(hours, zone, atMs));
};
