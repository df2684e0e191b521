// The composition root of the local runner: the embedded servers, the same
// adapters as in AWS (pointed at them), and the same ingest handler, fed by an
// S3 → SQS bridge that does what the cloud does between an upload and the Lambda.
import { randomUUID } from 'node:crypto';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { SQSEvent } from 'aws-lambda';
import { DynamoAlertRepository } from '../adapters/dynamodb/alert-repository';
import { DynamoSubmissionRepository } from '../adapters/dynamodb/submission-repository';
import { S3ObjectStore } from '../adapters/s3/object-store';
import { nodeInflate } from '../adapters/zlib/inflate';
import { nodeDeflate } from '../adapters/zlib/deflate';
import { DEPARTMENTS, loadPlan, resolveDepartment } from '../core/catalog';
import type { Alert } from '../core/model';
import { DEFAULT_OFFSETS, normalizePeriod } from '../core/periods';
import type { AlertPublisher, Clock, Logger } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import { type IngestResult, parseSubmissionKey } from '../core/use-cases/ingest';
import { createIngestHandler } from '../handlers/ingest';
import { BUCKETS, PREFIX, TABLE } from '../runtime/tables';
import { openDataDir } from './data-dir';
import { type S3CreatedEvent, type LocalServers, startLocalServers } from './servers';

export interface LocalOptions {
  dataDir: string;
  /** false: the data directory must exist already (commands that only read) */
  create?: boolean;
  /** --now: a fixed instant; every later call of the clock moves on by 1 ms so receipts stay ordered */
  now?: Date;
  logger: Logger;
  /** locally alerts are printed instead of published to SNS */
  onAlert?: (alert: Alert) => void;
}

export interface LocalPipeline {
  deps: PipelineDeps;
  /** Uploads to the submissions bucket and waits for the ingest handler's result. */
  upload(key: string, body: Uint8Array): Promise<IngestResult>;
  /** Moves the replay clock (the demo steps through a year). */
  setNow(instant: Date): void;
  stop(): Promise<void>;
}

/** The clock of a replayed run: starts at --now, strictly increasing. */
export function replayClock(start: Date): Clock & { set(instant: Date): void } {
  let t = start.getTime();
  return { now: () => new Date(t++), set: (instant) => (t = instant.getTime()) };
}

const MAX_RECEIVES = 3; // as the queue's redrive policy in the stack

/** S3 encodes notification keys like a URL query: each segment encoded, spaces as '+'. */
export function encodeS3Key(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

export async function openLocalPipeline(options: LocalOptions): Promise<LocalPipeline> {
  const dir = openDataDir(options.dataDir, options.create ?? true);
  const servers: LocalServers = await startLocalServers(dir);
  const { clients } = servers;
  const replay = options.now && replayClock(options.now);
  const clock: Clock = replay || { now: () => new Date() };
  const publisher: AlertPublisher | undefined = options.onAlert && { publish: async (a) => options.onAlert!(a) };
  const deps: PipelineDeps = {
    plan: loadPlan(),
    departments: DEPARTMENTS,
    offsets: DEFAULT_OFFSETS,
    inflate: nodeInflate,
    deflate: nodeDeflate,
    submissions: new DynamoSubmissionRepository(clients.dynamodb, TABLE.logicalName),
    alerts: new DynamoAlertRepository(clients.dynamodb, TABLE.logicalName),
    uploads: new S3ObjectStore(clients.s3, BUCKETS.submissions),
    reports: new S3ObjectStore(clients.s3, BUCKETS.reports),
    publisher,
    clock,
    logger: options.logger,
  };

  const waiting = new Map<string, { resolve: (r: IngestResult) => void; reject: (e: Error) => void }>();
  const ingest = createIngestHandler(
    () => deps,
    (result) => {
      waiting.get(result.version.objectKey)?.resolve(result);
      waiting.delete(result.version.objectKey);
    },
  );

  // What S3 → SQS → Lambda does in the cloud: only created objects under submissions/,
  // keys URL-encoded, wrapped in an SQS message, redelivered until the queue gives up.
  const pending: Promise<void>[] = [];
  servers.onS3Event((event: S3CreatedEvent) => {
    const records = event.Records.filter(
      (r) => r.eventName.startsWith('ObjectCreated') && r.s3.bucket.name === BUCKETS.submissions && r.s3.object.key.startsWith(PREFIX.submissions),
    );
    if (!records.length) return;
    const messageId = randomUUID();
    const keys = records.map((r) => r.s3.object.key);
    const eventTime = clock.now();
    const run = async () => {
      const wrapped = [];
      for (const r of records) {
        const time = await receiptTime(r.s3.object.key, eventTime);
        wrapped.push({ ...r, eventTime: time, s3: { ...r.s3, object: { ...r.s3.object, key: encodeS3Key(r.s3.object.key) } } });
      }
      const body = JSON.stringify({ Records: wrapped });
      for (let receive = 1; receive <= MAX_RECEIVES; receive++) {
        const sqs: SQSEvent = {
          Records: [
            {
              messageId,
              receiptHandle: messageId,
              body,
              attributes: {
                ApproximateReceiveCount: String(receive),
                SentTimestamp: String(Date.now()),
                SenderId: 'local',
                ApproximateFirstReceiveTimestamp: String(Date.now()),
              },
              messageAttributes: {},
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: 'arn:aws:sqs:local:000000000000:qtrack-ingest',
              awsRegion: 'local',
            },
          ],
        };
        const { batchItemFailures } = await ingest(sqs);
        if (!batchItemFailures.length) return;
      }
      const error = new Error(`处理失败，已重试 ${MAX_RECEIVES} 次 / ingest failed after ${MAX_RECEIVES} attempts: ${keys.join(', ')}`);
      options.logger.error('message sent to the dead-letter queue', { keys });
      for (const key of keys) {
        waiting.get(key)?.reject(error);
        waiting.delete(key);
      }
    };
    pending.push(run());
  });

  /**
   * The receipt time of an upload: the clock (--now when replaying), but always after the
   * department's previous version for the period, so a re-upload under the same --now
   * still supersedes the earlier one.
   */
  async function receiptTime(key: string, at: Date): Promise<string> {
    let t = at.getTime();
    try {
      const parts = parseSubmissionKey(key);
      const department = resolveDepartment(parts.department)?.code ?? parts.department;
      const versions = await deps.submissions.allVersions(normalizePeriod(parts.period) ?? parts.period);
      const last = versions.filter((v) => v.department === department).at(-1);
      if (last && Date.parse(last.receivedAt) >= t) t = Date.parse(last.receivedAt) + 1;
    } catch {
      // not a submission key: ingest reports it
    }
    return new Date(t).toISOString();
  }

  return {
    deps,
    async upload(key, body) {
      const done = new Promise<IngestResult>((resolve, reject) => waiting.set(key, { resolve, reject }));
      await clients.s3.send(new PutObjectCommand({ Bucket: BUCKETS.submissions, Key: key, Body: body, ContentLength: body.byteLength }));
      return done;
    },
    setNow(instant) {
      if (!replay) throw new Error('setNow needs a pipeline opened with now');
      replay.set(instant);
    },
    async stop() {
      await Promise.allSettled(pending);
      await servers.stop();
    },
  };
}
