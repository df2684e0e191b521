// The local runner: the embedded servers, the pipeline composed over them as in
// AWS (compose.ts), and the same ingest handler, fed by the S3 → SQS bridge
// (bridge.ts) whose messages survive a crash in the data directory.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Alert } from '../core/model';
import type { AlertPublisher, Clock, Logger } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import type { IngestResult } from '../core/use-cases/ingest';
import { recoverAlerts } from '../core/use-cases/raise-alerts';
import { awsStores, composePipeline, replayClock } from '../runtime/compose';
import { BUCKETS, TABLE } from '../runtime/contract';
import { s3ToSqsBridge } from './bridge';
import { openDataDir } from './data-dir';
import { LocalQueue } from './queue';
import { type LocalServers, startLocalServers } from './servers';

export interface LocalOptions {
  dataDir: string;
  /** false: the data directory must exist already (commands that only read) */
  create?: boolean;
  /** --now: a fixed instant; every later call of the clock moves on by 1 ms so receipts stay ordered */
  now?: Date;
  /** the business clock, when neither the system's nor a replay's (`qtrack serve --now`: real time, shifted) */
  clock?: Clock;
  logger: Logger;
  /** locally alerts are printed instead of published to SNS */
  onAlert?: (alert: Alert) => void;
  /**
   * A bilingual line for each message replayed or dropped at the start (the logger
   * gets it too, at info). Meant for stderr: stdout of --json commands stays clean.
   */
  onNotice?: (line: string) => void;
  /**
   * TEST ONLY (fault injection): stands between the queue and the ingest handler
   * for every delivery; it may call `ingest`, fail the message or throw. Never set
   * by the CLI.
   */
  deliveryHook?: (event: SQSEvent, ingest: (event: SQSEvent) => Promise<SQSBatchResponse>) => Promise<SQSBatchResponse>;
}

export interface LocalPipeline {
  deps: PipelineDeps;
  /** Uploads to the submissions bucket (with the object metadata given: x-amz-meta-…) and waits for the ingest handler's result. */
  upload(key: string, body: Uint8Array, metadata?: Record<string, string>): Promise<IngestResult>;
  /** Moves the replay clock (the demo steps through a year). */
  setNow(instant: Date): void;
  stop(): Promise<void>;
}

export async function openLocalPipeline(options: LocalOptions): Promise<LocalPipeline> {
  const dir = openDataDir(options.dataDir, options.create ?? true);
  const servers: LocalServers = await startLocalServers(dir);
  const { clients } = servers;
  const replay = options.now && replayClock(options.now);
  const clock: Clock = replay || options.clock || { now: () => new Date() };
  const publisher: AlertPublisher | undefined = options.onAlert && { publish: async (a) => options.onAlert!(a) };
  const deps: PipelineDeps = composePipeline({
    ...awsStores(clients, { table: TABLE.logicalName, submissionsBucket: BUCKETS.submissions, reportsBucket: BUCKETS.reports, scanUnfiled: true }),
    publisher,
    clock,
    logger: options.logger,
  });

  const bridge = s3ToSqsBridge({ s3: clients.s3, deps, queue: new LocalQueue(dir.root), clock, logger: options.logger, onNotice: options.onNotice, deliveryHook: options.deliveryHook });
  // Before anything else: alerts a crashed earlier process claimed but never delivered,
  // then the messages it left in the queue, in the order they were queued.
  try {
    await recoverAlerts(deps);
    await bridge.replay();
  } catch (err) {
    await servers.stop();
    throw err;
  }

  return {
    deps,
    upload: (key, body, metadata) => bridge.upload(key, body, metadata),
    setNow(instant) {
      if (!replay) throw new Error('setNow needs a pipeline opened with now');
      replay.set(instant);
    },
    async stop() {
      await bridge.drain();
      await servers.stop();
    },
  };
}
