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
  stateSummary,
} from '../console/core/campaign-watch.ts';
import type { Campaign, Campaigncall, CampaignStats, Page } from '../console/core/resources.ts';
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
  while (!signal.aborted) {
    try {
      const c = await api.get<Campaign>(`/campaigns/${campaignId}`);
      const [s, calls] = await Promise.all([
        api.get<CampaignStats>(`/campaigns/${campaignId}/stats`),
        api.get<Page<Campaigncall>>(`/campaigns/${campaignId}/campaigncalls`, { page_size: 100 }),
      ]);
      const now = Date.now();
      samples = addSample(samples, s, now);
      const rate = perMinute(samples).at(-1);
      const t = s.targets;
      const p = progressOf(t);
      const r = ratesOf(s);
      const inFlight = calls.result.filter((x) => x.status !== 'done');
      const lines = [
        `Campaign ${c.name}  [${c.status}]   ${new Date(now).toLocaleTimeString('en-GB')}   (Ctrl-C to quit)`,
        t === null && !isNil(c.outdial_id)
          ? 'Progress   (its list is not counted yet: see the backfill in docs/deploy.md)'
          : `Progress   ${bar(p.finished, p.total)}  ${n(p.finished)} of ${n(p.total)} done`,
        ...(t && stateSummary(t) ? [`Targets    ${stateSummary(t)}`] : []),
        `Attempts   ${n(s.attempts)}   in flight ${n(s.in_flight)} (ringing ${n(s.ringing)})`,
        `Answered   ${n(s.answered)} (${percent(r.answerRate)})   succeeded ${n(s.succeeded)} (${percent(r.successRate)})   failed ${n(s.failed)}`,
        `Per minute ${rate ? `${rate.started.toFixed(0)} started, ${rate.succeeded.toFixed(0)} succeeded, ${rate.failed.toFixed(0)} failed` : '(after the next reading)'}`,
        ...notDialingReasons(c, s, t, now).map((x) => `Not dialing: ${x}`),
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
