import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { Alert } from '../../core/model';
import type { AlertRepository } from '../../core/ports';
import { queryAll } from './submission-repository';

/**
 * Alerts keyed by their deterministic id, so the same identity is stored once
 * however often the pipeline runs; `delivered` tracks whether the S3 object and
 * the SNS message went out, so an interrupted delivery is finished on the next run.
 */
export class DynamoAlertRepository implements AlertRepository {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  private key(alert: Pick<Alert, 'period' | 'id'>) {
    return { pk: { S: `A#${alert.period}` }, sk: { S: alert.id } };
  }

  async claim(alert: Alert): Promise<Alert | undefined> {
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            ...this.key(alert),
            gsi1pk: { S: 'ALERT' },
            gsi1sk: { S: `${alert.period}#${alert.createdAt}#${alert.id}` },
            delivered: { BOOL: false },
            data: { S: JSON.stringify(alert) },
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return alert;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException) && (err as { name?: string }).name !== 'ConditionalCheckFailedException') {
        throw err;
      }
    }
    const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: this.key(alert), ConsistentRead: true }));
    if (!out.Item || out.Item.delivered?.BOOL) return undefined;
    return JSON.parse(out.Item.data!.S!) as Alert;
  }

  async markDelivered(alert: Alert): Promise<void> {
    await this.db.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: this.key(alert),
        UpdateExpression: 'SET delivered = :t',
        ExpressionAttributeValues: { ':t': { BOOL: true } },
      }),
    );
  }

  async list(period?: string): Promise<Alert[]> {
    const items = period
      ? await queryAll(this.db, {
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `A#${period}` } },
          ConsistentRead: true,
        })
      : await queryAll(this.db, {
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :a',
          ExpressionAttributeValues: { ':a': { S: 'ALERT' } },
        });
    return items
      .map((item) => JSON.parse(item.data!.S!) as Alert)
      .sort((a, b) => a.period.localeCompare(b.period) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}
