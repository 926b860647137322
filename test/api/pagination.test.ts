import { beforeAll, describe, expect, it } from 'vitest';
import { apiPerFile } from '../support/api-per-file.ts';
import { anOutdial, anOutplan, aTarget } from '../support/factories/bodies.ts';
import type { Client, Reply } from '../support/local-api.ts';

/** §6.3 list paging, checked on every list this family of routes has. */
const api = apiPerFile();

type Customer = Client & { customerId: string };
interface Item {
  id: string;
  tm_create: string;
}
interface Page {
  result: Item[];
  next_page_token: string;
}

/** A list to page through and a way to add one item to it, for a fresh customer. */
interface ListUnderTest {
  customer: Customer;
  path: string;
  add(n: number): Promise<Item>;
}

const created = (res: Reply): Item => {
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

const lists: [string, () => Promise<ListUnderTest>][] = [
  [
    'outplans',
    async () => {
      const customer = await api.newCustomer();
      return {
        customer,
        path: '/outplans',
        add: async (n) => created(await customer.post('/outplans', anOutplan({ name: `outplan ${n}` }))),
      };
    },
  ],
  [
    'outdials',
    async () => {
      const customer = await api.newCustomer();
      return {
        customer,
        path: '/outdials',
        add: async (n) => created(await customer.post('/outdials', anOutdial({ name: `outdial ${n}` }))),
      };
    },
  ],
  [
    'targets of an outdial',
    async () => {
      const customer = await api.newCustomer();
      const outdial = created(await customer.post('/outdials', anOutdial()));
      const path = `/outdials/${outdial.id}/targets`;
      return {
        customer,
        path,
        add: async (n) => created(await customer.post(path, aTarget({ name: `target ${n}` }))),
      };
    },
  ],
];

const addMany = async (list: ListUnderTest, count: number): Promise<Item[]> => {
  const items: Item[] = [];
  for (let n = 0; n < count; n++) items.push(await list.add(n));
  return items;
};

const byCodeUnits = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);

/** Newest first: tm_create descending, ties by id descending (§6.3). */
const newestFirst = (items: Item[]) =>
  [...items].sort((a, b) =>
    a.tm_create === b.tm_create ? byCodeUnits(b.id, a.id) : byCodeUnits(b.tm_create, a.tm_create),
  );

const query = (params: Record<string, string | number>) =>
  `?${Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
    .join('&')}`;

const getPage = async (c: Customer, path: string, params: Record<string, string | number> = {}) => {
  const res = await c.get<Page>(`${path}${query(params)}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

/** Follows next_page_token until an empty page; returns every page, the empty one included. */
const walk = async (c: Customer, path: string, pageSize: number): Promise<Page[]> => {
  const pages: Page[] = [];
  let token = '';
  for (let guard = 0; guard < 200; guard++) {
    const page = await getPage(c, path, { page_size: pageSize, ...(token ? { page_token: token } : {}) });
    pages.push(page);
    if (page.result.length === 0) return pages;
    token = page.next_page_token;
  }
  throw new Error('paging never reached an empty page');
};

const ids = (items: Item[]) => items.map((i) => i.id);
const toLegacy = (tmCreate: string) => tmCreate.replace('T', ' ').replace('Z', '');

const expectInvalidQuery = (res: Reply, field: string) => {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', reason: 'INVALID_ARGUMENT' });
  expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
};

describe.each(lists)('paging %s', (_name, given) => {
  it('walks newest first with no duplicates and no gaps, and a full last page is followed by one empty page', async () => {
    const list = await given();
    const items = await addMany(list, 9);
    const pages = await walk(list.customer, list.path, 3);
    expect(pages.map((p) => p.result.length)).toEqual([3, 3, 3, 0]);
    expect(pages.flatMap((p) => ids(p.result))).toEqual(ids(items).reverse());
    for (const page of pages.slice(0, 3)) expect(page.next_page_token).toBe(page.result.at(-1)?.tm_create);
    expect(pages[3]).toEqual({ result: [], next_page_token: '' });
  });

  it('ends a short last page with its tm_create token, then an empty page', async () => {
    const list = await given();
    const items = await addMany(list, 5);
    const pages = await walk(list.customer, list.path, 2);
    expect(pages.map((p) => p.result.length)).toEqual([2, 2, 1, 0]);
    expect(pages[2]?.next_page_token).toBe(items[0]?.tm_create);
    expect(pages.flatMap((p) => ids(p.result))).toEqual(ids(items).reverse());
  });

  it('lists every item created in the same microsecond exactly once, whatever the page size', async () => {
    const list = await given();
    const older = await list.add(0);
    api.clock.advance(1_000);
    api.clock.freeze();
    const tied = await addMany(list, 7);
    api.clock.unfreeze();
    api.clock.advance(1_000);
    const newer = await list.add(8);
    expect(new Set(tied.map((t) => t.tm_create)).size).toBe(1);

    const expected = [newer, ...newestFirst(tied), older];
    for (const size of [1, 2, 3, 4, 7, 9]) {
      const pages = await walk(list.customer, list.path, size);
      const seen = pages.flatMap((p) => ids(p.result));
      expect(seen, `page_size ${size}`).toEqual(ids(expected));
      expect(pages.at(-1)).toEqual({ result: [], next_page_token: '' });
    }
  });

  it('takes a plain tm_create token as "strictly older than this item"', async () => {
    const list = await given();
    const items = await addMany(list, 5);
    const page = await getPage(list.customer, list.path, { page_token: items[3]?.tm_create ?? '' });
    expect(ids(page.result)).toEqual(ids(items.slice(0, 3)).reverse());
    expect(page.next_page_token).toBe(items[0]?.tm_create);
  });

  it('accepts the legacy "YYYY-MM-DD hh:mm:ss.ffffff" token form with the same meaning', async () => {
    const list = await given();
    const items = await addMany(list, 4);
    const token = toLegacy(items[2]?.tm_create ?? '');
    expect(token).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$/);
    const page = await getPage(list.customer, list.path, { page_token: token, page_size: 10 });
    expect(ids(page.result)).toEqual([items[1]?.id, items[0]?.id]);
  });

  it('excludes the whole same-microsecond group when given their plain tm_create as token', async () => {
    const list = await given();
    const older = await list.add(0);
    api.clock.advance(1_000);
    api.clock.freeze();
    const tied = await addMany(list, 3);
    api.clock.unfreeze();
    const page = await getPage(list.customer, list.path, { page_token: tied[0]?.tm_create ?? '' });
    expect(page).toEqual({ result: [older], next_page_token: older.tm_create });
  });

  it('skips deleted items without leaving gaps between pages', async () => {
    const list = await given();
    const items = await addMany(list, 7);
    const doomed = [items[1], items[2], items[5]].map((i) => i?.id);
    for (const id of doomed) {
      expect((await list.customer.del(`${list.path}/${id}`)).status).toBe(200);
    }
    const pages = await walk(list.customer, list.path, 2);
    const survivors = items.filter((i) => !doomed.includes(i.id));
    expect(pages.flatMap((p) => ids(p.result))).toEqual(ids(survivors).reverse());
    expect(pages.map((p) => p.result.length)).toEqual([2, 2, 0]);
  });

  it("never shows another customer's items", async () => {
    const mine = await given();
    const theirs = await given();
    const own = await addMany(mine, 2);
    await addMany(theirs, 3);
    const pages = await walk(mine.customer, mine.path, 1);
    expect(pages.flatMap((p) => ids(p.result))).toEqual(ids(own).reverse());
  });
});

describe('page_size', () => {
  let alice: Customer;
  let items: Item[];
  beforeAll(async () => {
    alice = await api.newCustomer();
    items = [];
    // 101 outplans, created in batches; the clock gives each its own tm_create.
    for (let batch = 0; batch < 101; batch += 25) {
      const count = Math.min(25, 101 - batch);
      const replies = await Promise.all(
        Array.from({ length: count }, (_, i) =>
          alice.post('/outplans', anOutplan({ name: `p${batch + i}` })),
        ),
      );
      items.push(...replies.map(created));
    }
    items = newestFirst(items);
  });

  it('defaults to 100 and continues with the rest on the next page', async () => {
    const first = await getPage(alice, '/outplans');
    expect(ids(first.result)).toEqual(ids(items.slice(0, 100)));
    expect(first.next_page_token).toBe(items[99]?.tm_create);
    const second = await getPage(alice, '/outplans', { page_token: first.next_page_token });
    expect(second).toEqual({ result: [items[100]], next_page_token: items[100]?.tm_create });
  });

  it.each([0, -1, -100, 101, 1000, '99999999999999999999999'])('treats page_size %s as 100', async (size) => {
    const page = await getPage(alice, '/outplans', { page_size: size });
    expect(ids(page.result)).toEqual(ids(items.slice(0, 100)));
  });

  it.each([1, 37, 100])('returns exactly page_size %i items when that many exist', async (size) => {
    const page = await getPage(alice, '/outplans', { page_size: size });
    expect(ids(page.result)).toEqual(ids(items.slice(0, size)));
    expect(page.next_page_token).toBe(items[size - 1]?.tm_create);
  });

  it.each(['abc', '2.5', '1e'])('rejects a page_size of %j with 400 naming page_size', async (size) => {
    expectInvalidQuery(await alice.get(`/outplans?page_size=${size}`), 'page_size');
  });
});

describe('page_token', () => {
  it('answers a customer with no items with result [] and an empty token', async () => {
    const alice = await api.newCustomer();
    for (const path of ['/outplans', '/outdials']) {
      expect(await getPage(alice, path)).toEqual({ result: [], next_page_token: '' });
    }
  });

  it('treats an empty page_token as the first page', async () => {
    const alice = await api.newCustomer();
    const a = created(await alice.post('/outplans', anOutplan()));
    const b = created(await alice.post('/outplans', anOutplan()));
    expect(await getPage(alice, '/outplans', { page_token: '' })).toEqual(await getPage(alice, '/outplans'));
    expect(ids((await getPage(alice, '/outplans', { page_token: '' })).result)).toEqual([b.id, a.id]);
  });

  it('answers a token older than every item with an empty page', async () => {
    const alice = await api.newCustomer();
    created(await alice.post('/outplans', anOutplan()));
    for (const token of ['2022-04-28 02:16:39.712142', '2022-04-28T02:16:39.712142Z']) {
      expect(await getPage(alice, '/outplans', { page_token: token })).toEqual({
        result: [],
        next_page_token: '',
      });
    }
  });

  it('answers a far-future token, such as the legacy 9999 sentinel, with the newest items', async () => {
    const alice = await api.newCustomer();
    const a = created(await alice.post('/outplans', anOutplan()));
    const b = created(await alice.post('/outplans', anOutplan()));
    const page = await getPage(alice, '/outplans', { page_token: '9999-01-01 00:00:00.000000' });
    expect(ids(page.result)).toEqual([b.id, a.id]);
  });

  it('accepts a token with fewer fractional digits, such as a JavaScript ISO string', async () => {
    const alice = await api.newCustomer();
    const a = created(await alice.post('/outplans', anOutplan()));
    api.clock.advance(5);
    const b = created(await alice.post('/outplans', anOutplan()));
    // b's own instant with millisecond precision: strictly older items only, so just a.
    const millis = new Date(Date.parse(b.tm_create.replace(/\d{3}Z$/, 'Z'))).toISOString();
    const page = await getPage(alice, '/outplans', { page_token: millis });
    expect(ids(page.result)).toEqual([a.id]);
  });

  it.each([
    'yesterday',
    '12345',
    '2026-13-45T00:00:00.000000Z',
    '2026-01-15T09:30:00.1234567Z',
    '2026-01-15',
    '2026-01-15T09:30:00.000000Z~not-a-uuid',
    '2026-01-15T09:30:00.000000Z~00000000-0000-0000-0000-000000000000~x',
    '~00000000-0000-0000-0000-000000000000',
  ])('rejects the malformed page_token %j with 400 naming page_token', async (token) => {
    const alice = await api.newCustomer();
    for (const path of ['/outplans', '/outdials']) {
      expectInvalidQuery(await alice.get(`${path}${query({ page_token: token })}`), 'page_token');
    }
  });

  it('rejects a malformed page_token on the targets list too', async () => {
    const alice = await api.newCustomer();
    const outdial = created(await alice.post('/outdials', anOutdial()));
    expectInvalidQuery(await alice.get(`/outdials/${outdial.id}/targets?page_token=soon`), 'page_token');
  });

  it('rejects an unknown query parameter', async () => {
    const alice = await api.newCustomer();
    expectInvalidQuery(await alice.get('/outplans?page=2'), 'page');
  });
});
