import type { CallMinute, MinuteEvents } from '#domain/call-timeseries.ts';

/** Per-minute call counts of campaigns, written from the table's change stream. */
export interface CallTimeseriesStore {
  /**
   * Adds the attempts of each minute. Idempotent: an attempt already counted in a minute's count is
   * not counted again, so a stream record delivered twice changes nothing the second time.
   */
  record(events: readonly MinuteEvents[]): Promise<void>;
  /** The minutes of a campaign from `fromMs` to `toMs` (minute starts, both included) that have calls. */
  minutes(campaignId: string, fromMs: number, toMs: number): Promise<CallMinute[]>;
}
