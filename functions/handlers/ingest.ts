// Lambda: SQS batch of S3 object-created notifications → ingest each submission,
// then evaluate its period. Failures (of either) are reported per message so
// only they retry.
import type { SQSBatchResponse, SQSEvent, S3Event } from 'aws-lambda';
import { inPlan } from '../core/catalog';
import type { PipelineDeps } from '../core/use-cases/deps';
import { evaluateAndAlert } from '../core/use-cases/evaluate';
import { NotASubmissionKeyError } from '../core/object-keys';
import { type IngestResult, type UploadedObject, ingestSubmission, submissionOf } from '../core/use-cases/ingest';
import { lambdaDeps } from '../runtime/lambda';

/** S3 notification keys are URL-encoded with '+' for spaces; undefined for a broken % escape. */
export function decodeS3Key(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

export function uploadsOf(body: string): UploadedObject[] {
  const event = JSON.parse(body) as Partial<S3Event> & { Event?: string };
  if (event.Event === 's3:TestEvent' || !event.Records) return [];
  return event.Records.filter((r) => r.eventName.startsWith('ObjectCreated')).map((r) => {
    const key = decodeS3Key(r.s3.object.key);
    return {
      bucket: r.s3.bucket.name,
      key: key ?? r.s3.object.key,
      ...(key === undefined ? { undecodable: true } : {}),
      versionId: r.s3.object.versionId,
      eTag: r.s3.object.eTag,
      sequencer: r.s3.object.sequencer,
      size: r.s3.object.size,
      eventTime: r.eventTime,
    };
  });
}

export function createIngestHandler(getDeps: () => PipelineDeps, observe?: (result: IngestResult) => void) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = getDeps();
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      try {
        for (const upload of uploadsOf(message.body)) {
          let result: IngestResult;
          try {
            result = await ingestSubmission(deps, submissionOf(upload));
          } catch (err) {
            if (err instanceof NotASubmissionKeyError) {
              deps.logger.warn('ignored object outside submissions/{department}/{period}/', { key: upload.key });
              continue;
            }
            throw err;
          }
          // Evaluation is part of the message's work: if it fails, the message comes back
          // (ingest is idempotent; the redelivery evaluates again) — and the daily monitor
          // evaluates the open quarters too. The opening-ledger quarter lies before the
          // plan: there is nothing to evaluate for it.
          if (result.version.status === 'accepted' && result.period && inPlan(deps.plan, result.period)) await evaluateAndAlert(deps, result.period);
          observe?.(result);
        }
      } catch (err) {
        deps.logger.error('ingest failed', { messageId: message.messageId, error: String(err) });
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export const handler = createIngestHandler(() => lambdaDeps('ingest'));
