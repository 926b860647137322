/** `outbound watch <campaign_id>`: one screen, redrawn every few seconds, until Ctrl-C. */
import { isNil } from '#domain/ids.ts';
import { createApiClient, describeError } from '../console/core/api-client.ts';
import {
  addSample,
  notDialingReasons,
  percent,
  perMinute,
  progressOf,
  ratesOf,
  type StatsSample,
  type TargetCensus,
  targetCensus,
} from '../console/core/campaign-watch.ts';
import type { Campaign, Campaigncall, CampaignStats, Outplan, Page } from '../console/core/resources.ts';
import type { CliSettings } from './settings.ts';
import { bar, n } from './terminal.ts';

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });

export const watchCommand = async (
  settings: CliSettings,
  campaignId: string,
  everyMs: number,
  signal: AbortSignal,
) => {
  const api = createApiClient({ base: settings.api, key: settings.key });
  const tty = process.stdout.isTTY;
  let samples: StatsSample[] = [];
  let census: TargetCensus | undefined;
  let censusAt = 0;
  while (!signal.aborted) {
    try {
      const c = await api.get<Campaign>(`/campaigns/${campaignId}`);
      const [s, calls, outplan] = await Promise.all([
        api.get<CampaignStats>(`/campaigns/${campaignId}/stats`),
        api.get<Page<Campaigncall>>(`/campaigns/${campaignId}/campaigncalls`, { page_size: 100 }),
        isNil(c.outplan_id) ? undefined : api.get<Outplan>(`/outplans/${c.outplan_id}`),
      ]);
      // Counting the list reads all of it: every 10 s at most.
      if (!isNil(c.outdial_id) && Date.now() - censusAt > 10_000) {
        census = await targetCensus(api, c.outdial_id, outplan);
        censusAt = Date.now();
      }
      const now = Date.now();
      samples = addSample(samples, s, now);
      const rate = perMinute(samples).at(-1);
      const p = progressOf(census);
      const r = ratesOf(s);
      const inFlight = calls.result.filter((x) => x.status !== 'done');
      const lines = [
        `Campaign ${c.name}  [${c.status}]   ${new Date(now).toLocaleTimeString('en-GB')}   (Ctrl-C to quit)`,
        `Progress   ${bar(p.finished, p.total)}  ${n(p.finished)}/${n(p.total)} targets finished`,
        `Attempts   ${n(s.attempts)}   in flight ${n(s.in_flight)} (ringing ${n(s.ringing)})`,
        `Answered   ${n(s.answered)} (${percent(r.answerRate)})   succeeded ${n(s.succeeded)} (${percent(r.successRate)})   failed ${n(s.failed)}`,
        `Per minute ${rate ? `${rate.started.toFixed(0)} started, ${rate.succeeded.toFixed(0)} succeeded, ${rate.failed.toFixed(0)} failed` : '(after the next reading)'}`,
        ...notDialingReasons(c, s, census, now).map((x) => `Not dialing: ${x}`),
        '',
        `Calls in flight (${inFlight.length}):`,
        ...inFlight
          .slice(0, 10)
          .map((x) => `  ${x.destination.target.padEnd(16)} ${x.status.padEnd(12)} try ${x.try_count}`),
      ];
      process.stdout.write(tty ? `\x1b[H\x1b[2J${lines.join('\n')}\n` : `${lines.slice(0, 4).join(' | ')}\n`);
    } catch (err) {
      process.stdout.write(`${tty ? '\x1b[H\x1b[2J' : ''}${describeError(err)}\n`);
    }
    await sleep(everyMs, signal);
  }
  return 0;
};
