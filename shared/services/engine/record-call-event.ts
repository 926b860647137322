/**
 * A provider event for one attempt (already verified and normalised). Only forward moves apply:
 * ringing changes nothing, answered moves dialing → progressing, the first completed closes it.
 * With `seen`, the digest of the signed request carrying it: the attempt remembers every request it
 * accepted (in the write that applies the event, or in a write of its own for a repeated answer or
 * end), and the same request again is a replay. A ringing event changes nothing and is not remembered.
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
  | 'hung-up'
  | 'replayed';

export const recordCallEvent = async (
  deps: EngineDeps,
  event: NormalizedCallEvent,
  seen?: string,
): Promise<EventOutcome> => {
  if (!event.attemptId) return 'unknown-attempt';
  const call = await deps.engine.getCampaigncall(event.attemptId);
  if (!call) return 'unknown-attempt';
  if (seen && call._seen?.has(seen)) return 'replayed';
  /** For events that change nothing: true when this request is new to the attempt. */
  const firstSight = async () => !seen || (await deps.engine.markSeen(call.id, seen));
  // The callback URL names the attempt; the call id must match the one placed (when it is known yet).
  const ours = !call._call_id || call._call_id === event.callId;
  if (!ours || call.status === 'done') {
    // Its close may have been cut short by a crash: a repeated end makes the writes that follow it.
    if (ours && event.kind === 'completed') await deps.engine.settleClosed(call);
    if (!(await firstSight())) return 'replayed';
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
      // Changes nothing, so it is not remembered either (a write per ringing callback, about one an
      // attempt): the same request again can change nothing and is answered like the first.
      return 'ignored';
    case 'answered': {
      if (!(await deps.engine.answer(call, formatTimestamp(deps.clock.now()), seen))) {
        return (await firstSight()) ? 'duplicate' : 'replayed';
      }
      await joinQueue(deps, { ...call, status: 'progressing' });
      return 'answered';
    }
    case 'completed': {
      // A hangup with no (or an unknown) reason is a failure, retried like one; never a success.
      const finished = await finishAttempt(deps, call, event.reason ?? 'failed', undefined, seen);
      if (finished !== 'finished' && !(await firstSight())) return 'replayed';
      // A machine verdict arrives while the call is still up (amd: the carrier hangs up only after its verdict): end it.
      if (event.reason === 'amd') await deps.provider.hangup(event.callId);
      return finished === 'finished' ? 'finished' : 'duplicate';
    }
  }
};
