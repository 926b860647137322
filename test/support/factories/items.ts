/** Items as the table holds them (keys, `et` and resource fields), for stream and metrics tests. */

/** A campaigncall item, dialing, created at 2026-01-01T00:00:00Z; the key follows the id. */
export const aCampaigncallItem = (overrides: Record<string, unknown> = {}) => ({
  pk: `campaigncall#${overrides.id ?? 'cc1'}`,
  sk: 'campaigncall',
  et: 'campaigncall',
  id: 'cc1',
  customer_id: 'cust-1',
  campaign_id: 'c1',
  status: 'dialing',
  result: '',
  tm_create: '2026-01-01T00:00:00.000Z',
  ...overrides,
});
