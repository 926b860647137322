import type { ListScope, StoredKind } from '#ports/resource-store.ts';

/**
 * The only place key strings are built. Items are addressed by their globally unique id; ownership is
 * the `customer_id` attribute, checked in every condition expression and on every read, and every list
 * partition starts with the tenant (or with a parent that belongs to one tenant).
 */
export const itemKey = (kind: StoredKind, id: string) => ({ pk: `${kind}#${id}`, sk: kind });

/** Sort key of newest-first lists: tm_create then id, so ties at one timestamp have a stable order. */
export const listSortKey = (tmCreate: string, id: string) => `${tmCreate}#${id}`;

/** Upper bound (exclusive) for "older than the cursor" in a newest-first list. */
export const listSortKeyBefore = (tmCreate: string, id?: string) =>
  id ? `${tmCreate}#${id}` : `${tmCreate}#`;

export const listPartition = (
  kind: StoredKind,
  scope: ListScope,
): { index: 'byList' | 'byParent'; pk: string } => {
  switch (scope.by) {
    case 'customer':
      return { index: 'byList', pk: `t#${scope.customerId}#${kind}` };
    case 'outdial':
      return { index: 'byList', pk: `outdial#${scope.outdialId}#${kind}` };
    case 'campaign':
      return { index: 'byParent', pk: `campaign#${scope.campaignId}#${kind}` };
  }
};

/** The list memberships an item has while it is not deleted. */
export const listKeys = (kind: StoredKind, resource: object): Record<string, string> => {
  const item = resource as Record<string, unknown>;
  const sk = listSortKey(String(item.tm_create), String(item.id));
  if (kind === 'outdialtarget') {
    return {
      gsi1pk: listPartition(kind, { by: 'outdial', outdialId: String(item.outdial_id) }).pk,
      gsi1sk: sk,
    };
  }
  const keys: Record<string, string> = {
    gsi1pk: listPartition(kind, { by: 'customer', customerId: String(item.customer_id) }).pk,
    gsi1sk: sk,
  };
  if (kind === 'campaigncall') {
    keys.gsi2pk = listPartition(kind, { by: 'campaign', campaignId: String(item.campaign_id) }).pk;
    keys.gsi2sk = sk;
  }
  return keys;
};

/** Sparse membership of an agent in its customer's "available" partition. */
export const availableAgentKeys = (customerId: string, agentId: string) => ({
  gsi2pk: `t#${customerId}#agent#available`,
  gsi2sk: agentId,
});

export const accesskeyHashKey = (tokenHash: string) => ({
  pk: `accesskey-hash#${tokenHash}`,
  sk: 'accesskey-hash',
});

export const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;
