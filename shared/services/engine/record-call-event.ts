/**
 * A provider event for one attempt (already verified and normalised). Only forward moves apply:
 * ringing changes nothing, answered moves dialing → progressing, the first completed closes it.
 */
import { formatTimestamp } from '#domain/time.ts';
import type { NormalizedCallEvent } from '#ports/telephony.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishAttempt } from './finish-attempt.ts';
import { joinQueue } from './join-queue.ts';

export type EventOutcome =
  | 'unknown-attempt'
  | 'other-call'
  | 'ignored'
  | 'answered'
  | 'finished'
  | 'duplicate'
  | 'hung-up';

export const recordCallEvent = async (
  deps: EngineDeps,
  event: NormalizedCallEvent,
): Promise<EventOutcome> => {
  if (!event.attemptId) return 'unknown-attempt';
  const call = await deps.engine.getCampaigncall(event.attemptId);
  if (!call) return 'unknown-attempt';
  // The callback URL names the attempt; the call id must match the one placed (when it is known yet).
  const ours = !call._call_id || call._call_id === event.callId;
  if (!ours || call.status === 'done') {
    // A live call no open attempt owns (closed meanwhile, e.g. by the sweeper, or one we never
    // recorded) would leave a person on a line nobody handles: end it. Hangup is idempotent.
    if (event.kind !== 'completed') {
      await deps.provider.hangup(event.callId);
      return 'hung-up';
    }
    return ours ? 'duplicate' : 'other-call';
  }
  switch (event.kind) {
    case 'ringing':
      return 'ignored';
    case 'answered': {
      if (!(await deps.engine.answer(call, formatTimestamp(deps.clock.now())))) return 'duplicate';
      await joinQueue(deps, { ...call, status: 'progressing' });
      return 'answered';
    }
    case 'completed': {
      // A hangup with no (or an unknown) reason is a failure, retried like one; never a success.
      const finished = await finishAttempt(deps, call, event.reason ?? 'failed');
      // A machine verdict arrives while the call is still up (amd: the carrier hangs up only after its verdict): end it.
      if (event.reason === 'amd') await deps.provider.hangup(event.callId);
      return finished === 'finished' ? 'finished' : 'duplicate';
    }
  }
};
