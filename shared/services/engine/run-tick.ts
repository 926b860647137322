/**
 * One tick: every running or stopping campaign (sparse index, never a Scan) is screened from batched
 * reads (screen-campaigns.ts); each one with anything to do is then ticked under a lease, so one
 * campaign is never ticked twice at once: sweep stuck attempts, finish stopping campaigns, pace, claim
 * due targets and enqueue one dial job per claimed attempt; end the campaign when its list is done.
 */

import { hoursInForce } from '#domain/calling-hours.ts';
import { failureCounter } from '#domain/campaign-stats.ts';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { TickDecision } from '#domain/diagnosis.ts';
import {
  chooseDestination,
  DEFAULT_MAX_CONCURRENT_CALLS,
  type DestinationChoice,
  dialingModeOf,
  isDue,
  maxAbandonRateOf,
  type PacingBound,
  pacingBound,
  usesQueue,
} from '#domain/dialing.ts';
import { calleeRecord } from '#domain/holds.ts';
import { isNil, NIL_UUID } from '#domain/ids.ts';
import type { Outplan } from '#domain/outplan.ts';
import { predictivePacing } from '#domain/predictive-pacing.ts';
import type { Queue } from '#domain/queue.ts';
import { type RuntimeShard, roomPerShard, shardLimit, totalCounters } from '#domain/runtime-shards.ts';
import { formatTimestamp } from '#domain/time.ts';
import type { DialJob } from '#ports/dial-queue.ts';
import type { ClaimResult, EngineCampaign, EngineTarget } from '#ports/engine-store.ts';
import { changeCampaignStatus } from '../campaign-status.ts';
import { sampleAgentTime } from './agent-time.ts';
import {
  type CallingHoursGate,
  callingHoursGate,
  gateFor,
  HOLD_LOOKAHEAD,
  holdOutsideHours,
  type OutsideHours,
  type PolicyReads,
} from './calling-hours-gate.ts';
import { dialJobFor } from './dial-job.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishAttempt } from './finish-attempt.ts';
import { contactLimitsFor, holdBack } from './hold-back.ts';
import { serveWaitingCallers } from './join-queue.ts';
import { predictiveInput, readPredictive } from './predictive-input.ts';
import { screenCampaigns, type TickReads } from './screen-campaigns.ts';
import { ringDeadlineMs, SweepFailed, sweepCampaign, sweepDue } from './sweep.ts';
import { decideTick, type PacingFacts, type PredictiveFacts, type TickFacts } from './tick-decision.ts';
import { wakeHeld } from './wake-held.ts';

export type TickOutcome =
  | 'leased-elsewhere'
  | 'not-running'
  | 'stopped'
  | 'stopping'
  | 'ended'
  | 'waiting'
  | 'dialed'
  | 'outside-hours'
  | 'misconfigured';

export interface CampaignTick {
  campaignId: string;
  outcome: TickOutcome;
  claimed: number;
  swept: number;
}

/**
 * New calls one tick may start across all campaigns, when the carrier has a calls-per-second budget:
 * claiming more than it can place only parks attempts in the dial queue. Taken before each claim and
 * given back unused; JavaScript runs one claim decision at a time, so concurrent campaigns share it.
 */
export class ClaimBudget {
  constructor(
    private left: number,
    /** Most one campaign may take, so the first campaigns visited cannot starve the others. */
    readonly perCampaign: number,
  ) {}
  static unlimited() {
    return new ClaimBudget(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }
  take(wanted: number) {
    const n = Math.max(0, Math.min(wanted, this.left, this.perCampaign));
    this.left -= n;
    return n;
  }
  giveBack(n: number) {
    this.left += n;
  }
}

/** Campaigns one tick works on at once: bounds the DynamoDB burst, while a slow one holds up no other. */
const CAMPAIGNS_AT_ONCE = 16;

export const runTick = async (deps: EngineDeps, owner = deps.ids.uuid()): Promise<CampaignTick[]> => {
  const ids = await deps.engine.activeCampaignIds();
  const perTick = deps.settings.claimsPerTick;
  const budget = perTick
    ? new ClaimBudget(perTick, Math.max(1, Math.ceil(perTick / Math.max(1, ids.length))))
    : ClaimBudget.unlimited();
  // A different first campaign each tick, so a shared budget goes round them all.
  const nowMs = deps.clock.now();
  const start = ids.length ? Math.floor(nowMs / 1000) % ids.length : 0;
  const order = [...ids.slice(start), ...ids.slice(0, start)];
  const reads = await screenCampaigns(deps, order, nowMs);
  const results: CampaignTick[] = [];
  const leased: string[] = [];
  const decisions: Promise<void>[] = [];
  for (const id of order) {
    const verdict = reads.verdicts.get(id);
    if (verdict && !verdict.tick) {
      results.push({ campaignId: id, outcome: verdict.outcome, claimed: 0, swept: 0 });
      const campaign = reads.campaigns.get(id);
      const decision = campaign && screenedDecision(campaign, verdict.outcome, nowMs);
      if (decision) decisions.push(deps.engine.recordDecision(id, decision));
    } else leased.push(id);
  }
  await Promise.all(decisions);
  // One campaign's failure fails the tick (it is retried) only once every other campaign has had its turn.
  const failures: unknown[] = [];
  await eachAtMost(CAMPAIGNS_AT_ONCE, leased, async (id) => {
    try {
      results.push(await tickCampaign(deps, id, owner, budget, reads));
    } catch (err) {
      failures.push(err);
    }
  });
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `tick: ${failures.length} campaigns failed`);
  const position = new Map(order.map((id, i) => [id, i]));
  return results.sort((a, b) => (position.get(a.campaignId) ?? 0) - (position.get(b.campaignId) ?? 0));
};

/**
 * The decision on a campaign the screen left alone (no lease), when it differs from the one kept:
 * outside its calling hours, or at its concurrency cap. Undefined when nothing changed, so a quiet
 * campaign costs no write.
 */
const screenedDecision = (
  campaign: EngineCampaign,
  outcome: 'not-running' | 'waiting' | 'outside-hours',
  nowMs: number,
): TickDecision | undefined => {
  if (outcome === 'not-running') return undefined;
  const previous = campaign._decision;
  const inHours = outcome !== 'outside-hours';
  // The screen knows only the campaign's own window (see screenCampaign).
  const opens = inHours
    ? undefined
    : openingAfter(campaign, nowMs, gateFor(hoursInForce(null, campaign.calling_hours), nowMs));
  const cap = campaign.max_concurrent_calls ?? DEFAULT_MAX_CONCURRENT_CALLS;
  const decision = decideTick({
    nowMs,
    claimed: 0,
    inHours,
    ...(opens === undefined ? {} : { opensAtMs: opens }),
    ...(inHours
      ? {
          pacing: {
            ...NO_CLAIMS.facts,
            mode: dialingModeOf(campaign),
            hasQueue: !isNil(campaign.queue_id),
            counter: 'inflight',
            bound: cap,
            maxConcurrentCalls: cap,
          },
        }
      : {}),
    carrierFailed: previous?.carrier_failed ?? 0,
    ...(previous ? { previous } : {}),
  });
  return decision === previous ? undefined : decision;
};

/** Runs `work` on every item, at most `limit` at a time, each starting as soon as a slot is free. */
const eachAtMost = async <T>(limit: number, items: readonly T[], work: (item: T) => Promise<void>) => {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
};

export const tickCampaign = async (
  deps: EngineDeps,
  campaignId: string,
  owner: string,
  budget: ClaimBudget = ClaimBudget.unlimited(),
  reads?: Pick<TickReads, 'outplans'> & Partial<Pick<TickReads, 'policies'>>,
): Promise<CampaignTick> => {
  const nowMs = deps.clock.now();
  const campaign = await deps.engine.acquireLease(campaignId, owner, nowMs, deps.settings.leaseMs);
  if (!campaign) return { campaignId, outcome: 'leased-elsewhere', claimed: 0, swept: 0 };
  let sweepFrom: string | undefined;
  let decision: TickDecision | undefined;
  try {
    if (campaign._runtime?.some((s) => s.status === undefined)) await deps.engine.restoreRuntime(campaign);
    const outplan = isNil(campaign.outplan_id)
      ? undefined
      : (reads?.outplans.get(campaign.outplan_id) ?? (await deps.engine.getOutplan(campaign.outplan_id)));
    // A sweep the provider failed (it is down) still lets the campaign move on: a forced stop must
    // finish whatever the provider says. The failure is reported once the step has run.
    let sweepFailure: SweepFailed | undefined;
    let swept = 0;
    const sweeping = sweepDue(campaign, ringDeadlineMs(deps, outplan), nowMs);
    if (sweeping) {
      swept = await sweepCampaign(deps, campaign, nowMs).catch((err: unknown) => {
        if (!(err instanceof SweepFailed)) throw err;
        sweepFailure = err;
        return err.swept;
      });
    }
    const facts: StepFacts = { inHours: true };
    const result = await step(deps, campaign, outplan, nowMs, budget, facts, reads?.policies ?? new Map());
    decision = decideTick({
      ...facts,
      nowMs,
      claimed: result.claimed,
      carrierFailed: carrierFailures(campaign),
      ...(campaign._decision ? { previous: campaign._decision } : {}),
    });
    sweepFrom = await nextSweepFrom(deps, campaign, sweeping, nowMs);
    if (sweepFailure) throw sweepFailure;
    return { campaignId, swept, ...result };
  } finally {
    // The decision rides on the write that lets the lease go, and only when it changed.
    const changed = decision && decision !== campaign._decision ? decision : undefined;
    await deps.engine.releaseLease(campaignId, owner, sweepFrom, changed);
  }
};

/**
 * The campaign's new `_sweep_from`, recorded as the lease is let go. With nothing open when the lease
 * was taken, every open attempt is this tick's or later; after a sweep, the oldest attempt still open
 * (one the sweep could not settle keeps the next sweep due at once). Otherwise the mark stays.
 */
const nextSweepFrom = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  swept: boolean,
  nowMs: number,
): Promise<string | undefined> => {
  const now = formatTimestamp(nowMs);
  if ((campaign._inflight ?? 0) <= 0) return now;
  if (!swept) return undefined;
  const oldest = await deps.engine.oldestOpenAttempt(campaign.id);
  return oldest !== undefined && oldest < now ? oldest : now;
};

/** Carrier refusals the campaign has had, over its shards as read with the lease. */
const carrierFailures = (campaign: EngineCampaign) =>
  totalCounters(campaign._runtime ?? [])[failureCounter('failed')] ?? 0;

/** What one step saw, for the decision the tick keeps (see tick-decision.ts). */
type StepFacts = Omit<TickFacts, 'nowMs' | 'claimed' | 'carrierFailed' | 'previous'>;

const step = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  outplan: Outplan | undefined,
  nowMs: number,
  budget: ClaimBudget,
  facts: StepFacts,
  policies: PolicyReads,
): Promise<{ outcome: TickOutcome; claimed: number }> => {
  const now = formatTimestamp(nowMs);
  if (campaign.status === 'stopping') {
    facts.stopping = true;
    if (campaign._force_stop) await endOpenAttempts(deps, campaign, nowMs);
    const stopped = await deps.engine.stopWhenIdle(campaign, 'stopping', now);
    return { outcome: stopped ? 'stopped' : 'stopping', claimed: 0 };
  }
  if (campaign.status !== 'run' || campaign.tm_delete) return { outcome: 'not-running', claimed: 0 };
  if (!outplan || isNil(campaign.outdial_id)) {
    facts.missing = { outplan: !outplan, outdial: isNil(campaign.outdial_id) };
    // A running campaign always has both (run checks them); if not, stop rather than spin.
    await deps.engine.stopWhenIdle(campaign, 'run', now);
    return { outcome: 'misconfigured', claimed: 0 };
  }

  await reviewExhausted(deps, campaign, outplan, now);

  // Free agents take callers already waiting before new calls are started for them.
  let wrappingUp = 0;
  let waitingCallers = 0;
  let queue: Queue | undefined;
  if (usesQueue(dialingModeOf(campaign), !isNil(campaign.queue_id))) {
    // Agents whose wrap-up is over are available again before anyone is offered or paced for.
    queue = await deps.engine.getQueue(campaign.queue_id);
    if (queue)
      ({ wrappingUp } = await deps.engine.endWrapUps(campaign.customer_id, queue.tag_ids ?? [], now));
    ({ waiting: waitingCallers } = await serveWaitingCallers(deps, campaign.queue_id));
  }
  // Calling hours: outside the windows in a fixed zone (the customer's default and the campaign's own)
  // nothing new starts (calls in flight finish); the list can still end, since that needs no call.
  // Windows in the callee's time are checked per destination below.
  const hours = await callingHoursGate(deps, campaign, nowMs, policies);
  const inHours = hours.open;
  facts.inHours = inHours;
  // Hours changed since targets were held: a page of them moves to their new, earlier opening.
  if (inHours) await wakeHeld(deps, { campaign, outplan, gate: hours, nowMs, policies });
  if (!inHours) {
    const opens = openingAfter(campaign, nowMs, hours);
    if (opens !== undefined) facts.opensAtMs = opens;
  }
  const pace = inHours
    ? await pacing(deps, campaign, nowMs, wrappingUp, outplan.dial_timeout, waitingCallers)
    : NO_CLAIMS;
  if (inHours) facts.pacing = { ...pace.facts, wrappingUp };
  // Occupancy's logged-in time, while the campaign can dial for its agents (see agent-time.ts).
  if (inHours) await sampleAgentTime(deps, campaign, queue, pace.facts, wrappingUp, nowMs);
  const wanted = Math.min(pace.allowed, deps.settings.maxNewCallsPerTick);
  const allowed = budget.take(wanted);
  if (allowed < wanted) facts.budgetCut = true;
  const jobs: DialJob[] = [];
  const shards = claimOrder(pace.room);
  if (allowed > 0) {
    const cutoff = formatTimestamp(nowMs - outplan.try_interval);
    // A few spare candidates: some may be taken by a concurrent tick or have no tries left (or, with
    // windows in the callee's time, be held until theirs opens).
    const spare = 5 + (hours.perDestination ? HOLD_LOOKAHEAD : 0);
    const candidates = await deps.engine.dueTargets(campaign.outdial_id, cutoff, allowed + spare);
    const waiting: { target: EngineTarget; wait: OutsideHours }[] = [];
    const contact = await contactLimitsFor(deps, campaign.customer_id, policies);
    // What each candidate is up to: no destination left, not due yet, waiting for its window in the
    // callee's time (held below, no try spent), or to be claimed.
    const plans = candidates.map((target) => planClaim(target, outplan, hours, nowMs));
    // The persons the claims expect to reach, read at once rather than one by one before each claim
    // (only under a cap, which needs their history); a claim further down the list reads its own.
    const persons = await deps.engine.readPersons(
      campaign.customer_id,
      plans.flatMap((p) => (p.kind === 'claim' ? [p.choice.destination] : [])).slice(0, allowed),
      contact,
    );
    // Shard slots still to fill; a claim that did not open an attempt gives its slot back, unless its
    // shard refused (full, or the campaign stopped): that slot is dropped.
    const free = shards.slice(0, allowed);
    let next = 0;
    while (jobs.length < allowed && free.length > 0 && next < plans.length) {
      // A few claims at once, each on a different shard, so they never conflict with one another.
      const wave: Promise<void>[] = [];
      const inWave = new Set<number>();
      while (wave.length < CLAIMS_AT_ONCE && next < plans.length) {
        const slot = free.findIndex((shard) => !inWave.has(shard));
        if (slot < 0) break;
        const plan = plans[next++]!;
        const { target } = plan;
        if (plan.kind === 'exhausted') {
          wave.push(deps.engine.parkExhausted(target, now));
          continue;
        }
        if (plan.kind === 'not-due') continue;
        if (plan.kind === 'wait') {
          waiting.push({ target, wait: plan.wait });
          continue;
        }
        const { choice } = plan;
        const [shard] = free.splice(slot, 1) as [number];
        inWave.add(shard);
        const call = newAttempt(deps, campaign, outplan, target.id, choice, now);
        const callee = hours.callee(target, choice.destination);
        if (callee) call.compliance = calleeRecord(callee);
        const limit = shardLimit(pace.bound, shard, campaign._runtime?.length ?? 1);
        wave.push(
          (async () => {
            const claimed = await deps.engine.claim(campaign, target, choice, call, limit, contact, persons);
            if (claimed === 'claimed') {
              jobs.push(dialJobFor(campaign, call.id));
              return;
            }
            if (claimed === 'campaign-refused') return;
            free.push(shard);
            noteHeld(facts, claimed);
            // Duplicates of a person on a call must not hold up the list behind them.
            if (claimed === 'line-busy') await deps.engine.deferBusy(target, now);
            else await holdBack(deps, campaign, outplan, target, choice, shard, claimed, now);
          })(),
        );
      }
      await Promise.all(wave);
    }
    if (waiting.length > 0) {
      await holdOutsideHours(deps, { campaign, waiting, nowMs, tryIntervalMs: outplan.try_interval });
    }
    budget.giveBack(allowed - jobs.length);
    if (jobs.length > 0) await enqueue(deps, jobs);
    if (jobs.length === 0) facts.list = await listFacts(deps, campaign, outplan, nowMs);
  }
  if (jobs.length > 0) return { outcome: 'dialed', claimed: jobs.length };

  // The list is done only when no idle target is left and nothing is in flight.
  if (campaign.end_handle === 'stop' && (campaign._inflight ?? 0) <= 0) {
    if (!(await deps.engine.hasIdleTargets(campaign.outdial_id))) {
      if (await deps.engine.stopWhenIdle(campaign, 'run', now)) {
        await startNextCampaign(deps, campaign);
        return { outcome: 'ended', claimed: 0 };
      }
    }
  }
  return { outcome: inHours ? 'waiting' : 'outside-hours', claimed: 0 };
};

/** What the claim loop does with a due candidate (see planClaim). */
type ClaimPlan =
  | { kind: 'exhausted'; target: EngineTarget }
  | { kind: 'not-due'; target: EngineTarget }
  | { kind: 'wait'; target: EngineTarget; wait: OutsideHours }
  | { kind: 'claim'; target: EngineTarget; choice: DestinationChoice };

/** A candidate's plan: its destination, whether it is due, and whether its window keeps it waiting. */
const planClaim = (
  target: EngineTarget,
  outplan: Outplan,
  hours: CallingHoursGate,
  nowMs: number,
): ClaimPlan => {
  const choice = chooseDestination(target, outplan);
  if (!choice) return { kind: 'exhausted', target };
  if (!isDue(target, outplan.try_interval, nowMs)) return { kind: 'not-due', target };
  const wait = hours.perDestination ? hours.wait(target, choice.destination) : undefined;
  return wait ? { kind: 'wait', target, wait } : { kind: 'claim', target, choice };
};

/** Claims one tick makes at once for a campaign, each on its own runtime shard. */
const CLAIMS_AT_ONCE = 8;

/** The attempt a claim opens: dialing, nothing placed yet. */
const newAttempt = (
  deps: EngineDeps,
  campaign: EngineCampaign,
  outplan: Outplan,
  targetId: string,
  choice: NonNullable<ReturnType<typeof chooseDestination>>,
  now: string,
): Campaigncall => ({
  id: deps.ids.uuid(),
  customer_id: campaign.customer_id,
  campaign_id: campaign.id,
  outplan_id: campaign.outplan_id,
  outdial_id: campaign.outdial_id,
  outdial_target_id: targetId,
  // An agentless campaign's answered calls run its actions and never wait for an agent.
  queue_id: usesQueue(dialingModeOf(campaign), !isNil(campaign.queue_id)) ? campaign.queue_id : NIL_UUID,
  activeflow_id: deps.ids.uuid(),
  flow_id: NIL_UUID,
  reference_type: campaign.type === 'flow' ? 'flow' : 'call',
  reference_id: NIL_UUID,
  status: 'dialing',
  result: '',
  source: outplan.source,
  destination: choice.destination,
  destination_index: choice.index,
  try_count: choice.tryCount,
  tm_create: now,
  tm_update: null,
  tm_delete: null,
});

/** Used when no call may start. */
const NO_CLAIMS: Pacing = {
  allowed: 0,
  bound: { counter: 'dialing', bound: 0 },
  room: new Map(),
  facts: {
    mode: 'service_level',
    hasQueue: false,
    queueMissing: false,
    agents: 0,
    wrappingUp: 0,
    counter: 'dialing',
    bound: 0,
    serviceLevel: 0,
    maxConcurrentCalls: 0,
    allowed: 0,
  },
};

/**
 * Why a tick that could dial found nobody due: the list is done, or every target left waits for its
 * retry. The earliest retry is read again only once the time the last decision named has passed.
 */
const listFacts = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  outplan: Outplan,
  nowMs: number,
): Promise<NonNullable<TickFacts['list']>> => {
  const known = campaign._decision?.reasons.find((r) => r.code === 'waiting_retry');
  if (known?.until && Date.parse(known.until) > nowMs)
    return { idleLeft: true, nextRetryAtMs: Date.parse(known.until) };
  const left = await deps.engine.idleTargetsLeft(campaign.outdial_id);
  if (!left.any) return { idleLeft: false };
  return left.oldestRetry === undefined
    ? { idleLeft: true }
    : { idleLeft: true, nextRetryAtMs: Date.parse(left.oldestRetry) + outplan.try_interval };
};

/**
 * When the windows in a fixed zone (the customer's default and the campaign's own) open next, as the
 * last decision named it or worked out anew.
 */
const openingAfter = (campaign: EngineCampaign, nowMs: number, hours: Pick<CallingHoursGate, 'opensAt'>) => {
  const known = campaign._decision?.reasons.find((r) => r.code === 'outside_calling_hours');
  if (known?.until && Date.parse(known.until) > nowMs) return Date.parse(known.until);
  return hours.opensAt();
};

/** Open attempts one tick ends for a forced stop; the rest wait for the next tick (5 s later). */
const FORCE_BATCH = 50;

/**
 * A forced stop: attempts not placed yet are closed as `cancel` at once, so the dialer skips them (a
 * placement already under way is hung up by its first event, which finds the attempt closed). Placed
 * calls are marked, then hung up; their hangup event closes them as `cancel` (see finishAttempt),
 * or as the provider's own verdict (`amd`) when it has one. A call whose hangup event has not come
 * within forceStopWaitMs (the provider lost it, or its hangup keeps failing) is closed as `cancel`
 * here, so the campaign always reaches `stop` in bounded time.
 */
const endOpenAttempts = async (deps: EngineDeps, campaign: EngineCampaign, nowMs: number) => {
  const open = await deps.engine.openAttempts(campaign, formatTimestamp(nowMs + 1), FORCE_BATCH);
  for (const call of open) {
    if (!call._call_id && call.status === 'dialing') {
      await finishAttempt(deps, call, 'cancel');
      continue;
    }
    if (!call._cancel_at) await deps.engine.markCancelled(call.id, formatTimestamp(nowMs));
    else if (nowMs - Date.parse(call._cancel_at) >= deps.settings.forceStopWaitMs) {
      await finishAttempt(deps, call, 'cancel');
    }
    // Asked again every tick until closed: a hangup that failed may succeed; an ended call is a no-op.
    if (call._call_id) await hangUpQuietly(deps, call._call_id);
  }
};

/** A failed hangup must not stop the others: the forced stop's wait closes that attempt anyway. */
const hangUpQuietly = async (deps: EngineDeps, callId: string) => {
  try {
    await deps.provider.hangup(callId);
  } catch {
    // Left to the next tick, and to forceStopWaitMs.
  }
};

/** Most parked targets one tick reviews after a dial_info change; the rest wait for the next tick. */
const REVIEW_BATCH = 100;

/**
 * dial_info (see docs/behaviour.md, Retries and dial_info): raising a maximum can revive exhausted targets. Parked targets are reviewed once per
 * dial_info change, a batch per tick: those with tries left go back among the retries (due from the
 * end of their last attempt), the others are parked again after the change, so none is read twice.
 */
const reviewExhausted = async (deps: EngineDeps, campaign: EngineCampaign, outplan: Outplan, now: string) => {
  const changedAt = outplan._dial_info_at;
  if (!changedAt || (campaign._exhausted_reviewed ?? '') >= changedAt) return;
  const parked = await deps.engine.exhaustedTargets(campaign.outdial_id, changedAt, REVIEW_BATCH);
  for (const target of parked) {
    if (chooseDestination(target, outplan)) {
      await deps.engine.reviveExhausted(target, target.tm_update ?? target.tm_create);
    } else {
      await deps.engine.parkExhausted(target, now);
    }
  }
  if (parked.length < REVIEW_BATCH) await deps.engine.markExhaustedReviewed(campaign.id, changedAt);
};

interface Pacing {
  /** Calls this tick may start. */
  allowed: number;
  bound: PacingBound;
  /** Room under the bound on each runtime shard that has any. */
  room: Map<number, number>;
  /** The same, for the tick's decision. */
  facts: PacingFacts;
}

/** A compliance refusal of this tick's claims, for the decision: how many, and the earliest capped until. */
const noteHeld = (facts: StepFacts, refused: Exclude<ClaimResult, 'claimed' | 'campaign-refused'>) => {
  if (refused === 'suppressed') {
    facts.held = {
      ...(facts.held ?? { suppressed: 0, capped: 0 }),
      suppressed: (facts.held?.suppressed ?? 0) + 1,
    };
  } else if (typeof refused === 'object') {
    const held = facts.held ?? { suppressed: 0, capped: 0 };
    const until = Date.parse(refused.until);
    const earliest = held.cappedUntilMs === undefined ? until : Math.min(held.cappedUntilMs, until);
    facts.held = {
      ...held,
      capped: held.capped + 1,
      ...(Number.isFinite(earliest) ? { cappedUntilMs: earliest } : {}),
    };
  }
};

/**
 * How long each ringing call of the campaign has rung, from the runtime shards the tick has read
 * anyway: a ringing member's claim time (its attempt's creation, just before the dial job). Calls
 * counted the old way carry no time and count as just placed, as predictive pacing does with any
 * whose age it cannot trust.
 */
const ringingAges = (shards: readonly RuntimeShard[], nowMs: number): number[] =>
  shards.flatMap((s) => {
    const ringing = new Set(s.ringing ?? []);
    const ages = (s.open ?? [])
      .filter((o) => ringing.has(o.id))
      .map((o) => Math.max(0, nowMs - o.claimedAtMs));
    const unknown = (s.legacy?.dialing ?? 0) + Math.max(0, ringing.size - ages.length);
    return unknown > 0 ? [...ages, ...Array.from({ length: unknown }, () => 0)] : ages;
  });

/**
 * Capacity by the campaign's dialing mode: from available agents, or the campaign's concurrency cap.
 * A predictive campaign also reads its queue's busy agents (those in wrap-up the tick has counted
 * already) and its measured rates (one read of its hour and day sums), gives predictivePacing its
 * ringing calls' ages (off the runtime shards already read) and the outplan's ring timeout, and gets
 * its bound from it; the bound then goes into every claim as for the other modes.
 */
const pacing = async (
  deps: EngineDeps,
  campaign: EngineCampaign,
  nowMs: number,
  wrappingUp: number,
  ringTimeoutMs?: number,
  /** Answered callers the tick left waiting: the next free agents are theirs. */
  waitingCallers = 0,
): Promise<Pacing> => {
  const mode = dialingModeOf(campaign);
  const hasQueue = !isNil(campaign.queue_id);
  let availableAgents = 0;
  const maxConcurrentCalls = campaign.max_concurrent_calls ?? DEFAULT_MAX_CONCURRENT_CALLS;
  let predictive: PredictiveFacts | undefined;
  if (usesQueue(mode, hasQueue)) {
    const queue = await deps.engine.getQueue(campaign.queue_id);
    if (!queue) return { ...NO_CLAIMS, facts: { ...NO_CLAIMS.facts, mode, hasQueue, queueMissing: true } };
    const tags = queue.tag_ids ?? [];
    if (mode === 'predictive') {
      const reads = await readPredictive(deps, campaign, tags, nowMs);
      const { available, rates } = reads;
      const busy = reads.busySince.length;
      availableAgents = available;
      const maxAbandonRate = maxAbandonRateOf(campaign);
      const ringing =
        ringTimeoutMs !== undefined && campaign._runtime
          ? { ringTimeoutMs, ringingAgesMs: ringingAges(campaign._runtime, nowMs) }
          : undefined;
      const decision = predictivePacing(
        predictiveInput({
          campaign,
          queue,
          reads,
          wrappingUp,
          waitingCallers,
          nowMs,
          ...(ringing ? { ringing } : {}),
        }),
      );
      predictive = {
        ...decision,
        busy,
        maxAbandonRate,
        abandonRate: rates.humanAnswered > 0 ? rates.abandoned / rates.humanAnswered : null,
        ended: rates.ended,
      };
    } else availableAgents = await deps.agents.countAvailable(campaign.customer_id, tags);
  }
  const bound: PacingBound = predictive
    ? { counter: 'dialing', bound: predictive.bound }
    : pacingBound({
        mode,
        hasQueue,
        availableAgents,
        serviceLevel: campaign.service_level,
        maxConcurrentCalls,
      });
  // The same shares of the bound go into every claim, so even overlapping ticks never pass it together.
  const room = roomPerShard(campaign._runtime ?? [], bound);
  const allowed = [...room.values()].reduce((a, b) => a + b, 0);
  const facts: PacingFacts = {
    mode,
    hasQueue,
    queueMissing: false,
    agents: availableAgents,
    wrappingUp: 0,
    counter: bound.counter,
    bound: bound.bound,
    serviceLevel: campaign.service_level,
    maxConcurrentCalls,
    allowed,
    ...(predictive ? { predictive } : {}),
  };
  return { allowed, bound, room, facts };
};

/** Shards to claim on, one per call, taking turns so that concurrent hangups spread over them. */
const claimOrder = (room: Map<number, number>): number[] => {
  const left = new Map(room);
  const order: number[] = [];
  while (left.size > 0) {
    for (const [shard, n] of left) {
      order.push(shard);
      if (n <= 1) left.delete(shard);
      else left.set(shard, n - 1);
    }
  }
  return order;
};

/** If the queue refuses the jobs, the claimed attempts fail now (and are retried) rather than hang. */
const enqueue = async (deps: EngineDeps, jobs: DialJob[]) => {
  try {
    await deps.dialQueue.send(jobs);
  } catch (err) {
    for (const job of jobs) {
      const call = await deps.engine.getCampaigncall(job.campaigncallId);
      if (call) await finishAttempt(deps, call, 'failed');
    }
    throw err;
  }
};

/** Chaining (see docs/behaviour.md, Chaining campaigns): a natural end starts next_campaign_id; a refusal is left for the operator, never retried. */
const startNextCampaign = async (deps: EngineDeps, campaign: EngineCampaign) => {
  if (isNil(campaign.next_campaign_id)) return;
  try {
    await changeCampaignStatus(deps, campaign.customer_id, campaign.next_campaign_id, 'run');
  } catch {
    // The next campaign was deleted or misconfigured; the operator sees it stopped.
  }
};
