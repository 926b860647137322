import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Accesskey, Customer } from '#domain/customer.ts';
import { Conflict } from '#domain/errors.ts';
import type { AccesskeyStore } from '#ports/accesskey-store.ts';
import { accesskeyHashKey, itemKey, listKeys } from './keys.ts';
import { withoutUnsetDelete } from './resource-store.ts';
import { TransactionRefused, transact } from './transactions.ts';

export class DynamoAccesskeyStore implements AccesskeyStore {
  constructor(
    private readonly ddb: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createCustomer(customer: Customer, webhookSecret: string): Promise<void> {
    await this.ddb.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...itemKey('customer', customer.id),
          et: 'customer',
          ...withoutUnsetDelete(customer),
          // Kept as it is, not hashed: the deliverer signs with it. Never shown after creation.
          _webhook_secret: webhookSecret,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getWebhookSettings(customerId: string) {
    const out = await this.ddb.send(
      new GetCommand({
        TableName: this.tableName,
        Key: itemKey('customer', customerId),
        ProjectionExpression: 'webhook_uri, #secret, tm_delete',
        ExpressionAttributeNames: { '#secret': '_webhook_secret' },
      }),
    );
    if (!out.Item || out.Item.tm_delete) return undefined;
    return {
      webhookUri: typeof out.Item.webhook_uri === 'string' ? out.Item.webhook_uri : '',
      webhookSecret: typeof out.Item._webhook_secret === 'string' ? out.Item._webhook_secret : undefined,
    };
  }

  async setWebhookSecret(customerId: string, webhookSecret: string, now: string): Promise<boolean> {
    try {
      await this.ddb.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: itemKey('customer', customerId),
          UpdateExpression: 'SET #secret = :secret, tm_update = :now',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(tm_delete)',
          ExpressionAttributeNames: { '#secret': '_webhook_secret' },
          ExpressionAttributeValues: { ':secret': webhookSecret, ':now': now },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }

  async getCustomer(id: string): Promise<Customer | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: itemKey('customer', id) }),
    );
    if (!out.Item) return undefined;
    const {
      id: cid,
      name,
      detail = '',
      webhook_uri,
      tm_create,
      tm_update = null,
      tm_delete = null,
    } = out.Item;
    return { id: cid, name, detail, webhook_uri, tm_create, tm_update, tm_delete };
  }

  async create(key: Accesskey, tokenHash: string): Promise<void> {
    // The key item and its hash lookup are written together: a key is usable exactly when it is listed.
    await transact(this.ddb, [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...itemKey('accesskey', key.id),
            ...listKeys('accesskey', key),
            et: 'accesskey',
            ...withoutUnsetDelete(key),
            _token_hash: tokenHash,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...accesskeyHashKey(tokenHash),
            et: 'accesskey-hash',
            customer_id: key.customer_id,
            accesskey_id: key.id,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
  }

  async findCustomerByHash(tokenHash: string): Promise<string | undefined> {
    const out = await this.ddb.send(
      new GetCommand({ TableName: this.tableName, Key: accesskeyHashKey(tokenHash) }),
    );
    return typeof out.Item?.customer_id === 'string' ? out.Item.customer_id : undefined;
  }

  async remove(key: Accesskey & { _token_hash?: unknown }, now: string): Promise<Accesskey> {
    try {
      await transact(this.ddb, [
        {
          Update: {
            TableName: this.tableName,
            Key: itemKey('accesskey', key.id),
            UpdateExpression: 'SET tm_delete = :now, tm_update = :now REMOVE gsi1pk, gsi1sk',
            ConditionExpression: 'customer_id = :c AND attribute_not_exists(tm_delete)',
            ExpressionAttributeValues: { ':now': now, ':c': key.customer_id },
          },
        },
        { Delete: { TableName: this.tableName, Key: accesskeyHashKey(String(key._token_hash)) } },
      ]);
    } catch (err) {
      if (err instanceof TransactionRefused)
        throw new Conflict('RESOURCE_DELETED', 'The accesskey is already deleted');
      throw err;
    }
    return { ...key, tm_delete: now, tm_update: now };
  }
}
