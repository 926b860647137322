/** Calls per minute over the last minutes: started, succeeded, failed, as plain SVG lines. */
import type { MinutePoint } from '../core/campaign-watch.ts';

const W = 600;
const H = 160;
const PAD = 28;

const SERIES = [
  { key: 'started', label: 'started', color: '#1f5fae' },
  { key: 'succeeded', label: 'succeeded', color: '#1c7c3c' },
  { key: 'failed', label: 'failed', color: '#b3261e' },
] as const;

export const CallsChart = ({ points }: { points: MinutePoint[] }) => {
  if (points.length < 2) {
    return (
      <p class="muted">
        The chart fills in as the page keeps reading the campaign's totals (every few seconds).
      </p>
    );
  }
  const t0 = (points[0] as MinutePoint).at;
  const t1 = (points[points.length - 1] as MinutePoint).at;
  const top = Math.max(1, ...points.flatMap((p) => [p.started, p.succeeded, p.failed]));
  const x = (t: number) => PAD + ((t - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);
  const y = (v: number) => H - PAD - (v / top) * (H - 2 * PAD);
  const last = points[points.length - 1] as MinutePoint;
  const summary = `Calls per minute now: ${last.started.toFixed(0)} started, ${last.succeeded.toFixed(0)} succeeded, ${last.failed.toFixed(0)} failed; peak ${top.toFixed(0)}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <title>{summary}</title>
        <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} class="axis" />
        <line x1={PAD} y1={PAD} x2={PAD} y2={H - PAD} class="axis" />
        <text x={4} y={PAD + 4} class="tick">
          {top.toFixed(0)}
        </text>
        <text x={4} y={H - PAD} class="tick">
          0
        </text>
        <text x={W - PAD} y={H - 8} class="tick" text-anchor="end">
          now
        </text>
        <text x={PAD} y={H - 8} class="tick">
          −{Math.round((t1 - t0) / 60_000) || '<1'} min
        </text>
        {SERIES.map((s) => (
          <polyline
            key={s.key}
            fill="none"
            stroke={s.color}
            stroke-width={2}
            points={points.map((p) => `${x(p.at).toFixed(1)},${y(p[s.key]).toFixed(1)}`).join(' ')}
          />
        ))}
      </svg>
      <figcaption>
        {SERIES.map((s) => (
          <span key={s.key} class="legend">
            <span class="swatch" style={{ background: s.color }} /> {s.label} per minute
          </span>
        ))}
      </figcaption>
    </figure>
  );
};
