/**
 * Wider calling hours wake the targets held under the old ones (see docs/behaviour.md, "Calling hours
 * in the callee's time"). A held target sits among the retries until the opening worked out when it was
 * held; once the campaign's hours or its customer's default change, the tick looks at those targets
 * again, one page per tick, and moves each whose window now opens earlier (or is open now) to that
 * opening. Narrower hours need nothing here: every claim, and the dialer, check the hours of their time.
 */

import { chooseDestination } from '#domain/dialing.ts';
import type { Outplan } from '#domain/outplan.ts';
import { DESTINATION_SLOTS } from '#domain/outplan.ts';
import type { StoredHold } from '#domain/target-hold.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign, EngineTarget, FutureRetry, WakePass } from '#ports/engine-store.ts';
import { type CallingHoursGate, heldDueAt, type PolicyReads, policyOf } from './calling-hours-gate.ts';
import type { EngineDeps } from './engine-deps.ts';

/**
 * Retries one tick reads from each byDue retry shard during a pass (four shards: up to 200 a tick), so
 * a pass costs a bounded read per tick however long the list, and a list of n held targets is passed
 * over in about n / 200 ticks.
 */
export const WAKE_PAGE = 50;

/** The latest change of the hours in force for the campaign: its own, or its customer's default. */
export const hoursChangedAt = (
  campaign: Pick<EngineCampaign, '_hours_changed_at'>,
  policy: { _hours_changed_at?: string } | undefined,
) => {
  const [a, b] = [campaign._hours_changed_at, policy?._hours_changed_at];
  return a && b ? (a > b ? a : b) : (a ?? b);
};

/**
 * Where a future retry goes under the hours in force now (the tick's gate, open in every fixed zone),
 * or undefined when it stays: its destination's window opens no earlier than where it sorts. Due at the
 * opening less the try interval (now less the interval when open now), never before its last attempt
 * ended (the retry interval still runs from there, as the claim's own check wants).
 */
export const wakeMove = (
  retry: Pick<FutureRetry, 'target' | 'sortTime'>,
  gate: Pick<CallingHoursGate, 'perDestination' | 'wait'>,
  outplan: Outplan,
  nowMs: number,
): { dueAt: string; hold: StoredHold | null } | undefined => {
  const { target } = retry;
  const choice = chooseDestination(target, outplan);
  if (!choice) return undefined;
  const wait = gate.perDestination ? gate.wait(target, choice.destination) : undefined;
  const opening = wait
    ? Date.parse(heldDueAt(wait, nowMs, outplan.try_interval))
    : nowMs - outplan.try_interval;
  const ended = lastAttemptEnd(target);
  const dueMs = ended === undefined ? opening : Math.max(opening, ended);
  if (!(dueMs < Date.parse(retry.sortTime))) return undefined;
  const at = formatTimestamp(nowMs);
  return {
    dueAt: formatTimestamp(dueMs),
    hold: wait
      ? {
          reason: 'outside_hours',
          until: wait.opensAt === undefined ? null : formatTimestamp(wait.opensAt),
          at,
        }
      : null,
  };
};

/** When the target's last attempt ended (its `tm_update`), or undefined if it was never tried. */
const lastAttemptEnd = (target: EngineTarget) => {
  const tried = DESTINATION_SLOTS.some((n) => (target[`try_count_${n}`] ?? 0) > 0);
  return tried && target.tm_update ? Date.parse(target.tm_update) : undefined;
};

/**
 * One page of the pass, when one is pending: nothing is read when the hours never changed or the pass
 * for their last change is done. The cursor is written after the page's moves, over the pass read with
 * the lease; a crash in between reads the page again, and each move is conditional on the target still
 * being held since before the change where it was read, so no target moves twice for one change.
 * Returns how many targets it woke.
 */
export const wakeHeld = async (
  deps: EngineDeps,
  s: {
    campaign: EngineCampaign;
    outplan: Outplan;
    gate: Pick<CallingHoursGate, 'perDestination' | 'wait'>;
    nowMs: number;
    policies: PolicyReads;
  },
): Promise<number> => {
  const { campaign, outplan, nowMs } = s;
  const changedAt = hoursChangedAt(campaign, await policyOf(deps, campaign.customer_id, s.policies));
  const previous = campaign._wake;
  if (!changedAt || (previous && previous.at >= changedAt && previous.done)) return 0;
  // A newer change starts the pass over: targets moved for the older one may move again.
  const resumed = previous && previous.at === changedAt ? previous : undefined;
  const page = await deps.engine.futureRetries(campaign.outdial_id, {
    after: formatTimestamp(nowMs - outplan.try_interval),
    cursor: resumed?.cursor,
    limit: WAKE_PAGE,
  });
  const moves = page.retries.flatMap((retry) => {
    const move = wakeMove(retry, s.gate, outplan, nowMs);
    return move ? [{ ...move, target: retry.target, sortKey: retry.sortKey, changedAt }] : [];
  });
  const woken = await Promise.all(moves.map((move) => deps.engine.wakeHeld(move)));
  const pass: WakePass = {
    at: changedAt,
    cursor: page.cursor,
    done: page.done,
    pages: (resumed?.pages ?? 0) + 1,
  };
  await deps.engine.saveWakePass(campaign.id, pass, previous);
  return woken.filter(Boolean).length;
};
