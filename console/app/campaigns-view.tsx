/** Campaigns: every campaign with its progress and rates, run/stop buttons, and new campaigns and outplans. */
import { useState } from 'preact/hooks';
import { isNil } from '#domain/ids.ts';
import { percent, progressOf, ratesOf, stateParts, stateSummary } from '../core/campaign-watch.ts';
import type { Campaign, CampaignStats, Outdial, Outplan, Page, Queue } from '../core/resources.ts';
import { allPages } from '../core/resources.ts';
import { ActionForm } from './action-form.tsx';
import { CallsAtOnceField, DialTimingFields } from './dial-fields.tsx';
import { useAction, useApi, usePoll } from './hooks.ts';
import {
  ConfirmButton,
  ErrorNote,
  Field,
  fmt,
  Pager,
  ProgressBar,
  Section,
  Select,
  StaleNote,
  StatusBadge,
} from './ui.tsx';

export interface CampaignRow {
  campaign: Campaign;
  stats: CampaignStats | undefined;
}

export const modeOf = (c: Campaign) =>
  isNil(c.queue_id)
    ? `automatic, up to ${c.max_concurrent_calls} at once`
    : `to agents (service level ${c.service_level} %)`;

/** Run, stop and force stop, each confirmed; says what it did. */
export const StatusButtons = ({ campaign, after }: { campaign: Campaign; after: () => unknown }) => {
  const api = useApi();
  const change = useAction(async (status: 'run' | 'stop', force: boolean) => {
    await api.put(`/campaigns/${campaign.id}/status`, force ? { status, force } : { status });
    return status === 'run'
      ? `Campaign “${campaign.name}” is running.`
      : force
        ? `Campaign “${campaign.name}” is force-stopping: calls in flight are being ended.`
        : `Campaign “${campaign.name}” is stopping: calls in flight finish first.`;
  }, after);
  const name = campaign.name;
  return (
    <div class="buttons">
      {campaign.status === 'stop' ? (
        <ConfirmButton
          label="Run"
          question={`Start dialing “${name}”?`}
          confirmLabel="Yes, run"
          disabled={change.busy}
          onConfirm={() => change.act('run', false)}
        />
      ) : null}
      {campaign.status === 'run' ? (
        <ConfirmButton
          label="Stop"
          question={`Stop “${name}”? Calls in flight finish.`}
          confirmLabel="Yes, stop"
          disabled={change.busy}
          onConfirm={() => change.act('stop', false)}
        />
      ) : null}
      {campaign.status !== 'stop' ? (
        <ConfirmButton
          label="Force stop"
          danger
          question={`Force stop “${name}”? Calls in flight are hung up.`}
          confirmLabel="Yes, hang up and stop"
          disabled={change.busy}
          onConfirm={() => change.act('stop', true)}
        />
      ) : null}
      <ErrorNote error={change.error} />
    </div>
  );
};

export const CampaignsView = () => {
  const api = useApi();
  const [tokens, setTokens] = useState<string[]>(['']);
  const token = tokens[tokens.length - 1] ?? '';
  const polled = usePoll(
    async (signal) => {
      const [campaigns, outplans, outdials, queues] = await Promise.all([
        api.get<Page<Campaign>>('/campaigns', { page_size: 20, page_token: token || undefined }, signal),
        allPages<Outplan>(api, '/outplans', 10, signal),
        allPages<Outdial>(api, '/outdials', 10, signal),
        allPages<Queue>(api, '/queues', 10, signal),
      ]);
      const rows: CampaignRow[] = await Promise.all(
        campaigns.result.map(async (campaign) => ({
          campaign,
          stats: await api
            .get<CampaignStats>(`/campaigns/${campaign.id}/stats`, undefined, signal)
            .catch(() => undefined),
        })),
      );
      return {
        rows,
        next: campaigns.next_page_token,
        outplans: outplans.items,
        outdials: outdials.items,
        queues: queues.items,
      };
    },
    [token],
  );
  const d = polled.data;
  return (
    <>
      <Section title="Campaigns">
        <StaleNote error={polled.error} />
        {!d ? (
          <p class="muted">Loading campaigns…</p>
        ) : d.rows.length === 0 && tokens.length === 1 ? (
          <p>No campaign yet. Create one below: it needs an outplan (how to dial) and a list.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Status</th>
                  <th scope="col">Mode</th>
                  <th scope="col">Progress</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                  <th scope="col" class="num">
                    Answered
                  </th>
                  <th scope="col" class="num">
                    Success
                  </th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {d.rows.map(({ campaign, stats }) => {
                  const p = progressOf(stats?.targets);
                  const r = ratesOf(stats);
                  return (
                    <tr key={campaign.id}>
                      <td>
                        <a href={`#/campaigns/${campaign.id}`}>{campaign.name}</a>
                      </td>
                      <td>
                        <StatusBadge status={campaign.status} />
                      </td>
                      <td>{modeOf(campaign)}</td>
                      <td>
                        {stats && stats.targets === null && !isNil(campaign.outdial_id) ? (
                          <span class="muted">not counted yet</span>
                        ) : (
                          <ProgressBar
                            value={p.finished}
                            max={p.total}
                            label={`Progress of ${campaign.name}`}
                            segments={stateParts(stats?.targets).filter((x) => x.key !== 'idle')}
                            detail={stateSummary(stats?.targets)}
                          />
                        )}
                      </td>
                      <td class="num">{fmt(stats?.attempts)}</td>
                      <td class="num">{percent(r.answerRate)}</td>
                      <td class="num">{percent(r.successRate)}</td>
                      <td>
                        <StatusButtons campaign={campaign} after={polled.refresh} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <Pager tokens={tokens} setTokens={setTokens} next={d?.next} />
      </Section>
      {d ? (
        <div class="two-col">
          <NewCampaign outplans={d.outplans} outdials={d.outdials} queues={d.queues} after={polled.refresh} />
          <Outplans outplans={d.outplans} after={polled.refresh} />
        </div>
      ) : null}
    </>
  );
};

const NewCampaign = (props: {
  outplans: Outplan[];
  outdials: Outdial[];
  queues: Queue[];
  after: () => unknown;
}) => {
  const api = useApi();
  const [name, setName] = useState('');
  const [outplan, setOutplan] = useState('');
  const [outdial, setOutdial] = useState('');
  const [queue, setQueue] = useState('');
  const [max, setMax] = useState('10');
  const [greeting, setGreeting] = useState('');
  const create = useAction(async () => {
    const c = await api.post<Campaign>('/campaigns', {
      name,
      detail: '',
      type: 'call',
      service_level: 100,
      end_handle: 'stop',
      outplan_id: outplan || props.outplans[0]?.id || '',
      outdial_id: outdial || props.outdials[0]?.id || '',
      queue_id: queue,
      max_concurrent_calls: Number(max),
      actions: greeting ? [{ type: 'talk', option: { text: greeting, language: 'en-US' } }] : [],
    });
    setName('');
    return `Campaign “${c.name}” created (stopped). Press Run to start it.`;
  }, props.after);
  return (
    <Section title="New campaign">
      <ActionForm action={create} submitLabel="Create campaign">
        <Field label="Name" value={name} onInput={setName} required />
        <Select
          label="Outplan (how to dial)"
          value={outplan || props.outplans[0]?.id || ''}
          onChange={setOutplan}
          options={props.outplans.map((p) => ({ value: p.id, label: p.name }))}
        />
        <Select
          label="List (outdial)"
          value={outdial || props.outdials[0]?.id || ''}
          onChange={setOutdial}
          options={props.outdials.map((o) => ({ value: o.id, label: o.name }))}
        />
        <Select
          label="Queue of agents"
          value={queue}
          onChange={setQueue}
          options={[
            { value: '', label: 'None: play the message and hang up' },
            ...props.queues.map((q) => ({ value: q.id, label: q.name })),
          ]}
        />
        <CallsAtOnceField value={max} onInput={setMax} />
        <Field
          label="Message on answer"
          value={greeting}
          onInput={setGreeting}
          hint="Spoken when the person answers (optional)."
        />
      </ActionForm>
    </Section>
  );
};

const Outplans = ({ outplans, after }: { outplans: Outplan[]; after: () => unknown }) => {
  const api = useApi();
  const [name, setName] = useState('');
  const [source, setSource] = useState('+15550000001');
  const [ring, setRing] = useState('30');
  const [gap, setGap] = useState('600');
  const [tries0, setTries0] = useState('3');
  const [triesOther, setTriesOther] = useState('1');
  const create = useAction(async () => {
    const other = Number(triesOther);
    const p = await api.post<Outplan>('/outplans', {
      name,
      detail: '',
      source: { type: 'tel', target: source },
      dial_timeout: Number(ring) * 1000,
      try_interval: Number(gap) * 1000,
      max_try_count_0: Number(tries0),
      max_try_count_1: other,
      max_try_count_2: other,
      max_try_count_3: other,
      max_try_count_4: other,
    });
    setName('');
    return `Outplan “${p.name}” created.`;
  }, after);
  return (
    <Section title="Outplans (how to dial)">
      {outplans.length ? (
        <ul class="plain">
          {outplans.map((p) => (
            <li key={p.id}>
              <strong>{p.name}</strong>{' '}
              <span class="muted">
                from {p.source.target}, rings {p.dial_timeout / 1000} s, {p.try_interval / 1000} s between
                tries, {p.max_try_count_0 === 1 ? '1 try' : `${p.max_try_count_0} tries`} on number 1
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No outplan yet.</p>
      )}
      <ActionForm action={create} submitLabel="Create outplan">
        <Field label="Outplan name" value={name} onInput={setName} required />
        <Field
          label="Caller id"
          value={source}
          onInput={setSource}
          hint="The number people see, e.g. +15550000001."
        />
        <DialTimingFields ring={ring} onRing={setRing} gap={gap} onGap={setGap} />
        <Field label="Tries on number 1" type="number" min={0} max={100} value={tries0} onInput={setTries0} />
        <Field
          label="Tries on each other number"
          type="number"
          min={0}
          max={100}
          value={triesOther}
          onInput={setTriesOther}
        />
      </ActionForm>
    </Section>
  );
};
