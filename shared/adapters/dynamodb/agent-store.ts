import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { type Agent, type AgentStatus, agentServesQueue } from '#domain/queue.ts';
import type { AgentStore } from '#ports/agent-store.ts';
import type { Expectation } from '#ports/resource-store.ts';
import { availableAgentKeys, itemKey, listKeys } from './keys.ts';
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
          et: 'agent',
          ...withoutUnsetDelete(agent),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async setStatus(id: string, expect: Expectation, status: AgentStatus, now: string): Promise<Agent> {
    const available = status === 'available';
    const input = conditionalUpdate(
      this.tableName,
      'agent',
      id,
      expect,
      { status, tm_update: now, ...(available ? availableAgentKeys(expect.customerId, id) : {}) },
      available ? [] : ['gsi2pk', 'gsi2sk'],
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
    const pk = availableAgentKeys(customerId, '').gsi2pk;
    let count = 0;
    let startKey: QueryCommandOutput['LastEvaluatedKey'];
    do {
      const page: QueryCommandOutput = await this.ddb.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byParent',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ProjectionExpression: 'tag_ids',
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        if (agentServesQueue((item.tag_ids as string[] | undefined) ?? [], queueTagIds)) count += 1;
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return count;
  }
}
