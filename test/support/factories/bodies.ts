/** Valid request bodies with overrides, so each test states only what it is about. */
export const anOutplan = (overrides: Record<string, unknown> = {}) => ({
  name: 'outplan',
  detail: 'retry three times, ten minutes apart',
  source: { type: 'tel', target: '+15550000001' },
  dial_timeout: 30000,
  try_interval: 600000,
  max_try_count_0: 3,
  max_try_count_1: 2,
  max_try_count_2: 0,
  max_try_count_3: 0,
  max_try_count_4: 0,
  ...overrides,
});

export const anOutdial = (overrides: Record<string, unknown> = {}) => ({
  name: 'outdial',
  detail: 'people to call',
  data: 'list 1',
  ...overrides,
});

export const aTarget = (overrides: Record<string, unknown> = {}) => ({
  name: 'target',
  detail: 'a person',
  data: 'crm-42',
  destination_0: { type: 'tel', target: '+15551230000' },
  ...overrides,
});

export const aQueue = (overrides: Record<string, unknown> = {}) => ({
  name: 'queue',
  detail: 'sales',
  tag_ids: [],
  ...overrides,
});

export const anAgent = (overrides: Record<string, unknown> = {}) => ({
  name: 'agent',
  detail: '',
  tag_ids: [],
  status: 'available',
  ...overrides,
});

export const aCampaign = (overrides: Record<string, unknown> = {}) => ({
  name: 'campaign',
  detail: 'autumn renewals',
  type: 'call',
  service_level: 100,
  end_handle: 'stop',
  actions: [{ type: 'talk', option: { text: 'Hello', language: 'en-US', gender: 'female' } }],
  ...overrides,
});
