/** Use cases of campaigncalls: read-only attempts; only finished ones can be deleted. */
import { Conflict } from '#domain/errors.ts';
import type { Deps } from './deps.ts';
import { explain, getOwn, listOwn, now, type PageQuery } from './owned.ts';
import { presentCampaigncall as show } from './present.ts';

export const listCampaigncalls = (deps: Deps, customerId: string, query: PageQuery) =>
  listOwn(deps, 'campaigncall', customerId, query, show);

export const getCampaigncall = (deps: Deps, customerId: string, id: string) =>
  getOwn(deps, 'campaigncall', customerId, id, show);

export const deleteCampaigncall = async (deps: Deps, customerId: string, id: string) => {
  try {
    return show(
      await deps.resources.softDelete('campaigncall', id, { customerId, statusIn: ['done'] }, now(deps)),
    );
  } catch (err) {
    const mapped = explain('campaigncall', err);
    if (mapped instanceof Conflict && mapped.reason === 'FAILED_PRECONDITION') {
      throw new Conflict('CAMPAIGNCALL_NOT_DONE', 'Only a finished campaigncall can be deleted');
    }
    throw mapped;
  }
};
