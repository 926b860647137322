/** One campaign: live totals, calls per minute, calls in flight, latest attempts, and its edit forms. */
import { useRef, useState } from 'preact/hooks';
import { isNil } from '#domain/ids.ts';
import type { ApiClient } from '../core/api-client.ts';
import { ApiError } from '../core/api-client.ts';
import {
  notDialingReasons,
  percent,
  progressOf,
  ratesOf,
  stateParts,
  stateSummary,
} from '../core/campaign-watch.ts';
import type {
  Agent,
  Campaign,
  Campaigncall,
  CampaignDiagnosis,
  CampaignStats,
  CampaignTimeseries,
  Outplan,
  Page,
} from '../core/resources.ts';
import { ActionForm } from './action-form.tsx';
import { modeOf, StatusButtons } from './campaigns-view.tsx';
import { CallsChart } from './chart.tsx';
import { CallsAtOnceField, DialTimingFields } from './dial-fields.tsx';
import { useAction, useApi, usePoll } from './hooks.ts';
import { Field, fmt, ProgressBar, Section, Select, StaleNote, StatusBadge, time } from './ui.tsx';

export const CampaignView = ({ id }: { id: string }) => {
  const api = useApi();
  // Set once the API answers 404 for the diagnosis route (an API without it): not asked again.
  const noDiagnosis = useRef(false);
  const polled = usePoll(
    async (signal) => {
      const campaign = await api.get<Campaign>(`/campaigns/${id}`, undefined, signal);
      const [stats, outplan, calls, agents, series, diagnosis] = await Promise.all([
        api.get<CampaignStats>(`/campaigns/${id}/stats`, undefined, signal),
        isNil(campaign.outplan_id)
          ? undefined
          : api.get<Outplan>(`/outplans/${campaign.outplan_id}`, undefined, signal),
        api.get<Page<Campaigncall>>(`/campaigns/${id}/campaigncalls`, { page_size: 100 }, signal),
        isNil(campaign.queue_id) ? undefined : api.get<Page<Agent>>('/agents', { page_size: 100 }, signal),
        api.get<CampaignTimeseries>(`/campaigns/${id}/timeseries`, undefined, signal),
        noDiagnosis.current ? undefined : diagnosisOf(api, id, signal, noDiagnosis),
      ]);
      const now = Date.now();
      return {
        campaign,
        stats,
        outplan,
        calls: calls.result,
        agents: agents?.result,
        now,
        minutes: series.minutes,
        diagnosis,
      };
    },
    [id],
  );
  const d = polled.data;
  if (!d) {
    return (
      <Section title="Campaign">
        <StaleNote error={polled.error} />
        <p class="muted">Loading…</p>
      </Section>
    );
  }
  const { campaign: c, stats: s } = d;
  const t = s.targets;
  const p = progressOf(t);
  const r = ratesOf(s);
  const available = d.agents?.filter((a) => a.status === 'available').length;
  // The engine's own account when the API has one; else what the stats and the list say.
  const reasons = d.diagnosis
    ? d.diagnosis.reasons.map((x) => (x.until ? `${x.message} (until ${time(x.until)})` : x.message))
    : notDialingReasons(c, s, t, d.now, available);
  const inFlight = d.calls.filter((x) => x.status !== 'done');
  return (
    <>
      <p>
        <a href="#/campaigns">← All campaigns</a>
      </p>
      <Section title={`Campaign “${c.name}”`} actions={<StatusButtons campaign={c} after={polled.refresh} />}>
        <StaleNote error={polled.error} />
        <div class="summary">
          <div>
            <span class="label">Status</span> <StatusBadge status={c.status} />
          </div>
          <div>
            <span class="label">Mode</span> {modeOf(c)}
          </div>
          <div class="wide">
            <span class="label">Progress</span>
            {t === null && !isNil(c.outdial_id) ? (
              <small class="muted">
                Its list is from before the API counted targets by state: not counted until the backfill has
                run.
              </small>
            ) : (
              <ProgressBar
                value={p.finished}
                max={p.total}
                label="Targets finished"
                segments={stateParts(t).filter((x) => x.key !== 'idle')}
                detail={
                  t
                    ? `${fmt(p.finished)} of ${fmt(p.total)} done${stateSummary(t) ? ` · ${stateSummary(t)}` : ''}`
                    : undefined
                }
              />
            )}
          </div>
        </div>
        <dl class="stats">
          <Stat label="Attempts" value={fmt(s.attempts)} />
          <Stat label="In flight" value={fmt(s.in_flight)} />
          <Stat label="Ringing" value={fmt(s.ringing)} />
          <Stat label="Answered" value={`${fmt(s.answered)} (${percent(r.answerRate)})`} />
          <Stat label="Succeeded" value={`${fmt(s.succeeded)} (${percent(r.successRate)})`} />
          <Stat label="Failed" value={fmt(s.failed)} />
          <Stat label="Targets done" value={fmt(t?.done)} />
          <Stat label="Targets in flight" value={fmt(t?.in_flight)} />
          <Stat label="Waiting for a retry" value={fmt(t?.waiting_retry)} />
          <Stat label="Not tried yet" value={fmt(t?.idle)} />
          <Stat label="Held" value={fmt(t?.held)} />
        </dl>
        <p class="muted small">
          Failed by reason:{' '}
          {Object.entries(s.failed_by_reason)
            .filter(([, n]) => n > 0)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'none'}
        </p>
        {reasons.length ? (
          <div class="reasons" role="status">
            <strong>
              Not dialing because{d.diagnosis ? ' (the engine’s last decision)' : ' (read from the stats)'}:
            </strong>
            <ul>
              {reasons.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </Section>
      <Section title="Calls per minute">
        <CallsChart minutes={d.minutes} />
      </Section>
      <div class="two-col">
        <Section title={`Calls in flight (${fmt(Math.max(s.in_flight, inFlight.length))})`}>
          {s.in_flight > inFlight.length ? (
            <p class="muted small">
              The {fmt(inFlight.length)} among the latest 100 attempts; the count is the engine’s own.
            </p>
          ) : null}
          <CallsTable calls={inFlight} empty="No call in flight." />
        </Section>
        <Section title="Latest attempts">
          <CallsTable calls={d.calls.slice(0, 20)} empty="No attempt yet." />
        </Section>
      </div>
      <div class="two-col">
        <CampaignForm key={c.id} campaign={c} after={polled.refresh} />
        {d.outplan ? <OutplanForm key={d.outplan.id} outplan={d.outplan} after={polled.refresh} /> : null}
      </div>
    </>
  );
};

const Stat = ({ label, value }: { label: string; value: string }) => (
  <div>
    <dt>{label}</dt>
    <dd>{value}</dd>
  </div>
);

const CallsTable = ({ calls, empty }: { calls: Campaigncall[]; empty: string }) =>
  calls.length === 0 ? (
    <p class="muted">{empty}</p>
  ) : (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Number</th>
            <th scope="col">Status</th>
            <th scope="col">Result</th>
            <th scope="col">Try</th>
            <th scope="col">Started</th>
          </tr>
        </thead>
        <tbody>
          {calls.map((x) => (
            <tr key={x.id}>
              <td>{x.destination.target}</td>
              <td>{x.status}</td>
              <td>{x.result || '–'}</td>
              <td>{x.try_count}</td>
              <td>{time(x.tm_create)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const CampaignForm = ({ campaign: c, after }: { campaign: Campaign; after: () => unknown }) => {
  const api = useApi();
  const [name, setName] = useState(c.name);
  const [detail, setDetail] = useState(c.detail);
  const [level, setLevel] = useState(String(c.service_level));
  const [endHandle, setEndHandle] = useState<string>(c.end_handle);
  const [max, setMax] = useState(String(c.max_concurrent_calls));
  const [hoursOn, setHoursOn] = useState(c.calling_hours !== null);
  const [tz, setTz] = useState(c.calling_hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [days, setDays] = useState<number[]>(c.calling_hours?.days ?? [1, 2, 3, 4, 5]);
  const [start, setStart] = useState(c.calling_hours?.start ?? '09:00');
  const [end, setEnd] = useState(c.calling_hours?.end ?? '20:00');
  const save = useAction(async () => {
    await api.put(`/campaigns/${c.id}`, {
      name,
      detail,
      type: c.type,
      service_level: Number(level),
      end_handle: endHandle,
      max_concurrent_calls: Number(max),
      calling_hours: hoursOn ? { timezone: tz, days: [...days].sort(), start, end } : null,
    });
    return `Campaign “${name}” saved.`;
  }, after);
  return (
    <Section title="Edit campaign">
      <ActionForm action={save} submitLabel="Save campaign">
        <Field label="Name" value={name} onInput={setName} required />
        <Field label="Detail" value={detail} onInput={setDetail} />
        <Field
          label="Service level (%)"
          type="number"
          min={0}
          max={100}
          value={level}
          onInput={setLevel}
          hint="With a queue: calls ringing at once per available agent × this %."
        />
        <CallsAtOnceField value={max} onInput={setMax} />
        <Select
          label="When the list is finished"
          value={endHandle}
          onChange={setEndHandle}
          options={[
            { value: 'stop', label: 'Stop the campaign' },
            { value: 'continue', label: 'Keep running, waiting for new targets' },
          ]}
        />
        <fieldset>
          <legend>Calling hours</legend>
          <label class="inline">
            <input
              type="checkbox"
              checked={hoursOn}
              onChange={(e) => setHoursOn((e.target as HTMLInputElement).checked)}
            />{' '}
            Only call within these hours
          </label>
          {hoursOn ? (
            <>
              <Field
                label="Time zone"
                value={tz}
                onInput={setTz}
                hint="An IANA name, such as America/New_York."
              />
              <fieldset class="days">
                <legend>Days</legend>
                {DAYS.map((label, i) => (
                  <label key={label} class="inline">
                    <input
                      type="checkbox"
                      checked={days.includes(i + 1)}
                      onChange={(e) =>
                        setDays(
                          (e.target as HTMLInputElement).checked
                            ? [...days, i + 1]
                            : days.filter((x) => x !== i + 1),
                        )
                      }
                    />{' '}
                    {label}
                  </label>
                ))}
              </fieldset>
              <Field label="From" type="time" value={start} onInput={setStart} />
              <Field label="Until" type="time" value={end} onInput={setEnd} />
            </>
          ) : null}
        </fieldset>
      </ActionForm>
    </Section>
  );
};

const OutplanForm = ({ outplan: o, after }: { outplan: Outplan; after: () => unknown }) => {
  const api = useApi();
  const [name, setName] = useState(o.name);
  const [detail, setDetail] = useState(o.detail);
  const [source, setSource] = useState(o.source.target);
  const [ring, setRing] = useState(String(o.dial_timeout / 1000));
  const [gap, setGap] = useState(String(o.try_interval / 1000));
  const [tries, setTries] = useState(
    [0, 1, 2, 3, 4].map((n) => String(o[`max_try_count_${n as 0 | 1 | 2 | 3 | 4}`])),
  );
  const save = useAction(async () => {
    await api.put(`/outplans/${o.id}`, { name, detail });
    await api.put(`/outplans/${o.id}/dial_info`, {
      source: { type: 'tel', target: source },
      dial_timeout: Number(ring) * 1000,
      try_interval: Number(gap) * 1000,
      ...Object.fromEntries(tries.map((t, n) => [`max_try_count_${n}`, Number(t)])),
    });
    return `Outplan “${name}” saved.`;
  }, after);
  return (
    <Section title={`Edit outplan “${o.name}”`}>
      <ActionForm action={save} submitLabel="Save outplan">
        <Field label="Outplan name" value={name} onInput={setName} required />
        <Field label="Outplan detail" value={detail} onInput={setDetail} />
        <Field label="Caller id" value={source} onInput={setSource} />
        <DialTimingFields ring={ring} onRing={setRing} gap={gap} onGap={setGap} />
        <div class="tries">
          {tries.map((t, n) => (
            <Field
              key={n}
              label={`Tries on number ${n + 1}`}
              type="number"
              min={0}
              max={100}
              value={t}
              onInput={(v) => setTries(tries.map((x, i) => (i === n ? v : x)))}
            />
          ))}
        </div>
      </ActionForm>
    </Section>
  );
};

/** The diagnosis, or undefined when the API has no such route (404): then `missing` is set. */
const diagnosisOf = async (
  api: ApiClient,
  id: string,
  signal: AbortSignal,
  missing: { current: boolean },
): Promise<CampaignDiagnosis | undefined> => {
  try {
    return await api.get<CampaignDiagnosis>(`/campaigns/${id}/diagnosis`, undefined, signal);
  } catch (err) {
    if (err instanceof ApiError && err.httpStatus === 404) {
      missing.current = true;
      return undefined;
    }
    throw err;
  }
};
