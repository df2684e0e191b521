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
import { BUCKETS, createTableInput, TABLE } from '../runtime/contract';
import { type Clients, localClients } from '../runtime/clients';
import { DataDirError, type DataDir } from './data-dir';
import { isAlive } from './process';

export interface LocalServers {
  clients: Clients;
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

/**
 * Opens the LevelDB store once before dynalite does, so damage is reported instead of
 * crashing the process, and finishes a table creation that a killed process left
 * half done: dynalite stores a new table as CREATING and marks it ACTIVE on a timer
 * (createTableMs, 0 here); a process killed in between leaves it CREATING for ever,
 * and every later command would find no table. A CREATING table never held an item,
 * and the data-dir lock says no one else is creating it, so it is made ACTIVE as the
 * timer would have.
 */
async function checkLevelDb(path: string): Promise<void> {
  const db = new Level<string, { TableStatus?: string; GlobalSecondaryIndexes?: { IndexStatus?: string }[] }>(path, { valueEncoding: 'json' });
  try {
    await db.open({ createIfMissing: true });
  } catch (err) {
    throw new DataDirError(
      `数据目录中的 DynamoDB 数据（${path}）无法打开，可能已损坏：${(err as Error).cause ?? (err as Error).message}；请备份后换用新的 --data-dir`,
      `the DynamoDB data in ${path} cannot be opened and may be damaged: ${(err as Error).cause ?? (err as Error).message}; back it up and use a new --data-dir`,
    );
  }
  try {
    const key = `table~${TABLE.logicalName}`; // dynalite's key of a table's description
    const table = await db.get(key);
    if (table?.TableStatus === 'CREATING') {
      table.TableStatus = 'ACTIVE';
      for (const index of table.GlobalSecondaryIndexes ?? []) index.IndexStatus = 'ACTIVE';
      await db.put(key, table);
    }
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
      // s3rver's own object events are not listened to: the local queue (queue.ts) is the one S3 → SQS path
      clients,
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
  await db.send(new CreateTableCommand(createTableInput()));
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
