/**
 * The requests of the engine's queue-and-agents section, as pure builders: an answered call waiting in
 * its queue (byDue, keys.ts waitingCallerKeys), an agent taking it, and the agent freed again.
 */
import type { EngineCampaigncall } from '#ports/engine-store.ts';
import { pageQuery } from './engine-reads.ts';
import { availableAgentKeys, itemKey, waitingCallerKeys, waitingCallersKey } from './keys.ts';
import type { NamedStep } from './transactions.ts';

/** available → busy with this call, leaving the available index. */
export const takeAgentUpdate = (tableName: string, agentId: string, campaigncallId: string, now: string) => ({
  TableName: tableName,
  Key: itemKey('agent', agentId),
  UpdateExpression: 'SET #status = :busy, tm_update = :now, #cc = :cc REMOVE gsi2pk, gsi2sk',
  ConditionExpression: '#status = :available AND attribute_not_exists(tm_delete)',
  ExpressionAttributeNames: { '#status': 'status', '#cc': '_campaigncall' },
  ExpressionAttributeValues: {
    ':busy': 'busy',
    ':available': 'available',
    ':now': now,
    ':cc': campaigncallId,
  },
});

/** The answered call records its agent and leaves the waiting line; only once, and only while open. */
export const giveCallToAgentUpdate = (tableName: string, campaigncallId: string, agentId: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #agent = :agent REMOVE #waiting, gsi3pk, gsi3sk',
  ConditionExpression: '#status = :progressing AND attribute_not_exists(#agent)',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#agent': '_agent_id',
    '#waiting': '_waiting_since',
  },
  ExpressionAttributeValues: { ':progressing': 'progressing', ':agent': agentId },
});

/**
 * `agent-taken`: that agent was just taken (or left); offer the call to the next one.
 * `call-settled`: the call ended or already has an agent; stop offering it.
 */
export type AssignRefusal = 'agent-taken' | 'call-settled';

export const assignAgentSteps = (
  tableName: string,
  call: EngineCampaigncall,
  agentId: string,
  now: string,
): NamedStep<AssignRefusal>[] => [
  { item: { Update: takeAgentUpdate(tableName, agentId, call.id, now) }, refused: 'agent-taken' },
  { item: { Update: giveCallToAgentUpdate(tableName, call.id, agentId) }, refused: 'call-settled' },
];

/** Into its queue's waiting line, oldest first; only an answered call with no agent, not yet waiting. */
export const waitInQueueUpdate = (tableName: string, call: EngineCampaigncall, now: string) => {
  const line = waitingCallerKeys(call.queue_id, now, call.id);
  return {
    TableName: tableName,
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
      ':pk': line.gsi3pk,
      ':sk': line.gsi3sk,
      ':progressing': 'progressing',
    },
  };
};

export const waitingCallersQuery = (tableName: string, queueId: string, limit: number) =>
  pageQuery(tableName, { pk: waitingCallersKey(queueId), limit });

/** busy → available again, back in the available index; only while still on this call. */
export const releaseAgentUpdate = (
  tableName: string,
  customerId: string,
  agentId: string,
  campaigncallId: string,
  now: string,
) => {
  const available = availableAgentKeys(customerId, agentId);
  return {
    TableName: tableName,
    Key: itemKey('agent', agentId),
    UpdateExpression: 'SET #status = :available, tm_update = :now, gsi2pk = :pk, gsi2sk = :sk REMOVE #cc',
    // Only if the agent is still on this call: a status the agent set meanwhile wins.
    ConditionExpression: '#cc = :call AND #status = :busy AND attribute_not_exists(tm_delete)',
    ExpressionAttributeNames: { '#status': 'status', '#cc': '_campaigncall' },
    ExpressionAttributeValues: {
      ':available': 'available',
      ':busy': 'busy',
      ':now': now,
      ':call': campaigncallId,
      ':pk': available.gsi2pk,
      ':sk': available.gsi2sk,
    },
  };
};
