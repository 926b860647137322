/** The stateful part: the one DynamoDB table, built from the same definition DynamoDB Local uses. */
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  allIndexes,
  indexes,
  TABLE_PARTITION_KEY,
  TABLE_SORT_KEY,
  TABLE_STREAM,
  TTL_ATTRIBUTE,
} from '#adapters/dynamodb/table.ts';

/**
 * Item-level actions a function may be granted. Transactions have no action of their own: a
 * TransactWriteItems call is authorised per item (Put → PutItem, Update → UpdateItem, Delete →
 * DeleteItem, ConditionCheck → ConditionCheckItem). Scan is deliberately not in the list.
 */
export type ItemAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'ConditionCheckItem'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  // Query on the table itself (not an index): a campaign's minutes are a range of one partition.
  | 'Query';

export type IndexName = keyof typeof indexes;

/** What one function does with the table: item actions on the table, Query on the named indexes. */
export interface TableAccess {
  items: readonly ItemAction[];
  queries: readonly IndexName[];
}

export interface DataProps {
  /**
   * RETAIN also turns on deletion protection; DESTROY (throwaway stacks) turns it off.
   * @default RemovalPolicy.RETAIN: customer data must survive a mistaken `cdk destroy` or a rename.
   */
  removalPolicy?: RemovalPolicy;
}

export class Data extends Construct {
  readonly table: Table;

  constructor(scope: Construct, id: string, props: DataProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (removalPolicy !== RemovalPolicy.RETAIN && removalPolicy !== RemovalPolicy.DESTROY) {
      throw new Error(`${id}: the table's removalPolicy must be RETAIN or DESTROY, got ${removalPolicy}`);
    }

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: TABLE_SORT_KEY, type: AttributeType.STRING },
      // On-demand: campaign traffic is bursty (a campaign starts, dials, stops) and idle most of the day.
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      encryption: TableEncryption.AWS_MANAGED,
      // Webhooks (and the call metrics) are derived from committed changes: old and new image of each.
      stream: StreamViewType[TABLE_STREAM],
    });
    for (const index of allIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        // The projection is part of the shared definition: engine indexes copy only what the engine reads.
        ...(index.projection.type === 'INCLUDE'
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...index.projection.attributes] }
          : {
              projectionType: index.projection.type === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
            }),
      });
    }
  }

  /**
   * Lets a stream consumer read the table's change stream: the four stream actions on the stream ARN
   * only (CDK's grantStreamRead adds ListStreams on `*`).
   */
  grantStreamRead(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:DescribeStream',
          'dynamodb:GetRecords',
          'dynamodb:GetShardIterator',
          'dynamodb:ListStreams',
        ],
        resources: [this.table.tableStreamArn!],
      }),
    );
  }

  /**
   * Grants exactly `access`: item actions on the table ARN, Query on the ARNs of the named indexes
   * only (never the base table, which no code queries). Not grantReadWriteData, which includes Scan.
   */
  grant(grantee: IGrantable, access: TableAccess): void {
    if (access.items.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [...new Set(access.items)].map((a) => `dynamodb:${a}`),
          resources: [this.table.tableArn],
        }),
      );
    }
    if (access.queries.length > 0) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: [...new Set(access.queries)].map(
            (i) => `${this.table.tableArn}/index/${indexes[i].name}`,
          ),
        }),
      );
    }
  }
}
