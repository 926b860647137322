/**
 * The requests of the engine's queue-and-agents section, as pure builders: an answered call waiting in
 * its queue (byDue, keys.ts waitingCallerKeys), an agent taking it, and the agent freed again.
 */
import type { EngineCampaigncall } from '#ports/engine-store.ts';
import { pageQuery } from './engine-reads.ts';
import {
  availableAgentKeys,
  busyAgentKeys,
  itemKey,
  waitingCallerKeys,
  waitingCallersKey,
  wrapUpAgentKeys,
  wrapUpAgentsKey,
} from './keys.ts';
import type { NamedStep } from './transactions.ts';

/** available → busy with this call, from the available index into the busy one. */
export const takeAgentUpdate = (
  tableName: string,
  agentId: string,
  campaigncallId: string,
  now: string,
  customerId: string,
) => {
  const busy = busyAgentKeys(customerId, agentId, now);
  return {
    TableName: tableName,
    Key: itemKey('agent', agentId),
    UpdateExpression: 'SET #status = :busy, tm_update = :now, #cc = :cc, gsi2pk = :pk, gsi2sk = :sk',
    ConditionExpression: '#status = :available AND attribute_not_exists(tm_delete)',
    ExpressionAttributeNames: { '#status': 'status', '#cc': '_campaigncall' },
    ExpressionAttributeValues: {
      ':busy': 'busy',
      ':available': 'available',
      ':now': now,
      ':cc': campaigncallId,
      ':pk': busy.gsi2pk,
      ':sk': busy.gsi2sk,
    },
  };
};

/**
 * The answered call records its agent and leaves the waiting line; only once, only while open, and
 * never once the caller was abandoned (markAbandonedUpdate): the agent or the abandon, not both.
 */
export const giveCallToAgentUpdate = (tableName: string, campaigncallId: string, agentId: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #agent = :agent REMOVE #waiting, gsi3pk, gsi3sk',
  ConditionExpression:
    '#status = :progressing AND attribute_not_exists(#agent) AND attribute_not_exists(#abandon)',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#agent': '_agent_id',
    '#waiting': '_waiting_since',
    '#abandon': '_abandon_at',
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
  {
    item: { Update: takeAgentUpdate(tableName, agentId, call.id, now, call.customer_id) },
    refused: 'agent-taken',
  },
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

/**
 * A caller still waiting with no agent is abandoned: the call records when and leaves the waiting
 * line (it keeps `_waiting_since`, so its close says `abandoned`). Conditioned on the same attributes
 * the agent's take checks, so of the two racing writes exactly one lands.
 */
export const markAbandonedUpdate = (tableName: string, campaigncallId: string, now: string) => ({
  TableName: tableName,
  Key: itemKey('campaigncall', campaigncallId),
  UpdateExpression: 'SET #abandon = :now REMOVE gsi3pk, gsi3sk',
  ConditionExpression:
    '#status = :progressing AND attribute_exists(#waiting) AND attribute_not_exists(#agent) AND attribute_not_exists(#abandon)',
  ExpressionAttributeNames: {
    '#status': 'status',
    '#agent': '_agent_id',
    '#waiting': '_waiting_since',
    '#abandon': '_abandon_at',
  },
  ExpressionAttributeValues: { ':now': now, ':progressing': 'progressing' },
});

export const waitingCallersQuery = (tableName: string, queueId: string, limit: number) =>
  pageQuery(tableName, { pk: waitingCallersKey(queueId), limit });

/**
 * busy → available again, back in the available index; or, with `wrapUpUntil`, busy → wrapup until
 * then, in the wrap-up index (endWrapUpUpdate makes them available). Only while still on this call:
 * a status the agent set meanwhile wins, and a replayed close changes nothing.
 */
export const releaseAgentUpdate = (
  tableName: string,
  customerId: string,
  agentId: string,
  campaigncallId: string,
  now: string,
  wrapUpUntil?: string,
) => {
  const index = wrapUpUntil
    ? wrapUpAgentKeys(customerId, wrapUpUntil, agentId)
    : availableAgentKeys(customerId, agentId);
  return {
    TableName: tableName,
    Key: itemKey('agent', agentId),
    UpdateExpression: `SET #status = :next, tm_update = :now, gsi2pk = :pk, gsi2sk = :sk${wrapUpUntil ? ', #until = :until' : ''} REMOVE #cc`,
    ConditionExpression: '#cc = :call AND #status = :busy AND attribute_not_exists(tm_delete)',
    ExpressionAttributeNames: {
      '#status': 'status',
      '#cc': '_campaigncall',
      ...(wrapUpUntil ? { '#until': '_wrapup_until' } : {}),
    },
    ExpressionAttributeValues: {
      ':next': wrapUpUntil ? 'wrapup' : 'available',
      ':busy': 'busy',
      ':now': now,
      ':call': campaigncallId,
      ':pk': index.gsi2pk,
      ':sk': index.gsi2sk,
      ...(wrapUpUntil ? { ':until': wrapUpUntil } : {}),
    },
  };
};

/** The customer's agents in wrap-up, soonest end first (sparse byParent partition). */
export const wrapUpAgentsQuery = (
  tableName: string,
  customerId: string,
  exclusiveStartKey?: Record<string, unknown>,
) => ({
  TableName: tableName,
  IndexName: 'byParent',
  KeyConditionExpression: 'gsi2pk = :pk',
  ExpressionAttributeValues: { ':pk': wrapUpAgentsKey(customerId) },
  // The index projects keys, id and tags: the end of the wrap-up is read from the sort key.
  ProjectionExpression: 'id, tag_ids, gsi2sk',
  ...(exclusiveStartKey ? { ExclusiveStartKey: exclusiveStartKey } : {}),
});

/**
 * wrapup → available once its time is up, into the available index; only the same wrap-up (an agent
 * set to another status, or wrapping up a later call, is left alone), so a repeated tick is harmless.
 */
export const endWrapUpUpdate = (
  tableName: string,
  customerId: string,
  agentId: string,
  until: string,
  now: string,
) => {
  const available = availableAgentKeys(customerId, agentId);
  return {
    TableName: tableName,
    Key: itemKey('agent', agentId),
    UpdateExpression: 'SET #status = :available, tm_update = :now, gsi2pk = :pk, gsi2sk = :sk REMOVE #until',
    ConditionExpression: '#status = :wrapup AND #until = :until AND attribute_not_exists(tm_delete)',
    ExpressionAttributeNames: { '#status': 'status', '#until': '_wrapup_until' },
    ExpressionAttributeValues: {
      ':available': 'available',
      ':wrapup': 'wrapup',
      ':until': until,
      ':now': now,
      ':pk': available.gsi2pk,
      ':sk': available.gsi2sk,
    },
  };
};

/**
 * endWrapUpUpdate for one agent, by the job sent when its wrap-up started: also only while the agent
 * is in the wrap-up index, so a status set by hand meanwhile (which leaves the index, even back to
 * `wrapup`) is never ended by it.
 */
export const endOneWrapUpUpdate = (
  tableName: string,
  customerId: string,
  agentId: string,
  until: string,
  now: string,
) => {
  const update = endWrapUpUpdate(tableName, customerId, agentId, until, now);
  return {
    ...update,
    ConditionExpression: `${update.ConditionExpression} AND gsi2pk = :wrapups`,
    ExpressionAttributeValues: {
      ...update.ExpressionAttributeValues,
      ':wrapups': wrapUpAgentsKey(customerId),
    },
  };
};
