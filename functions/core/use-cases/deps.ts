// What every use case is given by a composition root (Lambda or the local CLI).
import type { Department, Plan } from '../model';
import type { PeriodOffsets } from '../periods';
import type { AlertPublisher, AlertRepository, Clock, Logger, ObjectStore, SubmissionRepository } from '../ports';
import type { FileLimits } from '../workbook/guard';
import type { Inflate } from '../workbook/zip';
import type { Deflate } from '../workbook/write/zip-writer';

export interface PipelineDeps {
  plan: Plan;
  departments: Department[];
  offsets: PeriodOffsets;
  limits?: FileLimits;
  /** raw DEFLATE for reading workbooks (node:zlib on Lambda and locally) */
  inflate: Inflate;
  /** raw DEFLATE for writing the annotated copy */
  deflate: Deflate;
  submissions: SubmissionRepository;
  alerts: AlertRepository;
  /** the submissions bucket (raw uploads) */
  uploads: ObjectStore;
  /** the reports bucket: reports/, alerts/, summaries/ */
  reports: ObjectStore;
  /**
   * the archive bucket (PRODUCT §10, versioned and object-locked): a copy of every
   * raw submission and every published summary; none (nothing archived) when absent
   */
  archive?: ObjectStore;
  /** SNS in AWS; locally alerts go to S3 and the console only */
  publisher?: AlertPublisher;
  /** the business clock: receipt times, due dates (a replayed --now locally) */
  clock: Clock;
  /** the wall clock for alert leases and record expiry, never a replayed --now; the system clock when absent */
  wallClock?: Clock;
  logger: Logger;
}
