/**
 * §9 reconcile, run by the tick per campaign: attempts silent past dial_timeout + grace are settled by
 * asking the provider; answered calls past the maximum duration are ended. Never re-places a call.
 */

import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign } from '#ports/engine-store.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishAttempt } from './finish-attempt.ts';

const SWEEP_BATCH = 25;

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
    const state = call._call_id ? await deps.provider.getCall(call._call_id) : null;
    if (state?.phase === 'ended') {
      await finishAttempt(deps, call, state.reason ?? 'failed');
      swept++;
    } else if (call.status === 'dialing' && state?.phase === 'answered') {
      await deps.engine.answer(call, formatTimestamp(nowMs));
    } else if (call.status === 'dialing') {
      // Still ringing past our deadline, or unknown to the provider: close it as our timeout.
      if (state && call._call_id) await deps.provider.hangup(call._call_id);
      await finishAttempt(deps, call, 'dialout');
      swept++;
    } else if (age > deps.settings.maxCallMs) {
      if (call._call_id) await deps.provider.hangup(call._call_id);
      await finishAttempt(deps, call, 'timeout');
      swept++;
    }
  }
  return swept;
};
