/** Closing an attempt: result from the hangup reason, target back in line or done, campaign stop re-check. */
import { chooseDestination, type HangupReason, resultOf, targetStatusAfter } from '#domain/dialing.ts';
import { wrapUpEndsAt } from '#domain/queue.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaigncall, Finish, FinishResult } from '#ports/engine-store.ts';
import { heldUntilOpening, type OutsideHours } from './calling-hours-gate.ts';
import type { EngineDeps } from './engine-deps.ts';
import { scheduleWrapUpEnd } from './wrapup-end.ts';

export const finishAttempt = async (
  deps: EngineDeps,
  call: EngineCampaigncall,
  reason: HangupReason,
  providerCode?: string,
  /** The digest of the provider request reporting the end, kept on the attempt by the close. */
  seen?: string,
  /** For `outside_hours`: when the callee's window opens next, as the dialer found it. */
  outsideHours?: OutsideHours,
): Promise<FinishResult> => {
  const nowMs = deps.clock.now();
  const now = formatTimestamp(nowMs);
  // A forced stop hung this call up: the "normal" end the provider reports is our cancel, never a
  // success, so the target is retried on the next run. That holds for a person already talking too:
  // we cut the conversation short, so an operator cannot count it as done. A provider's own verdict
  // (amd, busy, noanswer, …) is evidence of what happened before the stop and is kept.
  if (reason === 'normal' && call._cancel_at) reason = 'cancel';
  // Answered but hung up while still waiting for an agent: nobody was reached, so it is no success.
  if (reason === 'normal' && call._waiting_since && !call._agent_id) reason = 'abandoned';
  const result = resultOf(reason);
  let targetStatus = targetStatusAfter(result);
  let targetPartition: 'retry' | 'exhausted' | undefined;
  let hold: Finish['hold'];
  if (targetStatus === 'idle') {
    const [target, outplan] = await Promise.all([
      deps.engine.getTarget(call.outdial_target_id),
      deps.engine.getOutplan(call.outplan_id),
    ]);
    // Counts were incremented when the attempt was claimed, so they already include this one. A
    // suppressed destination is skipped for good: the target goes on to its next one, or ends done.
    const skip = reason === 'suppressed' ? call.destination_index : undefined;
    const next = target && outplan ? chooseDestination(target, outplan, skip) : undefined;
    if (reason === 'suppressed' && !next) targetStatus = 'done';
    else targetPartition = next ? 'retry' : 'exhausted';
    // Outside the callee's hours: the try is given back, so the same destination waits among the
    // retries until its window opens (held like the tick holds it).
    if (reason === 'outside_hours') {
      targetPartition = 'retry';
      hold = heldUntilOpening(outsideHours ?? { opensAt: undefined }, nowMs, outplan?.try_interval ?? 0);
    }
  }
  const finished = await deps.engine.finish(
    call,
    {
      result,
      reason,
      targetStatus,
      targetPartition,
      ...(providerCode ? { providerCode } : {}),
      ...(hold ? { hold } : {}),
    },
    now,
    seen,
  );
  // Also after a close that was already made: a crash may have cut it short before the agent was
  // let go. The release is conditioned on the agent still being busy with this call, so it is made once.
  if (finished !== 'missing' && call._agent_id) {
    const queue = await deps.engine.getQueue(call.queue_id);
    const until = wrapUpEndsAt(queue, nowMs);
    const released = await deps.engine.releaseAgent(
      call.customer_id,
      call._agent_id,
      call.id,
      now,
      until === undefined ? undefined : formatTimestamp(until),
    );
    // Only the delivery that started the wrap-up sends its end, which names that wrap-up's end time.
    if (released && until !== undefined) await scheduleWrapUpEnd(deps, call.id, until);
  }
  if (finished === 'finished') {
    const campaign = await deps.engine.getCampaign(call.campaign_id);
    if (campaign?.status === 'stopping') await deps.engine.stopWhenIdle(campaign, 'stopping', now);
  }
  return finished;
};
