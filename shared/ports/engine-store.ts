/** Persistence the dialing engine needs; every state change is one conditional write or transaction. */
import type { Address } from '#domain/address.ts';
import type { Campaign } from '#domain/campaign.ts';
import type { Campaigncall, OptOutRecord } from '#domain/campaigncall.ts';
import type { ContactLimits } from '#domain/contact-policy.ts';
import type { TickDecision } from '#domain/diagnosis.ts';
import type { DestinationChoice, HangupReason } from '#domain/dialing.ts';
import type { HoldReason } from '#domain/holds.ts';
import type { OutdialTarget, TargetStatus } from '#domain/outdial.ts';
import type { Outplan } from '#domain/outplan.ts';
import type { Queue } from '#domain/queue.ts';
import type { RuntimeShard } from '#domain/runtime-shards.ts';
import type { StoredHold } from '#domain/target-hold.ts';

/**
 * Persons read ahead of a tick's claims (AttemptStore.readPersons), to hand to `claim`: what the store
 * reads there is its own business, so the engine only passes it on.
 */
export type PersonsRead = ReadonlyMap<string, unknown>;

/** A due target to hold outside its calling hours (see DueTargetStore.holdOutsideHours). */
export interface HeldTarget {
  target: EngineTarget;
  /** Its window's opening less the try interval: the retry query finds it just as the window opens. */
  dueAt: string;
  hold: StoredHold;
}

export interface EngineCampaign extends Campaign {
  /**
   * Open attempts (dialing + progressing), summed over the runtime shards, which the transactions that
   * open and close attempts keep. Read with the lease; absent on a campaign read alone.
   */
  _inflight?: number;
  /** Attempts still ringing (dialing), summed over the shards likewise. */
  _dialing?: number;
  /** The runtime shards as read with the lease. */
  _runtime?: RuntimeShard[];
  /** Set by a forced stop: the tick ends every open attempt instead of waiting for it. */
  _force_stop?: boolean;
  /** The outplan's `_dial_info_at` whose exhausted targets this campaign has reviewed. */
  _exhausted_reviewed?: string;
  /**
   * No attempt of this campaign open now was opened before this time (its oldest open attempt's
   * `tm_create` when the last sweep looked, or that tick's own time if none was open): the sweeper has
   * nothing to find until this time plus the ring deadline. Absent: the next tick sweeps.
   */
  _sweep_from?: string;
  /** What the last tick decided about it: whether it dialed, and why not (more). */
  _decision?: TickDecision;
  /** When its `calling_hours` last changed (set by PUT /campaigns/{id}); see WakePass. */
  _hours_changed_at?: string;
  /** How far the tick's look at targets held under older hours has gone (see WakePass). */
  _wake?: WakePass;
}

export interface EngineTarget extends OutdialTarget {
  customer_id: string;
  /** The person's own IANA zone, if the target was given one (calling hours in the callee's time). */
  timezone?: string | null;
  /** The attempt currently in flight for this target, if any. */
  _open_cc?: string;
  /** Destination slots skipped because their number was suppressed: never dialled again. */
  _skip?: ReadonlySet<number>;
  /** Why the target waits (or ended without a call), shown as `hold` (see target-hold.ts). */
  _hold?: StoredHold;
}

export interface EngineCampaigncall extends Campaigncall {
  _reason?: HangupReason;
  /** Provider call id (also the reference_id once placed). */
  _call_id?: string;
  /** The agent taking this answered call. */
  _agent_id?: string;
  /** Set while the answered caller waits in the queue for an agent. */
  _waiting_since?: string;
  /**
   * When the caller, still waiting with no agent, was abandoned: set by one conditional write that no
   * agent can take the call after (and that an agent taking it first refuses).
   */
  _abandon_at?: string;
  /** Why the carrier refused the placement, in its own terms (e.g. Twilio 21211). */
  _provider_code?: string;
  /** When a forced stop hung this call up: the hangup the provider then reports is ours, a `cancel`. */
  _cancel_at?: string;
  /** When the sweeper last sent this attempt's dial job again, its first having gone missing. */
  _job_resent_at?: string;
  /** The runtime shard of its campaign that counts this attempt. */
  _shard?: number;
  /**
   * Its shard holds it as a member of its open (and ringing) sets, so its answer and close are plain
   * writes; absent on attempts opened before, which close through the transactions they opened with.
   */
  _tracked?: boolean;
  /** Set by a failed close whose target has no tries left: the target is parked, not retried. */
  _parked?: boolean;
  /** Set by the close of an answered (progressing) attempt: its shard counted it answered. */
  _answered?: boolean;
  /** Set by a close outside the callee's hours: where its target waits (a repair of the close reads it). */
  _held?: HeldUntilOpening;
  /** Digests of the provider requests applied to this attempt: the same request again is a replay. */
  _seen?: ReadonlySet<string>;
}

/**
 * A campaign stops taking claims when it is no longer running or has reached its pacing bound.
 * `line-busy`: another open attempt of the customer is calling the same destination; try it later.
 * `suppressed`: the destination's number is suppressed now; skip it (no try is spent).
 * `person-changed`: another claim counted an attempt to the person since its history was read; the
 * target stays due. A capped person comes back as `{ held: 'capped', until }`.
 */
export type ClaimResult =
  | 'claimed'
  | 'target-taken'
  | 'campaign-refused'
  | 'line-busy'
  | 'suppressed'
  | 'person-changed'
  | CappedClaim;

/** The person may not be called before `until` under the customer's contact policy. */
export interface CappedClaim {
  held: 'capped';
  until: string;
}

/** The pacing bound checked inside the claim: the shard's counter must stay below its share, `below`. */
export interface ClaimLimit {
  counter: '_inflight' | '_dialing';
  below: number;
  shard: number;
}

export interface Finish {
  result: 'success' | 'fail';
  reason: HangupReason;
  targetStatus: TargetStatus;
  /** Where an idle target goes: back in line for a retry, or parked with no tries left. */
  targetPartition?: 'retry' | 'exhausted';
  /** The carrier's own error code for a refused placement, kept on the attempt as `_provider_code`. */
  providerCode?: string;
  /** For `outside_hours`: the target's hold (see HeldUntilOpening), kept on the attempt as `_held`. */
  hold?: HeldUntilOpening;
}

/**
 * Where a target whose attempt was cancelled outside its calling hours waits: `until` its window opens
 * (null: not known), sorted among the retries at `due` (the retry partition's sort time).
 */
export interface HeldUntilOpening {
  until: string | null;
  due: string;
}

export type FinishResult = 'finished' | 'already-done' | 'missing';

/**
 * The tick's own state: which campaigns to visit, the lease that keeps one tick per campaign, the
 * campaign's runtime shards, stopping it, and the resources a tick reads.
 */
export interface EngineTickStore {
  activeCampaignIds(): Promise<string[]>;
  /** Takes the campaign's tick lease (one tick per campaign at a time) and returns the campaign. */
  acquireLease(
    campaignId: string,
    owner: string,
    nowMs: number,
    leaseMs: number,
  ): Promise<EngineCampaign | undefined>;
  /**
   * Lets the lease go; `sweepFrom` (see `_sweep_from`) is recorded in the same write, and only by the
   * lease's holder.
   */
  releaseLease(campaignId: string, owner: string, sweepFrom?: string, decision?: TickDecision): Promise<void>;
  /** Keeps a tick's decision on a campaign the tick did not lease (written only when it changed). */
  recordDecision(campaignId: string, decision: TickDecision): Promise<void>;
  /**
   * Campaigns by id as they are now (consistent reads, many per request), for the tick to tell which
   * have anything to do before it leases them. Missing ones are left out.
   */
  readCampaigns(ids: readonly string[]): Promise<Map<string, EngineCampaign>>;
  /** Outplans by id, many per request; missing ones are left out. */
  readOutplans(ids: readonly string[]): Promise<Map<string, Outplan>>;
  /**
   * The first runtime shards of many campaigns at once (consistent reads, many per request): for each
   * campaign its shards 0 … `first` − 1 (all of them when it has fewer), missing ones with no status
   * and no counters. With a pacing bound of `first` calls, these are the shards holding a share of it.
   */
  readFirstShards(
    wanted: readonly { campaignId: string; first: number }[],
  ): Promise<Map<string, RuntimeShard[]>>;
  /** The `tm_create` of the campaign's oldest open attempt, if any. */
  oldestOpenAttempt(campaignId: string): Promise<string | undefined>;
  /** The campaign with its runtime shards as they are now and their totals (`_inflight`, `_dialing`). */
  withRuntime(campaign: EngineCampaign): Promise<EngineCampaign>;
  /**
   * Creates the runtime shards missing from a leased campaign (one started before shards existed, or a
   * write lost halfway), with the campaign's status.
   */
  restoreRuntime(campaign: EngineCampaign): Promise<void>;
  getCampaign(id: string): Promise<EngineCampaign | undefined>;
  getOutplan(id: string): Promise<Outplan | undefined>;
  getQueue(id: string): Promise<Queue | undefined>;
  /** Records that every target parked before this dial_info change has been reviewed. */
  markExhaustedReviewed(campaignId: string, dialInfoAt: string): Promise<void>;
  /** status `from` → stop when nothing is in flight; leaves the active set. */
  stopWhenIdle(
    campaign: Pick<EngineCampaign, 'id' | 'customer_id'>,
    from: 'run' | 'stopping',
    now: string,
  ): Promise<boolean>;
}

/** Idle targets in the byDue partitions: which are due, and moving them between partitions. */
export interface DueTargetStore {
  /** Idle targets due now, oldest activity first: every never-tried one, retries ended at or before `retryCutoff`. */
  dueTargets(outdialId: string, retryCutoff: string, limit: number): Promise<EngineTarget[]>;
  /** Whether any idle target with tries left remains (due now or later). */
  hasIdleTargets(outdialId: string): Promise<boolean>;
  /**
   * Whether any idle target with tries left remains and, when none is fresh, the last activity of the
   * earliest retry (it is due try_interval after that).
   */
  idleTargetsLeft(outdialId: string): Promise<{ any: boolean; oldestRetry?: string }>;
  /** Moves an idle target that has no tries left out of the due partitions (parked at `now`). */
  parkExhausted(target: EngineTarget, now: string): Promise<void>;
  /**
   * A target whose person is on another call (`line-busy`) goes among the retries as if an attempt
   * had just ended: due again after the outplan's try_interval, and out of the way of the rest of the
   * list meanwhile.
   */
  deferBusy(target: EngineTarget, now: string): Promise<void>;
  /** Parked (exhausted) targets parked before `parkedBefore`, oldest first. */
  exhaustedTargets(outdialId: string, parkedBefore: string, limit: number): Promise<EngineTarget[]>;
  /** A parked target with tries left again (raised maxima) back among retries, due from `lastActivity`. */
  reviveExhausted(target: EngineTarget, lastActivity: string): Promise<void>;
  /**
   * Holds due targets outside their calling hours: each among the retries, due again at its `dueAt`
   * (its window's opening less the try interval), its hold recorded, and all of them counted in
   * `skipped.outside_hours` on the campaign's runtime shard `shard`, at once. A target no longer due
   * where it was read (claimed, held by an overlapping tick, or deleted) is left out. Returns how many
   * were held.
   */
  holdOutsideHours(s: {
    campaignId: string;
    shard: number;
    /** The retry cutoff the targets were read with (now − try_interval). */
    retryCutoff: string;
    held: readonly HeldTarget[];
  }): Promise<number>;
}

/** Attempts from claim to finish, with the destination's line and the dialer's placement guard. */
export interface AttemptStore {
  /**
   * One transaction: target idle → progressing with try_count_N + 1, campaigncall created dialing,
   * the counters of one runtime shard (`limit.shard`) up, the destination's line taken; refused when
   * the campaign is not running or that shard's share of the bound is reached, or when the line is
   * taken by another open attempt.
   */
  claim(
    campaign: EngineCampaign,
    target: EngineTarget,
    choice: DestinationChoice,
    call: Campaigncall,
    limit: ClaimLimit,
    contact?: ContactLimits,
    /** The person as read ahead with the other claims of the tick (readPersons); read here if absent. */
    persons?: PersonsRead,
  ): Promise<ClaimResult>;
  /**
   * Under a contact cap, each claim checks the person's history as read, and its write lands only on
   * that version. The persons of the claims a tick is about to make are read here at once (consistent,
   * 100 to a request) instead of one read before each claim; without a cap nothing is read.
   */
  readPersons(
    customerId: string,
    destinations: readonly Address[],
    contact: ContactLimits,
  ): Promise<PersonsRead>;
  /**
   * A destination whose number is suppressed is skipped, spending no try: in one transaction the
   * target (idle, unchanged) marks the slot skipped (`_skip`) and ends `done` when `last` (no other
   * destination is left), and the runtime shard counts the skip; false when the target moved on.
   */
  skipSuppressed(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    last: boolean,
    now: string,
  ): Promise<boolean>;
  /**
   * A destination held back by the contact policy waits, spending no try: in one transaction the
   * target (idle, unchanged) goes among the retries due at `until`, shows the hold, and the runtime
   * shard counts the skip; false when the target moved on.
   */
  holdTarget(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    hold: { reason: HoldReason; until: string },
    tryIntervalMs: number,
    now: string,
  ): Promise<boolean>;
  /** Whether the number is suppressed for the customer at `now` (the dialer's last check). */
  isSuppressed(
    customerId: string,
    destination: { type: string; target: string },
    now: string,
  ): Promise<boolean>;
  getCampaigncall(id: string): Promise<EngineCampaigncall | undefined>;
  getTarget(id: string): Promise<EngineTarget | undefined>;
  /** Marks the call as being placed; false when a placement was already started (redelivered job). */
  startPlacement(campaigncallId: string): Promise<boolean>;
  recordPlacement(campaigncallId: string, callId: string, now: string): Promise<void>;
  /**
   * Under a contact cap, moves the attempt's count in the person's history from its claim to `placedAt`,
   * when its call was placed (the window runs from the call, however long the dial job waited); a
   * no-op without a cap, or once moved.
   */
  countAtPlacement(call: EngineCampaigncall, placedAt: string): Promise<void>;
  /** A definite refusal that may be retried (throttling): the next delivery may place it again. */
  resetPlacement(campaigncallId: string): Promise<void>;
  markPlacementUnknown(campaigncallId: string): Promise<void>;
  /**
   * Where the attempt's placement stands: `placing` (started, no answer recorded), `unknown` (the carrier
   * may have the call), or undefined: never started or given back after throttling, so its dial job is
   * still waiting in the queue and nobody has been called.
   */
  placementState(campaigncallId: string): Promise<'placing' | 'unknown' | undefined>;
  /**
   * Records that a forced stop is hanging up this open attempt's call (kept if already set, so the
   * wait for its hangup event runs from the first request); no-op once the attempt is closed.
   */
  markCancelled(campaigncallId: string, now: string): Promise<void>;
  /** Records that the attempt's dial job is sent again; false once the attempt is placed or closed. */
  markDialJobResent(campaigncallId: string, now: string): Promise<boolean>;
  /**
   * dialing → progressing; false when it was not dialing, or when `seen` (the digest of the provider
   * request reporting it) is among the attempt's already.
   */
  answer(call: EngineCampaigncall, now: string, seen?: string): Promise<boolean>;
  /**
   * Closes an attempt once: the first terminal event wins, later ones change nothing (they do make
   * the writes that follow a close, when a crash cut them short). `seen` as for `answer`.
   */
  finish(call: EngineCampaigncall, outcome: Finish, now: string, seen?: string): Promise<FinishResult>;
  /**
   * A closed attempt whose close a crash cut short gets the writes that follow it (target, line,
   * shard); nothing is written when they were all made.
   */
  settleClosed(call: EngineCampaigncall): Promise<void>;
  /** Remembers a provider request on its attempt; false when it was already (a replay). */
  markSeen(campaigncallId: string, seen: string): Promise<boolean>;
  /** Forgets a provider request whose handling failed, so the provider's retry is accepted. */
  forgetSeen(campaigncallId: string, seen: string): Promise<void>;
  /** Keeps the opt-out key pressed during the attempt's call; a later press keeps the first. */
  recordOptOut(campaigncallId: string, optOut: OptOutRecord): Promise<void>;
  /**
   * Open attempts of a campaign created before `before`, oldest first, from its runtime shards (as
   * read with the lease when `_runtime` is given). Closed attempts met on the way whose close a crash
   * cut short are settled (see settleClosed) and left out; a claimed attempt never written (its
   * claimer died) is written from the copy its line holds.
   */
  openAttempts(
    campaign: Pick<EngineCampaign, 'id' | '_runtime'> & { customer_id?: string },
    before: string,
    limit: number,
  ): Promise<EngineCampaigncall[]>;
}

/** Answered calls waiting in a queue, and the agents who take them. */
export interface CallQueueStore {
  /**
   * Offers an answered call to the first available agent serving the queue: in one transaction the
   * agent goes available → busy (leaving the available index) and the call records the agent.
   */
  assignAgent(
    call: EngineCampaigncall,
    queueTagIds: readonly string[],
    now: string,
  ): Promise<string | undefined>;
  /** Puts an answered call in its queue's waiting line; false when it was not put there now. */
  waitInQueue(call: EngineCampaigncall, now: string): Promise<boolean>;
  /**
   * Abandons a caller still waiting with no agent: the call records `_abandon_at` and leaves the
   * waiting line, so no agent can take it any more. False when an agent took it first, or the call
   * ended or was abandoned already.
   */
  markAbandoned(campaigncallId: string, now: string): Promise<boolean>;
  /** Answered calls of a queue still waiting for an agent, oldest first. */
  waitingCallers(queueId: string, limit: number): Promise<EngineCampaigncall[]>;
  /**
   * The agent of a finished call is available again, or in wrap-up until `wrapUpUntil` (only if still
   * busy with that call, so a replayed close changes nothing). True when it was released now.
   */
  releaseAgent(
    customerId: string,
    agentId: string,
    campaigncallId: string,
    now: string,
    wrapUpUntil?: string,
  ): Promise<boolean>;
  /**
   * Makes the customer's agents whose wrap-up has ended by `now` available again; counts, among the
   * agents serving a queue with these tags, those it freed and those still in wrap-up.
   */
  endWrapUps(customerId: string, queueTagIds: readonly string[], now: string): Promise<WrapUps>;
  /**
   * Makes one agent available whose wrap-up ending at `until` is over: only that same wrap-up (an
   * agent set to another status meanwhile, or wrapping up a later call, is left alone). True when it
   * ended now.
   */
  endWrapUp(customerId: string, agentId: string, until: string, now: string): Promise<boolean>;
}

export interface WrapUps {
  ended: number;
  wrappingUp: number;
}

/** Persistence the dialing engine needs, in the sections above and below. */
export interface EngineStore
  extends EngineTickStore,
    DueTargetStore,
    AttemptStore,
    CallQueueStore,
    HeldWakeStore {}

/**
 * A campaign's pass over the targets held outside their hours after its hours (or its customer's)
 * changed: a page per tick, resumed from `cursor`, until `done` (see wake-held.ts).
 */
export interface WakePass {
  /** The change of hours this pass is for: targets held before it are looked at again. */
  at: string;
  /** Where the next page starts (the store's own, opaque to the tick). */
  cursor: readonly (string | null)[];
  done: boolean;
  /** Pages read so far: also what a save of the next one expects, so two ticks never both advance it. */
  pages: number;
}

/** An idle target waiting among the retries after the tick's cutoff, as the retry index holds it. */
export interface FutureRetry {
  target: EngineTarget;
  /** Its sort key there (`<time>#<id>`), which a move expects unchanged. */
  sortKey: string;
  /** The time of that key: when the target is due, less the try interval. */
  sortTime: string;
}

/** The held targets' side of an hours change: reading the future retries a page at a time, waking some. */
export interface HeldWakeStore {
  /**
   * A page of the list's retries sorted after `after` (not due yet), from `cursor` on (undefined:
   * from the start), at most `limit` per retry shard; `done` once every shard has been read to its end.
   */
  futureRetries(
    outdialId: string,
    s: { after: string; cursor: WakePass['cursor'] | undefined; limit: number },
  ): Promise<{ retries: FutureRetry[]; cursor: WakePass['cursor']; done: boolean }>;
  /**
   * Moves a held target earlier among the retries: only if it is still idle at `sortKey`, held outside
   * hours since before `changedAt`. Now sorted at `dueAt`, showing `hold` (removed when null). False
   * when it was not (moved on, woken already, or held for another reason).
   */
  wakeHeld(s: {
    target: EngineTarget;
    sortKey: string;
    changedAt: string;
    dueAt: string;
    hold: StoredHold | null;
  }): Promise<boolean>;
  /** Records the pass after a page (only over `previous`, as read with the lease); false if it moved on. */
  saveWakePass(campaignId: string, pass: WakePass, previous: WakePass | undefined): Promise<boolean>;
}
