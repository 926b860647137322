import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '#domain/events.ts';
import { eventsFromChange, sameValue } from '#services/events/events-from-change.ts';

const NIL = '00000000-0000-0000-0000-000000000000';
const T0 = '2026-01-15T09:30:00.000000Z';
const T1 = '2026-01-15T09:31:00.000000Z';

/** Items as the table holds them: keys, `et`, internal `_` attributes and the API fields. */
const aCampaignItem = (overrides: Record<string, unknown> = {}) => ({
  pk: 'campaign#c1',
  sk: 'campaign',
  gsi1pk: 't#cust-1#campaign',
  gsi1sk: `${T0}#c1`,
  et: 'campaign',
  _inflight: 0,
  id: 'c1',
  customer_id: 'cust-1',
  type: 'call',
  name: 'autumn',
  detail: '',
  status: 'stop',
  service_level: 100,
  end_handle: 'stop',
  actions: [{ type: 'talk', option: { text: 'Hello', language: 'en-US' } }],
  outplan_id: NIL,
  outdial_id: NIL,
  queue_id: NIL,
  next_campaign_id: NIL,
  max_concurrent_calls: 10,
  tm_create: T0,
  ...overrides,
});

const aCallItem = (overrides: Record<string, unknown> = {}) => ({
  pk: 'campaigncall#cc1',
  sk: 'campaigncall',
  gsi4pk: 'campaign#c1#open',
  gsi4sk: `${T0}#cc1`,
  et: 'campaigncall',
  id: 'cc1',
  customer_id: 'cust-1',
  campaign_id: 'c1',
  outdial_target_id: 't1',
  status: 'dialing',
  result: '',
  destination: { type: 'tel', target: '+15551230000' },
  tm_create: T0,
  ...overrides,
});

const aTargetItem = (overrides: Record<string, unknown> = {}) => ({
  pk: 'outdialtarget#t1',
  sk: 'outdialtarget',
  gsi3pk: 'outdial#o1#due#fresh',
  gsi3sk: `${T0}#t1`,
  et: 'outdialtarget',
  id: 't1',
  customer_id: 'cust-1',
  outdial_id: 'o1',
  name: 'Ada',
  status: 'idle',
  destination_0: { type: 'tel', target: '+15551230000' },
  try_count_0: 0,
  tm_create: T0,
  ...overrides,
});

const types = (oldImage?: Record<string, unknown>, newImage?: Record<string, unknown>) =>
  eventsFromChange(oldImage, newImage).map((e) => e.type);

describe('events from a committed change', () => {
  it('announces a new campaign with its API representation, internal attributes and keys left out', () => {
    const [event, ...rest] = eventsFromChange(undefined, aCampaignItem());
    expect(rest).toEqual([]);
    expect(event?.type).toBe('campaign_created');
    expect(event?.customerId).toBe('cust-1');
    expect(Object.keys(event?.data ?? {})).toEqual([
      'id',
      'customer_id',
      'type',
      'name',
      'detail',
      'status',
      'service_level',
      'end_handle',
      'actions',
      'outplan_id',
      'outdial_id',
      'queue_id',
      'next_campaign_id',
      'max_concurrent_calls',
      'calling_hours',
      'dialing_mode',
      'max_abandon_rate',
      'abandon_after_ms',
      'abandon_message',
      'tm_create',
      'tm_update',
      'tm_delete',
    ]);
    expect(event?.data).toMatchObject({ id: 'c1', status: 'stop', tm_update: null, tm_delete: null });
  });

  it.each([
    ['basic info', { name: 'winter' }],
    ['service_level', { service_level: 80 }],
    ['actions', { actions: [{ type: 'talk', option: { text: 'Bye', language: 'en-US' } }] }],
    ['resource_info', { outplan_id: 'p1' }],
    ['next_campaign_id', { next_campaign_id: 'c2' }],
  ])('sends campaign_updated when %s changes', (_, change) => {
    expect(types(aCampaignItem(), aCampaignItem({ ...change, tm_update: T1 }))).toEqual(['campaign_updated']);
  });

  it.each([
    ['stop', 'run', 'campaign_status_run'],
    ['run', 'stopping', 'campaign_status_stopping'],
    ['stopping', 'stop', 'campaign_status_stop'],
    ['run', 'stop', 'campaign_status_stop'],
  ])('sends a status event when a campaign goes from %s to %s', (from, to, type) => {
    const [event] = eventsFromChange(
      aCampaignItem({ status: from }),
      aCampaignItem({ status: to, tm_update: T1 }),
    );
    expect(event?.type).toBe(type);
    expect(event?.data.status).toBe(to);
  });

  it('sends campaign_deleted when tm_delete is set, and nothing for changes after that', () => {
    const live = aCampaignItem();
    const deleted = aCampaignItem({ tm_delete: T1, tm_update: T1, gsi1pk: undefined });
    expect(types(live, deleted)).toEqual(['campaign_deleted']);
    expect(eventsFromChange(live, deleted)[0]?.data.tm_delete).toBe(T1);
    expect(types(deleted, { ...deleted, _refs: 0 })).toEqual([]);
  });

  it('sends nothing when only internal attributes or index keys change (counters, leases, partitions)', () => {
    const c = aCampaignItem({ status: 'run' });
    expect(types(c, { ...c, _inflight: 3, _dialing: 1 })).toEqual([]);
    expect(types(c, { ...c, _lease_until: 123, _lease_owner: 'x' })).toEqual([]);
    expect(types(c, { ...c, gsi4pk: 'campaign#active#1', gsi4sk: 'c1' })).toEqual([]);
    const t = aTargetItem();
    expect(types(t, { ...t, gsi3pk: 'outdial#o1#due#exhausted', gsi3sk: `${T1}#t1` })).toEqual([]);
  });

  it('sends nothing for an idempotent write that only moves tm_update', () => {
    const c = aCampaignItem();
    expect(types(c, { ...c, name: 'autumn', tm_update: T1 })).toEqual([]);
    const o = { ...aTargetItem(), et: 'outplan', id: 'p1', pk: 'outplan#p1' };
    expect(types(o, { ...o, tm_update: T1 })).toEqual([]);
  });

  it('compares maps regardless of the key order DynamoDB returns them in', () => {
    const before = aCampaignItem({ actions: [{ type: 'talk', option: { text: 'Hi', language: 'en-US' } }] });
    const after = aCampaignItem({ actions: [{ option: { language: 'en-US', text: 'Hi' }, type: 'talk' }] });
    expect(types(before, after)).toEqual([]);
    expect(sameValue({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(sameValue([1, 2], [2, 1])).toBe(false);
  });

  it('sends campaigncall created, updated on each status change, and deleted', () => {
    const dialing = aCallItem();
    const progressing = aCallItem({ status: 'progressing', tm_update: T1 });
    const done = aCallItem({ status: 'done', result: 'success', tm_update: T1, gsi4pk: undefined });
    expect(types(undefined, dialing)).toEqual(['campaigncall_created']);
    expect(types(dialing, progressing)).toEqual(['campaigncall_updated']);
    expect(types(progressing, done)).toEqual(['campaigncall_updated']);
    expect(eventsFromChange(progressing, done)[0]?.data).toMatchObject({ status: 'done', result: 'success' });
    expect(types(done, { ...done, tm_delete: T1 })).toEqual(['campaigncall_deleted']);
  });

  it('sends no campaigncall_updated when only the provider call id arrives while dialing', () => {
    const dialing = aCallItem();
    expect(types(dialing, { ...dialing, reference_id: 'CA123', _call_id: 'CA123', tm_update: T1 })).toEqual(
      [],
    );
  });

  it('sends outdialtarget events without the hidden owner, and updated when the engine claims it', () => {
    const idle = aTargetItem();
    const [created] = eventsFromChange(undefined, idle);
    expect(created?.type).toBe('outdialtarget_created');
    expect(created?.customerId).toBe('cust-1');
    expect(created?.data).not.toHaveProperty('customer_id');
    const claimed = aTargetItem({
      status: 'progressing',
      try_count_0: 1,
      _open_cc: 'cc1',
      gsi3pk: undefined,
    });
    expect(types(idle, claimed)).toEqual(['outdialtarget_updated']);
    expect(types(claimed, { ...claimed, tm_delete: T1 })).toEqual(['outdialtarget_deleted']);
  });

  it.each(['outplan', 'outdial'])('sends %s created, updated and deleted', (kind) => {
    const item = {
      pk: `${kind}#x1`,
      sk: kind,
      et: kind,
      id: 'x1',
      customer_id: 'cust-1',
      name: 'a',
      tm_create: T0,
    };
    expect(types(undefined, item)).toEqual([`${kind}_created`]);
    expect(types(item, { ...item, name: 'b', tm_update: T1 })).toEqual([`${kind}_updated`]);
    expect(types(item, { ...item, tm_delete: T1, tm_update: T1 })).toEqual([`${kind}_deleted`]);
  });

  it('sends outdial_updated when a campaign takes the outdial, but not when its counter alone moves', () => {
    const outdial = {
      pk: 'outdial#o1',
      sk: 'outdial',
      et: 'outdial',
      id: 'o1',
      customer_id: 'cust-1',
      tm_create: T0,
    };
    const linked = { ...outdial, campaign_id: 'c1', _refs: 1, tm_update: T1 };
    expect(types({ ...outdial, campaign_id: NIL }, linked)).toEqual(['outdial_updated']);
    expect(types(linked, { ...linked, _refs: 2 })).toEqual([]);
  });

  it('treats an item removed outright like a deletion, once', () => {
    expect(types(aTargetItem(), undefined)).toEqual(['outdialtarget_deleted']);
    expect(types(aTargetItem({ tm_delete: T1 }), undefined)).toEqual([]);
  });

  it('ignores items that are not published resources', () => {
    const other = [
      { pk: 'accesskey-hash#abc', sk: 'accesskey-hash', et: 'accesskey-hash', customer_id: 'cust-1' },
      { pk: 'campaigncall#cc1', sk: 'placement', et: 'placement', state: 'placing' },
      { pk: 'runtime#x', sk: 'runtime', et: 'runtime' },
      { pk: 'customer#cust-1', sk: 'customer', et: 'customer', id: 'cust-1', name: 'x', tm_create: T0 },
      { pk: 'queue#q1', sk: 'queue', et: 'queue', id: 'q1', customer_id: 'cust-1', tm_create: T0 },
      { pk: 'agent#a1', sk: 'agent', et: 'agent', id: 'a1', customer_id: 'cust-1', tm_create: T0 },
    ];
    for (const item of other) {
      expect(types(undefined, item)).toEqual([]);
      expect(types(item, { ...item, name: 'changed', tm_update: T1 })).toEqual([]);
    }
  });

  it('only ever produces event types of §7', () => {
    const all = [
      ...eventsFromChange(undefined, aCampaignItem()),
      ...eventsFromChange(aCampaignItem(), aCampaignItem({ status: 'run', name: 'x' })),
      ...eventsFromChange(aCallItem(), aCallItem({ tm_delete: T1 })),
    ];
    expect(all.map((e) => e.type)).toEqual([
      'campaign_created',
      'campaign_updated',
      'campaign_status_run',
      'campaigncall_deleted',
    ]);
    for (const e of all) expect(EVENT_TYPES).toContain(e.type);
  });
});
