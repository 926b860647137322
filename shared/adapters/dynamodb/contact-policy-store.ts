import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactPolicyStore, StoredContactPolicy } from '#ports/contact-policy-store.ts';
import { contactPolicyKey } from './keys.ts';

export class DynamoContactPolicyStore implements ContactPolicyStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(customerId: string): Promise<StoredContactPolicy | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: contactPolicyKey(customerId), ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, et: _et, ...policy } = out.Item;
    return policy as StoredContactPolicy;
  }

  /** A plain replace: the policy is the customer's alone and the last PUT wins, as with any PUT. */
  async put(policy: StoredContactPolicy): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...contactPolicyKey(policy.customer_id), et: 'contact_policy', ...policy },
      }),
    );
  }
}
