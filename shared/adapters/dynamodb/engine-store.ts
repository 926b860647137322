import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { failureCounter } from '#domain/campaign-stats.ts';
import type { Campaigncall } from '#domain/campaigncall.ts';
import type { DestinationChoice } from '#domain/dialing.ts';
import type { Outplan } from '#domain/outplan.ts';
import type { Queue } from '#domain/queue.ts';
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
  ACTIVE_SHARDS,
  activeShardKey,
  availableAgentKeys,
  dueKeys,
  duePartitionKeys,
  itemKey,
  lineKey,
  listKeys,
  openAttemptKeys,
  openAttemptsKey,
  placementGuardKey,
  waitingCallerKeys,
  waitingCallersKey,
} from './keys.ts';
import { fromItem } from './resource-store.ts';
import { TransactionRefused, transact } from './transactions.ts';

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
      return fromItem(out.Attributes ?? {}) as unknown as EngineCampaign;
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
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
  getCampaigncall(id: string) {
    return this.getItem<EngineCampaigncall>('campaigncall', id);
  }

  async dueTargets(outdialId: string, retryCutoff: string, limit: number): Promise<EngineTarget[]> {
    const pages = await Promise.all([
      ...duePartitionKeys(outdialId, 'fresh').map((pk) => this.queryPage(pk, undefined, limit)),
      ...duePartitionKeys(outdialId, 'retry').map((pk) => this.queryPage(pk, upTo(retryCutoff), limit)),
    ]);
    // Oldest activity first across all of them (§5.4): never-tried targets carry their creation time.
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
    const slot = `try_count_${choice.index}`;
    try {
      await transact(this.ddb, [
        {
          Update: {
            TableName: this.tableName,
            Key: itemKey('outdialtarget', target.id),
            UpdateExpression:
              'SET #status = :progressing, #slot = :count, tm_update = :now, #open = :cc REMOVE gsi3pk, gsi3sk',
            // Idle and unchanged since it was read: two ticks can never claim the same target.
            ConditionExpression: '#status = :idle AND #slot = :before AND attribute_not_exists(tm_delete)',
            ExpressionAttributeNames: { '#status': 'status', '#slot': slot, '#open': '_open_cc' },
            ExpressionAttributeValues: {
              ':progressing': 'progressing',
              ':idle': 'idle',
              ':count': choice.tryCount,
              ':before': choice.tryCount - 1,
              ':now': call.tm_create,
              ':cc': call.id,
            },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...itemKey('campaigncall', call.id),
              ...listKeys('campaigncall', call),
              ...openAttemptKeys(call.campaign_id, call.tm_create, call.id),
              et: 'campaigncall',
              ...withoutNullDelete(call),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: itemKey('campaign', campaign.id),
            UpdateExpression: 'ADD #inflight :one, #dialing :one, #attempts :one',
            ConditionExpression:
              '#status = :run AND attribute_not_exists(tm_delete) AND (attribute_not_exists(#limit) OR #limit < :below)',
            ExpressionAttributeNames: {
              '#inflight': '_inflight',
              '#dialing': '_dialing',
              '#attempts': '_attempts',
              '#status': 'status',
              '#limit': limit.counter,
            },
            ExpressionAttributeValues: { ':one': 1, ':run': 'run', ':below': limit.below },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: {
              ...lineKey(call.customer_id, call.destination),
              et: 'line',
              _open_cc: call.id,
              campaign_id: call.campaign_id,
              tm_create: call.tm_create,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
      ]);
      return 'claimed';
    } catch (err) {
      if (err instanceof TransactionRefused) {
        return err.index === 2 ? 'campaign-refused' : err.index === 3 ? 'line-busy' : 'target-taken';
      }
      throw err;
    }
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
        UpdateExpression: 'SET #call = :call, reference_id = :call, tm_update = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#call': '_call_id' },
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
          // Placed meanwhile: its job is no longer needed.
          ConditionExpression: '#status = :dialing AND attribute_not_exists(#call)',
          ExpressionAttributeNames: { '#resent': '_job_resent_at', '#status': 'status', '#call': '_call_id' },
          ExpressionAttributeValues: { ':now': now, ':dialing': 'dialing' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async answer(call: EngineCampaigncall, now: string): Promise<boolean> {
    try {
      await transact(this.ddb, [
        {
          Update: {
            TableName: this.tableName,
            Key: itemKey('campaigncall', call.id),
            UpdateExpression: 'SET #status = :progressing, tm_update = :now',
            ConditionExpression: '#status = :dialing',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':progressing': 'progressing', ':dialing': 'dialing', ':now': now },
          },
        },
        {
          Update: {
            TableName: this.tableName,
            Key: itemKey('campaign', call.campaign_id),
            UpdateExpression: 'ADD #dialing :minus, #answered :one',
            ExpressionAttributeNames: { '#dialing': '_dialing', '#answered': '_answered' },
            ExpressionAttributeValues: { ':minus': -1, ':one': 1 },
          },
        },
      ]);
      return true;
    } catch (err) {
      if (err instanceof TransactionRefused) return false;
      throw err;
    }
  }

  async finish(call: EngineCampaigncall, outcome: Finish, now: string): Promise<FinishResult> {
    let current: EngineCampaigncall | undefined = call;
    let withTarget = true;
    let withLine = true;
    // The status read decides which counters move; if it changed meanwhile, read again and retry.
    for (let attempt = 0; attempt < 5 && current; attempt++) {
      if (current.status === 'done') return 'already-done';
      const items = this.finishItems(current, outcome, now, withTarget, withLine);
      try {
        await transact(this.ddb, items);
        return 'finished';
      } catch (err) {
        if (!(err instanceof TransactionRefused)) throw err;
        // The target no longer points at this attempt (freed by the sweeper): close the attempt alone.
        if (withTarget && err.index === 1) withTarget = false;
        // The line is another attempt's: this one was opened before lines existed, and holds none.
        else if (withLine && err.index === items.length - 1) withLine = false;
        current = await this.getCampaigncall(call.id);
      }
    }
    return current ? 'already-done' : 'missing';
  }

  private finishItems(
    call: EngineCampaigncall,
    outcome: Finish,
    now: string,
    withTarget: boolean,
    withLine: boolean,
  ) {
    const wasDialing = call.status === 'dialing';
    const items: Parameters<typeof transact>[1] = [
      {
        Update: {
          TableName: this.tableName,
          Key: itemKey('campaigncall', call.id),
          UpdateExpression: `SET #status = :done, #result = :result, #reason = :reason, tm_update = :now${
            outcome.providerCode ? ', #code = :code' : ''
          } REMOVE gsi4pk, gsi4sk, gsi3pk, gsi3sk`,
          ConditionExpression: '#status = :was',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#result': 'result',
            '#reason': '_reason',
            ...(outcome.providerCode ? { '#code': '_provider_code' } : {}),
          },
          ExpressionAttributeValues: {
            ':done': 'done',
            ':result': outcome.result,
            ':reason': outcome.reason,
            ':now': now,
            ':was': call.status,
            ...(outcome.providerCode ? { ':code': outcome.providerCode } : {}),
          },
        },
      },
    ];
    if (withTarget) {
      const partition = outcome.targetStatus === 'idle' ? (outcome.targetPartition ?? 'retry') : undefined;
      const due = partition ? prefixed(dueKeys(call.outdial_id, partition, now, call.outdial_target_id)) : {};
      items.push({
        Update: {
          TableName: this.tableName,
          Key: itemKey('outdialtarget', call.outdial_target_id),
          UpdateExpression: partition
            ? 'SET #status = :status, tm_update = :now, gsi3pk = :pk, gsi3sk = :sk REMOVE #open'
            : 'SET #status = :status, tm_update = :now REMOVE #open, gsi3pk, gsi3sk',
          ConditionExpression: '#open = :cc',
          ExpressionAttributeNames: { '#status': 'status', '#open': '_open_cc' },
          ExpressionAttributeValues: { ':status': outcome.targetStatus, ':now': now, ':cc': call.id, ...due },
        },
      });
    }
    items.push({
      Update: {
        TableName: this.tableName,
        Key: itemKey('campaign', call.campaign_id),
        // The campaign's totals move in the same write: `_succeeded`, or `_failed_<reason>`.
        UpdateExpression: 'ADD #inflight :minus, #dialing :dialing, #outcome :one',
        ExpressionAttributeNames: {
          '#inflight': '_inflight',
          '#dialing': '_dialing',
          '#outcome': outcome.result === 'success' ? '_succeeded' : failureCounter(outcome.reason),
        },
        ExpressionAttributeValues: { ':minus': -1, ':dialing': wasDialing ? -1 : 0, ':one': 1 },
      },
    });
    // The destination's line is free again. Only this attempt can hold it while it is open; an attempt
    // opened before lines existed holds none, and deleting nothing is a no-op.
    if (withLine)
      items.push({
        Delete: {
          TableName: this.tableName,
          Key: lineKey(call.customer_id, call.destination),
          ConditionExpression: 'attribute_not_exists(pk) OR #open = :cc',
          ExpressionAttributeNames: { '#open': '_open_cc' },
          ExpressionAttributeValues: { ':cc': call.id },
        },
      });
    return items;
  }

  async stopWhenIdle(campaignId: string, from: 'run' | 'stopping', now: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('campaign', campaignId),
          UpdateExpression: 'SET #status = :stop, tm_update = :now REMOVE gsi4pk, gsi4sk',
          ConditionExpression: '#status = :from AND (attribute_not_exists(#inflight) OR #inflight <= :zero)',
          ExpressionAttributeNames: { '#status': 'status', '#inflight': '_inflight' },
          ExpressionAttributeValues: { ':stop': 'stop', ':from': from, ':zero': 0, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
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
    return items.map((i) => fromItem(i) as unknown as EngineCampaigncall);
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
    const calls = await Promise.all(
      keys.map((k) => this.getCampaigncall(String(k.pk).slice('campaigncall#'.length))),
    );
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

/** Live items carry no tm_delete attribute: conditions test attribute_not_exists(tm_delete). */
const withoutNullDelete = <T extends { tm_delete?: unknown }>(item: T) => {
  const { tm_delete, ...rest } = item;
  return tm_delete === null || tm_delete === undefined ? rest : item;
};
