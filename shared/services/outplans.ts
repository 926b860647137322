/** Use cases of outplans (dialing strategies). */
import type * as z from 'zod';
import type { Outplan } from '#domain/outplan.ts';
import type { CreateOutplan, UpdateDialInfo, UpdateOutplan } from '#schemas/outplan.ts';
import type { Deps } from './deps.ts';
import { guarded, listPage, loadOwned, now, type PageQuery } from './owned.ts';
import { presentOutplan as show } from './present.ts';

export const createOutplan = async (
  deps: Deps,
  customerId: string,
  input: z.output<typeof CreateOutplan>,
): Promise<Outplan> => {
  const item = {
    id: deps.ids.uuid(),
    customer_id: customerId,
    ...input,
    tm_create: now(deps),
    tm_update: null,
  };
  await deps.resources.create('outplan', item);
  return show(item);
};

export const listOutplans = (deps: Deps, customerId: string, query: PageQuery) =>
  listPage(deps, 'outplan', { by: 'customer', customerId }, query, show);

export const getOutplan = async (deps: Deps, customerId: string, id: string) =>
  show(await loadOwned(deps, 'outplan', customerId, id));

export const updateOutplan = (
  deps: Deps,
  customerId: string,
  id: string,
  changes: z.output<typeof UpdateOutplan>,
) =>
  guarded('outplan', async () =>
    show(await deps.resources.update('outplan', id, { customerId }, { ...changes, tm_update: now(deps) })),
  );

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
  guarded('outplan', async () =>
    show(await deps.resources.softDelete('outplan', id, { customerId, unreferenced: true }, now(deps))),
  );
