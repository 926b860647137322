import { describe, expect, it } from 'vitest';
import { OutdialTarget } from '#schemas/outdial.ts';
import { Outplan } from '#schemas/outplan.ts';
import { presentCampaign, presentOutdialTarget, presentOutplan } from '#services/present.ts';

const T0 = '2026-01-15T09:30:00.000000Z';

/** An outplan item as the table holds it: keys, `et`, internal `_` attributes, a map in any key order. */
const anOutplanItem = (overrides: Record<string, unknown> = {}) => ({
  pk: 'outplan#o1',
  sk: 'outplan',
  et: 'outplan',
  _refs: 2,
  _dial_info_at: T0,
  tm_create: T0,
  max_try_count_4: 0,
  max_try_count_3: 0,
  max_try_count_2: 0,
  max_try_count_1: 1,
  max_try_count_0: 3,
  try_interval: 600_000,
  dial_timeout: 30_000,
  source: { detail: '', name: '', target_name: '', target: '+15551230000', type: 'tel' },
  detail: '',
  name: 'plan',
  customer_id: 'cust-1',
  id: 'o1',
  ...overrides,
});

describe('presenters read off the response schemas', () => {
  it('shows exactly the fields of the schema, in its order, and nothing internal', () => {
    const shown = presentOutplan(anOutplanItem());
    expect(Object.keys(shown)).toEqual(Object.keys(Outplan.shape));
    expect(JSON.stringify(shown)).not.toMatch(/_refs|_dial_info_at|"pk"|"et"/);
  });

  it('shows tm_update and tm_delete as null until they are set', () => {
    const shown = presentOutplan(anOutplanItem());
    expect(shown.tm_update).toBeNull();
    expect(shown.tm_delete).toBeNull();
    expect(presentOutplan(anOutplanItem({ tm_update: T0, tm_delete: T0 }))).toMatchObject({
      tm_update: T0,
      tm_delete: T0,
    });
  });

  it('shows a campaign stored before dialing modes existed as paced by service level', () => {
    const stored = { pk: 'campaign#c1', sk: 'campaign', id: 'c1', customer_id: 'cust-1', tm_create: T0 };
    expect(presentCampaign(stored).dialing_mode).toBe('service_level');
    expect(presentCampaign({ ...stored, dialing_mode: 'agentless' }).dialing_mode).toBe('agentless');
  });

  it('shows an address in the documented field order, whatever order the store gave', () => {
    const shown = presentOutplan(anOutplanItem());
    expect(JSON.stringify(shown.source)).toBe(
      '{"type":"tel","target":"+15551230000","target_name":"","name":"","detail":""}',
    );
  });

  it('shows an empty destination slot as null and fills a partial address with empty strings', () => {
    const shown = presentOutdialTarget({
      id: 't1',
      tm_create: T0,
      outdial_id: 'od1',
      status: 'idle',
      destination_0: { target: '+15551230001', type: 'tel' },
      destination_1: null,
    });
    expect(Object.keys(shown)).toEqual(Object.keys(OutdialTarget.shape));
    expect(shown.destination_0).toEqual({
      type: 'tel',
      target: '+15551230001',
      target_name: '',
      name: '',
      detail: '',
    });
    expect(shown.destination_1).toBeNull();
    expect(shown.destination_4).toBeNull();
  });
});
