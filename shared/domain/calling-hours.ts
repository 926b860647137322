/**
 * When a campaign may start calls, in its own time zone (Outbound's addition; VoIPBIN has none).
 * Collections and telemarketing rules (e.g. the US 8 am–9 pm local rule) make this a must for many
 * call centres. Only new attempts wait for the window: calls in flight finish normally.
 */
export const ISO_DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export interface CallingHours {
  /** IANA time zone, e.g. `America/New_York`. */
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

/** Whether a new call may start at `atMs`; no calling hours means any time. */
export const withinCallingHours = (hours: CallingHours | null | undefined, atMs: number) => {
  if (!hours) return true;
  const { day, minute } = localTime(hours.timezone, atMs);
  return hours.days.includes(day) && minute >= minutesOf(hours.start) && minute < minutesOf(hours.end);
};
