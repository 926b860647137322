/**
 * The engine's store: its port's four sections over one table, each in its own module with its
 * requests built by pure functions (tick-, due-target-, attempt- and call-queue-requests.ts).
 */

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Address } from '#domain/address.ts';
import type { Campaigncall, OptOutRecord } from '#domain/campaigncall.ts';
import type { ContactLimits } from '#domain/contact-policy.ts';
import type { TickDecision } from '#domain/diagnosis.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type { HoldReason } from '#domain/holds.ts';
import type {
  ClaimLimit,
  DueTargetStore,
  EngineCampaign,
  EngineCampaigncall,
  EngineStore,
  EngineTarget,
  Finish,
  HeldWakeStore,
  PersonsRead,
  WakePass,
} from '#ports/engine-store.ts';
import { DynamoAttemptStore } from './attempt-store.ts';
import { DynamoCallQueueStore } from './call-queue-store.ts';
import { DynamoDueTargetStore } from './due-target-store.ts';
import { DynamoHeldWakeStore } from './held-wake-store.ts';
import { DynamoTickStore } from './tick-store.ts';

export class DynamoEngineStore implements EngineStore {
  private readonly tick: DynamoTickStore;
  private readonly due: DynamoDueTargetStore;
  private readonly attempts: DynamoAttemptStore;
  private readonly queue: DynamoCallQueueStore;
  private readonly wake: DynamoHeldWakeStore;

  constructor(ddb: DynamoDBDocumentClient, tableName: string) {
    this.tick = new DynamoTickStore(ddb, tableName);
    this.due = new DynamoDueTargetStore(ddb, tableName);
    this.attempts = new DynamoAttemptStore(ddb, tableName);
    this.queue = new DynamoCallQueueStore(ddb, tableName);
    this.wake = new DynamoHeldWakeStore(ddb, tableName);
  }

  // --- lease & tick ------------------------------------------------------------------------------

  activeCampaignIds() {
    return this.tick.activeCampaignIds();
  }
  acquireLease(campaignId: string, owner: string, nowMs: number, leaseMs: number) {
    return this.tick.acquireLease(campaignId, owner, nowMs, leaseMs);
  }
  releaseLease(campaignId: string, owner: string, sweepFrom?: string, decision?: TickDecision) {
    return this.tick.releaseLease(campaignId, owner, sweepFrom, decision);
  }
  recordDecision(campaignId: string, decision: TickDecision) {
    return this.tick.recordDecision(campaignId, decision);
  }
  readCampaigns(ids: readonly string[]) {
    return this.tick.readCampaigns(ids);
  }
  readOutplans(ids: readonly string[]) {
    return this.tick.readOutplans(ids);
  }
  readFirstShards(wanted: readonly { campaignId: string; first: number }[]) {
    return this.tick.readFirstShards(wanted);
  }
  oldestOpenAttempt(campaignId: string) {
    return this.tick.oldestOpenAttempt(campaignId);
  }
  withRuntime(campaign: EngineCampaign) {
    return this.tick.withRuntime(campaign);
  }
  restoreRuntime(campaign: EngineCampaign) {
    return this.tick.restoreRuntime(campaign);
  }
  getCampaign(id: string) {
    return this.tick.getCampaign(id);
  }
  getOutplan(id: string) {
    return this.tick.getOutplan(id);
  }
  getQueue(id: string) {
    return this.tick.getQueue(id);
  }
  markExhaustedReviewed(campaignId: string, dialInfoAt: string) {
    return this.tick.markExhaustedReviewed(campaignId, dialInfoAt);
  }
  stopWhenIdle(campaign: Pick<EngineCampaign, 'id' | 'customer_id'>, from: 'run' | 'stopping', now: string) {
    return this.tick.stopWhenIdle(campaign, from, now);
  }

  // --- due targets -------------------------------------------------------------------------------

  dueTargets(outdialId: string, retryCutoff: string, limit: number) {
    return this.due.dueTargets(outdialId, retryCutoff, limit);
  }
  idleTargetsLeft(outdialId: string) {
    return this.due.idleTargetsLeft(outdialId);
  }
  hasIdleTargets(outdialId: string) {
    return this.due.hasIdleTargets(outdialId);
  }
  exhaustedTargets(outdialId: string, parkedBefore: string, limit: number) {
    return this.due.exhaustedTargets(outdialId, parkedBefore, limit);
  }
  reviveExhausted(target: EngineTarget, lastActivity: string) {
    return this.due.reviveExhausted(target, lastActivity);
  }
  deferBusy(target: EngineTarget, now: string) {
    return this.due.deferBusy(target, now);
  }
  parkExhausted(target: EngineTarget, now: string) {
    return this.due.parkExhausted(target, now);
  }
  holdOutsideHours(s: Parameters<DueTargetStore['holdOutsideHours']>[0]) {
    return this.due.holdOutsideHours(s);
  }

  // --- attempts & lines --------------------------------------------------------------------------

  claim(
    campaign: EngineCampaign,
    target: EngineTarget,
    choice: DestinationChoice,
    call: Campaigncall,
    limit: ClaimLimit,
    contact?: ContactLimits,
    persons?: PersonsRead,
  ) {
    return this.attempts.claim(campaign, target, choice, call, limit, contact, persons);
  }
  readPersons(customerId: string, destinations: readonly Address[], contact: ContactLimits) {
    return this.attempts.readPersons(customerId, destinations, contact);
  }
  skipSuppressed(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    last: boolean,
    now: string,
  ) {
    return this.attempts.skipSuppressed(campaignId, shard, target, choice, last, now);
  }
  holdTarget(
    campaignId: string,
    shard: number,
    target: EngineTarget,
    choice: DestinationChoice,
    hold: { reason: HoldReason; until: string },
    tryIntervalMs: number,
    now: string,
  ) {
    return this.attempts.holdTarget(campaignId, shard, target, choice, hold, tryIntervalMs, now);
  }
  isSuppressed(customerId: string, destination: { type: string; target: string }, now: string) {
    return this.attempts.isSuppressed(customerId, destination, now);
  }
  getCampaigncall(id: string) {
    return this.attempts.getCampaigncall(id);
  }
  getTarget(id: string) {
    return this.attempts.getTarget(id);
  }
  startPlacement(campaigncallId: string) {
    return this.attempts.startPlacement(campaigncallId);
  }
  recordPlacement(campaigncallId: string, callId: string, now: string) {
    return this.attempts.recordPlacement(campaigncallId, callId, now);
  }

  countAtPlacement(call: EngineCampaigncall, placedAt: string) {
    return this.attempts.countAtPlacement(call, placedAt);
  }
  resetPlacement(campaigncallId: string) {
    return this.attempts.resetPlacement(campaigncallId);
  }
  markPlacementUnknown(campaigncallId: string) {
    return this.attempts.markPlacementUnknown(campaigncallId);
  }
  placementState(campaigncallId: string) {
    return this.attempts.placementState(campaigncallId);
  }
  markCancelled(campaigncallId: string, now: string) {
    return this.attempts.markCancelled(campaigncallId, now);
  }
  markDialJobResent(campaigncallId: string, now: string) {
    return this.attempts.markDialJobResent(campaigncallId, now);
  }
  answer(call: EngineCampaigncall, now: string, seen?: string) {
    return this.attempts.answer(call, now, seen);
  }
  finish(call: EngineCampaigncall, outcome: Finish, now: string, seen?: string) {
    return this.attempts.finish(call, outcome, now, seen);
  }
  settleClosed(call: EngineCampaigncall) {
    return this.attempts.settleClosed(call);
  }
  markSeen(campaigncallId: string, seen: string) {
    return this.attempts.markSeen(campaigncallId, seen);
  }
  forgetSeen(campaigncallId: string, seen: string) {
    return this.attempts.forgetSeen(campaigncallId, seen);
  }
  recordOptOut(campaigncallId: string, optOut: OptOutRecord) {
    return this.attempts.recordOptOut(campaigncallId, optOut);
  }
  openAttempts(
    campaign: Pick<EngineCampaign, 'id' | '_runtime'> & { customer_id?: string },
    before: string,
    limit: number,
  ) {
    return this.attempts.openAttempts(campaign, before, limit);
  }

  // --- queue & agents ----------------------------------------------------------------------------

  assignAgent(call: EngineCampaigncall, queueTagIds: readonly string[], now: string) {
    return this.queue.assignAgent(call, queueTagIds, now);
  }
  waitInQueue(call: EngineCampaigncall, now: string) {
    return this.queue.waitInQueue(call, now);
  }
  markAbandoned(campaigncallId: string, now: string) {
    return this.queue.markAbandoned(campaigncallId, now);
  }
  waitingCallers(queueId: string, limit: number) {
    return this.queue.waitingCallers(queueId, limit);
  }
  releaseAgent(
    customerId: string,
    agentId: string,
    campaigncallId: string,
    now: string,
    wrapUpUntil?: string,
  ) {
    return this.queue.releaseAgent(customerId, agentId, campaigncallId, now, wrapUpUntil);
  }
  endWrapUps(customerId: string, queueTagIds: readonly string[], now: string) {
    return this.queue.endWrapUps(customerId, queueTagIds, now);
  }
  endWrapUp(customerId: string, agentId: string, until: string, now: string) {
    return this.queue.endWrapUp(customerId, agentId, until, now);
  }

  // --- held targets after an hours change --------------------------------------------------------

  futureRetries(outdialId: string, s: Parameters<HeldWakeStore['futureRetries']>[1]) {
    return this.wake.futureRetries(outdialId, s);
  }
  wakeHeld(s: Parameters<HeldWakeStore['wakeHeld']>[0]) {
    return this.wake.wakeHeld(s);
  }
  saveWakePass(campaignId: string, pass: WakePass, previous: WakePass | undefined) {
    return this.wake.saveWakePass(campaignId, pass, previous);
  }
}
