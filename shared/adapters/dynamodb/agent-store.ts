import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type Agent, type AgentStatus, agentServesQueue } from '#domain/queue.ts';
import type { AgentStore } from '#ports/agent-store.ts';
import type { Expectation } from '#ports/resource-store.ts';
import {
  availableAgentKeys,
  availableAgentsKey,
  busyAgentKeys,
  busyAgentsKey,
  busySinceOf,
  itemKey,
  listKeys,
  wrapUpAgentsKey,
} from './keys.ts';
import { conditionalUpdate, type DynamoResourceStore, withoutUnsetDelete } from './resource-store.ts';

/**
 * Available agents live in a sparse partition of the byParent index (one per customer), so counting a
 * queue's capacity reads only agents that are available now, never the whole agent list.
 */
export class DynamoAgentStore implements AgentStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly resources: DynamoResourceStore,
  ) {}

  async create(agent: Agent): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...itemKey('agent', agent.id),
          ...listKeys('agent', agent),
          ...(agent.status === 'available' ? availableAgentKeys(agent.customer_id, agent.id) : {}),
          ...(agent.status === 'busy'
            ? busyAgentKeys(agent.customer_id, agent.id, agent.tm_update ?? agent.tm_create)
            : {}),
          et: 'agent',
          ...withoutUnsetDelete(agent),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async setStatus(id: string, expect: Expectation, status: AgentStatus, now: string): Promise<Agent> {
    const index =
      status === 'available'
        ? availableAgentKeys(expect.customerId, id)
        : status === 'busy'
          ? busyAgentKeys(expect.customerId, id, now)
          : undefined;
    const input = conditionalUpdate(
      this.tableName,
      'agent',
      id,
      expect,
      { status, tm_update: now, ...index },
      index ? [] : ['gsi2pk', 'gsi2sk'],
    );
    return (await this.resources.conditional(expect, input)) as unknown as Agent;
  }

  async update(
    id: string,
    expect: Expectation,
    changes: Pick<Agent, 'name' | 'detail' | 'tag_ids'>,
    now: string,
  ): Promise<Agent> {
    return (await this.resources.update('agent', id, expect, {
      ...changes,
      tm_update: now,
    })) as unknown as Agent;
  }

  async remove(id: string, expect: Expectation, now: string): Promise<Agent> {
    return (await this.resources.softDelete('agent', id, expect, now)) as unknown as Agent;
  }

  async countAvailable(customerId: string, queueTagIds: readonly string[]): Promise<number> {
    let count = 0;
    for await (const _agent of availableAgentsServing(this.ddb, this.tableName, customerId, queueTagIds))
      count += 1;
    return count;
  }

  async countBusy(customerId: string, queueTagIds: readonly string[]): Promise<number> {
    let count = 0;
    const partition = busyAgentsKey(customerId);
    for await (const _agent of agentsServing(this.ddb, this.tableName, partition, queueTagIds)) count += 1;
    return count;
  }

  async busySince(customerId: string, queueTagIds: readonly string[]): Promise<(number | undefined)[]> {
    const since: (number | undefined)[] = [];
    const partition = busyAgentsKey(customerId);
    for await (const agent of agentsServing(this.ddb, this.tableName, partition, queueTagIds))
      since.push(busySinceOf(agent.sk));
    return since;
  }

  async wrapUps(customerId: string, queueTagIds: readonly string[], now: string) {
    const result = { wrappingUp: 0, ended: 0 };
    const partition = wrapUpAgentsKey(customerId);
    for await (const agent of agentsServing(this.ddb, this.tableName, partition, queueTagIds)) {
      // The sort key starts with when the wrap-up ends.
      if ((agent.sk.split('#')[0] ?? '') > now) result.wrappingUp += 1;
      else result.ended += 1;
    }
    return result;
  }
}

/**
 * The customer's available agents that serve a queue with these tags, page by page from the
 * sparse available partition: every page is read, so nothing is capped.
 */
export const availableAgentsServing = (
  ddb: DynamoDBDocumentClient,
  tableName: string,
  customerId: string,
  queueTagIds: readonly string[],
  pageSize?: number,
) => agentsServing(ddb, tableName, availableAgentsKey(customerId), queueTagIds, pageSize);

/** The agents of one sparse status partition (available, busy, wrap-up) that serve a queue with these tags. */
async function* agentsServing(
  ddb: DynamoDBDocumentClient,
  tableName: string,
  partition: string,
  queueTagIds: readonly string[],
  pageSize?: number,
): AsyncGenerator<{ id: string; tag_ids: string[]; sk: string }> {
  let startKey: QueryCommandOutput['LastEvaluatedKey'];
  do {
    const page: QueryCommandOutput = await ddb.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'byParent',
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ProjectionExpression: 'id, tag_ids, gsi2sk',
        ...(pageSize ? { Limit: pageSize } : {}),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      const tags = (item.tag_ids as string[] | undefined) ?? [];
      if (agentServesQueue(tags, queueTagIds))
        yield { id: String(item.id), tag_ids: tags, sk: String(item.gsi2sk ?? '') };
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}
