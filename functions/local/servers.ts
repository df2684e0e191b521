// The embedded DynamoDB (dynalite) and S3 (s3rver) servers, started in-process on
// Unix sockets in a private folder, with their state under the data directory. Tables and
// buckets are created from the same definitions the CDK stack uses.
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
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

/** The socket folders' names begin so, then the owning process id. */
const SOCKET_FOLDER = 'qtrack-sockets-';

/** Removes the socket folders of qtrack processes that are gone (a kill -9 leaves its folder behind). */
function sweepSocketFolders(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = name.startsWith(SOCKET_FOLDER) ? Number.parseInt(name.slice(SOCKET_FOLDER.length), 10) : Number.NaN;
    if (Number.isInteger(pid) && pid !== process.pid && !isAlive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/** Listens on a Unix socket; resolves once it does. */
function listenOn(server: Server, path: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startLocalServers(dir: DataDir): Promise<LocalServers> {
  const release = acquireLock(dir);
  const started: Server[] = [];
  let sockets: string | undefined;
  try {
    await checkLevelDb(dir.dynamodb);
    // The servers listen on Unix sockets in a private folder, never on ports: dynalite
    // answers any origin (CORS *), s3rver checks no signature, and a loopback port is
    // open to every web page the user opens and every local user. (The folder is in
    // the temp dir: a socket path must stay under ~100 bytes, a data dir path may not.)
    sweepSocketFolders();
    sockets = mkdtempSync(join(tmpdir(), `${SOCKET_FOLDER}${process.pid}-`));
    const paths = { dynamodb: join(sockets, 'dynamodb.sock'), s3: join(sockets, 's3.sock') };
    const db: Server = dynalite({ path: dir.dynamodb, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await listenOn(db, paths.dynamodb);
    started.push(db);
    // s3rver is a Koa app: its request handler on our own server, so it can listen on a socket
    const s3 = new S3rver({ silent: true, directory: dir.s3, allowMismatchedSignatures: true });
    const s3Server = createServer(s3.callback());
    await listenOn(s3Server, paths.s3);
    started.push(s3Server);
    const clients = localClients({ dynamodb: 'http://localhost', s3: 'http://localhost', sockets: paths });
    await ensureTable(clients.dynamodb);
    await ensureBuckets(clients.s3);
    const folder = sockets;
    return {
      // s3rver's own object events are not listened to: the local queue (queue.ts) is the one S3 → SQS path
      clients,
      stop: async () => {
        clients.dynamodb.destroy();
        clients.s3.destroy();
        for (const server of started) await closeServer(server);
        rmSync(folder, { recursive: true, force: true });
        release();
      },
    };
  } catch (err) {
    for (const server of started) await closeServer(server);
    if (sockets) rmSync(sockets, { recursive: true, force: true });
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
