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
export interface MinuteEvents extends MinuteTimings {
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

/**
 * What a close or an answer adds beyond the counts (for predictive pacing and the stats' rates), each
 * keyed by attempt so that a record delivered twice adds nothing the second time.
 */
export interface MinuteTimings {
  /** Attempts closed after a person (not a machine) answered. */
  human?: string[];
  /** Ring time by attempt, ms: placement to answer, or to the end of a call never answered. */
  ring?: [attemptId: string, ms: number][];
  /** Talk time by attempt, ms: answer to end of a call a person answered and did not abandon. */
  talk?: [attemptId: string, ms: number][];
}

/**
 * A campaign's calls over an hour or a day, added up from its minutes as the stream writes them (see
 * docs/data-model.md, call rollups): a few numbers, so 24 hours or 30 days are a few small reads.
 */
export interface CallRollup {
  dialed: number;
  /** Answered, as the carrier reports it (a person or a machine). */
  answered: number;
  /** Attempts that ended, any outcome (a suppressed skip placed no call and is not one). */
  ended: number;
  /** Ended after a person (not a machine) answered. */
  human: number;
  /** A person answered and got no agent in time. */
  abandoned: number;
  /** The carrier refused or failed the call (`failed`). */
  carrier_failed: number;
  ring_ms: number;
  ring_n: number;
  talk_ms: number;
  talk_n: number;
  /**
   * Logged-in agent time of the campaign's queue, agent-ms: sampled by the engine's ticks, not the
   * stream (see docs/data-model.md, call rollups).
   */
  agent_ms: number;
}

export const ROLLUP_FIELDS = [
  'dialed',
  'answered',
  'ended',
  'human',
  'abandoned',
  'carrier_failed',
  'ring_ms',
  'ring_n',
  'talk_ms',
  'talk_n',
  'agent_ms',
] as const satisfies readonly (keyof CallRollup)[];

export const emptyRollup = (): CallRollup =>
  Object.fromEntries(ROLLUP_FIELDS.map((f) => [f, 0])) as unknown as CallRollup;

export const addRollups = (rollups: readonly CallRollup[]): CallRollup => {
  const sum = emptyRollup();
  for (const r of rollups) for (const f of ROLLUP_FIELDS) sum[f] += r[f] ?? 0;
  return sum;
};

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
/** Hours are kept long enough for the last 24 h and the engine's window; days for the last 30 d. */
export const HOURS_RETENTION_DAYS = 3;
export const DAYS_RETENTION_DAYS = 400;

/** Start of the hour (or UTC day) `ms` falls in. */
export const hourStartOf = (ms: number) => ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
export const dayStartOf = (ms: number) => ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);

/** Below this many ended attempts the last hours say too little, and the day's are used instead. */
export const THIN_WINDOW = 50;

/**
 * The rates predictive pacing reads: the current and the previous hour (60 to 120 minutes of calls),
 * or the whole day when those hours are thin.
 */
export const recentRatesOf = (hours: readonly CallRollup[], day: CallRollup | undefined) => {
  const recent = addRollups(hours);
  const r = recent.ended < THIN_WINDOW && day && day.ended > recent.ended ? day : recent;
  return {
    ended: r.ended,
    humanAnswered: r.human,
    abandoned: r.abandoned,
    ...(r.ring_n > 0 ? { meanRingMs: r.ring_ms / r.ring_n } : {}),
    ...(r.talk_n > 0 ? { meanTalkMs: r.talk_ms / r.talk_n } : {}),
  };
};

/** The stats' rates over a window of rollups; a rate with nothing to divide by is null. */
export interface CallRates {
  answer_rate: number | null;
  abandon_rate: number | null;
  dials_per_minute: number | null;
  agent_occupancy: number | null;
  dialed: number;
  ended: number;
  human_answered: number;
  abandoned: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);

/**
 * Talking / logged-in time of the queue's agents; null with no logged-in time. Talk is measured per
 * call and logged-in time per tick, so the two can disagree a little: clamped to [0, 1].
 */
const occupancyOf = (r: CallRollup) =>
  r.agent_ms > 0 ? Math.min(1, Math.max(0, r.talk_ms / r.agent_ms)) : null;

/**
 * Logged-in agent time one tick adds to an hour or day sum: from the sum's last sample (`lastMs`, or
 * the start of its period when that is later) to now, at most `capMs`, so ticks that did not run are
 * not counted as agents logged in. Nothing before a first sample, nor for a sample not after the last.
 */
export const agentIntervalMs = (
  lastMs: number | undefined,
  periodStartMs: number,
  nowMs: number,
  capMs: number,
) => (lastMs === undefined ? 0 : Math.max(0, Math.min(nowMs - Math.max(lastMs, periodStartMs), capMs)));

/** `minutes`: how long the window ran (from the campaign's creation at most). */
export const ratesOf = (r: CallRollup, minutes: number): CallRates => ({
  answer_rate: ratio(r.human, r.ended),
  abandon_rate: ratio(r.abandoned, r.human),
  dials_per_minute: ratio(r.dialed, minutes),
  agent_occupancy: occupancyOf(r),
  dialed: r.dialed,
  ended: r.ended,
  human_answered: r.human,
  abandoned: r.abandoned,
});
