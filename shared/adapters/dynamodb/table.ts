/**
 * The one table and its indexes, as plain data: infra/ builds the CDK table from it and the local
 * runtime and tests create DynamoDB Local's table from it, so both always agree.
 */
export interface IndexDefinition {
  name: string;
  partitionKey: string;
  sortKey: string;
  /** What the index is for, copied into docs and the CDK construct. */
  accessPattern: string;
  /**
   * What the index copies. Every write that changes a copied attribute also writes the index, so
   * indexes the engine touches per attempt copy only what their readers need.
   */
  projection: { type: 'ALL' } | { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; attributes: readonly string[] };
}

/** What the engine reads from a due target (and from a waiting caller) without fetching the item. */
export const DUE_ATTRIBUTES = [
  'id',
  'customer_id',
  'outdial_id',
  'status',
  'destination_0',
  'destination_1',
  'destination_2',
  'destination_3',
  'destination_4',
  'try_count_0',
  'try_count_1',
  'try_count_2',
  'try_count_3',
  'try_count_4',
  'tm_create',
  'tm_update',
  'tm_delete',
  // The person's own zone, for calling hours in the callee's time: the tick places a target without
  // reading its item.
  'timezone',
  'queue_id',
  '_agent_id',
  '_waiting_since',
  // Destination slots skipped for a suppressed number: the tick chooses past them without reading the item.
  '_skip',
] as const;

export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_SORT_KEY = 'sk';

export const indexes = {
  /** Newest-first lists: a customer's resources of one kind, and the targets of an outdial. */
  byList: {
    name: 'byList',
    partitionKey: 'gsi1pk',
    sortKey: 'gsi1sk',
    accessPattern: 'lists by customer (and targets by outdial), newest first; sparse: deleted items leave it',
    // Keys only: the engine's status and counter updates then write no index copy; a list page
    // reads its items with one BatchGetItem.
    projection: { type: 'KEYS_ONLY' },
  },
  /** Children of a parent: campaigncalls of a campaign, available agents of a customer. */
  byParent: {
    name: 'byParent',
    partitionKey: 'gsi2pk',
    sortKey: 'gsi2sk',
    accessPattern: 'campaigncalls by campaign, newest first; available agents by customer (sparse)',
    // Only what the available-agents walk reads; campaigncall updates never touch these attributes.
    projection: { type: 'INCLUDE', attributes: ['id', 'tag_ids'] },
  },
  /** Idle targets of an outdial by engine partition (fresh / retry / exhausted), oldest first. */
  byDue: {
    name: 'byDue',
    partitionKey: 'gsi3pk',
    sortKey: 'gsi3sk',
    accessPattern:
      'due targets of an outdial: never tried by tm_create, retries by end of last attempt (sparse)',
    projection: { type: 'INCLUDE', attributes: DUE_ATTRIBUTES },
  },
  /** Campaigns the tick must visit, and each campaign's open attempts for the sweeper. */
  byState: {
    name: 'byState',
    partitionKey: 'gsi4pk',
    sortKey: 'gsi4sk',
    accessPattern: 'running/stopping campaigns (sharded); open attempts of a campaign by age (sparse)',
    projection: { type: 'KEYS_ONLY' },
  },
} as const satisfies Record<string, IndexDefinition>;

export const allIndexes: IndexDefinition[] = Object.values(indexes);

/**
 * The table's change stream: webhooks are derived from committed item changes (old and new image of
 * each), so no write path has to publish and nothing is lost between a write and its event. The
 * deployed table always has it.
 */
export const TABLE_STREAM = 'NEW_AND_OLD_IMAGES' as const;
export const streamSpecification = { StreamEnabled: true, StreamViewType: TABLE_STREAM } as const;

/** Attribute holding the epoch seconds after which DynamoDB may expire an item (none use it yet). */
export const TTL_ATTRIBUTE = 'ttl';

/**
 * CreateTable input for DynamoDB Local (on-demand, indexes as defined above). The stream is opt-in
 * there: DynamoDB Local keeps every record of every streaming table, and with a stream on each test
 * table (one per engine test system, none of them read) the integration suite ran about five times
 * longer. The local webhook runtime turns the stream on for the table it reads.
 */
export const createTableInput = (tableName: string, options: { stream?: boolean } = {}) => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST' as const,
  AttributeDefinitions: [
    TABLE_PARTITION_KEY,
    TABLE_SORT_KEY,
    ...allIndexes.flatMap((i) => [i.partitionKey, i.sortKey]),
  ].map((name) => ({ AttributeName: name, AttributeType: 'S' as const })),
  KeySchema: [
    { AttributeName: TABLE_PARTITION_KEY, KeyType: 'HASH' as const },
    { AttributeName: TABLE_SORT_KEY, KeyType: 'RANGE' as const },
  ],
  ...(options.stream ? { StreamSpecification: streamSpecification } : {}),
  GlobalSecondaryIndexes: allIndexes.map((i) => ({
    IndexName: i.name,
    KeySchema: [
      { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection:
      i.projection.type === 'INCLUDE'
        ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.projection.attributes] }
        : { ProjectionType: i.projection.type },
  })),
});
