// The embedded DynamoDB (dynalite, in memory) and S3 (s3rver, in a temp dir) on
// 127.0.0.1, for tests that need many fresh stores: each `stores()` is a new
// table and two new buckets on the same servers, so a case starts empty in
// milliseconds. stop() closes both servers and removes the directory.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { FixedClock, MemoryPublisher, silentLogger } from '../../functions/adapters/memory';
import type { PipelineDeps } from '../../functions/core/use-cases/deps';
import { type Clients, localClients } from '../../functions/runtime/clients';
import { awsStores, composePipeline } from '../../functions/runtime/compose';
import { createTableInput } from '../../functions/runtime/contract';

export interface Stores {
  table: string;
  uploads: string;
  reports: string;
}

export interface Embedded {
  clients: Clients;
  endpoints: { dynamodb: string; s3: string };
  /** A new, empty table and pair of buckets. */
  stores(): Promise<Stores>;
  stop(): Promise<void>;
}

export async function startEmbedded(): Promise<Embedded> {
  const dir = mkdtempSync(join(tmpdir(), 'qtrack-embedded-'));
  const db = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    db.once('error', reject);
    db.listen(0, '127.0.0.1', () => resolve());
  });
  const s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: dir, allowMismatchedSignatures: true });
  const { port: s3Port } = (await s3.run()) as AddressInfo;
  const endpoints = { dynamodb: `http://127.0.0.1:${(db.address() as AddressInfo).port}`, s3: `http://127.0.0.1:${s3Port}` };
  const clients = localClients(endpoints);
  let n = 0;
  return {
    clients,
    endpoints,
    async stores() {
      n++;
      const names = { table: `qtrack-${n}`, uploads: `uploads-${n}`, reports: `reports-${n}` };
      await clients.dynamodb.send(new CreateTableCommand(createTableInput(names.table)));
      for (const bucket of [names.uploads, names.reports]) await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      return names;
    },
    async stop() {
      clients.dynamodb.destroy();
      clients.s3.destroy();
      await s3.close();
      await new Promise<void>((resolve) => db.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The pipeline over one set of embedded stores, as the Lambda runtime composes it
 * (the DynamoDB and S3 adapters), with an in-memory publisher that counts what
 * went out and a fixed business clock.
 */
export function embeddedDeps(clients: Clients, stores: Stores, now: Date, overrides: Partial<PipelineDeps> = {}): PipelineDeps & { publisher: MemoryPublisher } {
  const deps = composePipeline({
    ...awsStores(clients, { table: stores.table, submissionsBucket: stores.uploads, reportsBucket: stores.reports }),
    publisher: new MemoryPublisher(),
    clock: new FixedClock(now),
    logger: silentLogger,
  });
  return { ...deps, ...overrides } as PipelineDeps & { publisher: MemoryPublisher };
}
