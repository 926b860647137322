import type { CallMinute, CallRollup, MinuteEvents } from '#domain/call-timeseries.ts';
import type { MeasuredRates } from '#domain/predictive-pacing.ts';

/** Per-minute call counts of campaigns, written from the table's change stream. */
export interface CallTimeseriesStore {
  /**
   * Adds the attempts of each minute. Idempotent: an attempt already counted in a minute's count is
   * not counted again, so a stream record delivered twice changes nothing the second time. What is new
   * to a minute is also added to the campaign's hour and day sums.
   */
  record(events: readonly MinuteEvents[]): Promise<void>;
  /** The minutes of a campaign from `fromMs` to `toMs` (minute starts, both included) that have calls. */
  minutes(campaignId: string, fromMs: number, toMs: number): Promise<CallMinute[]>;
  /** The sums of the campaign's hours (or days) starting from `fromMs` to `toMs`: one Query. */
  rollups(campaignId: string, period: 'hour' | 'day', fromMs: number, toMs: number): Promise<CallRollup>;
  /** What predictive pacing reads: the last one to two hours, or today when they are thin (one read). */
  recentRates(campaignId: string, nowMs: number): Promise<MeasuredRates>;
  /**
   * Adds `agents` logged in since the last sample (at most `capMs` ago) to the campaign's current hour
   * and day sums. Each sum moves its own last-sample mark under a condition, so ticks that overlap or
   * repeat add an interval once; returns the agent-ms each sum took (0 when refused).
   */
  addAgentTime(sample: AgentTimeSample): Promise<{ hourMs: number; dayMs: number }>;
}

/** One tick's count of a queue's logged-in agents, for a campaign's occupancy. */
export interface AgentTimeSample {
  customerId: string;
  campaignId: string;
  nowMs: number;
  /** Agents logged in: available, busy and in wrap-up. */
  agents: number;
  /** Longest interval one sample may count (a gap in ticks is not counted as logged in). */
  capMs: number;
}
