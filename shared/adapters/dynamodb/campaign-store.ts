import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Campaign, CampaignResourceInfo } from '#domain/campaign.ts';
import { Conflict, resourceDeleted } from '#domain/errors.ts';
import { isNil, NIL_UUID } from '#domain/ids.ts';
import { totalCounters } from '#domain/runtime-shards.ts';
import { type CampaignStore, type ReferenceField, ReferenceRejected } from '#ports/campaign-store.ts';
import { readRuntime, runtimeStatusItems } from './campaign-runtime.ts';
import { activeCampaignKeys, itemKey, listKeys } from './keys.ts';
import { fromItem, withoutUnsetDelete } from './resource-store.ts';
import { runStepsReadingRefusal, type TransactItem, TransactionRefused, transact } from './transactions.ts';

const REF_KIND = {
  outplan_id: 'outplan',
  outdial_id: 'outdial',
  queue_id: 'queue',
  next_campaign_id: 'campaign',
} as const;

const REF_FIELDS = Object.keys(REF_KIND) as ReferenceField[];

/** A transaction item together with what its refusal means. */
interface Step {
  item: TransactItem;
  onRefused: (current: Record<string, unknown> | undefined) => Error;
}

export class DynamoCampaignStore implements CampaignStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(campaign: Campaign): Promise<void> {
    const put: Step = {
      item: {
        Put: {
          TableName: this.tableName,
          Item: {
            ...itemKey('campaign', campaign.id),
            ...listKeys('campaign', campaign),
            et: 'campaign',
            ...withoutUnsetDelete(campaign),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      onRefused: () => new Conflict('ALREADY_EXISTS', 'The campaign already exists'),
    };
    const acquire = REF_FIELDS.filter((f) => !isNil(campaign[f])).map((f) =>
      this.acquire(campaign.customer_id, f, campaign[f], campaign.id, campaign.tm_create),
    );
    await this.run_([put, ...acquire]);
  }

  async replaceResources(current: Campaign, next: CampaignResourceInfo, now: string): Promise<Campaign> {
    const steps: Step[] = [
      this.campaignUpdate(current, { ...next, tm_update: now }, 'attribute_not_exists(tm_delete)'),
    ];
    for (const f of REF_FIELDS) {
      if (current[f] === next[f]) continue;
      if (!isNil(current[f])) steps.push(...(await this.release(f, current[f], current.id, now)));
      if (!isNil(next[f])) steps.push(this.acquire(current.customer_id, f, next[f], current.id, now));
    }
    await this.run_(steps);
    return { ...current, ...next, tm_update: now };
  }

  async remove(current: Campaign, now: string): Promise<Campaign> {
    const steps: Step[] = [
      this.campaignUpdate(
        current,
        { tm_delete: now, tm_update: now },
        'attribute_not_exists(tm_delete) AND #status = :stop',
        { '#status': 'status' },
        { ':stop': 'stop' },
        ' REMOVE gsi1pk, gsi1sk',
      ),
    ];
    for (const f of REF_FIELDS) {
      if (!isNil(current[f])) steps.push(...(await this.release(f, current[f], current.id, now)));
    }
    await this.run_(steps);
    return { ...current, tm_delete: now, tm_update: now };
  }

  async run(current: Campaign, now: string): Promise<Campaign> {
    const steps: Step[] = [
      this.campaignUpdate(
        current,
        // Running campaigns join the sparse active set the tick reads (never a Scan).
        // A forced stop ends with the stop: running again dials normally.
        { status: 'run', tm_update: now, _force_stop: false, ...activeCampaignKeys(current.id) },
        'attribute_not_exists(tm_delete) AND #status IN (:stop, :stopping)',
        { '#status': 'status' },
        { ':stop': 'stop', ':stopping': 'stopping' },
      ),
    ];
    for (const f of REF_FIELDS) {
      if (!isNil(current[f])) steps.push(this.check(current.customer_id, f, current[f], current.id));
    }
    // Claims read the status from the shards: they open for claims in the same transaction.
    for (const item of runtimeStatusItems(this.tableName, current.id, current.customer_id, 'run')) {
      steps.push({
        item,
        onRefused: () => new Conflict('CONCURRENT_MODIFICATION', 'The campaign changed; try again'),
      });
    }
    await this.run_(steps);
    return { ...current, status: 'run', tm_update: now };
  }

  async stop(
    current: Campaign,
    now: string,
    options: { force: boolean } = { force: false },
  ): Promise<Campaign> {
    const key = itemKey('campaign', current.id);
    const refused = (item: Record<string, unknown> | undefined): Campaign => {
      if (item?.customer_id === current.customer_id && item.tm_delete) throw resourceDeleted('campaign');
      // Already stopping with calls in flight, or stopped meanwhile: a repeated stop changes nothing.
      if (item?.customer_id === current.customer_id && ['stopping', 'stop'].includes(String(item.status))) {
        return fromItem(item) as unknown as Campaign;
      }
      throw new Conflict(
        'CONCURRENT_MODIFICATION',
        'The campaign changed while it was being stopped; try again',
      );
    };
    const campaignStatus = (
      status: 'stop' | 'stopping',
      condition: string,
      extra: Record<string, unknown> = {},
    ) => ({
      Update: {
        TableName: this.tableName,
        Key: key,
        UpdateExpression: `SET #status = :status, tm_update = :now${Object.keys(extra)
          .map((_k, i) => `, #e${i} = :e${i}`)
          .join('')}${status === 'stop' ? ' REMOVE gsi4pk, gsi4sk' : ''}`,
        ConditionExpression: `customer_id = :c AND attribute_not_exists(tm_delete) AND ${condition}`,
        // Placeholders for every extra name: internal ones start with `_`, which DynamoDB refuses bare.
        ExpressionAttributeNames: {
          '#status': 'status',
          ...Object.fromEntries(Object.keys(extra).map((k, i) => [`#e${i}`, k])),
        },
        ExpressionAttributeValues: {
          ':status': status,
          ':now': now,
          ':c': current.customer_id,
          // Only the values the condition names: DynamoDB refuses unused ones.
          ...(condition.includes(':run') ? { ':run': 'run' } : {}),
          ...(condition.includes(':stopping') ? { ':stopping': 'stopping' } : {}),
          ...Object.fromEntries(Object.values(extra).map((v, i) => [`:e${i}`, v])),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
      },
    });
    // Stop outright only when no shard has a call in flight (checked in the same transaction).
    const outright = await runStepsReadingRefusal(this.ddb, [
      { item: campaignStatus('stop', '#status IN (:run, :stopping)'), refused: 'campaign' },
      ...runtimeStatusItems(this.tableName, current.id, current.customer_id, 'stop', { whenIdle: true }).map(
        (item) => ({ item, refused: 'in-flight' as const }),
      ),
    ]);
    if (!outright) return await this.reread(current);
    if (outright.refused === 'campaign') return refused(outright.current);
    // Calls in flight: stopping. Claims check the shards' copy of the status, so none starts after this.
    // Forced: the tick ends the calls in flight (`_force_stop`), even of a campaign already stopping.
    const stopping = await runStepsReadingRefusal(this.ddb, [
      {
        item: options.force
          ? campaignStatus('stopping', '#status IN (:run, :stopping)', { _force_stop: true })
          : campaignStatus('stopping', '#status = :run'),
        refused: 'campaign',
      },
      ...runtimeStatusItems(this.tableName, current.id, current.customer_id, 'stopping').map((item) => ({
        item,
        refused: 'shard' as const,
      })),
    ]);
    if (stopping?.refused === 'campaign') return refused(stopping.current);
    // The shards' status copy is written without a condition: nothing else can refuse.
    if (stopping) throw new Error(`stopping campaign ${current.id}: a runtime shard refused`);
    return await this.reread(current);
  }

  async runtimeTotals(campaignId: string): Promise<Record<string, number>> {
    return totalCounters(await readRuntime(this.ddb, this.tableName, campaignId));
  }

  private async reread(current: Campaign): Promise<Campaign> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: itemKey('campaign', current.id),
        ConsistentRead: true,
      }),
    );
    return fromItem(out.Item ?? {}) as unknown as Campaign;
  }

  async checkReference(
    customerId: string,
    field: ReferenceField,
    id: string,
    campaignId: string,
  ): Promise<void> {
    await this.run_([this.check(customerId, field, id, campaignId)]);
  }

  /** Update of the campaign itself, conditioned on its references being the ones read. */
  private campaignUpdate(
    current: Campaign,
    set: Record<string, unknown>,
    extraCondition: string,
    extraNames: Record<string, string> = {},
    extraValues: Record<string, unknown> = {},
    removeClause = '',
  ): Step {
    const names: Record<string, string> = { ...extraNames };
    const values: Record<string, unknown> = { ...extraValues, ':owner': current.customer_id };
    const sets = Object.entries(set).map(([k, v], i) => {
      names[`#s${i}`] = k;
      values[`:s${i}`] = v;
      return `#s${i} = :s${i}`;
    });
    const refConds = REF_FIELDS.map((f, i) => {
      names[`#r${i}`] = f;
      values[`:r${i}`] = current[f];
      return `#r${i} = :r${i}`;
    });
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: itemKey('campaign', current.id),
          UpdateExpression: `SET ${sets.join(', ')}${removeClause}`,
          ConditionExpression: ['customer_id = :owner', extraCondition, ...refConds].join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onRefused: (item) => {
        if (!item) return new Conflict('CONCURRENT_MODIFICATION', 'The campaign changed; try again');
        if (item.tm_delete) return resourceDeleted('campaign');
        if (item.status !== current.status) {
          return new Conflict('CAMPAIGN_NOT_STOPPED', 'The campaign must be stopped first');
        }
        return new Conflict(
          'CONCURRENT_MODIFICATION',
          'The campaign changed while it was being updated; try again',
        );
      },
    };
  }

  /** Takes a reference: validates it and counts the campaign as a user of the resource. */
  private acquire(
    customerId: string,
    field: ReferenceField,
    id: string,
    campaignId: string,
    now: string,
  ): Step {
    const kind = REF_KIND[field];
    if (field === 'next_campaign_id') return this.check(customerId, field, id, campaignId);
    const isOutdial = field === 'outdial_id';
    return {
      item: {
        Update: {
          TableName: this.tableName,
          Key: itemKey(kind, id),
          UpdateExpression: isOutdial
            ? 'ADD #refs :one SET campaign_id = :campaign, tm_update = :now'
            : 'ADD #refs :one',
          ConditionExpression: `customer_id = :owner AND attribute_not_exists(tm_delete)${
            isOutdial ? ' AND (campaign_id IN (:nil, :campaign) OR attribute_not_exists(campaign_id))' : ''
          }`,
          ExpressionAttributeNames: { '#refs': '_refs' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':owner': customerId,
            ...(isOutdial ? { ':campaign': campaignId, ':nil': NIL_UUID, ':now': now } : {}),
          },
        },
      },
      onRefused: () => new ReferenceRejected(field),
    };
  }

  /** Gives a reference back; clears the outdial's link if it still points at this campaign. */
  private async release(field: ReferenceField, id: string, campaignId: string, now: string): Promise<Step[]> {
    if (field === 'next_campaign_id') return [];
    const kind = REF_KIND[field];
    let unlink = false;
    if (field === 'outdial_id') {
      const out = await this.ddb.send(
        new GetCommand({
          TableName: this.tableName,
          Key: itemKey('outdial', id),
          ProjectionExpression: 'campaign_id',
        }),
      );
      unlink = out.Item?.campaign_id === campaignId;
    }
    return [
      {
        item: {
          Update: {
            TableName: this.tableName,
            Key: itemKey(kind, id),
            UpdateExpression: unlink
              ? 'ADD #refs :minus SET campaign_id = :nil, tm_update = :now'
              : 'ADD #refs :minus',
            ConditionExpression: unlink
              ? 'attribute_exists(pk) AND campaign_id = :campaign'
              : 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#refs': '_refs' },
            ExpressionAttributeValues: {
              ':minus': -1,
              ...(unlink ? { ':nil': NIL_UUID, ':now': now, ':campaign': campaignId } : {}),
            },
          },
        },
        onRefused: () => new Conflict('CONCURRENT_MODIFICATION', `The ${kind} changed meanwhile; try again`),
      },
    ];
  }

  /** Validates a reference without taking it (see docs/behaviour.md, References between resources). */
  private check(customerId: string, field: ReferenceField, id: string, campaignId: string): Step {
    const isOutdial = field === 'outdial_id';
    return {
      item: {
        ConditionCheck: {
          TableName: this.tableName,
          Key: itemKey(REF_KIND[field], id),
          ConditionExpression: `customer_id = :owner AND attribute_not_exists(tm_delete)${
            isOutdial ? ' AND (campaign_id IN (:nil, :campaign) OR attribute_not_exists(campaign_id))' : ''
          }`,
          ExpressionAttributeValues: {
            ':owner': customerId,
            ...(isOutdial ? { ':campaign': campaignId, ':nil': NIL_UUID } : {}),
          },
        },
      },
      onRefused: () => new ReferenceRejected(field),
    };
  }

  private async run_(steps: Step[]): Promise<void> {
    try {
      await transact(
        this.ddb,
        steps.map((s) => s.item),
      );
    } catch (err) {
      if (err instanceof TransactionRefused) {
        const step = steps[err.index];
        if (step) throw step.onRefused(err.current);
      }
      // Another transaction held one of the items (e.g. two creates claiming one outdial): a 409, not a 500.
      if (
        err instanceof TransactionCanceledException &&
        err.CancellationReasons?.some((r) => r.Code === 'TransactionConflict')
      ) {
        throw new Conflict('CONCURRENT_MODIFICATION', 'A referenced resource changed meanwhile; try again');
      }
      throw err;
    }
  }
}
