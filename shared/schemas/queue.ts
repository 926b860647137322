import * as z from 'zod/mini';
import { agentStatuses } from '#domain/queue.ts';
import { Detail, Name, strings, TagIds, Timestamps } from './common.ts';
import { withMeta } from './with-meta.ts';

export const CreateQueue = z
  .strictObject({ name: Name, detail: Detail, tag_ids: TagIds })
  .apply(withMeta, { id: 'CreateQueue' });
export const UpdateQueue = CreateQueue.apply(withMeta, { id: 'UpdateQueue' });

export const CreateAgent = z
  .strictObject({
    name: Name,
    detail: Detail,
    tag_ids: TagIds,
    status: z._default(z.enum(agentStatuses), 'offline'),
  })
  .apply(withMeta, { id: 'CreateAgent' });
export const UpdateAgent = z
  .strictObject({ name: Name, detail: Detail, tag_ids: TagIds })
  .apply(withMeta, { id: 'UpdateAgent' });
export const UpdateAgentStatus = z
  .strictObject({ status: z.enum(agentStatuses) })
  .apply(withMeta, { id: 'UpdateAgentStatus' });

const queueFields = { ...strings('id', 'customer_id', 'name', 'detail'), tag_ids: z.array(z.string()) };

export const Queue = z.object({ ...queueFields, ...Timestamps }).apply(withMeta, { id: 'Queue' });
export const Agent = z
  .object({ ...queueFields, status: z.enum(agentStatuses), ...Timestamps })
  .apply(withMeta, { id: 'Agent' });
