/** The campaign's calling_hours (Outbound's addition) over the API: shown, validated, changed, cleared. */
import { describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { expectInvalid } from '../support/expectations.ts';
import { aCampaign } from '../support/factories/bodies.ts';

const api = apiPerFile();

const hours = { timezone: 'America/Chicago', days: [1, 2, 3, 4, 5], start: '08:00', end: '21:00' };
const basicInfo = (c: Record<string, unknown>) => ({
  name: c.name,
  detail: c.detail,
  type: c.type,
  service_level: c.service_level,
  end_handle: c.end_handle,
});

describe('calling_hours', () => {
  it('is null (any time) unless set, and is shown as set', async () => {
    const c = await api.newCustomer();
    const plain = await c.post('/campaigns', aCampaign());
    expect(plain.body.calling_hours).toBeNull();

    const created = await c.post('/campaigns', aCampaign({ calling_hours: hours }));
    expect(created.status).toBe(200);
    expect(created.body.calling_hours).toEqual(hours);
    expect((await c.get(`/campaigns/${created.body.id}`)).body.calling_hours).toEqual(hours);
  });

  it('is changed and cleared with the basic info, and left alone when not sent', async () => {
    const c = await api.newCustomer();
    const created = (await c.post('/campaigns', aCampaign())).body;
    const path = `/campaigns/${created.id}`;

    const set = await c.put(path, { ...basicInfo(created), calling_hours: hours });
    expect(set.body.calling_hours).toEqual(hours);
    const untouched = await c.put(path, { ...basicInfo(created), name: 'renamed' });
    expect(untouched.body.calling_hours).toEqual(hours);
    const cleared = await c.put(path, { ...basicInfo(created), calling_hours: null });
    expect(cleared.body.calling_hours).toBeNull();
  });

  it('takes "callee" as the time zone: each called person\'s own local time', async () => {
    const c = await api.newCustomer();
    const callee = { ...hours, timezone: 'callee' };
    const created = await c.post('/campaigns', aCampaign({ calling_hours: callee }));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect((await c.get(`/campaigns/${created.body.id}`)).body.calling_hours).toEqual(callee);
  });

  it('takes an end before the start as a window past midnight', async () => {
    const c = await api.newCustomer();
    const nights = { ...hours, start: '22:00', end: '02:00' };
    const created = await c.post('/campaigns', aCampaign({ calling_hours: nights }));
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.calling_hours).toEqual(nights);
  });

  it.each([
    ['an unknown time zone', { ...hours, timezone: 'Mars/Olympus_Mons' }, 'calling_hours.timezone'],
    ['a time that is not HH:MM', { ...hours, start: '8am' }, 'calling_hours.start'],
    ['an hour past 23', { ...hours, end: '24:00' }, 'calling_hours.end'],
    [
      'an end equal to the start (an empty window)',
      { ...hours, start: '09:00', end: '09:00' },
      'calling_hours.end',
    ],
    ['a weekday out of 1–7', { ...hours, days: [0, 1] }, 'calling_hours.days.0'],
    ['no weekday at all', { ...hours, days: [] }, 'calling_hours.days'],
    ['an unknown field', { ...hours, holidays: [] }, 'calling_hours.holidays'],
  ])('refuses %s with 400 naming the field, and creates nothing', async (_, bad, field) => {
    const c = await api.newCustomer();
    expectInvalid(await c.post('/campaigns', aCampaign({ calling_hours: bad })), field);
    expect((await c.get('/campaigns')).body.result).toEqual([]);
  });
});
