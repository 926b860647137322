import * as z from 'zod';
import { agentStatuses } from '#domain/queue.ts';
import { Detail, Name, strings, TagIds, Timestamps } from './common.ts';

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

const queueFields = { ...strings('id', 'customer_id', 'name', 'detail'), tag_ids: z.array(z.string()) };

export const Queue = z.object({ ...queueFields, ...Timestamps }).meta({ id: 'Queue' });
export const Agent = z
  .object({ ...queueFields, status: z.enum(agentStatuses), ...Timestamps })
  .meta({ id: 'Agent' });
