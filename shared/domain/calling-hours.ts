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
  /** ISO weekdays on which the window opens: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local start of the window, `HH:MM` (24 h), inclusive. */
  start: string;
  /**
   * Local end of the window, `HH:MM`, exclusive. An end before the start runs past midnight: `22:00`
   * to `02:00` on Friday is open from Friday 22:00 to Saturday 02:00.
   */
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

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string) => {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
};

/** The wall clock at `atMs` in `timeZone`, as the UTC instant that shows the same date and time. */
const wallClock = (timeZone: string, atMs: number) => {
  const parts = formatterFor(timeZone).formatToParts(new Date(atMs));
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
};

/** ISO weekday of a wall-clock instant (see wallClock). */
const isoDay = (wallMs: number) => ((new Date(wallMs).getUTCDay() + 6) % 7) + 1;

/** Minutes the zone is ahead of UTC at `atMs` (daylight saving included). */
const offsetMinutes = (timeZone: string, atMs: number) => {
  const minute = Math.floor(atMs / MINUTE) * MINUTE;
  return Math.round((wallClock(timeZone, minute) - minute) / MINUTE);
};

/** The ISO weekday and minute of the day at `atMs` in `timeZone` (daylight saving included). */
export const localTime = (timeZone: string, atMs: number) => {
  const wall = wallClock(timeZone, atMs);
  return { day: isoDay(wall), minute: Math.floor((wall % DAY) / MINUTE) };
};

/**
 * The local date and time at `atMs` in `timeZone` to the minute, with the zone's offset then
 * (`2026-12-07T09:05-05:00`): what a person in that zone saw on the clock, provable afterwards.
 */
export const localTimestamp = (timeZone: string, atMs: number) => {
  const offset = offsetMinutes(timeZone, atMs);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(wallClock(timeZone, atMs)).toISOString().slice(0, 16)}${offset < 0 ? '-' : '+'}${hhmm}`;
};

/**
 * The first instant that shows the wall-clock time `wallMs` in `timeZone`. When the clocks go back
 * it shows twice and the first is taken; when they go forward past it, it never shows, and the instant
 * of the jump (the first one later on the wall clock) is taken.
 */
export const instantOfWallClock = (timeZone: string, wallMs: number): number => {
  const before = offsetMinutes(timeZone, wallMs - DAY);
  const after = offsetMinutes(timeZone, wallMs + DAY);
  const tries = [...new Set([before, after])].map((offset) => wallMs - offset * MINUTE);
  const shown = tries.filter((u) => wallClock(timeZone, u) === wallMs);
  if (shown.length > 0) return Math.min(...shown);
  // Skipped: the jump lies between the two readings; find its minute.
  let lo = Math.min(...tries);
  let hi = Math.max(...tries);
  while (hi - lo > MINUTE) {
    const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
    if (offsetMinutes(timeZone, mid) === after) hi = mid;
    else lo = mid;
  }
  return hi;
};

/** Whether the window is open at `atMs` in one zone; a window past midnight belongs to the day it opened. */
const openIn = (hours: CallingHours, timeZone: string, atMs: number) => {
  const { day, minute } = localTime(timeZone, atMs);
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start < end) return hours.days.includes(day) && minute >= start && minute < end;
  const dayBefore = day === 1 ? 7 : day - 1;
  return (hours.days.includes(day) && minute >= start) || (hours.days.includes(dayBefore) && minute < end);
};

/**
 * The next instant at or after `fromMs` at which the window opens in one zone, looking a week ahead:
 * its start on each of the next days it opens, placed on the zone's own clock (see instantOfWallClock).
 */
const nextOpenIn = (hours: CallingHours, timeZone: string, fromMs: number): number | undefined => {
  if (openIn(hours, timeZone, fromMs)) return fromMs;
  const today = Math.floor(wallClock(timeZone, fromMs) / DAY) * DAY;
  const start = minutesOf(hours.start) * MINUTE;
  for (let k = 0; k <= 8; k++) {
    const date = today + k * DAY;
    if (!hours.days.includes(isoDay(date))) continue;
    const opens = instantOfWallClock(timeZone, date + start);
    if (opens >= fromMs && openIn(hours, timeZone, opens)) return opens;
  }
  return undefined;
};

/** Several windows in force at once (a customer's default and a campaign's own): all must be open. */
export type HoursInForce = readonly CallingHours[];

/**
 * The windows a campaign dials within: the customer's default (contact policy) and the campaign's own.
 * Both hold, so the campaign's hours can narrow the default but never widen it.
 */
export const hoursInForce = (
  customerDefault: CallingHours | null | undefined,
  campaignHours: CallingHours | null | undefined,
): HoursInForce => [customerDefault, campaignHours].filter((h): h is CallingHours => !!h);

/** Whether any window is in the callee's own time, so each destination has to be placed. */
export const inCalleeTime = (hours: HoursInForce) => hours.some((h) => h.timezone === CALLEE_TIME_ZONE);

/** The windows in a fixed zone: they open and close for the whole campaign at once. */
export const fixedWindows = (hours: HoursInForce) => hours.filter((h) => h.timezone !== CALLEE_TIME_ZONE);

/** Each window with each zone it holds in: its own zone, or every one of the callee's. */
const windowsByZone = (hours: HoursInForce, calleeZones: readonly string[]) =>
  hours.flatMap((h) =>
    h.timezone === CALLEE_TIME_ZONE ? calleeZones.map((zone) => ({ h, zone })) : [{ h, zone: h.timezone }],
  );

const asList = (hours: CallingHours | HoursInForce | null | undefined): HoursInForce =>
  !hours ? [] : Array.isArray(hours) ? hours : [hours as CallingHours];

/**
 * Whether a new call may start at `atMs`; no calling hours means any time. With the callee's time zone,
 * the window must be open in every one of `calleeZones`, and with none known it is closed: we fail
 * closed rather than call someone at night.
 */
export const withinCallingHours = (
  hours: CallingHours | HoursInForce | null | undefined,
  atMs: number,
  calleeZones: readonly string[] = [],
) => {
  const list = asList(hours);
  if (inCalleeTime(list) && calleeZones.length === 0) return false;
  return windowsByZone(list, calleeZones).every(({ h, zone }) => openIn(h, zone, atMs));
};

/** How far ahead nextOpening looks; a destination with no opening in that time is looked at again then. */
export const OPENING_HORIZON_MS = 8 * DAY;

/**
 * The first instant at or after `fromMs` at which a call may start (every window open in every zone),
 * or undefined when there is none within OPENING_HORIZON_MS (or no zone is known for callee hours).
 * Each closed window moves the candidate to its own next opening; the first instant all are open is
 * one of those openings, and the candidate never passes it, so a few rounds find it.
 */
export const nextOpening = (
  hours: CallingHours | HoursInForce | null | undefined,
  fromMs: number,
  calleeZones: readonly string[] = [],
): number | undefined => {
  const list = asList(hours);
  if (inCalleeTime(list) && calleeZones.length === 0) return undefined;
  const pairs = windowsByZone(list, calleeZones);
  let t = fromMs;
  for (let round = 0; round < 1_000 && t <= fromMs + OPENING_HORIZON_MS; round++) {
    let moved = false;
    for (const { h, zone } of pairs) {
      const opens = nextOpenIn(h, zone, t);
      if (opens === undefined) return undefined;
      if (opens > t) {
        t = opens;
        moved = true;
      }
    }
    if (!moved) return t;
  }
  return undefined;
};

/**
 * Whether two settings of calling hours are the same windows (none and null alike; days in any order),
 * so that only a real change of the hours starts a look at the targets held under the old ones.
 */
export const sameCallingHours = (a: CallingHours | null | undefined, b: CallingHours | null | undefined) => {
  if (!a || !b) return !a && !b;
  const days = (h: CallingHours) => [...new Set(h.days)].sort().join(',');
  return a.timezone === b.timezone && a.start === b.start && a.end === b.end && days(a) === days(b);
};
