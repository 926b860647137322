/**
 * Reconciliation (see docs/behaviour.md, Reconciliation), run by the tick per campaign: attempts silent past dial_timeout + grace are settled by
 * asking the provider; answered calls past the maximum duration are ended. Never places a call twice:
 * a lost dial job is sent again, and the dialer's placement guard lets only one delivery place it.
 */

import type { Outplan } from '#domain/outplan.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign, EngineCampaigncall } from '#ports/engine-store.ts';
import type { CallState } from '#ports/telephony.ts';
import { dialJobFor } from './dial-job.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishAttempt } from './finish-attempt.ts';

const SWEEP_BATCH = 25;

/**
 * An attempt whose placement had an unknown outcome (the create timed out or its answer was lost) has
 * no call id. Ask the provider for a call to that number from our caller id since the attempt began:
 * if one exists it is adopted (its events then match), so it can be hung up instead of left ringing.
 */
const findLost = async (deps: EngineDeps, call: EngineCampaigncall, nowMs: number) => {
  if (!deps.provider.findCall) return null;
  const found = await deps.provider.findCall({
    to: call.destination.target,
    from: call.source.target,
    notBefore: new Date(Date.parse(call.tm_create)),
  });
  if (found) await deps.engine.recordPlacement(call.id, found.callId, formatTimestamp(nowMs));
  return found;
};

/** How long an attempt may stay silent before the sweeper asks about it: dial_timeout plus the grace. */
export const ringDeadlineMs = (deps: Pick<EngineDeps, 'settings'>, outplan: Outplan | undefined) =>
  (outplan?.dial_timeout ?? 60_000) + deps.settings.sweepGraceMs;

/**
 * Whether a sweep could find anything now. It looks for attempts opened before now − ring deadline,
 * and none opened before `_sweep_from` is still open, so until that time plus the ring deadline it
 * would read the open attempts and find none: most ticks of a busy campaign skip those reads.
 */
export const sweepDue = (campaign: EngineCampaign, ringDeadline: number, nowMs: number) =>
  campaign._sweep_from === undefined || campaign._sweep_from < formatTimestamp(nowMs - ringDeadline);

export const sweepCampaign = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  nowMs: number,
): Promise<number> => {
  if ((campaign._inflight ?? 0) <= 0) return 0;
  const outplan = await deps.engine.getOutplan(campaign.outplan_id);
  const ringDeadline = ringDeadlineMs(deps, outplan);
  const stale = await deps.engine.openAttempts(campaign, formatTimestamp(nowMs - ringDeadline), SWEEP_BATCH);
  let swept = 0;
  const failures: unknown[] = [];
  for (const call of stale) {
    try {
      if (await sweepOne(deps, campaign, call, nowMs, ringDeadline)) swept++;
    } catch (err) {
      // One attempt the provider cannot be asked about (it is down) must not hold up the others.
      failures.push(err);
    }
  }
  if (failures.length) throw new SweepFailed(swept, failures);
  return swept;
};

/** Some attempts could not be settled this time (the next sweep tries again); the others were. */
export class SweepFailed extends AggregateError {
  constructor(
    readonly swept: number,
    errors: unknown[],
  ) {
    super(errors, `sweep: ${errors.length} attempt(s) could not be settled`);
  }
}

const sweepOne = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  call: EngineCampaigncall,
  nowMs: number,
  ringDeadline: number,
): Promise<boolean> => {
  const age = nowMs - Date.parse(call.tm_create);
  if (call.status === 'dialing' && !call._call_id && !(await deps.engine.placementState(call.id))) {
    // Not placed yet: its dial job is queued (held back by the CPS budget) or lost, and nobody has
    // been called. An overdue job is sent again; after lostDialJobMs the attempt is given up.
    if (age >= deps.settings.lostDialJobMs) {
      await finishAttempt(deps, call, 'failed');
      return true;
    }
    await resendDialJob(deps, campaign, call, nowMs, ringDeadline);
    return false;
  }
  // A call placed late (its job held back by the CPS budget, or sent again) rings from its placement.
  if (call.status === 'dialing' && call._call_id && call.tm_update) {
    if (nowMs - Date.parse(call.tm_update) < ringDeadline) return false;
  }
  const state = call._call_id
    ? await deps.provider.getCall(call._call_id)
    : await findLost(deps, call, nowMs);
  return settle(deps, call, state, age, nowMs);
};

/**
 * What the provider's answer about a silent attempt (already past its ring deadline) proves:
 * - `null` means the provider has no such call (the local simulator after a restart, Twilio's 404, no
 *   call to that number found). A call it does not know cannot be up: a dialing attempt is closed as
 *   our dial-out timeout, an answered one as `failed` (nobody can say the conversation happened, so it
 *   is no success) — both at once, and the target is retried per the outplan.
 * - phase `unknown` means the provider cannot tell (the queued simulator keeps no state), and so does
 *   a lost placement when the provider cannot search for calls: the call may be up, so a dialing
 *   attempt is closed (and hung up) as our timeout, and an answered one only after the longest call.
 */
const settle = async (
  deps: EngineDeps,
  call: EngineCampaigncall,
  state: CallState | null | undefined,
  age: number,
  nowMs: number,
): Promise<boolean> => {
  if (state?.phase === 'ended') {
    await finishAttempt(deps, call, state.reason ?? 'failed');
    return true;
  }
  if (call.status === 'dialing' && state?.phase === 'answered') {
    await deps.engine.answer(call, formatTimestamp(nowMs));
    return false;
  }
  if (call.status === 'dialing') {
    // Still ringing past our deadline, or unknown to the provider: close it as our timeout.
    if (state) await deps.provider.hangup(state.callId);
    await finishAttempt(deps, call, 'dialout');
    return true;
  }
  if (state === null) {
    await finishAttempt(deps, call, 'failed');
    return true;
  }
  if (age > deps.settings.maxCallMs) {
    const callId = state?.callId ?? call._call_id;
    if (callId) await deps.provider.hangup(callId);
    await finishAttempt(deps, call, 'timeout');
    return true;
  }
  return false;
};

/**
 * An attempt never placed whose dial job is overdue (a ring deadline after it was claimed or last
 * re-sent) gets its job sent again: a restart of the local queue, or a job lost in AWS, would
 * otherwise hold the target and its person's line until lostDialJobMs. A duplicate is harmless: the
 * dialer's placement guard lets exactly one delivery place the call, and skips closed attempts. A job
 * merely held back by the carrier's CPS budget costs at most one extra job per ring deadline.
 */
const resendDialJob = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  call: EngineCampaigncall,
  nowMs: number,
  ringDeadline: number,
) => {
  const lastSent = Date.parse(call._job_resent_at ?? call.tm_create);
  if (nowMs - lastSent < ringDeadline) return;
  if (!(await deps.engine.markDialJobResent(call.id, formatTimestamp(nowMs)))) return;
  await deps.dialQueue.send([dialJobFor(campaign, call.id)]);
};
