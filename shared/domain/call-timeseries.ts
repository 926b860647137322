/**
 * A campaign's calls per minute (Outbound's addition): dial attempts started, answered, and their
 * outcomes by hangup reason, each counted in the minute it happened. Kept from the table's change
 * stream, not by reading attempts, so a chart of the last hour costs one small read per minute shown.
 */

/** How long minutes are kept; older ones expire (TTL). */
export const MINUTES_RETENTION_DAYS = 14;
/** The longest range one request may ask for: a day of minutes. */
export const MAX_MINUTES_PER_REQUEST = 24 * 60;
/** The range asked for when none is given: the last hour. */
export const DEFAULT_MINUTES = 60;

const MINUTE_MS = 60_000;

export interface CallMinute {
  /** Start of the minute, in the API's timestamp form. */
  minute: string;
  dialed: number;
  answered: number;
  succeeded: number;
  failed: number;
  /** Failed attempts of the minute by hangup reason (only reasons that occurred). */
  failed_by_reason: Record<string, number>;
}

/** The epoch ms of the start of the minute `timestamp` falls in; undefined when it is no timestamp. */
export const minuteStartOf = (timestamp: string): number | undefined => {
  const ms = Date.parse(timestamp.replace(/\.(\d{3})\d*Z$/, '.$1Z'));
  return Number.isNaN(ms) ? undefined : ms - (((ms % MINUTE_MS) + MINUTE_MS) % MINUTE_MS);
};

/** Every minute start from `fromMs` to `toMs`, both included (both already minute starts). */
export const minutesBetween = (fromMs: number, toMs: number): number[] => {
  const out: number[] = [];
  for (let t = fromMs; t <= toMs; t += MINUTE_MS) out.push(t);
  return out;
};

/** What a stream change adds to one minute of one campaign: the attempts behind each count. */
export interface MinuteEvents {
  customerId: string;
  campaignId: string;
  /** Epoch ms of the minute's start. */
  minute: number;
  dialed: string[];
  answered: string[];
  /** Attempt ids by outcome: `success`, or a hangup reason for a failure. */
  outcomes: Record<string, string[]>;
}

/** The outcome key of a success; any other key is the hangup reason of a failure. */
export const SUCCESS = 'success';
