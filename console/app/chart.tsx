/**
 * Calls per minute from the API's time series (`GET /campaigns/{id}/timeseries`): dialed and answered
 * as bars, succeeded and failed as lines, over the last hour. Plain SVG: no chart library to ship.
 */
import type { CallMinute } from '../core/resources.ts';

const W = 640;
const H = 180;
const PAD = 30;

const LINES = [
  { key: 'succeeded', label: 'succeeded', color: '#1c7c3c' },
  { key: 'failed', label: 'failed', color: '#b3261e' },
] as const;

const hhmm = (minute: string) => minute.slice(11, 16);

export const CallsChart = ({ minutes }: { minutes: CallMinute[] }) => {
  const active = minutes.filter((m) => m.dialed + m.answered + m.succeeded + m.failed > 0);
  if (active.length === 0) {
    return <p class="muted">No call in the last {minutes.length} minutes.</p>;
  }
  const top = Math.max(1, ...minutes.flatMap((m) => [m.dialed, m.answered, m.succeeded, m.failed]));
  const slot = (W - 2 * PAD) / Math.max(1, minutes.length);
  const x = (i: number) => PAD + i * slot;
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  const last = minutes[minutes.length - 1] as CallMinute;
  const totals = minutes.reduce(
    (a, m) => ({
      dialed: a.dialed + m.dialed,
      succeeded: a.succeeded + m.succeeded,
      failed: a.failed + m.failed,
    }),
    { dialed: 0, succeeded: 0, failed: 0 },
  );
  const summary =
    `Calls per minute over the last ${minutes.length} minutes: ${totals.dialed} dialed, ` +
    `${totals.succeeded} succeeded, ${totals.failed} failed; busiest minute ${top}; ` +
    `this minute ${last.dialed} dialed.`;
  const reasons = new Map<string, number>();
  for (const m of minutes)
    for (const [r, n] of Object.entries(m.failed_by_reason)) reasons.set(r, (reasons.get(r) ?? 0) + n);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} class="axis" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} class="axis" />
        <text x={4} y={PAD + 4} class="tick">
          {top}
        </text>
        <text x={4} y={H - PAD} class="tick">
          0
        </text>
        <text x={PAD} y={H - 8} class="tick">
          {hhmm((minutes[0] as CallMinute).minute)}
        </text>
        <text x={W - PAD} y={H - 8} class="tick" text-anchor="end">
          {hhmm(last.minute)} UTC
        </text>
        {minutes.map((m, i) => (
          <g key={m.minute}>
            <rect
              x={x(i) + slot * 0.1}
              y={y(m.dialed)}
              width={slot * 0.4}
              height={H - PAD - y(m.dialed)}
              fill="#1f5fae"
            />
            <rect
              x={x(i) + slot * 0.5}
              y={y(m.answered)}
              width={slot * 0.4}
              height={H - PAD - y(m.answered)}
              fill="#7a4fb3"
            />
          </g>
        ))}
        {LINES.map((s) => (
          <polyline
            key={s.key}
            fill="none"
            stroke={s.color}
            stroke-width={2}
            points={minutes
              .map((m, i) => `${(x(i) + slot / 2).toFixed(1)},${y(m[s.key]).toFixed(1)}`)
              .join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        <span class="legend">
          <span class="swatch" style={{ background: '#1f5fae' }} /> dialed
        </span>
        <span class="legend">
          <span class="swatch" style={{ background: '#7a4fb3' }} /> answered
        </span>
        {LINES.map((s) => (
          <span key={s.key} class="legend">
            <span class="swatch" style={{ background: s.color }} /> {s.label}
          </span>
        ))}
        <span class="muted small">
          {' '}
          Failed in the hour by reason:{' '}
          {[...reasons.entries()].map(([r, n]) => `${r} ${n}`).join(', ') || 'none'}
        </span>
      </figcaption>
    </figure>
  );
};
