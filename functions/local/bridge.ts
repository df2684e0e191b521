// What the cloud does between an upload and the ingest Lambda, on one machine:
// S3 stores the object and sends an object-created notification to SQS, which
// delivers it to the Lambda until the handler succeeds or the redrive policy
// sends it to the dead-letter queue. The messages live in a durable queue in
// the data directory (queue.ts): a message is written before the object is
// stored and deleted only once ingest finished, and every command replays what
// an earlier, crashed one left behind.
import { createHash, randomUUID } from 'node:crypto';
import { HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { PREFIX } from '../core/object-keys';
import type { Clock, Logger } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import { type IngestResult, submissionOf } from '../core/use-cases/ingest';
import { createIngestHandler } from '../handlers/ingest';
import { BUCKETS, QUEUE } from '../runtime/contract';
import type { LocalQueue, QueueEntry } from './queue';

/** as the queue's redrive policy in the stack */
const MAX_RECEIVES = QUEUE.maxReceiveCount;

/** S3 encodes notification keys like a URL query: each segment encoded, spaces as '+'. */
export function encodeS3Key(key: string): string {
  return key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');
}

/** The SQS message body for a stored object: an S3 notification as S3 (and s3rver) sends it, the key URL-encoded. */
export function s3Notification(entry: Pick<QueueEntry, 'messageId' | 'bucket' | 'key' | 'eventTime' | 'eTag' | 'size' | 'sequencer'>): string {
  const record = {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: entry.eventTime,
    eventName: 'ObjectCreated:Put',
    userIdentity: { principalId: 'AWS:local' },
    requestParameters: { sourceIPAddress: '127.0.0.1' },
    responseElements: { 'x-amz-request-id': entry.messageId.replace(/-/g, '').slice(0, 16).toUpperCase(), 'x-amz-id-2': entry.messageId },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'qtrack-ingest',
      bucket: { name: entry.bucket, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${entry.bucket}` },
      object: { key: encodeS3Key(entry.key), size: entry.size, eTag: entry.eTag, sequencer: entry.sequencer },
    },
  };
  return JSON.stringify({ Records: [record] });
}

/** One receive of a queued message, as the SQS event source hands it to the Lambda. */
function sqsEvent(entry: QueueEntry): SQSEvent {
  return {
    Records: [
      {
        messageId: entry.messageId,
        receiptHandle: `${entry.messageId}#${entry.receiveCount}`,
        body: entry.body!,
        attributes: {
          ApproximateReceiveCount: String(entry.receiveCount),
          SentTimestamp: String(entry.sentAt ?? Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(entry.sentAt ?? Date.now()),
        },
        messageAttributes: {},
        md5OfBody: createHash('md5').update(entry.body!).digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local:000000000000:qtrack-ingest',
        awsRegion: 'local',
      },
    ],
  };
}

export interface BridgeOptions {
  s3: S3Client;
  deps: PipelineDeps;
  queue: LocalQueue;
  clock: Clock;
  logger: Logger;
  onNotice?: (line: string) => void;
  deliveryHook?: (event: SQSEvent, ingest: (event: SQSEvent) => Promise<SQSBatchResponse>) => Promise<SQSBatchResponse>;
}

export interface Bridge {
  /**
   * Uploads to the submissions bucket and waits for the ingest handler's result;
   * `metadata` is stored with the object (x-amz-meta-…, as a browser upload's
   * POST policy fields: uploader, upload-id) for ingest to read.
   */
  upload(key: string, body: Uint8Array, metadata?: Record<string, string>): Promise<IngestResult>;
  /** Delivers the messages an earlier process left unacknowledged, in the order they were queued. */
  replay(): Promise<void>;
  /** Waits for the uploads in flight. */
  drain(): Promise<void>;
}

export function s3ToSqsBridge(options: BridgeOptions): Bridge {
  const { deps, queue, clock } = options;
  const pending: Promise<void>[] = [];
  const waiting = new Map<string, { resolve: (r: IngestResult) => void; reject: (e: Error) => void }>();
  const results = new Map<string, IngestResult>();
  const handler = createIngestHandler(
    () => deps,
    (result) => void results.set(result.version.objectKey, result),
  );
  const ingest = (event: SQSEvent) => (options.deliveryHook ? options.deliveryHook(event, handler) : handler(event));
  const notice = (zh: string, en: string, fields: Record<string, unknown>) => {
    options.logger.info(`${zh} / ${en}`, fields);
    options.onNotice?.(`${zh} / ${en}`);
  };

  const settle = (key: string, outcome: { result: IngestResult } | { error: Error }) => {
    const w = waiting.get(key);
    waiting.delete(key);
    if (!w) return;
    if ('result' in outcome) w.resolve(outcome.result);
    else w.reject(outcome.error);
  };

  /**
   * What SQS → Lambda does with one message: each receive is counted (and persisted)
   * before the handler runs; the message is deleted (acked) only when the handler
   * reported no failure; after MAX_RECEIVES receives it goes to the dead-letter queue.
   */
  async function deliver(entry: QueueEntry): Promise<void> {
    for (;;) {
      if (entry.receiveCount >= MAX_RECEIVES) {
        queue.deadLetter(entry);
        const error = new Error(`处理失败，已重试 ${MAX_RECEIVES} 次 / ingest failed after ${MAX_RECEIVES} attempts: ${entry.key}`);
        options.logger.error('message sent to the dead-letter queue', { keys: [entry.key], messageId: entry.messageId, sequencer: entry.sequencer });
        results.delete(entry.key);
        settle(entry.key, { error });
        return;
      }
      entry.receiveCount++;
      queue.put(entry);
      let failed: string | undefined;
      try {
        const { batchItemFailures } = await ingest(sqsEvent(entry));
        if (batchItemFailures.length) failed = 'the ingest handler reported the message as failed';
      } catch (err) {
        failed = String(err);
      }
      if (failed === undefined) {
        queue.ack(entry);
        const result = results.get(entry.key);
        results.delete(entry.key);
        if (result) settle(entry.key, { result });
        else settle(entry.key, { error: new Error(`未入库：${entry.key} 不是报送路径 / not ingested: ${entry.key} is not a submission key`) });
        return;
      }
      entry.lastError = failed;
    }
  }

  /** The object as S3 has it now (undefined when absent): its ETag without quotes and its size. */
  async function head(key: string): Promise<{ eTag: string; size: number } | undefined> {
    try {
      const out = await options.s3.send(new HeadObjectCommand({ Bucket: BUCKETS.submissions, Key: key }));
      return { eTag: (out.ETag ?? '').replace(/"/g, ''), size: out.ContentLength ?? -1 };
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return undefined;
      throw err;
    }
  }

  const whole = (entry: QueueEntry, h: { eTag: string; size: number } | undefined) => !!h && h.eTag === entry.eTag && h.size === entry.size;

  /** The object is stored: the message is what S3 would send to the queue. */
  function markSent(entry: QueueEntry): void {
    entry.state = 'sent';
    entry.sentAt = Date.now();
    entry.body = s3Notification(entry);
    queue.put(entry);
  }

  /** The messages an earlier process left unacknowledged, in the order they were queued. */
  async function replayQueue(): Promise<void> {
    for (const entry of queue.pending()) {
      const fields = { key: entry.key, messageId: entry.messageId, sequencer: entry.sequencer, state: entry.state, receiveCount: entry.receiveCount };
      if (entry.state === 'intent') {
        if (!whole(entry, await head(entry.key))) {
          // the PUT never happened (or never finished): nothing was uploaded, nothing to ingest
          notice(`未完成的上传已放弃：${entry.key}（文件未存入）`, `dropped an unfinished upload of ${entry.key} (the object was never stored)`, fields);
          queue.ack(entry);
          continue;
        }
        markSent(entry);
      }
      notice(`继续处理上次中断的上传：${entry.key}`, `replaying an unacknowledged upload of ${entry.key}`, fields);
      await deliver(entry);
    }
  }


  /**
   * The receipt time of an upload: the clock (--now when replaying), but always after the
   * department's previous version for the period, so a re-upload under the same --now
   * still supersedes the earlier one.
   */
  async function receiptTime(key: string, at: Date): Promise<string> {
    let t = at.getTime();
    try {
      // filed where ingest will file it (the same reading of the key)
      const sub = submissionOf({ bucket: BUCKETS.submissions, key, eventTime: at.toISOString() });
      const versions = await deps.submissions.allVersions(sub.period ?? sub.written.period);
      const last = versions.filter((v) => v.department === sub.department).at(-1);
      if (last && Date.parse(last.receivedAt) >= t) t = Date.parse(last.receivedAt) + 1;
    } catch {
      // not a submission key: ingest reports it
    }
    return new Date(t).toISOString();
  }

  return {
    upload(key, body, metadata) {
      if (!key.startsWith(PREFIX.submissions)) {
        // the bucket's notification only covers submissions/: nothing would ingest it
        throw new Error(`未上传：${key} 不在 ${PREFIX.submissions} 下 / not uploaded: ${key} is not under ${PREFIX.submissions}`);
      }
      const done = new Promise<IngestResult>((resolve, reject) => waiting.set(key, { resolve, reject }));
      const run = async () => {
        // (1) the intent, before the object exists: a crash from here on is replayed or dropped by the next start
        const entry: QueueEntry = {
          messageId: randomUUID(),
          sequencer: queue.nextSequencer(),
          bucket: BUCKETS.submissions,
          key,
          eventTime: await receiptTime(key, clock.now()),
          eTag: createHash('md5').update(body).digest('hex'),
          size: body.byteLength,
          state: 'intent',
          receiveCount: 0,
        };
        queue.put(entry);
        // (2) the upload; (3) what S3 stored — s3rver may answer before its file is whole, so wait until it is
        await options.s3.send(
          new PutObjectCommand({ Bucket: BUCKETS.submissions, Key: key, Body: body, ContentLength: body.byteLength, ...(metadata && Object.keys(metadata).length ? { Metadata: metadata } : {}) }),
        );
        for (let attempt = 0; !whole(entry, await head(key)); attempt++) {
          if (attempt === 20) throw new Error(`上传后文件与原文件不一致 / the stored object ${key} does not match what was uploaded`);
          await new Promise((r) => setTimeout(r, 10));
        }
        // (4) the message S3 would send; (5, 6) delivered, acked when ingested
        markSent(entry);
        await deliver(entry);
      };
      pending.push(run().catch((err: Error) => settle(key, { error: err })));
      return done;
    },
    replay: replayQueue,
    async drain() {
      await Promise.allSettled(pending);
    },
  };
}
