/**
 * Abandoned calls (see docs/behaviour.md, "Abandoned calls"): the delayed check a caller gets when they
 * start waiting for an agent. Still waiting, with no agent, `abandon_after_ms` after the answer: the
 * caller is abandoned. One conditional write decides it against an agent taking the call (the agent or
 * the abandon, never both); then the provider plays the campaign's `abandon_message` and ends the call,
 * and the completed event it reports closes the attempt as `abandoned`. Idempotent: a duplicate or late
 * check finds the call taken or ended, and a check redelivered after a crash between the write and the
 * provider request makes the request again (the provider ignores a call that has ended).
 */
import { abandonAfterMsOf, abandonDueMs, abandonMessageOf } from '#domain/abandon.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaigncall } from '#ports/engine-store.ts';
import type { EngineDeps } from './engine-deps.ts';
import { RetryLater } from './place-call.ts';

export type AbandonOutcome =
  | 'abandoned'
  /** An agent took the call, it ended, or it never waited: nothing to do. */
  | 'not-waiting'
  /** A machine answered: its close (`amd`) is the machine detection's, not an abandon. */
  | 'machine';

const waiting = (call: EngineCampaigncall | undefined): call is EngineCampaigncall =>
  call?.status === 'progressing' && !call._agent_id && call._waiting_since !== undefined;

export const abandonCall = async (deps: EngineDeps, campaigncallId: string): Promise<AbandonOutcome> => {
  const call = await deps.engine.getCampaigncall(campaigncallId);
  if (!waiting(call)) return 'not-waiting';
  if (!call._abandon_at) {
    const campaign = await deps.engine.getCampaign(call.campaign_id);
    const dueMs = abandonDueMs(call._waiting_since ?? call.tm_create, abandonAfterMsOf(campaign ?? {}));
    const nowMs = deps.clock.now();
    // The queue's delay is whole seconds of its own clock: early by ours, it comes back when due.
    if (nowMs < dueMs) throw new RetryLater(dueMs - nowMs);
    if (call._call_id && (await answeredByMachine(deps, call._call_id))) return 'machine';
    // Refused: an agent took it first, it ended, or another delivery of this check abandoned it just
    // now (and plays the message: playing it twice would start it over).
    if (!(await deps.engine.markAbandoned(call.id, formatTimestamp(nowMs)))) return 'not-waiting';
  }
  // Here also when the abandon was recorded by an earlier delivery that stopped before the provider
  // request (a crash): the request is made again.
  if (call._call_id) {
    const campaign = await deps.engine.getCampaign(call.campaign_id);
    const message = abandonMessageOf(campaign ?? {});
    if (deps.provider.interrupt) await deps.provider.interrupt(call._call_id, message);
    else await deps.provider.hangup(call._call_id);
  }
  return 'abandoned';
};

/** The provider's verdict on who answered (one request; only for a caller about to be abandoned). */
const answeredByMachine = async (deps: EngineDeps, callId: string) => {
  const state = await deps.provider.getCall(callId).catch(() => null);
  return state?.answeredBy === 'machine' || state?.answeredBy === 'fax';
};

/**
 * The tick's backstop for a check that never came (its send failed after the caller started waiting):
 * callers the tick left waiting past their campaign's abandon time are abandoned as the check would.
 */
export const abandonOverdue = async (deps: EngineDeps, callers: readonly EngineCampaigncall[]) => {
  const nowMs = deps.clock.now();
  const afterMs = new Map<string, number>();
  let abandoned = 0;
  for (const call of callers) {
    if (!waiting(call) || call._abandon_at) continue;
    if (!afterMs.has(call.campaign_id)) {
      afterMs.set(
        call.campaign_id,
        abandonAfterMsOf((await deps.engine.getCampaign(call.campaign_id)) ?? {}),
      );
    }
    if (abandonDueMs(call._waiting_since ?? call.tm_create, afterMs.get(call.campaign_id) ?? 0) > nowMs)
      continue;
    if ((await abandonCall(deps, call.id)) === 'abandoned') abandoned++;
  }
  return abandoned;
};
