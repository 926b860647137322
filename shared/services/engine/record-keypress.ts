/**
 * A key the called person pressed at the campaign's opt-out prompt (see docs/behaviour.md, "In-call
 * opt-out"). The opt-out key puts the number on the customer's suppression list (source `opt_out`) and
 * is kept on the attempt; any other key changes nothing. Either way the call goes on with the actions
 * after the prompt. The request is remembered on its attempt, so a replay is refused; adding a number
 * already suppressed answers the suppression in force, so a second press leaves one suppression.
 */
import { type Action, actionsAfterOptOut, optOutOf } from '#domain/action.ts';
import { isNil } from '#domain/ids.ts';
import type { Suppression } from '#domain/suppression.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { KeypressEvent } from '#ports/telephony.ts';
import type { EngineDeps } from './engine-deps.ts';

export type KeypressOutcome = 'opted-out' | 'ignored' | 'replayed' | 'unknown-attempt';

export interface KeypressResult {
  outcome: KeypressOutcome;
  /** What the call does next: the campaign's actions after the prompt, then its queue. */
  next: { actions: Pick<Action, 'type' | 'option'>[]; queueId?: string };
}

export const recordKeypress = async (
  deps: EngineDeps,
  press: KeypressEvent,
  digest: string,
): Promise<KeypressResult> => {
  const call = await deps.engine.getCampaigncall(press.attemptId);
  if (!call) return { outcome: 'unknown-attempt', next: { actions: [] } };
  const campaign = await deps.engine.getCampaign(call.campaign_id);
  const actions = campaign?.actions ?? [];
  const next = {
    actions: actionsAfterOptOut(actions),
    ...(campaign && !isNil(campaign.queue_id) ? { queueId: campaign.queue_id } : {}),
  };
  if (!(await deps.engine.markSeen(call.id, digest))) return { outcome: 'replayed', next };
  const option = optOutOf(actions);
  // Only a tel destination is a number that can be suppressed (stored in E.164 when the target was made).
  if (!option || press.digits !== option.digit || call.destination.type !== 'tel') {
    return { outcome: 'ignored', next };
  }
  try {
    const at = formatTimestamp(deps.clock.now());
    const suppression: Suppression = {
      id: deps.ids.uuid(),
      customer_id: call.customer_id,
      number: call.destination.target,
      reason: `pressed ${option.digit} during a call of campaign ${call.campaign_id}`,
      source: 'opt_out',
      tm_create: at,
      tm_update: null,
      tm_delete: null,
      expire_at: null,
    };
    await deps.suppressions.add(suppression);
    await deps.engine.recordOptOut(call.id, { digit: option.digit, at });
  } catch (err) {
    // Not recorded: the carrier's retry of this very request must get in.
    await deps.engine.forgetSeen(call.id, digest).catch(() => undefined);
    throw err;
  }
  return { outcome: 'opted-out', next };
};
