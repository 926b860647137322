/** Use cases of outplans (dialing strategies). */
import type * as z from 'zod';
import type { CreateOutplan, UpdateDialInfo, UpdateOutplan } from '#schemas/outplan.ts';
import type { Deps } from './deps.ts';
import {
  createOwned,
  deleteUnused,
  getOwn,
  guarded,
  listOwn,
  now,
  type PageQuery,
  updateOwned,
} from './owned.ts';
import { presentOutplan as show } from './present.ts';

export const createOutplan = (deps: Deps, customerId: string, input: z.output<typeof CreateOutplan>) =>
  createOwned(deps, 'outplan', customerId, input, show);

export const listOutplans = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'outplan', customerId, query, show);

export const getOutplan = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'outplan', customerId, id, show);

export const updateOutplan = (
  deps: Deps,
  customerId: string,
  id: string,
  changes: z.output<typeof UpdateOutplan>,
) => updateOwned(deps, 'outplan', customerId, id, changes, show);

/** Replaces dial_info; stamps the change so the engine reviews exhausted targets (raised maxima revive them). */
export const updateOutplanDialInfo = (
  deps: Deps,
  customerId: string,
  id: string,
  dialInfo: z.output<typeof UpdateDialInfo>,
) =>
  guarded('outplan', async () => {
    const at = now(deps);
    return show(
      await deps.resources.update(
        'outplan',
        id,
        { customerId },
        { ...dialInfo, tm_update: at, _dial_info_at: at },
      ),
    );
  });

/** Refused while any campaign uses the outplan (409 RESOURCE_IN_USE). */
export const deleteOutplan = (deps: Deps, customerId: string, id: string) =>
  deleteUnused(deps, 'outplan', customerId, id, show);
