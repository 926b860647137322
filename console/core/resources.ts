/**
 * The API's resources as the console reads them: types taken from the API's own response schemas
 * (type-only imports, so no schema code reaches the bundle), and the list pager.
 */
import type * as z from 'zod';
import type {
  Campaigncall as CampaigncallSchema,
  Campaign as CampaignSchema,
  CampaignStats as CampaignStatsSchema,
} from '#schemas/campaign.ts';
import type {
  CallMinute as CallMinuteSchema,
  CampaignTimeseries as CampaignTimeseriesSchema,
} from '#schemas/campaign-timeseries.ts';
import type {
  CreateTarget as CreateTargetSchema,
  Outdial as OutdialSchema,
  OutdialTarget as OutdialTargetSchema,
} from '#schemas/outdial.ts';
import type { Outplan as OutplanSchema } from '#schemas/outplan.ts';
import type { Agent as AgentSchema, Queue as QueueSchema } from '#schemas/queue.ts';
import type { ApiClient } from './api-client.ts';

export type Campaign = z.output<typeof CampaignSchema>;
export type CampaignStats = z.output<typeof CampaignStatsSchema>;
export type Campaigncall = z.output<typeof CampaigncallSchema>;
export type Outdial = z.output<typeof OutdialSchema>;
export type OutdialTarget = z.output<typeof OutdialTargetSchema>;
export type Outplan = z.output<typeof OutplanSchema>;
export type Queue = z.output<typeof QueueSchema>;
export type Agent = z.output<typeof AgentSchema>;
export type CallMinute = z.output<typeof CallMinuteSchema>;
export type CampaignTimeseries = z.output<typeof CampaignTimeseriesSchema>;

/** What the engine last decided about a campaign (`GET /campaigns/{id}/diagnosis`, where it exists). */
export interface CampaignDiagnosis {
  dialing: boolean;
  reasons: { code: string; message: string; until?: string }[];
  decided_at: string | null;
}
/** A target as POST …/targets takes it (before the API's defaults). */
export type TargetInput = z.input<typeof CreateTargetSchema>;

export interface Page<T> {
  result: T[];
  next_page_token: string;
}

/** Every item of a list, page by page (100 a page), up to `maxPages`. */
export const allPages = async <T>(
  api: ApiClient,
  path: string,
  maxPages = 1000,
  signal?: AbortSignal,
): Promise<{ items: T[]; complete: boolean }> => {
  const items: T[] = [];
  let token = '';
  for (let i = 0; i < maxPages; i++) {
    const page = await api.get<Page<T>>(path, { page_size: 100, page_token: token || undefined }, signal);
    items.push(...page.result);
    token = page.next_page_token;
    if (!token || page.result.length === 0) return { items, complete: true };
  }
  return { items, complete: false };
};
