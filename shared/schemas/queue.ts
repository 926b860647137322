import * as z from 'zod/mini';
import { agentStatuses, DEFAULT_WRAPUP_MS } from '#domain/queue.ts';
import { Detail, Name, strings, TagIds, Timestamps } from './common.ts';
import { withMeta } from './with-meta.ts';

/** Outbound's addition: an agent's wrap-up time after each call, during which pacing does not count them. */
const WrapupMs = z
  .number()
  .check(z.int(), z.minimum(0), z.maximum(3_600_000))
  .apply(withMeta, {
    description: `ms an agent stays in wrap-up after a call before taking the next (default ${DEFAULT_WRAPUP_MS}); setting the agent available ends it early`,
  });

export const CreateQueue = z
  .strictObject({
    name: Name,
    detail: Detail,
    tag_ids: TagIds,
    wrapup_ms: z._default(WrapupMs, DEFAULT_WRAPUP_MS),
  })
  .apply(withMeta, { id: 'CreateQueue' });
/** As create; a PUT that omits wrapup_ms keeps it. */
export const UpdateQueue = z
  .strictObject({ name: Name, detail: Detail, tag_ids: TagIds, wrapup_ms: z.optional(WrapupMs) })
  .apply(withMeta, { id: 'UpdateQueue' });

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

export const Queue = z
  .object({ ...queueFields, wrapup_ms: z.number(), ...Timestamps })
  .apply(withMeta, { id: 'Queue' });
export const Agent = z
  .object({ ...queueFields, status: z.enum(agentStatuses), ...Timestamps })
  .apply(withMeta, { id: 'Agent' });
