/**
 * §9 reconcile, run by the tick per campaign: attempts silent past dial_timeout + grace are settled by
 * asking the provider; answered calls past the maximum duration are ended. Never re-places a call.
 */

import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign, EngineCampaigncall } from '#ports/engine-store.ts';
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

export const sweepCampaign = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  nowMs: number,
): Promise<number> => {
  if ((campaign._inflight ?? 0) <= 0) return 0;
  const outplan = await deps.engine.getOutplan(campaign.outplan_id);
  const ringDeadline = (outplan?.dial_timeout ?? 60_000) + deps.settings.sweepGraceMs;
  const stale = await deps.engine.openAttempts(
    campaign.id,
    formatTimestamp(nowMs - ringDeadline),
    SWEEP_BATCH,
  );
  let swept = 0;
  for (const call of stale) {
    const age = nowMs - Date.parse(call.tm_create);
    if (call.status === 'dialing' && !call._call_id && !(await deps.engine.placementState(call.id))) {
      // Not placed yet: its dial job is still queued (held back by the CPS budget), so the ring
      // deadline has not started. Only a job gone past every redelivery is lost; nobody was called.
      if (age < deps.settings.lostDialJobMs) continue;
      await finishAttempt(deps, call, 'failed');
      swept++;
      continue;
    }
    const state = call._call_id
      ? await deps.provider.getCall(call._call_id)
      : await findLost(deps, call, nowMs);
    if (state?.phase === 'ended') {
      await finishAttempt(deps, call, state.reason ?? 'failed');
      swept++;
    } else if (call.status === 'dialing' && state?.phase === 'answered') {
      await deps.engine.answer(call, formatTimestamp(nowMs));
    } else if (call.status === 'dialing') {
      // Still ringing past our deadline, or unknown to the provider: close it as our timeout.
      if (state) await deps.provider.hangup(state.callId);
      await finishAttempt(deps, call, 'dialout');
      swept++;
    } else if (age > deps.settings.maxCallMs) {
      const callId = state?.callId ?? call._call_id;
      if (callId) await deps.provider.hangup(callId);
      await finishAttempt(deps, call, 'timeout');
      swept++;
    }
  }
  return swept;
};
