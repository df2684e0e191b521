import { type AttributeValue, type DynamoDBClient, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { sortAlerts } from '../../core/alerts/alerts';
import type { Alert } from '../../core/model';
import type { AlertRepository, Lease } from '../../core/ports';
import { ITEM } from '../../runtime/contract';
import { isConditionFailure, queryAll } from './submission-repository';

/**
 * The alert outbox in the table (layout in runtime/contract.ts): one item per
 * alert id, with the run that holds its delivery (`owner`), until when
 * (`leaseUntil`, epoch ms), how many runs claimed it (`claims`) and whether it
 * was delivered. Every change of hands is a conditional write on what the
 * claimer read, so of concurrent claimers exactly one wins — in the manner of
 * Powertools' idempotency records (an in-progress record with an expiry).
 */
export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  private key(alert: Pick<Alert, 'period' | 'id'>) {
    return { pk: { S: ITEM.alerts(alert.period) }, sk: { S: alert.id } };
  }

  async claim(alert: Alert, lease: Lease, takeOver = false): Promise<Alert | undefined> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...this.key(alert),
            gsi1pk: { S: ITEM.alertIndex },
            gsi1sk: { S: ITEM.alertIndexSort(alert.period, alert.createdAt, alert.id) },
            delivered: { BOOL: false },
            owner: { S: lease.owner },
            leaseUntil: { N: String(lease.until) },
            claims: { N: '1' },
            data: { S: JSON.stringify(alert) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return alert;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
    }
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: this.key(alert), ConsistentRead: true }));
    const item = out.Item;
    if (!item || item.delivered?.BOOL) return undefined;
    const owner = item.owner?.S;
    const until = item.leaseUntil ? Number(item.leaseUntil.N) : 0; // an item written before leases: expired
    if (owner === lease.owner || (!takeOver && until > lease.now)) return undefined;
    // take the claim over, unless another run did between the read and this write
    const values: Record<string, AttributeValue> = { ':me': { S: lease.owner }, ':until': { N: String(lease.until) }, ':one': { N: '1' }, ':f': { BOOL: false } };
    let held = 'attribute_not_exists(#owner)';
    if (owner !== undefined) {
      held = '#owner = :was';
      values[':was'] = { S: owner };
    }
    let leased = 'attribute_not_exists(leaseUntil)';
    if (item.leaseUntil) {
      leased = 'leaseUntil = :wasUntil';
      values[':wasUntil'] = { N: item.leaseUntil.N! };
    }
    try {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(alert),
          UpdateExpression: 'SET #owner = :me, leaseUntil = :until ADD claims :one',
          ConditionExpression: `delivered = :f AND ${held} AND ${leased}`,
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) return undefined;
      throw err;
    }
    return JSON.parse(item.data!.S!) as Alert;
  }

  async markDelivered(alert: Alert, owner: string): Promise<boolean> {
    // whoever holds the claim now: once it is out, no run that took it over needs to send it again
    // (but an alert never claimed is not conjured as a bare item)
    try {
      const out = await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: this.key(alert),
          UpdateExpression: 'SET delivered = :t',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':t': { BOOL: true } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes?.owner?.S === undefined || out.Attributes.owner.S === owner;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async undelivered(): Promise<Alert[]> {
    // a few thousand alerts over a plan: one paginated query of the index a day
    const items = await queryAll(this.db, {
      TableName: this.table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :a',
      FilterExpression: 'delivered = :f',
      ExpressionAttributeValues: { ':a': { S: ITEM.alertIndex }, ':f': { BOOL: false } },
    });
    return sortAlerts(items.map((item) => JSON.parse(item.data!.S!) as Alert));
  }

  async list(period?: string): Promise<Alert[]> {
    const items = period
      ? await queryAll(this.db, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: ITEM.alerts(period) } },
          ConsistentRead: true,
        })
      : await queryAll(this.db, {
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :a',
          ExpressionAttributeValues: { ':a': { S: ITEM.alertIndex } },
        });
    return sortAlerts(items.map((item) => JSON.parse(item.data!.S!) as Alert));
  }
}
