import {
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { type CurrentPointers, currentFromPointers, takeCurrent } from '../../core/currency';
import { RECORD_KINDS } from '../../core/sheet-specs';
import type { CurrentVersion, RecordKind, SubmissionVersion } from '../../core/model';
import type { RecordChunk, SubmissionRepository } from '../../core/ports';
import { ITEM, TABLE } from '../../runtime/contract';

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
 * Submission versions in the single table (layout in runtime/contract.ts). Records
 * are stored in chunks (one item per chunk, JSON) so that a 100k-row submission is
 * a few hundred writes, not 100k; the version becomes current only after all of
 * them, with one conditional write of the department's current pointers (one
 * item per period and department, a pointer per sheet kind, a revision number
 * for optimistic locking: a workbook takes every kind at once or none).
 */
export class DynamoSubmissionRepository implements SubmissionRepository {
  constructor(
    private readonly db: DynamoDBClient,
    private readonly table: string,
    /**
     * findVersion may Scan for versions saved before their id was filed (old local
     * data dirs). Off in AWS: no function is granted Scan, and an unknown id must
     * be "not found", not a denied call.
     */
    private readonly scanUnfiled = false,
  ) {}

  async getVersion(period: string, department: string, submissionId: string): Promise<SubmissionVersion | undefined> {
    const out = await this.db.send(
      new GetItemCommand({
        TableName: this.table,
        Key: { pk: s(ITEM.period(period)), sk: s(ITEM.version(department, submissionId)) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? (JSON.parse(out.Item.data!.S!) as SubmissionVersion) : undefined;
  }

  async findVersion(submissionId: string): Promise<SubmissionVersion | undefined> {
    const index = await this.db.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: s(ITEM.filed(submissionId)), sk: s(ITEM.filedSort) }, ConsistentRead: true }),
    );
    if (index.Item) return this.getVersion(index.Item.period!.S!, index.Item.department!.S!, submissionId);
    if (!this.scanUnfiled) return undefined;
    // versions saved before the index existed: look for them (rare; a local data dir)
    let start: Record<string, AttributeValue> | undefined;
    do {
      const out = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: 'begins_with(sk, :v) AND contains(sk, :id)',
          ExpressionAttributeValues: { ':v': s(ITEM.versionPrefix), ':id': s(`#${submissionId}`) },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      const item = out.Items?.find((i) => i.sk!.S!.endsWith(`#${submissionId}`));
      if (item) return JSON.parse(item.data!.S!) as SubmissionVersion;
      start = out.LastEvaluatedKey;
    } while (start);
    return undefined;
  }

  async putRecords(submissionId: string, chunk: RecordChunk, expiresAt: Date): Promise<void> {
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: s(ITEM.records(submissionId)),
          sk: s(ITEM.chunk(chunk.kind, chunk.index)),
          count: { N: String(chunk.count) },
          records: s(chunk.json),
          [TABLE.ttlAttribute]: { N: String(Math.ceil(expiresAt.getTime() / 1000)) },
        },
      }),
    );
  }

  async setRecordsExpiry(submissionId: string, expiresAt: Date | undefined): Promise<void> {
    const ttl = TABLE.ttlAttribute;
    for (const Key of await this.recordKeys(submissionId)) {
      await this.db.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key,
          ...(expiresAt
            ? { UpdateExpression: `SET ${ttl} = :t`, ExpressionAttributeValues: { ':t': { N: String(Math.ceil(expiresAt.getTime() / 1000)) } } }
            : { UpdateExpression: `REMOVE ${ttl}` }),
          // a chunk deleted in between (a rejection starting over) is not brought back as a bare key
          ConditionExpression: 'attribute_exists(pk)',
        }),
      ).catch((err: unknown) => {
        if (!isConditionFailure(err)) throw err;
      });
    }
  }

  private async recordKeys(submissionId: string): Promise<Record<string, AttributeValue>[]> {
    return queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(ITEM.records(submissionId)) },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    });
  }

  async getRecords<T>(submissionId: string, kind: RecordKind): Promise<T[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
      ExpressionAttributeValues: { ':pk': s(ITEM.records(submissionId)), ':kind': s(`${kind}#`) },
      ConsistentRead: true,
    });
    return items.flatMap((item) => JSON.parse(item.records!.S!) as T[]);
  }

  async recordCounts(submissionId: string): Promise<Partial<Record<RecordKind, number>>> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(ITEM.records(submissionId)) },
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
    const items = await this.recordKeys(submissionId);
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
    // the id is filed first: a version that is listed (allVersions) can always be
    // found by its id too (findVersion), even between the two writes or after a
    // crash between them, which a redelivery repairs
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: { pk: s(ITEM.filed(version.submissionId)), sk: s(ITEM.filedSort), period: s(version.period), department: s(version.department) },
      }),
    );
    await this.db.send(
      new PutItemCommand({
        TableName: this.table,
        Item: {
          pk: s(ITEM.period(version.period)),
          sk: s(ITEM.version(version.department, version.submissionId)),
          status: s(version.status),
          receivedAt: s(version.receivedAt),
          data: s(JSON.stringify(version)),
        },
      }),
    );
  }

  async makeCurrent(version: SubmissionVersion): Promise<RecordKind[]> {
    if (version.status !== 'accepted') throw new Error(`only an accepted version can be current: ${version.submissionId}`);
    const key = { pk: s(ITEM.period(version.period)), sk: s(ITEM.current(version.department)) };
    // read, decide per kind, write back only if nobody wrote in between; else again
    for (let attempt = 0; attempt < 20; attempt++) {
      const out = await this.db.send(new GetItemCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
      const rev = out.Item?.rev ? Number(out.Item.rev.N) : undefined;
      const next = takeCurrent(readPointers(out.Item), version);
      if (!next.changed) return next.kinds;
      try {
        await this.db.send(
          new PutItemCommand({
            TableName: this.table,
            Item: { ...key, pointers: s(JSON.stringify(next.pointers)), rev: { N: String((rev ?? 0) + 1) } },
            ConditionExpression: out.Item ? (rev === undefined ? 'attribute_not_exists(rev)' : 'rev = :rev') : 'attribute_not_exists(pk)',
            ...(rev !== undefined ? { ExpressionAttributeValues: { ':rev': { N: String(rev) } } } : {}),
          }),
        );
        return next.kinds;
      } catch (err) {
        if (!isConditionFailure(err)) throw err;
        await new Promise((r) => setTimeout(r, Math.min(200, 5 * 2 ** attempt) * Math.random()));
      }
    }
    throw new Error(`could not make ${version.submissionId} current: the pointers kept changing`);
  }

  async currentVersions(period: string): Promise<CurrentVersion[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': s(ITEM.period(period)) },
      ConsistentRead: true,
    });
    const versions = new Map<string, SubmissionVersion>();
    const pointers: CurrentPointers[] = [];
    for (const item of items) {
      const sk = item.sk!.S!;
      if (sk.startsWith(ITEM.versionPrefix)) {
        const v = JSON.parse(item.data!.S!) as SubmissionVersion;
        versions.set(v.submissionId, v);
      } else if (sk.startsWith(ITEM.currentPrefix)) pointers.push(readPointers(item));
    }
    return currentFromPointers(pointers, versions);
  }

  async allVersions(period: string): Promise<SubmissionVersion[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':pk': s(ITEM.period(period)), ':v': s(ITEM.versionPrefix) },
      ConsistentRead: true,
    });
    return items
      .map((item) => JSON.parse(item.data!.S!) as SubmissionVersion)
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** The pointers of a current item; an item written before per-kind currency names one version for every kind. */
function readPointers(item: Record<string, AttributeValue> | undefined): CurrentPointers {
  if (!item) return {};
  if (item.pointers?.S) return JSON.parse(item.pointers.S) as CurrentPointers;
  const submissionId = item.submissionId?.S;
  const order = item.order?.S;
  if (!submissionId || !order) return {};
  return Object.fromEntries(RECORD_KINDS.map((k) => [k, { order, submissionId }]));
}
