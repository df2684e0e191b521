import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { SheetKind, SubmissionVersion } from '../../core/model';
import type { SubmissionRepository } from '../../core/ports';

type RecordKind = Exclude<SheetKind, 'cover'>;

/** All items of a key condition, following pagination. */
export async function queryAll(
  db: DynamoDBClient,
  input: QueryCommandInput,
): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await db.send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

const s = (v: string): AttributeValue => ({ S: v });

/**
 * Submission versions in the single table (layout in runtime/tables.ts). Records
 * are stored in chunks (one item per chunk, JSON) so that a 100k-row submission is
 * a few hundred writes, not 100k; the version becomes current only after all of
 * them, with one conditional write.
 */
export class DynamoSubmissionRepository implements SubmissionRepository {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
  ) {}

  async getVersion(period: string, department: string, submissionId: string): Promise<SubmissionVersion | undefined> {
    const out = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: s(`P#${period}`), sk: s(`V#${department}#${submissionId}`) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (JSON.parse(out.Item.data!.S!) as SubmissionVersion) : undefined;
  }

  async putRecords(submissionId: string, kind: RecordKind, chunk: number, records: unknown[]): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: s(`R#${submissionId}`),
          sk: s(`${kind}#${String(chunk).padStart(6, '0')}`),
          count: { N: String(records.length) },
          records: s(JSON.stringify(records)),
        },
      }),
    );
  }

  async getRecords<T>(submissionId: string, kind: RecordKind): Promise<T[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':pk': s(`R#${submissionId}`), ':kind': s(`${kind}#`) },
      ConsistentRead: true,
    });
    return items.flatMap((item) => JSON.parse(item.records!.S!) as T[]);
  }

  async recordCounts(submissionId: string): Promise<Partial<Record<RecordKind, number>>> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(`R#${submissionId}`) },
      ProjectionExpression: 'sk, #count',
      ExpressionAttributeNames: { '#count': 'count' },
      ConsistentRead: true,
    });
    const counts: Partial<Record<RecordKind, number>> = {};
    for (const item of items) {
      const kind = item.sk!.S!.split('#')[0] as RecordKind;
      counts[kind] = (counts[kind] ?? 0) + Number(item.count!.N);
    }
    return counts;
  }

  async deleteRecords(submissionId: string): Promise<void> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(`R#${submissionId}`) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
    for (let i = 0; i < items.length; i += 25) {
      let requests = items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } }));
      // unprocessed items come back under throttling: retry them, with a short pause
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        const out = await this.db.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: requests } }));
        requests = (out.UnprocessedItems?.[this.table] ?? []) as typeof requests;
      }
    }
  }

  async saveVersion(version: SubmissionVersion): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: s(`P#${version.period}`),
          sk: s(`V#${version.department}#${version.submissionId}`),
          status: s(version.status),
          receivedAt: s(version.receivedAt),
          data: s(JSON.stringify(version)),
        },
      }),
    );
  }

  async makeCurrent(version: SubmissionVersion): Promise<boolean> {
    if (version.status !== 'accepted') throw new Error(`only an accepted version can be current: ${version.submissionId}`);
    // Versions are ordered by receipt time, then id: a redelivered or delayed older
    // upload never replaces a newer current one.
    const order = `${version.receivedAt}#${version.submissionId}`;
    try {
      await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: {
            pk: s(`P#${version.period}`),
            sk: s(`C#${version.department}`),
            submissionId: s(version.submissionId),
            order: s(order),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #order <= :order',
          ExpressionAttributeNames: { '#order': 'order' },
          ExpressionAttributeValues: { ':order': s(order) },
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException') {
        return false;
      }
      throw err;
    }
  }

  async currentVersions(period: string): Promise<SubmissionVersion[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(`P#${period}`) },
      ConsistentRead: true,
    });
    const versions = new Map<string, SubmissionVersion>();
    const current: string[] = [];
    for (const item of items) {
      const sk = item.sk!.S!;
      if (sk.startsWith('V#')) {
        const v = JSON.parse(item.data!.S!) as SubmissionVersion;
        versions.set(v.submissionId, v);
      } else if (sk.startsWith('C#')) current.push(item.submissionId!.S!);
    }
    return current
      .map((id) => versions.get(id))
      .filter((v): v is SubmissionVersion => v !== undefined)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }

  async allVersions(period: string): Promise<SubmissionVersion[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': s(`P#${period}`), ':v': s('V#') },
      ConsistentRead: true,
    });
    return items
      .map((item) => JSON.parse(item.data!.S!) as SubmissionVersion)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }
}
