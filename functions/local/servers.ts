// The embedded DynamoDB (dynalite) and S3 (s3rver) servers, started in-process on
// free loopback ports with their state under the data directory. Tables and
// buckets are created from the same definitions the CDK stack uses.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import { Level } from 'level';
import S3rver from 's3rver';
import { BUCKETS, TABLE } from '../runtime/tables';
import { type Clients, localClients } from '../runtime/clients';
import { DataDirError, type DataDir } from './data-dir';

export interface S3CreatedEvent {
  Records: {
    eventName: string;
    eventTime: string;
    s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string; sequencer?: string; versionId?: string } };
  }[];
}

export interface LocalServers {
  clients: Clients;
  /** listeners receive s3rver's object events (keys NOT URL-encoded, no prefix filter) */
  onS3Event(listener: (event: S3CreatedEvent) => void): void;
  stop(): Promise<void>;
}

/** One command at a time per data directory: LevelDB cannot be shared between processes. */
function acquireLock(dir: DataDir): () => void {
  const lockPath = join(dir.root, 'qtrack.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number(readFileSync(lockPath, 'utf8').trim());
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new DataDirError(
          `数据目录 ${dir.root} 正被另一个 qtrack 进程（pid ${pid}）使用，请等它结束后再试`,
          `data directory ${dir.root} is in use by another qtrack process (pid ${pid}); try again when it has finished`,
        );
      }
      rmSync(lockPath, { force: true }); // stale lock of a process that died
    }
  }
  throw new DataDirError(`无法锁定数据目录 ${dir.root}`, `cannot lock data directory ${dir.root}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Opens the LevelDB store once before dynalite does, so damage is reported instead of crashing the process. */
async function checkLevelDb(path: string): Promise<void> {
  const db = new Level(path);
  try {
    await db.open({ createIfMissing: true });
  } catch (err) {
    throw new DataDirError(
      `数据目录中的 DynamoDB 数据（${path}）无法打开，可能已损坏：${(err as Error).cause ?? (err as Error).message}；请备份后换用新的 --data-dir`,
      `the DynamoDB data in ${path} cannot be opened and may be damaged: ${(err as Error).cause ?? (err as Error).message}; back it up and use a new --data-dir`,
    );
  } finally {
    await db.close().catch(() => undefined);
  }
}

function listen(server: { listen: (port: number, host: string, cb: (err?: Error) => void) => unknown; address: () => AddressInfo | string | null }) {
  return new Promise<number>((resolve, reject) => {
    server.listen(0, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve((server.address() as AddressInfo).port)));
  });
}

export async function startLocalServers(dir: DataDir): Promise<LocalServers> {
  const release = acquireLock(dir);
  try {
    await checkLevelDb(dir.dynamodb);
    const db = dynalite({ path: dir.dynamodb, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    const dbPort = await listen(db);
    const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir.s3, allowMismatchedSignatures: true });
    const { port: s3Port } = (await s3.run()) as AddressInfo;
    const clients = localClients({ dynamodb: `http://127.0.0.1:${dbPort}`, s3: `http://127.0.0.1:${s3Port}` });
    await ensureTable(clients.dynamodb);
    await ensureBuckets(clients.s3);
    return {
      clients,
      // s3rver is a Koa app, an EventEmitter; its typings omit that
      onS3Event: (listener) => void (s3 as unknown as NodeJS.EventEmitter).on('event', listener),
      stop: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
        await s3.close();
        await new Promise<void>((resolve) => db.close(() => resolve()));
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

async function ensureTable(db: DynamoDBClient): Promise<void> {
  try {
    await db.send(new DescribeTableCommand({ TableName: TABLE.logicalName }));
    return;
  } catch (err) {
    if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
  }
  const attributes = new Map<string, string>();
  for (const k of [TABLE.partitionKey, TABLE.sortKey, ...TABLE.globalIndexes.flatMap((g) => [g.partitionKey, g.sortKey])]) {
    attributes.set(k.name, k.type);
  }
  await db.send(
    new CreateTableCommand({
      TableName: TABLE.logicalName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType: AttributeType as 'S' })),
      KeySchema: [
        { AttributeName: TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.sortKey.name, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: TABLE.globalIndexes.map((g) => ({
        IndexName: g.indexName,
        KeySchema: [
          { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
}

async function ensureBuckets(s3: S3Client): Promise<void> {
  for (const bucket of Object.values(BUCKETS)) {
    try {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw err;
    }
  }
}
