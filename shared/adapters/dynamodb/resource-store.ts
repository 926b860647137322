import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type Expectation,
  ExpectationFailed,
  type ListRequest,
  MAX_CREATE_ALL,
  type ResourceStore,
  type StoredItem,
  type StoredKind,
} from '#ports/resource-store.ts';
import { batchGetInOrder } from './batch-get.ts';
import { classifyFailure, expectationCondition } from './conditions.ts';
import { itemKey, KEY_ATTRIBUTES, listKeys, listPartitions, listSortKeyBefore } from './keys.ts';
import { transact } from './transactions.ts';

/** Every index key attribute: removing them takes an item out of every index at once. */
const INDEX_KEY_ATTRIBUTES = KEY_ATTRIBUTES.filter((k) => k !== 'pk' && k !== 'sk');

/** Strips key attributes: what is left is the resource plus internal `_` attributes. */
export const fromItem = (item: Record<string, unknown>): StoredItem => {
  const out: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  delete out.et;
  return out as StoredItem;
};

/**
 * A resource as written: a null tm_delete is left out, because "not deleted" is the *absence* of the
 * attribute in every condition (`attribute_not_exists(tm_delete)`) and a stored NULL would count as
 * present, making every later change of the item fail its condition.
 */
export const withoutUnsetDelete = <T extends object>(resource: T): T => {
  const { tm_delete, ...rest } = resource as T & { tm_delete?: unknown };
  return (tm_delete === null || tm_delete === undefined ? rest : resource) as T;
};

/** Builds `SET #n0 = :v0, …` for an attribute map; pure. */
export const setExpression = (set: Record<string, unknown>, prefix = 'u') => {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const clauses = Object.entries(set).map(([k, v], i) => {
    names[`#${prefix}${i}`] = k;
    values[`:${prefix}${i}`] = v;
    return `#${prefix}${i} = :${prefix}${i}`;
  });
  return { clause: clauses.length ? `SET ${clauses.join(', ')}` : '', names, values };
};

/** Builds a conditional UpdateItem for `set` under `expect`; pure, so it is tested without DynamoDB. */
export const conditionalUpdate = (
  tableName: string,
  kind: StoredKind,
  id: string,
  expect: Expectation,
  set: Record<string, unknown>,
  remove: readonly string[] = [],
) => {
  const cond = expectationCondition(expect);
  const upd = setExpression(set);
  const removeClause = remove.length ? ` REMOVE ${remove.join(', ')}` : '';
  return {
    TableName: tableName,
    Key: itemKey(kind, id),
    UpdateExpression: `${upd.clause}${removeClause}`.trim(),
    ConditionExpression: cond.expression,
    ExpressionAttributeNames: { ...upd.names, ...cond.names },
    ExpressionAttributeValues: { ...upd.values, ...cond.values },
    ReturnValues: 'ALL_NEW' as const,
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
  };
};

export class DynamoResourceStore implements ResourceStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private newItemPut(kind: StoredKind, item: StoredItem) {
    return {
      TableName: this.tableName,
      Item: { ...itemKey(kind, item.id), ...listKeys(kind, item), et: kind, ...withoutUnsetDelete(item) },
      ConditionExpression: 'attribute_not_exists(pk)',
    };
  }

  async create(kind: StoredKind, item: StoredItem): Promise<void> {
    await this.ddb.send(new PutCommand(this.newItemPut(kind, item)));
  }

  /** One transaction, so a failure part way leaves nothing behind for a retry to duplicate. */
  async createAll(kind: StoredKind, items: readonly StoredItem[]): Promise<void> {
    if (items.length === 0) return;
    if (items.length > MAX_CREATE_ALL) {
      throw new RangeError(`createAll takes at most ${MAX_CREATE_ALL} items, got ${items.length}`);
    }
    await transact(
      this.ddb,
      items.map((item) => ({ Put: this.newItemPut(kind, item) })),
    );
  }

  async get(kind: StoredKind, id: string): Promise<StoredItem | undefined> {
    const out = await this.ddb.send(new GetCommand({ TableName: this.tableName, Key: itemKey(kind, id) }));
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async list(kind: StoredKind, req: ListRequest): Promise<StoredItem[]> {
    const part = listPartitions(kind, req.scope);
    const index = part.index === 'byList' ? { pk: 'gsi1pk', sk: 'gsi1sk' } : { pk: 'gsi2pk', sk: 'gsi2sk' };
    // Each partition's newest `limit` before the cursor; the newest `limit` of them all are among them.
    const pages = await Promise.all(
      part.pks.map((pk) =>
        this.ddb.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: part.index,
            KeyConditionExpression: req.cursor ? '#pk = :pk AND #sk < :before' : '#pk = :pk',
            ExpressionAttributeNames: { '#pk': index.pk, ...(req.cursor ? { '#sk': index.sk } : {}) },
            ExpressionAttributeValues: {
              ':pk': pk,
              ...(req.cursor ? { ':before': listSortKeyBefore(req.cursor.tmCreate, req.cursor.id) } : {}),
            },
            ScanIndexForward: false,
            Limit: req.limit,
          }),
        ),
      ),
    );
    const newest = pages
      .flatMap((out) => out.Items ?? [])
      .sort((a, b) => String(b[index.sk]).localeCompare(String(a[index.sk])))
      .slice(0, req.limit);
    const keys = newest.map((k) => ({ pk: String(k.pk), sk: String(k.sk) }));
    const items = await batchGetInOrder(this.ddb, this.tableName, keys);
    // The index lags the table a little: an item deleted a moment ago may still have its key there.
    return items.filter((i) => i.tm_delete === undefined || i.tm_delete === null).map(fromItem);
  }

  update(
    kind: StoredKind,
    id: string,
    expect: Expectation,
    set: Record<string, unknown>,
  ): Promise<StoredItem> {
    return this.conditional(expect, conditionalUpdate(this.tableName, kind, id, expect, set));
  }

  softDelete(kind: StoredKind, id: string, expect: Expectation, now: string): Promise<StoredItem> {
    return this.conditional(
      expect,
      // A deleted item leaves every index: lists, the engine's due targets and its active campaigns.
      conditionalUpdate(
        this.tableName,
        kind,
        id,
        expect,
        { tm_delete: now, tm_update: now },
        INDEX_KEY_ATTRIBUTES,
      ),
    );
  }

  /** Runs a conditional update; a refused condition becomes ExpectationFailed saying why. */
  async conditional(
    expect: Expectation,
    input: ConstructorParameters<typeof UpdateCommand>[0],
  ): Promise<StoredItem> {
    try {
      const out = await this.ddb.send(new UpdateCommand(input));
      return fromItem(out.Attributes ?? {});
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        const current = err.Item ? fromItem(unmarshallLoose(err.Item)) : undefined;
        throw new ExpectationFailed(classifyFailure(expect, current), current);
      }
      throw err;
    }
  }
}

/** The old item on a refused condition comes back in raw attribute-value form. */
const unmarshallLoose = (item: Record<string, unknown>) =>
  unmarshall(item as Parameters<typeof unmarshall>[0]) as Record<string, unknown>;
