import * as z from 'zod/mini';
import { MAX_MINUTES_PER_REQUEST } from '#domain/call-timeseries.ts';
import { withMeta } from './with-meta.ts';

const Count = z.number().check(z.int());

export const TimeseriesQuery = z.strictObject({
  from: z
    .optional(z.string().check(z.maxLength(40)))
    .apply(withMeta, { description: 'first minute (a timestamp; default: an hour before `to`)' }),
  to: z.optional(z.string().check(z.maxLength(40))).apply(withMeta, {
    description: `last minute (a timestamp; default: now); at most ${MAX_MINUTES_PER_REQUEST} minutes after from`,
  }),
});

export const CallMinute = z
  .object({
    minute: z.string().apply(withMeta, { description: 'start of the minute' }),
    dialed: Count.apply(withMeta, { description: 'attempts started in the minute' }),
    answered: Count.apply(withMeta, { description: 'attempts answered in the minute' }),
    succeeded: Count.apply(withMeta, { description: 'attempts that ended with result success' }),
    failed: Count.apply(withMeta, { description: 'attempts that ended with result fail' }),
    failed_by_reason: z.record(z.string(), Count),
  })
  .apply(withMeta, { id: 'CallMinute' });

export const CampaignTimeseries = z
  .object({
    campaign_id: z.string(),
    from: z.string(),
    to: z.string(),
    minutes: z.array(CallMinute).apply(withMeta, { description: 'every minute of the range, oldest first' }),
  })
  .apply(withMeta, { id: 'CampaignTimeseries' });
