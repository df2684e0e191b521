// The S3 and DynamoDB adapters against the embedded s3rver and dynalite: what
// the in-memory fakes cannot show — bytes and keys as S3 carries them, a
// missing key against a missing bucket, the version id on the wire, the item
// layout of runtime/contract.ts, and paging. (The repository behaviours both
// implementations share are in test/contract/repositories.test.ts.)
import { randomBytes } from 'node:crypto';
import { type AttributeValue, PutItemCommand, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoAlertRepository } from '../../functions/adapters/dynamodb/alert-repository';
import { DynamoSubmissionRepository, isConditionFailure, queryAll } from '../../functions/adapters/dynamodb/submission-repository';
import { S3ObjectStore } from '../../functions/adapters/s3/object-store';
import type { Alert } from '../../functions/core/model';
import { localClients } from '../../functions/runtime/clients';
import { TABLE } from '../../functions/runtime/contract';
import { type Embedded, startEmbedded } from '../support/embedded';
import { version } from '../unit/evaluation/builders';

let embedded: Embedded;
beforeAll(async () => {
  embedded = await startEmbedded();
}, 60_000);
afterAll(() => embedded?.stop());

describe('S3ObjectStore on s3rver', () => {
  const store = async () => new S3ObjectStore(embedded.clients.s3, (await embedded.stores()).uploads);

  it('a missing key reads as undefined; a missing bucket is an error, not "no object"', async () => {
    const s = await store();
    expect(await s.get('submissions/market-regulation/2026-Q1/none.xlsx')).toBeUndefined();
    await expect(new S3ObjectStore(embedded.clients.s3, 'no-such-bucket').get('x')).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });

  it('bytes round-trip exactly: every byte value, 5 MB of random data, an empty object', async () => {
    const s = await store();
    const every = Uint8Array.from({ length: 256 * 4 }, (_, i) => i % 256);
    const big = new Uint8Array(randomBytes(5 * 1024 * 1024));
    await s.put('bin/every', every, 'application/octet-stream');
    await s.put('bin/big', big, 'application/octet-stream');
    await s.put('bin/empty', new Uint8Array(), 'application/octet-stream');
    expect(Buffer.from((await s.get('bin/every'))!).equals(Buffer.from(every))).toBe(true);
    expect(Buffer.from((await s.get('bin/big'))!).equals(Buffer.from(big))).toBe(true);
    expect(await s.get('bin/empty')).toEqual(new Uint8Array());
  });

  it('a string is stored as UTF-8 with its content type; keys with Chinese, spaces, + and % are kept as written', async () => {
    const s = await store();
    const text = JSON.stringify({ 部门: '区市场监管局', note: '合格率 98.5% — ok' });
    const keys = ['reports/market-regulation/2026-Q1/第一季度 报表+终稿.json', 'reports/x/100%.json', 'reports/x/a b/c.json'];
    for (const key of keys) await s.put(key, text, 'application/json; charset=utf-8');
    for (const key of keys) expect(new TextDecoder().decode(await s.get(key))).toBe(text);
    const head = await embedded.clients.s3.send(new HeadObjectCommand({ Bucket: s.bucket, Key: keys[0] }));
    expect(head.ContentType).toBe('application/json; charset=utf-8');
    expect(head.ContentLength).toBe(Buffer.byteLength(text));
    expect(await s.get('reports/market-regulation/2026-Q1/第一季度 报表 终稿.json')).toBeUndefined();
  });

  it('a version id goes out on the request (s3rver keeps no versions, so it serves the one object)', async () => {
    const { uploads } = await embedded.stores();
    const clients = localClients(embedded.endpoints);
    const queries: Record<string, unknown>[] = [];
    clients.s3.middlewareStack.add(
      (next) => async (args) => {
        queries.push({ ...(args.request as { query?: Record<string, unknown> }).query });
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordQuery' },
    );
    const s = new S3ObjectStore(clients.s3, uploads);
    await s.put('submissions/market-regulation/2026-Q1/q1.xlsx', 'v1', 'application/octet-stream');
    queries.length = 0;
    expect(new TextDecoder().decode(await s.get('submissions/market-regulation/2026-Q1/q1.xlsx', '3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY'))).toBe('v1');
    await s.get('submissions/market-regulation/2026-Q1/q1.xlsx');
    expect(queries.map((q) => q.versionId)).toEqual(['3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY', undefined]);
    clients.s3.destroy();
    clients.dynamodb.destroy();
  });
});

describe('the DynamoDB adapters on dynalite', () => {
  const items = async (table: string) =>
    ((await embedded.clients.dynamodb.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).map((i) => `${i.pk!.S} | ${i.sk!.S}`).sort();

  /** The client as a function's role sees it: Scan is not granted (AccessDenied), every other call passes; `stopAfter` puts simulate a crash. */
  const asFunction = (stopAfter = Number.POSITIVE_INFINITY) => {
    let puts = 0;
    return {
      send: async (command: unknown) => {
        if (command instanceof ScanCommand) throw Object.assign(new Error('not authorized to perform: dynamodb:Scan'), { name: 'AccessDeniedException' });
        if (command instanceof PutItemCommand && ++puts > stopAfter) throw new Error('crash');
        return embedded.clients.dynamodb.send(command as never);
      },
    } as unknown as typeof embedded.clients.dynamodb;
  };

  it('findVersion never scans in AWS: an unknown id is undefined, not a denied call; an old local data dir may scan', async () => {
    const { table } = await embedded.stores();
    const inAws = new DynamoSubmissionRepository(asFunction(), table);
    expect(await inAws.findVersion('20260101T000000Z-0000000000')).toBeUndefined();
    // a version saved before ids were filed (only its P#/V# item): found by the local scan only
    const old = version('market-regulation', '2026-Q1', { id: 'old-1' });
    await embedded.clients.dynamodb.send(
      new PutItemCommand({
        TableName: table,
        Item: { pk: { S: 'P#2026-Q1' }, sk: { S: 'V#market-regulation#old-1' }, status: { S: 'accepted' }, receivedAt: { S: old.receivedAt }, data: { S: JSON.stringify(old) } },
      }),
    );
    expect(await inAws.findVersion('old-1')).toBeUndefined();
    expect(await new DynamoSubmissionRepository(embedded.clients.dynamodb, table, true).findVersion('old-1')).toEqual(old);
  });

  it('saveVersion files the id first: a version that is listed can always be found by its id, even after a crash between the writes', async () => {
    const { table } = await embedded.stores();
    const v = version('construction', '2026-Q1', { id: 'sid-9' });
    await expect(new DynamoSubmissionRepository(asFunction(1), table).saveVersion(v)).rejects.toThrow('crash');
    const repo = new DynamoSubmissionRepository(asFunction(), table);
    expect(await repo.allVersions('2026-Q1')).toEqual([]); // not listed …
    expect(await repo.findVersion('sid-9')).toBeUndefined(); // … and not found: nothing half-shown
    await repo.saveVersion(v); // the redelivery
    expect((await repo.allVersions('2026-Q1')).map((x) => x.submissionId)).toEqual(['sid-9']);
    expect(await repo.findVersion('sid-9')).toEqual(v);
  });

  it('writes the item layout runtime/contract.ts documents: P#/V#, S#, R# with the TTL attribute, C#, A# with gsi1', async () => {
    const { table } = await embedded.stores();
    const repo = new DynamoSubmissionRepository(embedded.clients.dynamodb, table);
    const v = version('market-regulation', '2026-Q1', { id: 'sid-1' });
    await repo.putRecords('sid-1', { kind: 'inspections', index: 0, count: 1, json: '[{"n":1}]' }, new Date('2026-05-01T00:00:00Z'));
    await repo.saveVersion(v);
    await repo.makeCurrent(v);
    const alert: Alert = {
      id: 'SUBMISSION_REJECTED.2026-Q1.market-regulation.sid-1',
      type: 'SUBMISSION_REJECTED',
      severity: 'warning',
      period: '2026-Q1',
      department: 'market-regulation',
      message: { zh: '退回', en: 'rejected' },
      createdAt: '2026-04-05T02:00:00Z',
    };
    await new DynamoAlertRepository(embedded.clients.dynamodb, table).claim(alert, { owner: 'run', now: 0, until: 1 });
    expect(await items(table)).toEqual([
      `A#2026-Q1 | ${alert.id}`,
      'P#2026-Q1 | C#market-regulation',
      'P#2026-Q1 | V#market-regulation#sid-1',
      'R#sid-1 | inspections#000000',
      'S#sid-1 | S',
    ]);
    const record = await embedded.clients.dynamodb.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: 'R#sid-1' } } }),
    );
    // DynamoDB TTL is epoch seconds
    expect(record.Items![0]![TABLE.ttlAttribute]).toEqual({ N: String(Date.parse('2026-05-01T00:00:00Z') / 1000) });
    const byIndex = await embedded.clients.dynamodb.send(
      new QueryCommand({
        TableName: table,
        IndexName: TABLE.globalIndexes[0].indexName,
        KeyConditionExpression: 'gsi1pk = :a',
        ExpressionAttributeValues: { ':a': { S: 'ALERT' } },
      }),
    );
    expect(byIndex.Items!.map((i) => i.gsi1sk!.S)).toEqual([`2026-Q1#${alert.createdAt}#${alert.id}`]);
  });

  it('queryAll follows every page', async () => {
    const { table } = await embedded.stores();
    for (let i = 0; i < 7; i++) {
      await embedded.clients.dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'X' }, sk: { S: `k${i}` } } }));
    }
    const all: Record<string, AttributeValue>[] = await queryAll(embedded.clients.dynamodb, {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'X' } },
      Limit: 2,
    });
    expect(all.map((i) => i.sk!.S)).toEqual(['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6']);
  });

  it('a failed condition is recognised as such, other errors are not', async () => {
    const { table } = await embedded.stores();
    const put = () =>
      embedded.clients.dynamodb.send(
        new PutItemCommand({ TableName: table, Item: { pk: { S: 'Y' }, sk: { S: 'y' } }, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    await put();
    const err = await put().catch((e: unknown) => e);
    expect(isConditionFailure(err)).toBe(true);
    const other = await embedded.clients.dynamodb.send(new ScanCommand({ TableName: 'no-such-table' })).catch((e: unknown) => e);
    expect(isConditionFailure(other)).toBe(false);
  });
});
