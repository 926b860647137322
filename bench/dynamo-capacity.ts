/**
 * DynamoDB capacity as AWS bills it, measured on DynamoDB Local: a client middleware asks every
 * request for its ConsumedCapacity (table and indexes) and adds it up.
 *
 * Transactions need care. DynamoDB Local's figure for a TransactWriteItems is wrong for more than one
 * item: it merges items whose consumption is identical, so a 100-item transaction of small puts comes
 * back as one item's units (checked against Local 3.x). The meter therefore bills each item of a
 * transaction itself: it copies the item as it is to a scratch table with the same keys and indexes,
 * replays the item's action there as a plain single-item write, reads Local's (correct) units for that,
 * and doubles them, as AWS bills every item of a write transaction twice. A ConditionCheck is billed
 * as a write of the item checked, which is what AWS charges for it.
 */
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';

type Units = { table: number; indexes: Record<string, number> };
type Capacity = {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
};

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

const unitsOf = (c: Capacity | undefined): Units => {
  const indexes = Object.fromEntries(
    Object.entries(c?.GlobalSecondaryIndexes ?? {}).map(([k, v]) => [k, v.CapacityUnits ?? 0]),
  );
  const onIndexes = Object.values(indexes).reduce((a, b) => a + b, 0);
  const total = c?.CapacityUnits ?? (c?.ReadCapacityUnits ?? 0) + (c?.WriteCapacityUnits ?? 0);
  return { table: c?.Table?.CapacityUnits ?? Math.max(0, total - onIndexes), indexes };
};

/** `campaigncall`, `line`, … from an item's pk; the sk tells a campaigncall's side items apart. */
const kindOf = (key: Record<string, unknown> | undefined) => {
  if (!key?.pk) return undefined;
  const kind = String(key.pk).split('#')[0];
  return key.sk && key.sk !== kind ? `${kind}/${String(key.sk).split('#')[0]}` : kind;
};

const transactKey = (item: TransactItem) => {
  const spec = Object.values(item).find(Boolean) as Record<string, any>;
  return (spec.Key ?? { pk: spec.Item?.pk, sk: spec.Item?.sk }) as Record<string, unknown>;
};

type TransactItem = Record<'Put' | 'Update' | 'Delete' | 'ConditionCheck', Record<string, any> | undefined>;

/**
 * Bills one transaction item by replaying it alone on `scratch`; 0 when its condition fails there
 * (the real transaction is then cancelled too).
 */
const replayItem = async (
  raw: DynamoDBDocumentClient,
  scratch: string,
  item: TransactItem,
): Promise<Units> => {
  const [action, spec] = Object.entries(item).find(([, v]) => v) as [keyof TransactItem, Record<string, any>];
  const { TableName, ReturnValuesOnConditionCheckFailure: _, ...rest } = spec;
  const key = action === 'Put' ? { pk: spec.Item.pk, sk: spec.Item.sk } : spec.Key;
  const old = await raw.send(new GetCommand({ TableName, Key: key, ConsistentRead: true }));
  if (old.Item) await raw.send(new PutCommand({ TableName: scratch, Item: old.Item }));
  const input = { ...rest, TableName: scratch, ReturnConsumedCapacity: 'INDEXES' as const };
  try {
    const command =
      action === 'Put'
        ? new PutCommand(input as never)
        : action === 'Delete'
          ? new DeleteCommand(input as never)
          : action === 'Update'
            ? new UpdateCommand(input as never)
            : // A condition check writes nothing: an update that removes an attribute no item has
              // evaluates the same condition and costs the checked item's size.
              new UpdateCommand({
                ...(input as never as Record<string, any>),
                UpdateExpression: 'REMOVE #meterNoSuchAttribute',
                ExpressionAttributeNames: {
                  ...rest.ExpressionAttributeNames,
                  '#meterNoSuchAttribute': '_meter_none',
                },
              } as never);
    const out = (await raw.send(command as never)) as { ConsumedCapacity?: Capacity };
    return unitsOf(out.ConsumedCapacity);
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return { table: 0, indexes: {} };
    throw err;
  } finally {
    await raw.send(new DeleteCommand({ TableName: scratch, Key: key }));
  }
};

/**
 * Counts DynamoDB capacity (tables and indexes) and requests on `ddb`, the AWS way for transactions.
 * `raw` must be a client on the same endpoint without the meter; `scratch` a table made like the real
 * one (infra/local/dynamodb-local.ts ensureTable), used only for the replays. `kindOfKey` names what
 * an item is, for `byKind` (default: the pk's first segment).
 */
export const meter = (
  ddb: DynamoDBDocumentClient,
  raw: DynamoDBDocumentClient,
  scratch: string,
  kindOfKey: (key: Record<string, unknown> | undefined) => string | undefined = kindOf,
) => {
  const m = {
    read: 0,
    write: 0,
    requests: 0,
    byCommand: new Map<string, number>(),
    byIndex: new Map<string, number>(),
    /**
     * Units by the kind of item (`write …`, with its index copies; `read …` for single-item reads).
     */
    byKind: new Map<string, number>(),
  };
  const add = (command: string, isRead: boolean, u: Units, kind?: string) => {
    const total = u.table + Object.values(u.indexes).reduce((a, b) => a + b, 0);
    const kindKey = `${isRead ? 'read' : 'write'} ${kind}`;
    if (kind) m.byKind.set(kindKey, (m.byKind.get(kindKey) ?? 0) + total);
    if (isRead) m.read += total;
    else m.write += total;
    m.byCommand.set(command, (m.byCommand.get(command) ?? 0) + total);
    for (const [name, n] of [['table', u.table] as const, ...Object.entries(u.indexes)]) {
      const key = `${isRead ? 'read' : 'write'} ${name}`;
      m.byIndex.set(key, (m.byIndex.get(key) ?? 0) + n);
    }
  };
  // Replays run one at a time: two of them on the same item (a busy campaign) would share its copy.
  let replays = Promise.resolve();
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'INDEXES';
      if (command === 'TransactWriteItemsCommand') {
        const items = input.TransactItems as TransactItem[];
        const billed: { units: Units; kind: string | undefined }[] = [];
        const done = replays.then(async () => {
          for (const item of items)
            billed.push({ units: await replayItem(raw, scratch, item), kind: kindOfKey(transactKey(item)) });
        });
        replays = done.catch(() => {});
        await done;
        const out = await next(args);
        for (const { units: u, kind } of billed) {
          add(
            command,
            false,
            {
              table: 2 * u.table,
              indexes: Object.fromEntries(Object.entries(u.indexes).map(([k, v]) => [k, 2 * v])),
            },
            kind,
          );
        }
        m.requests++;
        return out;
      }
      const out = await next(args);
      const caps = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const kind = kindOfKey((input.Key ?? input.Item) as Record<string, unknown> | undefined);
      for (const c of Array.isArray(caps) ? caps : caps ? [caps] : [])
        add(command, READS.has(command), unitsOf(c), kind);
      m.requests++;
      return out;
    },
    { step: 'initialize', name: 'capacityMeter' },
  );
  return m;
};
