/**
 * Target counts per list, kept between refreshes: counting reads the whole list (the API has no
 * per-list counters yet), so a list is counted again only after `maxAgeMs`.
 */
import type { ApiClient } from '../core/api-client.ts';
import { type TargetCensus, targetCensus } from '../core/campaign-watch.ts';
import type { Outplan } from '../core/resources.ts';

export const createCensusCache = (maxAgeMs = 10_000) => {
  const cache = new Map<string, { at: number; census: TargetCensus }>();
  return async (
    api: ApiClient,
    outdialId: string,
    outplan: Outplan | undefined,
    signal?: AbortSignal,
    maxPages = 200,
  ): Promise<TargetCensus> => {
    const key = `${outdialId}/${outplan?.id ?? ''}`;
    const hit = cache.get(key);
    if (hit && Date.now() - hit.at < maxAgeMs) return hit.census;
    const census = await targetCensus(api, outdialId, outplan, maxPages, signal);
    cache.set(key, { at: Date.now(), census });
    return census;
  };
};
