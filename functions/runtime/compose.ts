// The one composition of the pipeline: the Lambda runtime, the local runner and
// the tests all build their PipelineDeps here, from a set of stores (DynamoDB
// and S3 adapters, or the in-memory fakes) and the few things that differ
// (clock, publisher, logger, the plan and offsets an operator set).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { DynamoAlertRepository } from '../adapters/dynamodb/alert-repository';
import { DynamoSubmissionRepository } from '../adapters/dynamodb/submission-repository';
import { S3ObjectStore } from '../adapters/s3/object-store';
import { nodeDeflate } from '../adapters/zlib/deflate';
import { nodeInflate } from '../adapters/zlib/inflate';
import { DEPARTMENTS, loadPlan } from '../core/catalog';
import { DEFAULT_OFFSETS, type PeriodOffsets } from '../core/periods';
import type { AlertPublisher, AlertRepository, Clock, Logger, ObjectStore, SubmissionRepository } from '../core/ports';
import type { PipelineDeps } from '../core/use-cases/deps';
import type { FileLimits } from '../core/workbook/guard';

/** Where the pipeline keeps things. */
export interface Stores {
  submissions: SubmissionRepository;
  alerts: AlertRepository;
  /** the submissions bucket (raw uploads) */
  uploads: ObjectStore;
  /** the reports bucket: reports/, alerts/, summaries/ */
  reports: ObjectStore;
}

/** The names of the table and buckets (the stack's outputs, or the local ones). */
export interface StoreNames {
  table: string;
  submissionsBucket: string;
  reportsBucket: string;
  /** an old local data dir may hold versions saved before their id was filed: findVersion scans for them */
  scanUnfiled?: boolean;
}

/** The stores on DynamoDB and S3 (in AWS, or the embedded dynalite and s3rver). */
export function awsStores(clients: { dynamodb: DynamoDBClient; s3: S3Client }, names: StoreNames): Stores {
  return {
    submissions: new DynamoSubmissionRepository(clients.dynamodb, names.table, names.scanUnfiled ?? false),
    alerts: new DynamoAlertRepository(clients.dynamodb, names.table),
    uploads: new S3ObjectStore(clients.s3, names.submissionsBucket),
    reports: new S3ObjectStore(clients.s3, names.reportsBucket),
  };
}

export interface Composition extends Stores {
  /** the archive bucket (raw submissions, summaries); nothing is archived when absent */
  archive?: ObjectStore;
  logger: Logger;
  /** the business clock; the system clock when absent */
  clock?: Clock;
  /** the wall clock of leases and record expiry; the system clock when absent */
  wallClock?: Clock;
  /** SNS in AWS; locally the console; none for functions that raise no alerts */
  publisher?: AlertPublisher;
  /** the plan catalog id (QTRACK_PLAN, cdk context qtrack:plan); the current plan when absent */
  plan?: string;
  offsets?: Partial<PeriodOffsets>;
  limits?: FileLimits;
}

export const systemClock: Clock = { now: () => new Date() };

/** The clock of a replayed run (--now): starts at the instant, strictly increasing (1 ms a call), so receipts stay ordered. */
export function replayClock(start: Date): Clock & { set(instant: Date): void } {
  let t = start.getTime();
  return { now: () => new Date(t++), set: (instant) => (t = instant.getTime()) };
}

export function composePipeline(c: Composition): PipelineDeps {
  return {
    plan: loadPlan(c.plan),
    departments: DEPARTMENTS,
    offsets: {
      dueDays: c.offsets?.dueDays ?? DEFAULT_OFFSETS.dueDays,
      summaryDays: c.offsets?.summaryDays ?? DEFAULT_OFFSETS.summaryDays,
    },
    ...(c.limits ? { limits: c.limits } : {}),
    inflate: nodeInflate,
    deflate: nodeDeflate,
    submissions: c.submissions,
    alerts: c.alerts,
    uploads: c.uploads,
    reports: c.reports,
    ...(c.archive ? { archive: c.archive } : {}),
    publisher: c.publisher,
    clock: c.clock ?? systemClock,
    ...(c.wallClock ? { wallClock: c.wallClock } : {}),
    logger: c.logger,
  };
}
