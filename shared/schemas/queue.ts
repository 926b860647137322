import * as z from 'zod';
import { agentStatuses } from '#domain/queue.ts';
import { Detail, Name, TagIds, Timestamps } from './common.ts';

export const CreateQueue = z
  .strictObject({ name: Name, detail: Detail, tag_ids: TagIds })
  .meta({ id: 'CreateQueue' });
export const UpdateQueue = CreateQueue.meta({ id: 'UpdateQueue' });

export const CreateAgent = z
  .strictObject({
    name: Name,
    detail: Detail,
    tag_ids: TagIds,
    status: z.enum(agentStatuses).default('offline'),
  })
  .meta({ id: 'CreateAgent' });
export const UpdateAgent = z
  .strictObject({ name: Name, detail: Detail, tag_ids: TagIds })
  .meta({ id: 'UpdateAgent' });
export const UpdateAgentStatus = z
  .strictObject({ status: z.enum(agentStatuses) })
  .meta({ id: 'UpdateAgentStatus' });

export const Queue = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    name: z.string(),
    detail: z.string(),
    tag_ids: z.array(z.string()),
    ...Timestamps,
  })
  .meta({ id: 'Queue' });
export const Agent = z
  .object({
    id: z.string(),
    customer_id: z.string(),
    name: z.string(),
    detail: z.string(),
    tag_ids: z.array(z.string()),
    status: z.enum(agentStatuses),
    ...Timestamps,
  })
  .meta({ id: 'Agent' });
