/** A flow action as VoIPBIN's flow-manager shapes it; stored verbatim on the campaign. */
export interface Action {
  id: string;
  next_id: string;
  type: string;
  option: Record<string, unknown>;
}

/**
 * The in-call opt-out (our addition): the called person hears `text` and may press `digit` to be put
 * on the customer's suppression list. A campaign has at most one.
 */
export const OPT_OUT_ACTION = 'opt_out';

export interface OptOutOption {
  /** One key of a phone's keypad: 0–9, * or #. */
  digit: string;
  text: string;
}

/** Keys a person can press. */
export const KEYPAD_KEY = /^[0-9*#]$/;

/** Longest opt-out text: a prompt of a few sentences, well within Twilio's 4,000-character TwiML. */
export const OPT_OUT_TEXT_MAX = 500;

/** The campaign's opt-out option, if it has an opt-out action (validated when the actions were set). */
export const optOutOf = (actions: readonly Pick<Action, 'type' | 'option'>[] | undefined) => {
  const action = actions?.find((a) => a.type === OPT_OUT_ACTION);
  return action ? (action.option as unknown as OptOutOption) : undefined;
};

/** The actions after the opt-out: what the call does once the person has answered its prompt. */
export const actionsAfterOptOut = <A extends Pick<Action, 'type'>>(actions: readonly A[]): A[] => {
  const at = actions.findIndex((a) => a.type === OPT_OUT_ACTION);
  return at < 0 ? [...actions] : actions.slice(at + 1);
};
