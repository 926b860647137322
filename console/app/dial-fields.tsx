/** Fields the campaign and outplan forms share, for creating and for editing alike. */
import { Field } from './ui.tsx';

/** The cap on calls at once; it holds only while the campaign has no queue of agents. */
export const CallsAtOnceField = ({ value, onInput }: { value: string; onInput: (v: string) => void }) => (
  <Field
    label="Calls at once (without a queue)"
    type="number"
    min={1}
    max={1000}
    value={value}
    onInput={onInput}
  />
);

/** An outplan's timing, in seconds: how long a call rings, and the wait before the next try. */
export const DialTimingFields = (props: {
  ring: string;
  onRing: (v: string) => void;
  gap: string;
  onGap: (v: string) => void;
}) => (
  <>
    <Field
      label="Ring timeout (seconds)"
      type="number"
      min={1}
      max={600}
      value={props.ring}
      onInput={props.onRing}
    />
    <Field label="Seconds between tries" type="number" min={0} value={props.gap} onInput={props.onGap} />
  </>
);
