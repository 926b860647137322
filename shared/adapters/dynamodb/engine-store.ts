import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import { NIL_UUID } from '#domain/ids.ts';
import type { Outplan } from '#domain/outplan.ts';
import type { Queue } from '#domain/queue.ts';
import { totalCounters } from '#domain/runtime-shards.ts';
import type {
  ClaimLimit,
  ClaimResult,
  EngineCampaign,
  EngineCampaigncall,
  EngineStore,
  EngineTarget,
  Finish,
  FinishResult,
} from '#ports/engine-store.ts';
import { availableAgentsServing } from './agent-store.ts';
import {
  answerCallUpdate,
  answerShardUpdate,
  claimShardUpdate,
  claimTargetUpdate,
  closeCallUpdate,
  finishShardUpdate,
  freeLineDelete,
  openAttemptPut,
  releaseTargetUpdate,
  takeLinePut,
} from './attempt-requests.ts';
import { missingShardPut, readRuntime, runtimeStatusItems } from './campaign-runtime.ts';
import { expandCampaigncall } from './campaigncall-item.ts';
import {
  ACTIVE_SHARDS,
  activeShardKey,
  availableAgentKeys,
  dueKeys,
  duePartitionKeys,
  itemKey,
  openAttemptsKey,
  placementGuardKey,
  waitingCallerKeys,
  waitingCallersKey,
} from './keys.ts';
import { fromItem } from './resource-store.ts';
import { type NamedStep, runSteps, TransactionRefused, transact } from './transactions.ts';

/** An open-attempt entry's sort key is `<tm_create>#<campaigncall id>`. */
const attemptIdOf = (sortKey: string) => sortKey.slice(sortKey.lastIndexOf('#') + 1);

const stopCampaignUpdate = (
  tableName: string,
  campaignId: string,
  from: 'run' | 'stopping',
  now: string,
) => ({
  TableName: tableName,
  Key: itemKey('campaign', campaignId),
  UpdateExpression: 'SET #status = :stop, tm_update = :now REMOVE gsi4pk, gsi4sk',
  ConditionExpression: '#status = :from',
  ExpressionAttributeNames: { '#status': 'status' },
  ExpressionAttributeValues: { ':stop': 'stop', ':from': from, ':now': now },
});

/** `~` sorts after every character of a uuid, so `<time>#~` bounds all items at exactly <time>. */
const upTo = (time: string) => `${time}#~`;

const isConditionFailure = (err: unknown) => err instanceof ConditionalCheckFailedException;

export class DynamoEngineStore implements EngineStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async activeCampaignIds(): Promise<string[]> {
    const shards = await Promise.all(
      Array.from({ length: ACTIVE_SHARDS }, (_, shard) =>
        this.queryAll('byState', 'gsi4pk', activeShardKey(shard), 'gsi4sk'),
      ),
    );
    // byState copies keys only: the campaign id is the sort key.
    return shards.flat().map((i) => String(i.gsi4sk));
  }

  async acquireLease(campaignId: string, owner: string, nowMs: number, leaseMs: number) {
    try {
      const out = await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaign', campaignId),
          UpdateExpression: 'SET #until = :until, #owner = :owner',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(#until) OR #until < :now)',
          ExpressionAttributeNames: { '#until': '_lease_until', '#owner': '_lease_owner' },
          ExpressionAttributeValues: { ':until': nowMs + leaseMs, ':owner': owner, ':now': nowMs },
          ReturnValues: 'ALL_NEW',
        }),
      );
      const campaign = fromItem(out.Attributes ?? {}) as unknown as EngineCampaign;
      return await this.withRuntime(campaign);
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
  }

  async withRuntime(campaign: EngineCampaign): Promise<EngineCampaign> {
    const runtime = await readRuntime(this.ddb, this.tableName, campaign.id);
    const totals = totalCounters(runtime);
    return {
      ...campaign,
      _runtime: runtime,
      _inflight: totals._inflight ?? 0,
      _dialing: totals._dialing ?? 0,
    };
  }

  async restoreRuntime(campaign: EngineCampaign): Promise<void> {
    for (const shard of campaign._runtime ?? []) {
      if (shard.status !== undefined) continue;
      try {
        await this.ddb.send(
          new PutCommand(
            missingShardPut(this.tableName, campaign.id, campaign.customer_id, shard.shard, campaign.status),
          ),
        );
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
      }
    }
  }

  async releaseLease(campaignId: string, owner: string) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaign', campaignId),
          UpdateExpression: 'REMOVE #until, #owner',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#until': '_lease_until', '#owner': '_lease_owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  getCampaign(id: string) {
    return this.getItem<EngineCampaign>('campaign', id);
  }
  getOutplan(id: string) {
    return this.getItem<Outplan>('outplan', id);
  }
  getQueue(id: string) {
    return this.getItem<Queue>('queue', id);
  }
  getTarget(id: string) {
    return this.getItem<EngineTarget>('outdialtarget', id);
  }
  async getCampaigncall(id: string) {
    const item = await this.getItem<Record<string, unknown>>('campaigncall', id);
    return item ? expandCampaigncall(item) : undefined;
  }

  async dueTargets(outdialId: string, retryCutoff: string, limit: number): Promise<EngineTarget[]> {
    const pages = await Promise.all([
      ...duePartitionKeys(outdialId, 'fresh').map((pk) => this.queryPage(pk, undefined, limit)),
      ...duePartitionKeys(outdialId, 'retry').map((pk) => this.queryPage(pk, upTo(retryCutoff), limit)),
    ]);
    // Oldest activity first across all of them (see docs/behaviour.md, Choosing a target and a destination): never-tried targets carry their creation time.
    return oldestFirst(pages.flat(), limit).map((i) => fromItem(i) as unknown as EngineTarget);
  }

  async hasIdleTargets(outdialId: string): Promise<boolean> {
    const pages = await Promise.all(
      [...duePartitionKeys(outdialId, 'fresh'), ...duePartitionKeys(outdialId, 'retry')].map((pk) =>
        this.queryPage(pk, undefined, 1, true),
      ),
    );
    return pages.some((p) => p.length > 0);
  }

  async exhaustedTargets(outdialId: string, parkedBefore: string, limit: number): Promise<EngineTarget[]> {
    const pages = await Promise.all(
      duePartitionKeys(outdialId, 'exhausted').map((pk) => this.queryPage(pk, `${parkedBefore}#`, limit)),
    );
    return oldestFirst(pages.flat(), limit).map((i) => fromItem(i) as unknown as EngineTarget);
  }

  reviveExhausted(target: EngineTarget, lastActivity: string) {
    // Only while still parked: one claimed or re-parked meanwhile is left alone.
    return this.moveIdleTarget(target, dueKeys(target.outdial_id, 'retry', lastActivity, target.id), {
      expression: 'gsi3pk = :parked',
      values: { ':parked': dueKeys(target.outdial_id, 'exhausted', lastActivity, target.id).gsi3pk },
    });
  }

  async markExhaustedReviewed(campaignId: string, dialInfoAt: string) {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey('campaign', campaignId),
        UpdateExpression: 'SET #reviewed = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#reviewed': '_exhausted_reviewed' },
        ExpressionAttributeValues: { ':at': dialInfoAt },
      }),
    );
  }

  deferBusy(target: EngineTarget, now: string) {
    return this.moveIdleTarget(target, dueKeys(target.outdial_id, 'retry', now, target.id));
  }

  parkExhausted(target: EngineTarget, now: string) {
    return this.moveIdleTarget(target, dueKeys(target.outdial_id, 'exhausted', now, target.id));
  }

  /** Moves a live idle target to another byDue partition; a refused condition means it moved on. */
  private async moveIdleTarget(
    target: EngineTarget,
    to: { gsi3pk: string; gsi3sk: string },
    also?: { expression: string; values: Record<string, unknown> },
  ) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('outdialtarget', target.id),
          UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk',
          ConditionExpression: `#status = :idle AND attribute_not_exists(tm_delete)${also ? ` AND ${also.expression}` : ''}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ...prefixed(to), ':idle': 'idle', ...also?.values },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async claim(
    campaign: EngineCampaign,
    target: EngineTarget,
    choice: DestinationChoice,
    call: Campaigncall,
    limit: ClaimLimit,
  ): Promise<ClaimResult> {
    const refusal = await runSteps<ClaimResult>(this.ddb, [
      { item: { Update: claimTargetUpdate(this.tableName, target, choice, call) }, refused: 'target-taken' },
      { item: { Put: openAttemptPut(this.tableName, call, limit.shard) }, refused: 'target-taken' },
      { item: { Update: claimShardUpdate(this.tableName, campaign.id, limit) }, refused: 'campaign-refused' },
      { item: { Put: takeLinePut(this.tableName, call) }, refused: 'line-busy' },
    ]);
    return refusal ?? 'claimed';
  }

  async startPlacement(campaigncallId: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...placementGuardKey(campaigncallId), et: 'placement', state: 'placing' },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async recordPlacement(campaigncallId: string, callId: string, now: string) {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: itemKey('campaigncall', campaigncallId),
        UpdateExpression: 'SET reference_id = :call, tm_update = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':call': callId, ':now': now },
      }),
    );
  }

  async resetPlacement(campaigncallId: string) {
    await this.ddb.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: placementGuardKey(campaigncallId),
        ConditionExpression: '#state = :placing',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':placing': 'placing' },
      }),
    );
  }

  async markPlacementUnknown(campaigncallId: string) {
    await this.ddb.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: placementGuardKey(campaigncallId),
        UpdateExpression: 'SET #state = :unknown',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':unknown': 'unknown' },
      }),
    );
  }

  async placementState(campaigncallId: string) {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: placementGuardKey(campaigncallId) }),
    );
    const state = out.Item?.state;
    return state === 'placing' || state === 'unknown' ? state : undefined;
  }

  async markCancelled(campaigncallId: string, now: string) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaigncall', campaigncallId),
          UpdateExpression: 'SET #cancel = if_not_exists(#cancel, :now)',
          ConditionExpression: '#status IN (:dialing, :progressing)',
          ExpressionAttributeNames: { '#cancel': '_cancel_at', '#status': 'status' },
          ExpressionAttributeValues: { ':now': now, ':dialing': 'dialing', ':progressing': 'progressing' },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async markDialJobResent(campaigncallId: string, now: string) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaigncall', campaigncallId),
          UpdateExpression: 'SET #resent = :now',
          // Placed meanwhile (its call id is the reference): its job is no longer needed.
          ConditionExpression:
            '#status = :dialing AND (attribute_not_exists(#ref) OR #ref = :nil) AND attribute_not_exists(#call)',
          ExpressionAttributeNames: {
            '#resent': '_job_resent_at',
            '#status': 'status',
            '#ref': 'reference_id',
            '#call': '_call_id',
          },
          ExpressionAttributeValues: { ':now': now, ':dialing': 'dialing', ':nil': NIL_UUID },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async answer(call: EngineCampaigncall, now: string): Promise<boolean> {
    const refusal = await runSteps(this.ddb, [
      { item: { Update: answerCallUpdate(this.tableName, call, now) }, refused: 'not-dialing' },
      { item: { Update: answerShardUpdate(this.tableName, call) }, refused: 'not-dialing' },
    ]);
    return refusal === undefined;
  }

  async finish(call: EngineCampaigncall, outcome: Finish, now: string): Promise<FinishResult> {
    let current: EngineCampaigncall | undefined = call;
    let withTarget = true;
    let withLine = true;
    // The status read decides which counters move; if it changed meanwhile, read again and retry.
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.status === 'done') return 'already-done';
      const steps: NamedStep<'call-moved' | 'target-moved' | 'line-elsewhere'>[] = [
        { item: { Update: closeCallUpdate(this.tableName, current, outcome, now) }, refused: 'call-moved' },
        { item: { Update: finishShardUpdate(this.tableName, current, outcome) }, refused: 'call-moved' },
      ];
      if (withTarget)
        steps.push({
          item: { Update: releaseTargetUpdate(this.tableName, current, outcome, now) },
          refused: 'target-moved',
        });
      if (withLine)
        steps.push({ item: { Delete: freeLineDelete(this.tableName, current) }, refused: 'line-elsewhere' });
      const refusal = await runSteps(this.ddb, steps);
      if (refusal === undefined) return 'finished';
      // The target no longer points at this attempt (freed by the sweeper): close the attempt alone.
      if (refusal === 'target-moved') withTarget = false;
      // The line is another attempt's: this one was opened before lines existed, and holds none.
      else if (refusal === 'line-elsewhere') withLine = false;
      current = await this.getCampaigncall(call.id);
    }
    return current ? 'already-done' : 'missing';
  }

  async stopWhenIdle(campaignId: string, from: 'run' | 'stopping', now: string): Promise<boolean> {
    // Reads first: while calls are in flight (most finishes of a stopping campaign) no write is tried.
    const runtime = await readRuntime(this.ddb, this.tableName, campaignId);
    if ((totalCounters(runtime)._inflight ?? 0) > 0) return false;
    const campaign = await this.getCampaign(campaignId);
    if (!campaign) return false;
    const refusal = await runSteps(this.ddb, [
      { item: { Update: stopCampaignUpdate(this.tableName, campaignId, from, now) }, refused: 'not-' + from },
      ...runtimeStatusItems(this.tableName, campaignId, campaign.customer_id, 'stop', { whenIdle: true }).map(
        (item) => ({ item, refused: 'in-flight' }),
      ),
    ]);
    return refusal === undefined;
  }

  async assignAgent(
    call: EngineCampaigncall,
    queueTagIds: readonly string[],
    now: string,
  ): Promise<string | undefined> {
    // Small pages: the first free agent usually takes the call, so later pages are rarely read.
    for await (const agent of availableAgentsServing(
      this.ddb,
      this.tableName,
      call.customer_id,
      queueTagIds,
      25,
    )) {
      try {
        await transact(this.ddb, [
          {
            Update: {
              TableName: this.tableName,
              Key: itemKey('agent', agent.id),
              UpdateExpression: 'SET #status = :busy, tm_update = :now, #cc = :cc REMOVE gsi2pk, gsi2sk',
              ConditionExpression: '#status = :available AND attribute_not_exists(tm_delete)',
              ExpressionAttributeNames: { '#status': 'status', '#cc': '_campaigncall' },
              ExpressionAttributeValues: {
                ':busy': 'busy',
                ':available': 'available',
                ':now': now,
                ':cc': call.id,
              },
            },
          },
          {
            Update: {
              TableName: this.tableName,
              Key: itemKey('campaigncall', call.id),
              UpdateExpression: 'SET #agent = :agent REMOVE #waiting, gsi3pk, gsi3sk',
              ConditionExpression: '#status = :progressing AND attribute_not_exists(#agent)',
              ExpressionAttributeNames: {
                '#status': 'status',
                '#agent': '_agent_id',
                '#waiting': '_waiting_since',
              },
              ExpressionAttributeValues: { ':progressing': 'progressing', ':agent': agent.id },
            },
          },
        ]);
        return agent.id;
      } catch (err) {
        if (!(err instanceof TransactionRefused)) throw err;
        // The call ended or already has an agent: stop offering it. Else that agent was just taken.
        if (err.index === 1) return undefined;
      }
    }
    return undefined;
  }

  async waitInQueue(call: EngineCampaigncall, now: string) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaigncall', call.id),
          UpdateExpression: 'SET #waiting = :now, gsi3pk = :pk, gsi3sk = :sk',
          ConditionExpression:
            '#status = :progressing AND attribute_not_exists(#agent) AND attribute_not_exists(#waiting)',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#agent': '_agent_id',
            '#waiting': '_waiting_since',
          },
          ExpressionAttributeValues: {
            ':now': now,
            ...prefixed(waitingCallerKeys(call.queue_id, now, call.id)),
            ':progressing': 'progressing',
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async waitingCallers(queueId: string, limit: number): Promise<EngineCampaigncall[]> {
    const items = await this.queryPage(waitingCallersKey(queueId), undefined, limit);
    return items.map((i) => expandCampaigncall(fromItem(i)));
  }

  async releaseAgent(customerId: string, agentId: string, campaigncallId: string, now: string) {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('agent', agentId),
          UpdateExpression:
            'SET #status = :available, tm_update = :now, gsi2pk = :pk, gsi2sk = :sk REMOVE #cc',
          // Only if the agent is still on this call: a status the agent set meanwhile wins.
          ConditionExpression: '#cc = :call AND #status = :busy AND attribute_not_exists(tm_delete)',
          ExpressionAttributeNames: { '#status': 'status', '#cc': '_campaigncall' },
          ExpressionAttributeValues: {
            ':available': 'available',
            ':busy': 'busy',
            ':now': now,
            ':call': campaigncallId,
            ':pk': availableAgentKeys(customerId, agentId).gsi2pk,
            ':sk': agentId,
          },
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
  }

  async openAttempts(campaignId: string, before: string, limit: number): Promise<EngineCampaigncall[]> {
    // byState copies keys only; stale attempts are few, so each is read whole.
    const keys = await this.queryPage(openAttemptsKey(campaignId), `${before}#`, limit, false, 'gsi4');
    const calls = await Promise.all(keys.map((k) => this.getCampaigncall(attemptIdOf(String(k.gsi4sk)))));
    return calls.filter((c): c is EngineCampaigncall => c !== undefined && c.status !== 'done');
  }

  private async getItem<T>(kind: Parameters<typeof itemKey>[0], id: string): Promise<T | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: itemKey(kind, id) }));
    return out.Item ? (fromItem(out.Item) as unknown as T) : undefined;
  }

  /** One page of a sparse engine partition, oldest first, optionally bounded above (inclusive). */
  private async queryPage(
    pk: string,
    upper: string | undefined,
    limit: number,
    keysOnly = false,
    index: 'gsi3' | 'gsi4' = 'gsi3',
  ) {
    const out = await this.ddb.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: index === 'gsi3' ? 'byDue' : 'byState',
        KeyConditionExpression: upper ? '#pk = :pk AND #sk <= :upper' : '#pk = :pk',
        ExpressionAttributeNames: { '#pk': `${index}pk`, ...(upper ? { '#sk': `${index}sk` } : {}) },
        ExpressionAttributeValues: { ':pk': pk, ...(upper ? { ':upper': upper } : {}) },
        ScanIndexForward: true,
        Limit: limit,
        ...(keysOnly ? { ProjectionExpression: 'pk' } : {}),
      }),
    );
    return (out.Items ?? []) as Record<string, unknown>[];
  }

  private async queryAll(index: 'byState', pkName: string, pk: string, projection: string) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': pkName, '#p': projection },
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: '#p',
          ExclusiveStartKey: start,
        }),
      );
      items.push(...((out.Items ?? []) as Record<string, unknown>[]));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}

/** The `limit` oldest items of several byDue pages (each sorted), by sort key. */
const oldestFirst = (items: Record<string, unknown>[], limit: number) =>
  items.sort((a, b) => String(a.gsi3sk).localeCompare(String(b.gsi3sk))).slice(0, limit);

const prefixed = (keys: { gsi3pk: string; gsi3sk: string }) => ({ ':pk': keys.gsi3pk, ':sk': keys.gsi3sk });
