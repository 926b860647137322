/** A target as the engine reads it: idle, never tried, one `tel` destination; overrides win. */
import { randomUUID } from 'node:crypto';
import type { Address } from '#domain/address.ts';
import type { EngineTarget } from '#ports/engine-store.ts';

/** A `tel` address with the empty names the API fills in. */
export const telAddress = (target: string): Address => ({
  type: 'tel',
  target,
  target_name: '',
  name: '',
  detail: '',
});

export const anEngineTarget = (overrides: Partial<EngineTarget> = {}): EngineTarget => ({
  id: randomUUID(),
  outdial_id: randomUUID(),
  customer_id: 'cust-1',
  name: '',
  detail: '',
  data: '',
  status: 'idle',
  destination_0: telAddress('+15550100'),
  destination_1: null,
  destination_2: null,
  destination_3: null,
  destination_4: null,
  try_count_0: 0,
  try_count_1: 0,
  try_count_2: 0,
  try_count_3: 0,
  try_count_4: 0,
  tm_create: '2026-01-01T00:00:00.000Z',
  tm_update: null,
  tm_delete: null,
  ...overrides,
});
