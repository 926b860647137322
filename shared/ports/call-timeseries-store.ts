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
}
