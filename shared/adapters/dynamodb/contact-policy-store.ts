import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactHistory, ContactPolicyStore, StoredContactPolicy } from '#ports/contact-policy-store.ts';
import { contactPolicyKey, suppressionKey } from './keys.ts';
import { PERSON_ATTRIBUTES as A } from './person-requests.ts';

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

  /** The number's person item (person-requests.ts), read consistently. */
  async contactHistory(customerId: string, e164: string): Promise<ContactHistory> {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: suppressionKey(customerId, e164),
        ConsistentRead: true,
      }),
    );
    const item = out.Item ?? {};
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const id = str(item[A.suppression]);
    return {
      recent: Array.isArray(item[A.recent]) ? (item[A.recent] as string[]) : [],
      lastContact: str(item[A.contactAt]),
      lastAbandoned: str(item[A.abandonedAt]),
      suppression: id ? { id, expire_at: str(item[A.expireAt]) } : null,
      openAttemptId: str(item[A.open]),
    };
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
