/**
 * The engine's attempts-and-lines section: an attempt from its claim to its close, the destination's
 * line it holds meanwhile, the dialer's placement guard, and the provider requests it has accepted.
 * The request builders (attempt-requests.ts) say which writes commit and which follow.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Address } from '#domain/address.ts';
import type { Campaigncall, OptOutRecord } from '#domain/campaigncall.ts';
import { type ContactLimits, nextAllowedMs } from '#domain/contact-policy.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type { ComplianceRecord, HoldReason } from '#domain/holds.ts';
import type { OpenAttempt } from '#domain/runtime-shards.ts';
import { formatTimestamp } from '#domain/time.ts';
import type {
  AttemptStore,
  CappedClaim,
  ClaimLimit,
  ClaimResult,
  EngineCampaign,
  EngineCampaigncall,
  EngineTarget,
  Finish,
  FinishResult,
  PersonsRead,
} from '#ports/engine-store.ts';
import {
  abandonedPerson,
  answerCallUpdate,
  answerShardUpdate,
  attemptAttributes,
  attemptItem,
  claimSteps,
  closeCallUpdate,
  closeShardUpdate,
  forgetSeenUpdate,
  freeLineUpdate,
  legacyAnswerSteps,
  legacyFinishSteps,
  legacyOpenAttemptsQueries,
  lineGet,
  markSeenUpdate,
  openAttemptPut,
  reachedPerson,
  releaseTargetUpdate,
  type ShardCloseCase,
  type TargetAfter,
  targetAfter,
  targetAfterClose,
} from './attempt-requests.ts';
import { batchGetInOrder } from './batch-get.ts';
import { destinationOf, readRuntime, runtimeShardOf } from './campaign-runtime.ts';
import { expandCampaigncall } from './campaigncall-item.ts';
import { unlessRefused } from './conditional-write.ts';
import { getEngineItem, readPages } from './engine-reads.ts';
import { holdTargetSteps, skipSuppressedSteps } from './hold-requests.ts';
import { idOfTimeSortKey, lineKey, runtimeShardKey } from './keys.ts';
import { recordOptOutUpdate } from './opt-out-requests.ts';
import {
  type ClaimGuard,
  countAtPlacementUpdate,
  personRefusal,
  recentSince,
  suppressedAt,
} from './person-requests.ts';
import {
  markCancelledUpdate,
  markDialJobResentUpdate,
  markPlacementUnknownUpdate,
  placementGuardGet,
  recordPlacementUpdate,
  resetPlacementDelete,
  startPlacementPut,
} from './placement-requests.ts';
import { runSteps, runStepsReadingRefusal } from './transactions.ts';

const DAY_MS = 86_400_000;

/** What the claim records of its checks on the attempt (see ComplianceRecord). */
const complianceOf = (contact: ContactLimits, guard: ClaimGuard): ComplianceRecord => ({
  suppressed: false,
  policy:
    contact.cap || contact.restMs !== undefined
      ? {
          max_attempts: contact.cap?.max ?? null,
          per_days: contact.cap ? contact.cap.windowMs / DAY_MS : null,
          rest_after_contact_days: contact.restMs !== undefined ? contact.restMs / DAY_MS : null,
        }
      : null,
  attempts_in_window: guard.cap ? guard.cap.recent.length + 1 : null,
  callee: null,
});

/** When the person may be called again under the policy, from the person item; undefined: now. */
const nextAllowed = (person: Record<string, unknown> | undefined, contact: ContactLimits, nowMs: number) =>
  nextAllowedMs(
    contact,
    ((person?._recent as string[] | undefined) ?? []).map((t) => Date.parse(t)),
    typeof person?._contact_at === 'string' ? Date.parse(person._contact_at) : undefined,
    nowMs,
    typeof person?._abandoned_at === 'string' ? Date.parse(person._abandoned_at) : undefined,
  );

/** Which person of readPersons' answer a destination is (one customer's: the read is per customer). */
const personRef = (d: { type: string; target: string }) => `${d.type}:${d.target}`;

/** How often a finish reads the attempt again when its status changed between the read and the write. */
const FINISH_READS = 5;

export class DynamoAttemptStore implements AttemptStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(
    campaign: EngineCampaign,
    target: EngineTarget,
    choice: DestinationChoice,
    call: Campaigncall,
    limit: ClaimLimit,
    contact: ContactLimits = {},
    persons?: PersonsRead,
  ): Promise<ClaimResult> {
    // Attempts the shard still counts the old way take their part of its share (that number only falls).
    const legacy = campaign._runtime?.find((s) => s.shard === limit.shard)?.legacy;
    const counted = limit.counter === '_dialing' ? legacy?.dialing : legacy?.inflight;
    if (limit.below - (counted ?? 0) <= 0) return 'campaign-refused';
    const guard = await this.claimGuard(call, contact, persons);
    if ('held' in guard) return guard;
    // The tick records what its calling-hours check saw; the claim adds what its own checks see.
    call = {
      ...call,
      compliance: { ...complianceOf(contact, guard), callee: call.compliance?.callee ?? null },
    };
    const refusal = await runStepsReadingRefusal(
      this.ddb,
      claimSteps(this.tableName, campaign.id, target, choice, call, limit, counted ?? 0, guard),
    );
    if (refusal?.refused === 'person') {
      const why = personRefusal(refusal.current, guard);
      return why === 'capped'
        ? { held: 'capped', until: this.heldUntil(refusal.current, contact, call) }
        : why;
    }
    if (refusal) return refusal.refused;
    // Refused: the sweeper wrote it already from the line's copy (this tick stalled past a deadline).
    await unlessRefused(
      this.ddb.send(
        new PutCommand(openAttemptPut(this.tableName, attemptItem(attemptAttributes(call, limit.shard)))),
      ),
    );
    return 'claimed';
  }

  /**
   * The person items of `destinations`, read consistently in batches of 100, for the claims that follow
   * (a person the read did not find is recorded as absent, so its claim does not read it again). Only
   * a cap needs the history before the write; without one nothing is read.
   */
  async readPersons(
    customerId: string,
    destinations: readonly Address[],
    contact: ContactLimits,
  ): Promise<PersonsRead> {
    const persons = new Map<string, Record<string, unknown> | undefined>();
    if (!contact.cap || destinations.length === 0) return persons;
    const keys = new Map(destinations.map((d) => [personRef(d), lineKey(customerId, d)]));
    const items = await batchGetInOrder(this.ddb, this.tableName, [...keys.values()], { consistent: true });
    const byPk = new Map(items.map((item) => [String(item.pk), item]));
    for (const [ref, key] of keys) persons.set(ref, byPk.get(key.pk));
    return persons;
  }

  /**
   * What the claim's write to the person item checks. With a cap, the person's history as read ahead
   * (readPersons), or else read here (one consistent read; without a cap the claim reads nothing more
   * than before): a person at the cap is held without writing, and otherwise the write lands only on
   * the history as read, so a read that is stale by the time of the write only refuses the claim.
   */
  private async claimGuard(
    call: Campaigncall,
    contact: ContactLimits,
    persons?: PersonsRead,
  ): Promise<ClaimGuard | CappedClaim> {
    const nowMs = Date.parse(call.tm_create);
    const guard: ClaimGuard = {
      now: call.tm_create,
      ...(contact.restMs !== undefined ? { restSince: formatTimestamp(nowMs - contact.restMs) } : {}),
      ...(contact.abandonRestMs !== undefined
        ? { abandonSince: formatTimestamp(nowMs - contact.abandonRestMs) }
        : {}),
    };
    if (!contact.cap) return guard;
    const ref = personRef(call.destination);
    const person = persons?.has(ref)
      ? (persons.get(ref) as Record<string, unknown> | undefined)
      : (await this.ddb.send(new GetCommand(lineGet(this.tableName, call.customer_id, call.destination))))
          .Item;
    // A person on a call or suppressed is refused by the write itself, which names why.
    const until =
      person?._open_cc === undefined && !suppressedAt(person, call.tm_create)
        ? nextAllowed(person, contact, nowMs)
        : undefined;
    if (until !== undefined) return { held: 'capped', until: formatTimestamp(until) };
    // Under the cap, so fewer than `max` claims are in the window: with this one the history holds at
    // most `max`, all the cap ever needs.
    const recent = recentSince(person, formatTimestamp(nowMs - contact.cap.windowMs));
    return { ...guard, cap: { version: typeof person?._v === 'number' ? person._v : undefined, recent } };
  }

  /** When a person refused as capped may be called again (at least a moment from now). */
  private heldUntil(person: Record<string, unknown> | undefined, contact: ContactLimits, call: Campaigncall) {
    const nowMs = Date.parse(call.tm_create);
    return formatTimestamp(nextAllowed(person, contact, nowMs) ?? nowMs + 1000);
  }

  async skipSuppressed(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    last: boolean,
    now: string,
  ): Promise<boolean> {
    const refusal = await runSteps(
      this.ddb,
      skipSuppressedSteps(this.tableName, campaignId, shard, target, choice, last, now),
    );
    return refusal === undefined;
  }

  async holdTarget(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    hold: { reason: HoldReason; until: string },
    tryIntervalMs: number,
    now: string,
  ): Promise<boolean> {
    const dueFrom = formatTimestamp(Date.parse(hold.until) - tryIntervalMs);
    const refusal = await runSteps(
      this.ddb,
      holdTargetSteps(this.tableName, campaignId, shard, target, choice, hold, dueFrom, now),
    );
    return refusal === undefined;
  }

  async isSuppressed(customerId: string, destination: { type: string; target: string }, now: string) {
    const out = await this.ddb.send(new GetCommand(lineGet(this.tableName, customerId, destination)));
    return suppressedAt(out.Item, now);
  }

  /**
   * A claim committed but its attempt never written (the claimer died between them): the attempt is
   * written from the copy its line holds. Undefined when the line holds no copy of it.
   */
  private async restoreFromLine(customerId: string, open: OpenAttempt) {
    const out = await this.ddb.send(new GetCommand(lineGet(this.tableName, customerId, destinationOf(open))));
    const copy = out.Item?._open_cc === open.id ? (out.Item._attempt as Record<string, unknown>) : undefined;
    if (!copy) return undefined;
    await unlessRefused(this.ddb.send(new PutCommand(openAttemptPut(this.tableName, attemptItem(copy)))));
    return this.getCampaigncall(open.id);
  }

  getTarget(id: string) {
    return getEngineItem<EngineTarget>(this.ddb, this.tableName, 'outdialtarget', id);
  }

  async getCampaigncall(id: string) {
    const item = await getEngineItem<Record<string, unknown>>(this.ddb, this.tableName, 'campaigncall', id);
    return item ? expandCampaigncall(item) : undefined;
  }

  async startPlacement(campaigncallId: string): Promise<boolean> {
    const out = await unlessRefused(
      this.ddb.send(new PutCommand(startPlacementPut(this.tableName, campaigncallId))),
    );
    return out !== undefined;
  }

  async recordPlacement(campaigncallId: string, callId: string, now: string) {
    await this.ddb.send(
      new UpdateCommand(recordPlacementUpdate(this.tableName, campaigncallId, callId, now)),
    );
  }

  async countAtPlacement(call: Campaigncall, placedAt: string) {
    // The claim counted the attempt only under a cap, and recorded the history's size with it.
    const counted = call.compliance?.attempts_in_window;
    if (typeof counted !== 'number' || counted < 1) return;
    await unlessRefused(
      this.ddb.send(
        new UpdateCommand(
          countAtPlacementUpdate(
            this.tableName,
            lineKey(call.customer_id, call.destination),
            counted - 1,
            call.tm_create,
            placedAt,
          ),
        ),
      ),
    );
  }

  async resetPlacement(campaigncallId: string) {
    await this.ddb.send(new DeleteCommand(resetPlacementDelete(this.tableName, campaigncallId)));
  }

  async markPlacementUnknown(campaigncallId: string) {
    await this.ddb.send(new UpdateCommand(markPlacementUnknownUpdate(this.tableName, campaigncallId)));
  }

  async placementState(campaigncallId: string) {
    const out = await this.ddb.send(new GetCommand(placementGuardGet(this.tableName, campaigncallId)));
    const state = out.Item?.state;
    return state === 'placing' || state === 'unknown' ? state : undefined;
  }

  async markCancelled(campaigncallId: string, now: string) {
    // Refused: the attempt is closed already, and there is nothing to hang up.
    await unlessRefused(
      this.ddb.send(new UpdateCommand(markCancelledUpdate(this.tableName, campaigncallId, now))),
    );
  }

  async markDialJobResent(campaigncallId: string, now: string) {
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(markDialJobResentUpdate(this.tableName, campaigncallId, now))),
    );
    return out !== undefined;
  }

  async answer(call: EngineCampaigncall, now: string, seen?: string): Promise<boolean> {
    if (!call._tracked) {
      return (await runSteps(this.ddb, legacyAnswerSteps(this.tableName, call, now, seen))) === undefined;
    }
    const answered = await unlessRefused(
      this.ddb.send(new UpdateCommand(answerCallUpdate(this.tableName, call, now, seen))),
    );
    if (!answered) return false;
    // Refused: the close of this attempt, or a repair, counted the answer already.
    await unlessRefused(this.ddb.send(new UpdateCommand(answerShardUpdate(this.tableName, call))));
    return true;
  }

  async finish(call: EngineCampaigncall, outcome: Finish, now: string, seen?: string): Promise<FinishResult> {
    let current: EngineCampaigncall | undefined = call;
    const include = { target: true, line: true };
    // The status read decides which counts move; if it changed meanwhile, read again and retry.
    for (let attempt = 0; attempt < FINISH_READS && current; attempt++) {
      if (current.status === 'done') {
        // Closed by another event (or this one, before a crash): make the writes that follow it.
        await this.settleClosed(current);
        return 'already-done';
      }
      if (!current._tracked) {
        const refusal = await runSteps(
          this.ddb,
          legacyFinishSteps(this.tableName, current, outcome, now, include, seen),
        );
        if (refusal === undefined) return 'finished';
        // The target no longer points at this attempt (freed by the sweeper): close the attempt alone.
        if (refusal === 'target-moved') include.target = false;
        // The line is another attempt's: this one was opened before lines existed, and holds none.
        else if (refusal === 'line-elsewhere') include.line = false;
      } else {
        const closed = await unlessRefused(
          this.ddb.send(new UpdateCommand(closeCallUpdate(this.tableName, current, outcome, now, seen))),
        );
        if (closed) {
          await this.afterClose(current, current.status, { ...outcome, target: targetAfter(outcome) }, now);
          return 'finished';
        }
      }
      current = await this.getCampaigncall(call.id);
    }
    return current ? 'already-done' : 'missing';
  }

  /**
   * The writes that follow a close, in an order that keeps the shard's open member last: while it is
   * there, the sweeper (and a repeated callback) knows the close may be unfinished, and the campaign
   * counts the attempt as in flight, so a stop still waits for it. The target and the line are freed
   * together: after a crash between the two, either the target waits (still progressing, so nobody
   * claims it) or the person's line stays held by the closed attempt (the target's next claim is
   * refused as `line-busy`) until the repair; nobody is called twice either way.
   */
  private async afterClose(
    call: EngineCampaigncall,
    closedFrom: string,
    outcome: Pick<Finish, 'result' | 'reason' | 'hold'> & { target: TargetAfter },
    now: string,
    answerPending?: boolean,
  ) {
    const suppressed = outcome.reason === 'suppressed';
    const contactAt = reachedPerson(closedFrom, outcome.reason) ? now : undefined;
    const abandonedAt = abandonedPerson(closedFrom, outcome.reason) ? now : undefined;
    await Promise.all([
      // Refused: released already (a repair that ran meanwhile), or the target moved on.
      unlessRefused(
        this.ddb.send(
          new UpdateCommand(
            releaseTargetUpdate(this.tableName, call, outcome.target, now, suppressed, outcome.hold),
          ),
        ),
      ),
      // Refused: another attempt holds the line now (or none: freed already).
      unlessRefused(
        this.ddb.send(new UpdateCommand(freeLineUpdate(this.tableName, call, contactAt, abandonedAt))),
      ),
    ]);
    const shardCase: ShardCloseCase =
      closedFrom === 'dialing' ? 'rang' : answerPending ? 'answer-pending' : 'answered';
    const moved = await unlessRefused(
      this.ddb.send(new UpdateCommand(closeShardUpdate(this.tableName, call, outcome, shardCase))),
    );
    if (moved || shardCase !== 'answered') return;
    // Refused: moved already, or the answer's own shard write has not been made yet (a crash, or the
    // answer's callback still running): read the shard and count the answer here if it is still
    // ringing. The two writes race only with each other, and both are conditioned on ringing.
    for (let attempt = 0; attempt < 3; attempt++) {
      const shard = await this.readShard(call);
      if (!shard.open?.some((o) => o.id === call.id)) return;
      const found: ShardCloseCase = shard.ringing?.includes(call.id) ? 'answer-pending' : 'answered';
      const done = await unlessRefused(
        this.ddb.send(new UpdateCommand(closeShardUpdate(this.tableName, call, outcome, found))),
      );
      if (done) return;
    }
  }

  private async readShard(call: EngineCampaigncall) {
    const shard = call._shard ?? 0;
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: runtimeShardKey(call.campaign_id, shard),
        ConsistentRead: true,
      }),
    );
    return runtimeShardOf(shard, out.Item);
  }

  async settleClosed(call: EngineCampaigncall): Promise<void> {
    if (call.status !== 'done' || !call._tracked) return;
    // Read first: a close whose writes were all made (nearly always) costs a read, not a refused write.
    const shard = await this.readShard(call);
    if (!shard.open?.some((o) => o.id === call.id)) return;
    await this.repairClose(call, shard.ringing?.includes(call.id) ?? false);
  }

  /** A closed attempt still among its shard's open ones: make the writes its close did not get to. */
  private async repairClose(call: EngineCampaigncall, ringing: boolean) {
    const target = targetAfterClose(call);
    const closedFrom = call._answered ? 'progressing' : 'dialing';
    await this.afterClose(
      call,
      closedFrom,
      {
        result: call.result === 'success' ? 'success' : 'fail',
        reason: call._reason ?? 'failed',
        target,
        ...(call._held ? { hold: call._held } : {}),
      },
      call.tm_update ?? call.tm_create,
      closedFrom === 'progressing' && ringing,
    );
  }

  async markSeen(campaigncallId: string, seen: string): Promise<boolean> {
    const out = await unlessRefused(
      this.ddb.send(new UpdateCommand(markSeenUpdate(this.tableName, campaigncallId, seen))),
    );
    return out !== undefined;
  }

  async recordOptOut(campaigncallId: string, optOut: OptOutRecord): Promise<void> {
    await this.ddb.send(new UpdateCommand(recordOptOutUpdate(this.tableName, campaigncallId, optOut)));
  }

  async forgetSeen(campaigncallId: string, seen: string): Promise<void> {
    await unlessRefused(
      this.ddb.send(new UpdateCommand(forgetSeenUpdate(this.tableName, campaigncallId, seen))),
    );
  }

  async openAttempts(
    campaign: Pick<EngineCampaign, 'id' | '_runtime'> & { customer_id?: string },
    before: string,
    limit: number,
  ): Promise<EngineCampaigncall[]> {
    const runtime = campaign._runtime ?? (await readRuntime(this.ddb, this.tableName, campaign.id));
    const beforeMs = Date.parse(before);
    // The shards' open members, oldest first: the tick has read them already.
    const members = runtime
      .flatMap((s) => (s.open ?? []).map((o) => ({ ...o, ringing: s.ringing?.includes(o.id) ?? false })))
      .filter((o) => o.claimedAtMs < beforeMs)
      .sort((a, b) => a.claimedAtMs - b.claimedAtMs)
      .slice(0, limit);
    const tracked = await Promise.all(
      members.map(async (m) => {
        let call = await this.getCampaigncall(m.id);
        // Claimed, but the claimer died before writing it: write it from its line's copy (its dial
        // job is then sent again, as for any attempt whose job went missing).
        if (!call) {
          const customerId =
            campaign.customer_id ??
            (await getEngineItem<EngineCampaign>(this.ddb, this.tableName, 'campaign', campaign.id))
              ?.customer_id;
          if (customerId) call = await this.restoreFromLine(customerId, m);
        }
        // Closed, but its close was cut short: finish it now (it is no longer open).
        if (call?.status === 'done') {
          await this.repairClose(call, m.ringing);
          return undefined;
        }
        // Answered, but its shard still has it ringing (the answer's second write was lost).
        if (call?.status === 'progressing' && m.ringing) {
          await unlessRefused(this.ddb.send(new UpdateCommand(answerShardUpdate(this.tableName, call))));
        }
        return call;
      }),
    );
    const legacy = runtime.some((s) => (s.legacy?.inflight ?? 0) > 0)
      ? await this.legacyOpenAttempts(campaign.id, before, limit)
      : [];
    return [...tracked, ...legacy]
      .filter((c): c is EngineCampaigncall => c !== undefined && c.status !== 'done')
      .sort((a, b) => a.tm_create.localeCompare(b.tm_create))
      .slice(0, limit);
  }

  /** Attempts opened before shards held them: listed by their line items (byState). */
  private async legacyOpenAttempts(campaignId: string, before: string, limit: number) {
    // byState copies keys only; stale attempts are few, so each is read whole.
    const keys = (
      await readPages(this.ddb, legacyOpenAttemptsQueries(this.tableName, campaignId, before, limit))
    )
      .sort((a, b) => String(a.gsi4sk).localeCompare(String(b.gsi4sk)))
      .slice(0, limit);
    return Promise.all(keys.map((k) => this.getCampaigncall(idOfTimeSortKey(String(k.gsi4sk)))));
  }
}
