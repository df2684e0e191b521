// From an uploaded workbook to the ingest function: S3 (object created under
// submissions/) → SQS, at least once, with a dead-letter queue → ingest.
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIX } from '../../functions/core/object-keys';
import { QUEUE } from '../../functions/runtime/contract';
import { PipelineFunction } from './pipeline-function';

/** Lambda's guidance: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

// Ingest sizing, from `npm run bench:ingest` (bench/ingest.ts), 2026-12-01: the whole
// local ingest (read, every rule, records stored in byte-sized chunks and settled,
// report, evaluation, alerts) of the bench inspection workbook, median of 3 fresh
// processes, one Xeon core (x86_64); process wall time and peak RSS (the embedded S3
// and DynamoDB servers included, so both are overestimates for Lambda):
//   100,000 rows,  4.4 MB:  5.6 s, peak RSS 330 MB
//   500,000 rows, 22.0 MB: 20.9 s, peak RSS 674 MB
// Linear extrapolation to the largest input the guard accepts (DEFAULT_LIMITS:
// 1,000,000 rows per sheet, 50 MB per file): 1,000,000 rows (44 MB) 39.9 s, 1,104 MB;
// a 50 MB file (1.14 M rows of that shape) 45.1 s, 1,221 MB. Sized for the 50 MB file:
//   memory  ≥ 3 × 1,221 MB = 3,663 MB → 4,096 MB. 1,769 MB is one full vCPU; ingest
//           runs on one thread, so the CPU share above one vCPU is headroom (GC, zlib).
//   timeout ≥ 3 × 45.1 s = 136 s at one vCPU → 180 s: a further ~1.3× for an arm64
//           (Graviton) vCPU being slower than the bench core and for real DynamoDB and
//           S3 round trips in place of the embedded servers. (At most 15 minutes.)
//   visibility = 6 × 180 s = 1,080 s (AWS guidance for SQS event sources); it must
//           also exceed the alert lease (2 minutes), so a redelivered message finds
//           the leases of the failed run expired and can claim those alerts again.
//   batch size 1: a hang (timeout) or out-of-memory kills the whole invocation, and
//           the partial-batch response cannot single out the guilty message, so with
//           more than one message per batch its neighbours would fail (and count a
//           receive) with it.
//   maxReceiveCount 3: two retries for a transient fault, then the dead-letter queue
//           (alarmed); a poison message costs at most 3 × 180 s.
// Re-run the bench when ingest changes and re-check these figures.
/** Ingest memory (MB); see the arithmetic above. */
export const INGEST_MEMORY_MB = 4096;
/** Ingest timeout; see the arithmetic above. */
export const INGEST_TIMEOUT = Duration.seconds(180);
/** One message per invocation; see above. */
export const INGEST_BATCH_SIZE = 1;
/** Receives before a message is dead-lettered (the contract's, which the local queue follows too). */
export const MAX_RECEIVE_COUNT = QUEUE.maxReceiveCount;

export interface SubmissionIntakeProps {
  /** The bucket departments upload to. */
  readonly submissions: IBucket;
  /** Receives before a message goes to the dead-letter queue. @default MAX_RECEIVE_COUNT (3) */
  readonly maxReceiveCount?: number;
  /** Messages per ingest invocation. @default INGEST_BATCH_SIZE (1) */
  readonly batchSize?: number;
  /** @default INGEST_MEMORY_MB (4,096 MB) */
  readonly ingestMemorySize?: number;
  /** @default INGEST_TIMEOUT (180 s); the queue's visibility timeout is 6 × this */
  readonly ingestTimeout?: Duration;
}

export class SubmissionIntake extends Construct {
  public readonly ingest: PipelineFunction;
  public readonly queue: Queue;
  /** Messages that failed ingest maxReceiveCount times; alarmed on. */
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: SubmissionIntakeProps) {
    super(scope, id);

    this.ingest = new PipelineFunction(this, 'Ingest', {
      handlerName: 'ingest',
      description: 'qtrack: validate an uploaded workbook and store it as a submission version',
      memorySize: props.ingestMemorySize ?? INGEST_MEMORY_MB,
      timeout: props.ingestTimeout ?? INGEST_TIMEOUT,
    });

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'Queue', {
      // SSE-SQS: S3 can deliver notifications to it without a key policy.
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(this.ingest.timeoutDuration.toSeconds() * VISIBILITY_TIMEOUT_FACTOR),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? MAX_RECEIVE_COUNT },
    });

    props.submissions.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: PREFIX.submissions,
    });

    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? INGEST_BATCH_SIZE,
        // Kept for a batch size above 1 (a prop): an exception in one message's ingest
        // then does not send the other messages of its batch back to the queue.
        reportBatchItemFailures: true,
      }),
    );
  }
}
