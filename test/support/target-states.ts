/**
 * What a campaign's targets themselves say about their states, read item by item from the system's
 * table: the truth the stream-kept counts (`targets_by_state`, the stats' `targets`) are checked against.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { isExhaustedTarget, itemKey } from '#adapters/dynamodb/keys.ts';
import { type TargetState, targetStateOf, targetStates } from '#domain/outdial.ts';
import type { CampaignHandle } from './engine-steps.ts';
import type { TestSystem } from './system.ts';

export type TargetStateCounts = { total: number } & Record<TargetState, number>;

/** Live targets of `h` by state; deleted ones are left out, as the counts leave them out. */
export const storedTargetStates = async (
  sys: Pick<TestSystem, 'ddb' | 'tableName'>,
  h: Pick<CampaignHandle, 'targets'>,
): Promise<TargetStateCounts> => {
  const counts = { total: 0, ...Object.fromEntries(targetStates.map((s) => [s, 0])) } as TargetStateCounts;
  for (const t of h.targets) {
    // The item as stored, keys included: its due partition tells a target out of tries.
    const item = (
      await sys.ddb.send(
        new GetCommand({
          TableName: sys.tableName,
          Key: itemKey('outdialtarget', t.id),
          ConsistentRead: true,
        }),
      )
    ).Item;
    if (!item || (item.tm_delete !== undefined && item.tm_delete !== null)) continue;
    counts.total++;
    counts[targetStateOf(item, isExhaustedTarget(item))]++;
  }
  return counts;
};
