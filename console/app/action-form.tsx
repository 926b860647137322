/** A form that runs one action: its fields, a submit button that waits while the action runs, and its error. */
import type { ComponentChildren } from 'preact';
import { ErrorNote } from './ui.tsx';

/** What `useAction` returns, as far as a form needs it. */
export interface FormAction {
  act: () => Promise<boolean>;
  busy: boolean;
  error: string | undefined;
}

export const ActionForm = ({
  action,
  submitLabel,
  children,
}: {
  action: FormAction;
  submitLabel: string;
  children: ComponentChildren;
}) => (
  <form
    onSubmit={(e) => {
      e.preventDefault();
      void action.act();
    }}
  >
    {children}
    <button type="submit" class="primary" disabled={action.busy}>
      {submitLabel}
    </button>
    <ErrorNote error={action.error} />
  </form>
);
