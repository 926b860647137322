/** Small building blocks shared by the views. */
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';

export const fmt = (n: number | null | undefined) =>
  n === undefined || n === null ? '–' : n.toLocaleString('en-US');

export const time = (iso: string | null | undefined) =>
  iso
    ? new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : '–';

/** An error in plain words, next to what caused it; announced when it appears. */
export const ErrorNote = ({ error }: { error: string | undefined }) =>
  error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;

/** A refresh that failed while older data is still shown. */
export const StaleNote = ({ error }: { error: string | undefined }) =>
  error ? (
    <p class="error" role="status">
      Not refreshed: {error}
    </p>
  ) : null;

/**
 * A bar of `value` of `max`; `segments` (e.g. targets in flight) are drawn after the fill, each also
 * said in `detail`, the text beside the bar, and in the tooltip: never by colour alone.
 */
export const ProgressBar = ({
  value,
  max,
  label,
  segments = [],
  detail,
}: {
  value: number;
  max: number;
  label: string;
  segments?: { key: string; n: number }[];
  detail?: string;
}) => {
  const pct = max > 0 ? Math.floor((value * 100) / max) : 0;
  const width = (n: number) => (max > 0 ? `${(n * 100) / max}%` : '0%');
  return (
    <div class="progress">
      <div
        class="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={value}
        aria-valuetext={`${pct} % (${fmt(value)} of ${fmt(max)})`}
        title={detail ? `${fmt(value)} of ${fmt(max)} done · ${detail}` : undefined}
      >
        <div class="progress-fill" style={{ width: width(value) }} />
        {segments.map((s) => (
          <div key={s.key} class={`progress-part progress-${s.key}`} style={{ width: width(s.n) }} />
        ))}
      </div>
      <span class="progress-text">
        {pct} %{' '}
        <span class="muted">
          ({fmt(value)}/{fmt(max)})
        </span>
      </span>
      {detail ? <span class="progress-detail muted">{detail}</span> : null}
    </div>
  );
};

export const StatusBadge = ({ status }: { status: string }) => (
  <span class={`badge badge-${status}`}>{status}</span>
);

/**
 * A button that asks before it acts: the first press shows the question and the two answers in
 * place, so the keyboard never leaves the row.
 */
export const ConfirmButton = (props: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => unknown;
  disabled?: boolean;
  danger?: boolean;
}) => {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button
        type="button"
        class={props.danger ? 'danger' : ''}
        disabled={props.disabled}
        onClick={() => setAsking(true)}
      >
        {props.label}
      </button>
    );
  }
  return (
    <span class="confirm">
      <span>{props.question}</span>
      <button
        type="button"
        class={props.danger ? 'danger' : 'primary'}
        onClick={() => {
          setAsking(false);
          void props.onConfirm();
        }}
      >
        {props.confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
};

/** A labelled input; `hint` explains the expected form. */
export const Field = (props: {
  label: string;
  value: string;
  onInput: (v: string) => void;
  type?: 'text' | 'number' | 'time';
  hint?: string;
  required?: boolean;
  min?: number;
  max?: number;
  placeholder?: string;
}) => {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        // Preact types each input type apart; a union does not fit any one of them.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        min={props.min}
        max={props.max}
        placeholder={props.placeholder}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint ? (
        <small id={`${id}-hint`} class="muted">
          {props.hint}
        </small>
      ) : null}
    </div>
  );
};

export const Select = (props: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
}) => {
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange((e.target as HTMLSelectElement).value)}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
};

export const Section = ({
  title,
  children,
  actions,
}: {
  title: string;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) => (
  <section class="card">
    <div class="card-head">
      <h2>{title}</h2>
      {actions}
    </div>
    {children}
  </section>
);

/** Newer / older pages of a newest-first list: the tokens of the pages seen so far. */
export const Pager = ({
  tokens,
  setTokens,
  next,
}: {
  tokens: string[];
  setTokens: (t: string[]) => void;
  next: string | undefined;
}) => (
  <div class="pager">
    <button type="button" disabled={tokens.length < 2} onClick={() => setTokens(tokens.slice(0, -1))}>
      ← Newer
    </button>
    <span class="muted">Page {tokens.length}</span>
    <button type="button" disabled={!next} onClick={() => next && setTokens([...tokens, next])}>
      Older →
    </button>
  </div>
);
