/**
 * Calling hours in the tick (see docs/behaviour.md, "Calling hours in the callee's time"): the windows
 * in force for a campaign (its customer's default and its own), whether any call may start now, and,
 * with windows in the callee's own time, which due targets must wait and until when. A target that
 * must wait is held in the due index until its window opens, so it spends no try and is not read again
 * before then.
 */

import type { Address } from '#domain/address.ts';
import {
  fixedWindows,
  type HoursInForce,
  hoursInForce,
  inCalleeTime,
  nextOpening,
  withinCallingHours,
} from '#domain/calling-hours.ts';
import { type CalleeFacts, calleeFactsOf } from '#domain/holds.ts';
import { zonesOfNumber } from '#domain/phone-zones.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { EngineCampaign, EngineCampaigncall, EngineTarget } from '#ports/engine-store.ts';
import type { EngineDeps } from './engine-deps.ts';

/** Customers' contact policies, read at most once per tick whatever the number of their campaigns. */
export type PolicyReads = Map<string, ReturnType<EngineDeps['contactPolicies']['get']>>;

export const policyOf = (deps: EngineDeps, customerId: string, reads: PolicyReads) => {
  let read = reads.get(customerId);
  if (!read) {
    read = deps.contactPolicies.get(customerId);
    reads.set(customerId, read);
  }
  return read;
};

/**
 * How long a destination with no known opening (no zone known, or windows that never meet within the
 * horizon) stays held before it is looked at again: the hours or the target may have changed by then.
 */
export const RECHECK_UNKNOWN_MS = 24 * 3600_000;

/** What a due target's destination must wait for, or undefined when it may be dialled now. */
export interface OutsideHours {
  /** When its window opens next (ms), or undefined when that is not known. */
  opensAt: number | undefined;
}

export interface CallingHoursGate {
  /** Whether any call may start now: every window in a fixed zone is open. */
  open: boolean;
  /** Whether each destination must be checked in its own zones (a window in the callee's time). */
  perDestination: boolean;
  /** For a window in the callee's time: whether this destination must wait, and until when. */
  wait(target: Pick<EngineTarget, 'timezone'>, destination: Address): OutsideHours | undefined;
  /** When the windows in a fixed zone open next (ms), when they are closed now and that is known. */
  opensAt(): number | undefined;
  /**
   * What the check of a window in the callee's time saw for this destination, for the attempt's
   * compliance record; undefined when no such window is in force (no callee zone was looked at).
   */
  callee(target: Pick<EngineTarget, 'timezone'>, destination: Address): CalleeFacts | undefined;
}

/** The zones a destination is called in: the target's own zone when it has one, else its number's. */
export const calleeZones = (timezone: string | null | undefined, destination: Address): string[] => {
  if (timezone) return [timezone];
  return destination.type === 'tel' ? zonesOfNumber(destination.target) : [];
};

/** The gate for one campaign's tick at `nowMs`, from its customer's policy (read once per tick). */
export const callingHoursGate = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  nowMs: number,
  policies: PolicyReads,
): Promise<CallingHoursGate> => {
  const policy = await policyOf(deps, campaign.customer_id, policies);
  return gateFor(hoursInForce(policy?.calling_hours, campaign.calling_hours), nowMs);
};

/** The gate of windows already known (pure; many targets share zones, so answers are memoised). */
export const gateFor = (hours: HoursInForce, nowMs: number): CallingHoursGate => {
  const fixed = fixedWindows(hours);
  const memo = new Map<string, OutsideHours | undefined>();
  const open = withinCallingHours(fixed, nowMs);
  const perDestination = inCalleeTime(hours);
  return {
    open,
    perDestination,
    opensAt: () => (open ? undefined : nextOpening(fixed, nowMs)),
    callee: (target, destination) =>
      perDestination ? calleeFactsOf(calleeZones(target.timezone, destination), nowMs) : undefined,
    wait(target, destination) {
      const zones = calleeZones(target.timezone, destination);
      const key = zones.join(' ');
      if (!memo.has(key)) {
        memo.set(
          key,
          withinCallingHours(hours, nowMs, zones) ? undefined : { opensAt: nextOpening(hours, nowMs, zones) },
        );
      }
      return memo.get(key);
    },
  };
};

/**
 * The dialer's last look at the calling hours, just before it places an attempt's call: the same
 * windows the claim checked (the customer's default and the campaign's own, each destination in its
 * own zones), read again, since the job may have waited past the window's close or the hours may have
 * changed. Undefined when the call may start now. A few small reads per job (the campaign, the policy,
 * and the target only when a window is in the callee's time), nothing that grows with the list, made
 * side by side: the target (for its own zone) is read with the other two when the claim found a window
 * in the callee's time, and after them only when such a window came into force since.
 */
export const hoursAtPlacement = async (
  deps: EngineDeps,
  call: Pick<
    EngineCampaigncall,
    'campaign_id' | 'customer_id' | 'outdial_target_id' | 'destination' | 'compliance'
  >,
  nowMs: number,
): Promise<OutsideHours | undefined> => {
  const targetRead = call.compliance?.callee ? deps.engine.getTarget(call.outdial_target_id) : undefined;
  const [campaign, policy] = await Promise.all([
    deps.engine.getCampaign(call.campaign_id),
    deps.contactPolicies.get(call.customer_id),
    targetRead,
  ]);
  const gate = gateFor(hoursInForce(policy?.calling_hours, campaign?.calling_hours), nowMs);
  // A window in the callee's time is checked with the fixed ones, in the destination's zones.
  if (gate.perDestination) {
    const target = await (targetRead ?? deps.engine.getTarget(call.outdial_target_id));
    return gate.wait({ timezone: target?.timezone }, call.destination);
  }
  return gate.open ? undefined : { opensAt: gate.opensAt() };
};

/** Where a held target sorts among the retries, so that the retry query finds it as its window opens. */
export const heldDueAt = (wait: OutsideHours, nowMs: number, tryIntervalMs: number) =>
  formatTimestamp((wait.opensAt ?? nowMs + RECHECK_UNKNOWN_MS) - tryIntervalMs);

/**
 * The hold of a target whose attempt the dialer cancelled outside its hours: shown `until` the
 * opening, and sorted among the retries so that it is due then, but never before the retry interval
 * since this attempt has passed (the tick waits that long after any attempt; see isDue).
 */
export const heldUntilOpening = (wait: OutsideHours, nowMs: number, tryIntervalMs: number) => {
  const due = heldDueAt(wait, nowMs, tryIntervalMs);
  const now = formatTimestamp(nowMs);
  return {
    until: wait.opensAt === undefined ? null : formatTimestamp(wait.opensAt),
    due: due > now ? due : now,
  };
};

/** The runtime shard that counts a batch of holds: spread by target id, like the attempts. */
export const holdShard = (targetId: string, shards: number) =>
  (Number.parseInt(targetId.replace(/-/g, '').slice(-4), 16) || 0) % Math.max(1, shards);

/** Targets one transaction holds (each is an item, and the count one more; 100 items at most). */
const HOLDS_PER_WRITE = 50;

/**
 * Extra due targets a tick reads for a campaign with windows in the callee's time: a list mostly
 * outside its hours is held a page at a time, so a larger page holds it in fewer ticks.
 */
export const HOLD_LOOKAHEAD = 20;

/**
 * Holds the due targets that must wait for their windows (see DueTargetStore.holdOutsideHours), a
 * transaction per 50. Returns how many this tick held; one no longer due where it was read is left to
 * whoever moved it.
 */
export const holdOutsideHours = async (
  deps: EngineDeps,
  s: {
    campaign: EngineCampaign;
    waiting: readonly { target: EngineTarget; wait: OutsideHours }[];
    nowMs: number;
    tryIntervalMs: number;
  },
) => {
  let held = 0;
  const at = formatTimestamp(s.nowMs);
  for (let i = 0; i < s.waiting.length; i += HOLDS_PER_WRITE) {
    const batch = s.waiting.slice(i, i + HOLDS_PER_WRITE);
    held += await deps.engine.holdOutsideHours({
      campaignId: s.campaign.id,
      shard: holdShard(batch[0]?.target.id ?? '', s.campaign._runtime?.length ?? 1),
      retryCutoff: formatTimestamp(s.nowMs - s.tryIntervalMs),
      held: batch.map(({ target, wait }) => ({
        target,
        dueAt: heldDueAt(wait, s.nowMs, s.tryIntervalMs),
        hold: {
          reason: 'outside_hours',
          until: wait.opensAt === undefined ? null : formatTimestamp(wait.opensAt),
          at,
        },
      })),
    });
  }
  return held;
};
