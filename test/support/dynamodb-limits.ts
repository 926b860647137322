/**
 * A model of the DynamoDB limits that AWS enforces and DynamoDB Local does not, as middleware on an
 * AWS SDK v3 DynamoDB client (tests and benches only; production code never imports it):
 *
 * - Per partition key: at most 1,000 write units and 3,000 read units a second, on the table and on
 *   each index partition separately. Each partition has a token bucket holding one second of its limit
 *   and refilling continuously. A write whose units do not fit in every partition it touches (the
 *   item's own partition and the index partitions its change is copied to) is refused whole: as in
 *   AWS, an index partition over its limit throttles the base-table write. A single-item request gets
 *   the SDK's own ProvisionedThroughputExceededException (KeyRangeThroughputExceeded reason), which
 *   the SDK's retry strategy treats as a throttle; a transaction gets TransactionCanceledException with
 *   a ThrottlingError reason at each item over the limit.
 * - Transaction conflicts, as AWS documents them, for requests in flight at once through this client:
 *   a transaction writing an item that another in-flight transaction writes is cancelled
 *   (TransactionConflict at that item's index); a PutItem/UpdateItem/DeleteItem on an item an
 *   in-flight transaction writes fails with TransactionConflictException; a TransactGetItems reading
 *   an item that an in-flight write (of any kind) changes is cancelled.
 *
 * Units follow AWS's rules: a write costs 1 unit per started KB of the larger of the item's old and new
 * image (a ConditionCheck, or a delete, the item as it is; at least 1), and on each index the change
 * is copied to, 1 unit per started KB of the projected entry (2 writes when the entry moves between
 * index keys); a read costs 1 unit per started 4 KB, half when eventually consistent; every item of a
 * transaction costs double.
 *
 * Approximations (kept simple on purpose):
 * - The old image comes from an extra consistent GetItem on a client without the model, before the
 *   request; the new image of an UpdateItem is evaluated from its expression on that old image,
 *   closely for SET/REMOVE/ADD of top-level attributes, as a size increase for nested paths.
 * - Reads are billed on the items returned after the request (a ProjectionExpression or a filter
 *   makes them cheaper than AWS; a missing item costs the minimum), so a read is admitted while its
 *   partition has any capacity left and the bucket may go below zero.
 * - BatchWriteItem and BatchGetItem are refused whole when any of their items is over the limit (AWS
 *   returns that item in Unprocessed*), and take part in conflicts only as in-flight writes seen by
 *   TransactGetItems.
 * - Left out: a transaction meeting an in-flight non-transactional write or TransactGetItems (not
 *   among AWS's documented conflict cases), per-table and per-account quotas, burst and adaptive
 *   capacity, partition splits, Scan, and the 100-byte overhead of index entries.
 */
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  allIndexes,
  type IndexDefinition,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
} from '#adapters/dynamodb/table.ts';

type Item = Record<string, AttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, AttributeValue> | undefined;

export type Refusal = 'write-throttled' | 'read-throttled' | 'transaction-conflict';

export interface DynamoLimitsOptions {
  /** DynamoDB Local's endpoint: the model reads old images there, past its own middleware. */
  endpoint: string;
  /** @default 1000: AWS's per-partition write limit. */
  writeUnitsPerSecond?: number;
  /** @default 3000: AWS's per-partition read limit. */
  readUnitsPerSecond?: number;
  /** Milliseconds; tests pass a fake clock so no test depends on the machine's speed. */
  now?: () => number;
  /** The table's indexes (every table the client writes has the same shape). */
  indexes?: readonly IndexDefinition[];
  /**
   * @default true. False leaves transactions alone, and Infinity for both limits refuses nothing: the
   * model then only counts units (a bench's baseline of the model's own cost).
   */
  conflicts?: boolean;
  /**
   * Awaited while a write holds its items, just before it goes to DynamoDB Local: tests keep a request
   * in flight with it, so an overlap does not depend on timing.
   */
  inFlight?: (command: string) => Promise<void>;
}

/** Replaces uuids by `*`, so `campaign#<uuid>` and `t#<uuid>#campaign` count as one kind of key. */
export const keyPattern = (key: string) =>
  key.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '*');

// --- sizes and units, by AWS's rules ------------------------------------------------------------

const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** A number takes about one byte per two significant digits, plus one. */
const numberSize = (n: string) => {
  const digits = n
    .replace(/^[-+]/, '')
    .replace(/[eE].*$/, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
};

const binarySize = (b: Uint8Array | string) =>
  typeof b === 'string' ? Buffer.from(b, 'base64').length : b.length;

export const valueSize = (v: AttributeValue): number => {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return binarySize(v.B);
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS) return v.SS.reduce((a, s) => a + utf8(s), 0);
  if (v.NS) return v.NS.reduce((a, s) => a + numberSize(s), 0);
  if (v.BS) return v.BS.reduce((a, s) => a + binarySize(s), 0);
  // Lists and maps: 3 bytes, plus 1 per element beside the element (and its name).
  if (v.L) return 3 + v.L.reduce((a, e) => a + 1 + valueSize(e), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((a, [k, e]) => a + 1 + utf8(k) + valueSize(e), 0);
  return 0;
};

const TYPES = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'SS', 'NS', 'BS', 'L', 'M']);

/**
 * Requests reach the model marshalled, but a document client's responses come back already
 * unmarshalled (its unmarshalling sits below the retry loop): those are marshalled again to be sized.
 */
const asAttributes = (item: Record<string, unknown>): Item =>
  Object.values(item).every(
    (v) =>
      typeof v === 'object' && v !== null && Object.keys(v).length === 1 && TYPES.has(Object.keys(v)[0]!),
  )
    ? (item as Item)
    : marshall(item, { removeUndefinedValues: true, convertClassInstanceToMap: true });

/** An item's size: each attribute's name plus its value. */
export const itemSize = (item: Record<string, unknown> | undefined) =>
  item ? Object.entries(asAttributes(item)).reduce((a, [k, v]) => a + utf8(k) + valueSize(v), 0) : 0;

export const writeUnits = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number, consistent: boolean) =>
  Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);

// --- update expressions -------------------------------------------------------------------------

/** Splits on commas outside parentheses. */
const splitTop = (s: string) => {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')') depth--;
    else if (s[i] === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts.filter(Boolean);
};

const resolveName = (token: string, names: Names) =>
  token.startsWith('#') ? (names?.[token] ?? token) : token;

/** The top-level attribute a document path starts with, and whether the path goes deeper. */
const topOf = (path: string, names: Names) => {
  const m = /^([^.[\s]+)(.*)$/.exec(path.trim());
  return { name: resolveName(m?.[1] ?? path.trim(), names), nested: Boolean(m?.[2]) };
};

/** The value an operand of SET stands for: a placeholder, an attribute of the old image, or a function of them. */
const operandValue = (op: string, old: Item, names: Names, values: Values): AttributeValue | undefined => {
  const s = op.trim();
  if (s.startsWith(':')) return values?.[s];
  const fn = /^(\w+)\s*\((.*)\)$/s.exec(s);
  if (fn) {
    const args = splitTop(fn[2] ?? '').map((a) => operandValue(a, old, names, values));
    if (fn[1] === 'if_not_exists') return args[0] ?? args[1];
    if (fn[1] === 'list_append') return { L: args.flatMap((a) => a?.L ?? []) };
    return args.find(Boolean);
  }
  const arith = s.split(/\s[+-]\s/);
  if (arith.length > 1) {
    // Arithmetic keeps a number about the size of the larger operand.
    const vs = arith.map((a) => operandValue(a, old, names, values)).filter(Boolean) as AttributeValue[];
    return vs.sort((a, b) => valueSize(b) - valueSize(a))[0];
  }
  const { name, nested } = topOf(s, names);
  return nested ? undefined : old[name];
};

/**
 * The item after an UpdateItem, evaluated on the old image, and the top-level attributes it touches.
 * Nested paths are counted as growing their attribute by the value set.
 */
export const applyUpdate = (
  old: Item | undefined,
  expression: string,
  names: Names,
  values: Values,
): { item: Item; touched: Set<string>; extraBytes: number } => {
  const item: Item = { ...(old ?? {}) };
  const touched = new Set<string>();
  let extraBytes = 0;
  const clauses = expression.split(/\b(SET|REMOVE|ADD|DELETE)\b/i).slice(1);
  for (let i = 0; i < clauses.length; i += 2) {
    const verb = (clauses[i] ?? '').toUpperCase();
    for (const action of splitTop(clauses[i + 1] ?? '')) {
      if (verb === 'SET') {
        const eq = action.indexOf('=');
        const { name, nested } = topOf(action.slice(0, eq), names);
        touched.add(name);
        const value = operandValue(action.slice(eq + 1), old ?? {}, names, values);
        if (nested) extraBytes += value ? valueSize(value) : 0;
        else if (value) item[name] = value;
      } else if (verb === 'REMOVE') {
        const { name, nested } = topOf(action, names);
        touched.add(name);
        if (!nested) delete item[name];
      } else {
        const [path = '', placeholder = ''] = action.split(/\s+/);
        const { name } = topOf(path, names);
        touched.add(name);
        const value = values?.[placeholder];
        const current = item[name];
        if (verb === 'ADD' && value) {
          if (!current) item[name] = value;
          else if (current.SS && value.SS) item[name] = { SS: [...new Set([...current.SS, ...value.SS])] };
          else if (current.NS && value.NS) item[name] = { NS: [...new Set([...current.NS, ...value.NS])] };
          else if (current.N && value.N && valueSize(value) > valueSize(current)) item[name] = value;
        }
      }
    }
  }
  return { item, touched, extraBytes };
};

// --- what a request touches ---------------------------------------------------------------------

interface WriteAction {
  kind: 'put' | 'update' | 'delete' | 'check';
  table: string;
  key: Item;
  put?: Item;
  update?: { expression: string; names: Names; values: Values };
}

/** Units on one partition: `table` for the item's own, an index name for an index partition. */
interface Charge {
  partition: string;
  where: string;
  pk: string;
  units: number;
}

const keyString = (v: AttributeValue | undefined) =>
  v?.S ?? v?.N ?? (v?.B ? Buffer.from(v.B).toString('base64') : '');

class Bucket {
  tokens: number;
  constructor(
    private readonly perSecond: number,
    private at: number,
  ) {
    this.tokens = perSecond;
  }
  refill(now: number) {
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = Math.max(this.at, now);
    return this.tokens;
  }
}

const metadata = () => ({ httpStatusCode: 400, requestId: 'dynamodb-limits-model', attempts: 1 });

/**
 * Puts the model in front of `client` (a DynamoDBClient or DynamoDBDocumentClient). It sits inside
 * the SDK's retry loop, so a throttle it raises is retried by the SDK like one from AWS.
 */
export const limitDynamo = (
  client: { middlewareStack: { add: (...args: any[]) => void } },
  options: DynamoLimitsOptions,
) => {
  const model = new DynamoLimits(options);
  client.middlewareStack.add(
    (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: any) =>
      model.handle(String(context.commandName), args.input, () => next(args)),
    { step: 'finalizeRequest', priority: 'low', name: 'dynamodbLimitsModel' },
  );
  return model;
};

export class DynamoLimits {
  /** Requests refused, by `reason where pattern` (see keyPattern): what the model would have cost in AWS. */
  readonly refused = new Map<string, number>();
  /** Units admitted, by `read|write where pattern`. */
  readonly consumed = new Map<string, number>();
  /** Units admitted, by `read|write where key`: one partition each, to find the hot one. */
  readonly consumedByKey = new Map<string, number>();
  private readonly writeBuckets = new Map<string, Bucket>();
  private readonly readBuckets = new Map<string, Bucket>();
  private readonly txWrites = new Map<string, number>();
  private readonly plainWrites = new Map<string, number>();
  private readonly raw: DynamoDBClient;
  private readonly now: () => number;
  private readonly indexes: readonly IndexDefinition[];

  constructor(private readonly options: DynamoLimitsOptions) {
    this.raw = new DynamoDBClient({
      endpoint: options.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    this.now = options.now ?? Date.now;
    this.indexes = options.indexes ?? allIndexes;
  }

  /** Refusals summed by reason and key pattern, largest first. */
  report() {
    return [...this.refused].sort((a, b) => b[1] - a[1]).map(([what, count]) => ({ what, count }));
  }

  total(reason?: Refusal) {
    let n = 0;
    for (const [k, v] of this.refused) if (!reason || k.startsWith(`${reason} `)) n += v;
    return n;
  }

  async handle(command: string, input: any, next: () => Promise<any>): Promise<any> {
    switch (command) {
      case 'PutItemCommand':
        return this.write(
          command,
          false,
          [{ kind: 'put', table: input.TableName, key: {}, put: input.Item }],
          next,
        );
      case 'UpdateItemCommand':
      case 'DeleteItemCommand':
        return this.write(
          command,
          false,
          [
            {
              kind: command === 'UpdateItemCommand' ? 'update' : 'delete',
              table: input.TableName,
              key: input.Key,
              update: input.UpdateExpression
                ? {
                    expression: input.UpdateExpression,
                    names: input.ExpressionAttributeNames,
                    values: input.ExpressionAttributeValues,
                  }
                : undefined,
            },
          ],
          next,
        );
      case 'BatchWriteItemCommand':
        return this.write(
          command,
          false,
          Object.entries(input.RequestItems as Record<string, any[]>).flatMap(([table, requests]) =>
            requests.map(
              (r): WriteAction =>
                r.PutRequest
                  ? { kind: 'put', table, key: {}, put: r.PutRequest.Item }
                  : { kind: 'delete', table, key: r.DeleteRequest.Key },
            ),
          ),
          next,
        );
      case 'TransactWriteItemsCommand':
        return this.write(
          command,
          true,
          (input.TransactItems as any[]).map((t): WriteAction => {
            if (t.Put) return { kind: 'put', table: t.Put.TableName, key: {}, put: t.Put.Item };
            const [kind, spec] = t.Update
              ? (['update', t.Update] as const)
              : t.Delete
                ? (['delete', t.Delete] as const)
                : (['check', t.ConditionCheck] as const);
            return {
              kind,
              table: spec.TableName,
              key: spec.Key,
              update:
                kind === 'update'
                  ? {
                      expression: spec.UpdateExpression,
                      names: spec.ExpressionAttributeNames,
                      values: spec.ExpressionAttributeValues,
                    }
                  : undefined,
            };
          }),
          next,
        );
      case 'GetItemCommand':
        return this.read(
          [{ table: input.TableName, pk: keyString(input.Key?.[TABLE_PARTITION_KEY]) }],
          Boolean(input.ConsistentRead),
          false,
          next,
          (out) => [itemSize(out.Item)],
        );
      case 'QueryCommand':
        return this.read(
          [{ table: input.TableName, index: input.IndexName, pk: this.queryPartition(input) }],
          Boolean(input.ConsistentRead),
          false,
          next,
          // A query is billed on the items' total size, not item by item.
          (out) => [((out.Items ?? []) as Item[]).reduce((a, it) => a + itemSize(it), 0)],
        );
      case 'BatchGetItemCommand':
        return this.read(
          Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>).flatMap(([table, r]) =>
            r.Keys.map((k) => ({ table, pk: keyString(k[TABLE_PARTITION_KEY]) })),
          ),
          false,
          false,
          next,
          // Batch reads come back in any order: each item is billed to the partition its key names.
          (out) => {
            const found = new Map<string, number>();
            for (const [table, items] of Object.entries((out.Responses ?? {}) as Record<string, Item[]>))
              for (const it of items) found.set(this.itemId(table, asAttributes(it)), itemSize(it));
            return Object.entries(input.RequestItems as Record<string, { Keys: Item[] }>).flatMap(
              ([table, r]) => r.Keys.map((k) => found.get(this.itemId(table, k)) ?? 0),
            );
          },
        );
      case 'TransactGetItemsCommand':
        return this.transactGet(input, next);
      default:
        return next();
    }
  }

  // --- writes -----------------------------------------------------------------------------------

  private itemId(table: string, key: Item) {
    return `${table}|${keyString(key[TABLE_PARTITION_KEY])}|${keyString(key[TABLE_SORT_KEY])}`;
  }

  private keyOf(a: WriteAction): Item {
    const source = a.put ?? a.key;
    const key: Item = {};
    for (const k of [TABLE_PARTITION_KEY, TABLE_SORT_KEY]) if (source[k]) key[k] = source[k];
    return key;
  }

  private async write(
    command: string,
    transactional: boolean,
    actions: WriteAction[],
    next: () => Promise<any>,
  ) {
    const ids = actions.map((a) => this.itemId(a.table, this.keyOf(a)));
    // Conflicts are decided as the request arrives, before anything is awaited.
    const conflicting = this.options.conflicts !== false;
    if (conflicting && transactional) {
      const conflicts = ids.map((id) => (this.txWrites.get(id) ?? 0) > 0);
      if (conflicts.some(Boolean)) {
        ids.forEach((id, i) => {
          if (conflicts[i]) this.count('transaction-conflict', 'table', id.split('|')[1] ?? '');
        });
        throw new TransactionCanceledException({
          message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${conflicts
            .map((c) => (c ? 'TransactionConflict' : 'None'))
            .join(', ')}]`,
          $metadata: metadata(),
          CancellationReasons: conflicts.map((c) =>
            c
              ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
              : { Code: 'None' },
          ),
        });
      }
    } else if (conflicting && actions.length === 1 && ids.some((id) => (this.txWrites.get(id) ?? 0) > 0)) {
      this.count('transaction-conflict', 'table', ids[0]?.split('|')[1] ?? '');
      throw new TransactionConflictException({
        message: 'Transaction is ongoing for the item',
        $metadata: metadata(),
      });
    }
    const held = transactional ? this.txWrites : this.plainWrites;
    for (const id of ids) held.set(id, (held.get(id) ?? 0) + 1);
    try {
      const olds = await Promise.all(actions.map((a) => this.oldImage(a)));
      const charges = actions.map((a, i) => this.writeCharges(a, olds[i], transactional ? 2 : 1));
      const over = this.overLimit(
        charges.flat(),
        this.writeBuckets,
        this.options.writeUnitsPerSecond ?? 1000,
      );
      if (over.size > 0) {
        for (const c of charges.flat())
          if (over.has(c.partition)) this.count('write-throttled', c.where, c.pk);
        if (transactional) {
          const reasons = charges.map((cs) => cs.some((c) => over.has(c.partition)));
          throw new TransactionCanceledException({
            message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
              .map((r) => (r ? 'ThrottlingError' : 'None'))
              .join(', ')}]`,
            $metadata: metadata(),
            CancellationReasons: reasons.map((r) =>
              r
                ? {
                    Code: 'ThrottlingError',
                    Message: 'Throughput exceeds the current capacity for one or more partitions',
                  }
                : { Code: 'None' },
            ),
          });
        }
        const onIndex = charges.flat().some((c) => over.has(c.partition) && c.where !== 'table');
        throw new ProvisionedThroughputExceededException({
          message: 'Throughput exceeds the current capacity of your table or index for this partition key',
          $metadata: metadata(),
          ThrottlingReasons: [
            {
              reason: onIndex
                ? 'IndexWriteKeyRangeThroughputExceeded'
                : 'TableWriteKeyRangeThroughputExceeded',
              resource: `arn:aws:dynamodb:local:000000000000:table/${actions[0]?.table}`,
            },
          ],
        });
      }
      this.debit(charges.flat(), this.writeBuckets, 'write');
      await this.options.inFlight?.(command);
      return await next();
    } finally {
      for (const id of ids) {
        const n = (held.get(id) ?? 1) - 1;
        if (n > 0) held.set(id, n);
        else held.delete(id);
      }
    }
  }

  private async oldImage(a: WriteAction): Promise<Item | undefined> {
    const out = await this.raw.send(
      new GetItemCommand({ TableName: a.table, Key: this.keyOf(a), ConsistentRead: true }),
    );
    return out.Item;
  }

  /** The units one write action costs, on its item's partition and on each index partition it changes. */
  writeCharges(a: WriteAction, old: Item | undefined, factor: number): Charge[] {
    const pk = keyString(this.keyOf(a)[TABLE_PARTITION_KEY]);
    const table = (units: number): Charge => ({
      partition: `${a.table}||${pk}`,
      where: 'table',
      pk,
      units: units * factor,
    });
    if (a.kind === 'check') return [table(writeUnits(itemSize(old)))];
    let next: Item | undefined;
    let touched: Set<string> | undefined;
    let extra = 0;
    if (a.kind === 'put') next = a.put;
    else if (a.kind === 'update') {
      const applied = a.update
        ? applyUpdate(old, a.update.expression, a.update.names, a.update.values)
        : { item: { ...(old ?? {}), ...a.key }, touched: new Set<string>(), extraBytes: 0 };
      next = { ...applied.item, ...a.key };
      touched = applied.touched;
      extra = applied.extraBytes;
    }
    const charges = [table(writeUnits(Math.max(itemSize(old), itemSize(next) + extra)))];
    for (const index of this.indexes) {
      const entry = (item: Item | undefined) => {
        const ipk = item?.[index.partitionKey];
        const isk = item?.[index.sortKey];
        if (!item || !ipk || !isk) return undefined;
        const names = new Set([TABLE_PARTITION_KEY, TABLE_SORT_KEY, index.partitionKey, index.sortKey]);
        const projected: Item = {};
        for (const [k, v] of Object.entries(item)) {
          const keep =
            names.has(k) ||
            index.projection.type === 'ALL' ||
            (index.projection.type === 'INCLUDE' &&
              (index.projection.attributes as readonly string[]).includes(k));
          if (keep) projected[k] = v;
        }
        return { pk: keyString(ipk), sk: keyString(isk), projected };
      };
      const before = entry(old);
      const after = entry(next);
      const charge = (e: { pk: string; projected: Item }): Charge => ({
        partition: `${a.table}|${index.name}|${e.pk}`,
        where: index.name,
        pk: e.pk,
        units: writeUnits(itemSize(e.projected)) * factor,
      });
      if (before && after && before.pk === after.pk && before.sk === after.sk) {
        const changed = touched
          ? [...touched].some((k) => k in before.projected || k in after.projected)
          : JSON.stringify(before.projected) !== JSON.stringify(after.projected);
        if (changed) charges.push(charge(after));
      } else {
        if (before) charges.push(charge(before));
        if (after) charges.push(charge(after));
      }
    }
    return charges;
  }

  // --- reads ------------------------------------------------------------------------------------

  private queryPartition(input: any): string {
    const pkName = input.IndexName
      ? (this.indexes.find((i) => i.name === input.IndexName)?.partitionKey ?? '')
      : TABLE_PARTITION_KEY;
    for (const part of String(input.KeyConditionExpression ?? '').split(/\s+AND\s+/i)) {
      const m = /^\s*\(?\s*([#\w.]+)\s*=\s*(:\w+)\s*\)?\s*$/.exec(part);
      if (m && resolveName(m[1] ?? '', input.ExpressionAttributeNames) === pkName)
        return keyString(input.ExpressionAttributeValues?.[m[2] ?? '']);
    }
    return '';
  }

  private async read(
    keys: { table: string; index?: string; pk: string }[],
    consistent: boolean,
    transactional: boolean,
    next: () => Promise<any>,
    /** The bytes read for each key, once the request is done. */
    bytesOf: (output: any) => number[],
  ) {
    const factor = transactional ? 2 : 1;
    const minimum = keys.map(
      (k): Charge => ({
        partition: `${k.table}|${k.index ?? ''}|${k.pk}`,
        where: k.index ?? 'table',
        pk: k.pk,
        // Admitted while the partition has any capacity left; billed on what comes back.
        units: Number.MIN_VALUE,
      }),
    );
    const limit = this.options.readUnitsPerSecond ?? 3000;
    const over = this.overLimit(minimum, this.readBuckets, limit);
    if (over.size > 0) {
      for (const c of minimum) if (over.has(c.partition)) this.count('read-throttled', c.where, c.pk);
      if (transactional) {
        throw new TransactionCanceledException({
          message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
          $metadata: metadata(),
          CancellationReasons: minimum.map((c) =>
            over.has(c.partition)
              ? {
                  Code: 'ThrottlingError',
                  Message: 'Throughput exceeds the current capacity for one or more partitions',
                }
              : { Code: 'None' },
          ),
        });
      }
      throw new ProvisionedThroughputExceededException({
        message: 'Throughput exceeds the current capacity of your table or index for this partition key',
        $metadata: metadata(),
        ThrottlingReasons: [
          {
            reason: minimum.some((c) => over.has(c.partition) && c.where !== 'table')
              ? 'IndexReadKeyRangeThroughputExceeded'
              : 'TableReadKeyRangeThroughputExceeded',
            resource: `arn:aws:dynamodb:local:000000000000:table/${keys[0]?.table}`,
          },
        ],
      });
    }
    const result = await next();
    const bytes = bytesOf(result.output ?? {});
    const charges = minimum.map((c, i) => ({ ...c, units: readUnits(bytes[i] ?? 0, consistent) * factor }));
    this.debit(charges, this.readBuckets, 'read');
    return result;
  }

  private async transactGet(input: any, next: () => Promise<any>) {
    const gets = (input.TransactItems as { Get: { TableName: string; Key: Item } }[]).map((t) => t.Get);
    const conflicts = gets.map((g) => {
      if (this.options.conflicts === false) return false;
      const id = this.itemId(g.TableName, g.Key);
      return (this.txWrites.get(id) ?? 0) > 0 || (this.plainWrites.get(id) ?? 0) > 0;
    });
    if (conflicts.some(Boolean)) {
      gets.forEach((g, i) => {
        if (conflicts[i]) this.count('transaction-conflict', 'table', keyString(g.Key[TABLE_PARTITION_KEY]));
      });
      throw new TransactionCanceledException({
        message: 'Transaction cancelled, please refer cancellation reasons for specific reasons',
        $metadata: metadata(),
        CancellationReasons: conflicts.map((c) =>
          c
            ? { Code: 'TransactionConflict', Message: 'Transaction is ongoing for the item' }
            : { Code: 'None' },
        ),
      });
    }
    return this.read(
      gets.map((g) => ({ table: g.TableName, pk: keyString(g.Key[TABLE_PARTITION_KEY]) })),
      true,
      true,
      next,
      (out) => ((out.Responses ?? []) as { Item?: Item }[]).map((r) => itemSize(r.Item)),
    );
  }

  // --- buckets and counters ---------------------------------------------------------------------

  /** Partitions whose bucket cannot pay for the units this request puts on them. */
  private overLimit(charges: Charge[], buckets: Map<string, Bucket>, perSecond: number) {
    const now = this.now();
    const need = new Map<string, number>();
    for (const c of charges) need.set(c.partition, (need.get(c.partition) ?? 0) + c.units);
    const over = new Set<string>();
    for (const [partition, units] of need) {
      const bucket = buckets.get(partition) ?? new Bucket(perSecond, now);
      buckets.set(partition, bucket);
      if (bucket.refill(now) < units) over.add(partition);
    }
    return over;
  }

  private debit(charges: Charge[], buckets: Map<string, Bucket>, kind: 'read' | 'write') {
    for (const c of charges) {
      const bucket = buckets.get(c.partition);
      if (bucket) bucket.tokens -= c.units;
      const key = `${kind} ${c.where} ${keyPattern(c.pk)}`;
      this.consumed.set(key, (this.consumed.get(key) ?? 0) + c.units);
      const exact = `${kind} ${c.where} ${c.pk}`;
      this.consumedByKey.set(exact, (this.consumedByKey.get(exact) ?? 0) + c.units);
    }
  }

  private count(reason: Refusal, where: string, pk: string) {
    const key = `${reason} ${where} ${keyPattern(pk)}`;
    this.refused.set(key, (this.refused.get(key) ?? 0) + 1);
  }
}
