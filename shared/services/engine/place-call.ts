/**
 * The dialer's use case for one dial job: place the call through the provider port, at most once per
 * attempt, however often the job is delivered. A definite failure closes the attempt; an unknown one
 * is left for the sweeper to reconcile; throttling asks for a later retry.
 */
import { formatTimestamp } from '#domain/time.ts';
import type { DialJob } from '#ports/dial-queue.ts';
import { hoursAtPlacement } from './calling-hours-gate.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishAttempt } from './finish-attempt.ts';

/** No delivery of this job has started placing its call (read only when about to cancel it). */
const notPlacing = async (deps: EngineDeps, campaigncallId: string) =>
  (await deps.engine.placementState(campaigncallId)) === undefined;

/** Thrown so the queue redelivers the job later (carrier throttling). */
export class RetryLater extends Error {
  constructor(readonly afterMs?: number) {
    super('retry later');
  }
}

export type PlaceOutcome =
  | 'placed'
  | 'rejected'
  | 'unknown'
  | 'skipped'
  | 'duplicate'
  | 'flow-done'
  | 'suppressed'
  | 'outside_hours';

export const placeCall = async (deps: EngineDeps, job: DialJob): Promise<PlaceOutcome> => {
  const call = await deps.engine.getCampaigncall(job.campaigncallId);
  if (call?.status !== 'dialing') return 'skipped';
  // The claim checked the number and the calling hours; the number may have been suppressed, or the
  // window closed, while the job waited in the queue. Checked before the placement guard, so a job
  // delivered again after a crash here checks again; the close is once-only, gives the try back and
  // moves the target on (a suppressed destination to its next one, or ends it; one outside its hours
  // waits among the retries until its window opens). A call someone else's delivery already started
  // placing is never cancelled: the guard below answers that delivery as a duplicate.
  if (call.reference_type !== 'flow') {
    const nowMs = deps.clock.now();
    const [suppressed, wait] = await Promise.all([
      deps.engine.isSuppressed(call.customer_id, call.destination, formatTimestamp(nowMs)),
      hoursAtPlacement(deps, call, nowMs),
    ]);
    if (suppressed && (await notPlacing(deps, call.id))) {
      await finishAttempt(deps, call, 'suppressed');
      return 'suppressed';
    }
    if (!suppressed && wait && (await notPlacing(deps, call.id))) {
      await finishAttempt(deps, call, 'outside_hours', undefined, undefined, wait);
      return 'outside_hours';
    }
  }
  if (!(await deps.engine.startPlacement(call.id))) return 'duplicate';

  if (call.reference_type === 'flow') {
    // Type flow places no call (see docs/behaviour.md, Type flow campaigns): the attempt runs the campaign flow, which ends successfully.
    await deps.engine.answer(call, formatTimestamp(deps.clock.now()));
    const progressing = await deps.engine.getCampaigncall(call.id);
    if (progressing) await finishAttempt(deps, progressing, 'normal');
    return 'flow-done';
  }

  const outplan = await deps.engine.getOutplan(call.outplan_id);
  const dialTimeout = outplan?.dial_timeout ?? 30_000;
  const outcome = await deps.provider.placeCall({
    idempotencyKey: call.id,
    from: call.source.target,
    to: call.destination.target,
    ringTimeoutSec: Math.min(600, Math.max(1, Math.ceil(dialTimeout / 1000))),
    machineDetection: job.machineDetection ?? false,
    maxCallSec: Math.floor(deps.settings.maxCallMs / 1000),
    statusCallbackUrl: `${deps.settings.publicBaseUrl}/v1.0/providers/${deps.provider.name}/events?cc=${call.id}`,
    metadata: {
      customer_id: call.customer_id,
      campaign_id: call.campaign_id,
      campaigncall_id: call.id,
      outdial_target_id: call.outdial_target_id,
      destination_index: String(call.destination_index),
    },
  });
  if (outcome.ok) {
    // Taken after the carrier took the call, so the cap's window never starts before the call did.
    const placedAt = formatTimestamp(deps.clock.now());
    await Promise.all([
      deps.engine.recordPlacement(call.id, outcome.callId, placedAt),
      deps.engine.countAtPlacement(call, placedAt),
    ]);
    return 'placed';
  }
  switch (outcome.kind) {
    case 'rejected':
      // The carrier's error code (e.g. Twilio 21211, invalid number) is kept on the attempt.
      await finishAttempt(deps, call, outcome.reason, outcome.code);
      return 'rejected';
    case 'throttled':
      await deps.engine.resetPlacement(call.id);
      throw new RetryLater(outcome.retryAfterMs);
    case 'unknown':
      // A call may exist: never place it again; the sweeper asks the provider after the ring deadline.
      await Promise.all([
        deps.engine.markPlacementUnknown(call.id),
        deps.engine.countAtPlacement(call, formatTimestamp(deps.clock.now())),
      ]);
      return 'unknown';
  }
};
