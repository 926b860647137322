/**
 * How an attempt is stored. An attempt is written four or five times in its life (open, placed,
 * answered, closed), each write billed per started KB, so the item is kept under 1 KB: values that are
 * only defaults are left out (nil ids, a null tm_update, empty address fields) and restored on read;
 * the provider's call id is the attempt's `reference_id` and is not stored twice.
 */
import type { Address } from '#domain/address.ts';
import type { Campaigncall } from '#domain/campaigncall.ts';
import { decodeCompliance, encodeCompliance } from '#domain/holds.ts';
import { NIL_UUID } from '#domain/ids.ts';
import type { EngineCampaigncall } from '#ports/engine-store.ts';

const DEFAULT_IDS = ['flow_id', 'queue_id', 'reference_id'] as const;
const ADDRESS_DISPLAY = ['target_name', 'name', 'detail'] as const;

const compactAddress = (a: Address) =>
  Object.fromEntries(
    Object.entries(a).filter(([k, v]) => !(ADDRESS_DISPLAY as readonly string[]).includes(k) || v !== ''),
  );

const fullAddress = (a: Partial<Address> | undefined): Address =>
  ({ type: '', target: '', target_name: '', name: '', detail: '', ...a }) as Address;

/** The attempt's attributes as written (keys and kind are added by the caller). */
export const compactCampaigncall = (call: Campaigncall): Record<string, unknown> => {
  const item: Record<string, unknown> = {
    ...call,
    source: compactAddress(call.source),
    destination: compactAddress(call.destination),
  };
  for (const f of DEFAULT_IDS) if (item[f] === NIL_UUID) delete item[f];
  delete item.compliance;
  const compliance = call.compliance && encodeCompliance(call.compliance);
  if (compliance) item._cmp = compliance;
  if (item.tm_update === null) delete item.tm_update;
  if (item.tm_delete === null || item.tm_delete === undefined) delete item.tm_delete;
  return item;
};

/** The attempt as the engine reads it, defaults restored. */
export const expandCampaigncall = (item: Record<string, unknown>): EngineCampaigncall => {
  const call = { ...item } as Record<string, unknown>;
  for (const f of DEFAULT_IDS) call[f] ??= NIL_UUID;
  call.tm_update ??= null;
  call.tm_delete ??= null;
  call.compliance = decodeCompliance(call._cmp, call._tracked === true);
  delete call._cmp;
  call.source = fullAddress(call.source as Partial<Address>);
  call.destination = fullAddress(call.destination as Partial<Address>);
  // Placed calls: the provider's id is the reference (attempts stored before kept it twice).
  if (call._call_id === undefined && call.reference_type === 'call' && call.reference_id !== NIL_UUID) {
    call._call_id = call.reference_id;
  }
  return call as unknown as EngineCampaigncall;
};
