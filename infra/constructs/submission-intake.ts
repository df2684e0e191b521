// From an uploaded workbook to the ingest function: S3 (object created under
// submissions/) → SQS, at least once, with a dead-letter queue → ingest.
import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { EventType, type IBucket } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { PREFIX } from '../../functions/runtime/tables';
import { PipelineFunction } from './pipeline-function';

/** Lambda's guidance: visibility timeout at least six times the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

export interface SubmissionIntakeProps {
  /** The bucket departments upload to. */
  readonly submissions: IBucket;
  /** Receives before a message goes to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  /** Messages per ingest invocation; small, as one workbook can take a minute. @default 5 */
  readonly batchSize?: number;
  /** @default 1024 MB: exceljs holds a whole workbook in memory */
  readonly ingestMemorySize?: number;
  /** @default 5 minutes */
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
      memorySize: props.ingestMemorySize ?? 1024,
      timeout: props.ingestTimeout ?? Duration.minutes(5),
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
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount ?? 3 },
    });

    props.submissions.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.queue), {
      prefix: PREFIX.submissions,
    });

    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 5,
        // One bad workbook must not send the other messages of its batch back to the queue.
        reportBatchItemFailures: true,
      }),
    );
  }
}
