// What the core needs from the outside world. Adapters (DynamoDB, S3, SNS, the
// embedded local servers, in-memory fakes) implement these; the core never
// knows which one it is talking to.
import type { Alert, CurrentVersion, RecordKind, SubmissionVersion } from './model';

export interface Clock {
  now(): Date;
}

/** One bucket. Keys are the S3 keys of §2 (submissions/…, reports/…, alerts/…, summaries/…). */
export interface ObjectStore {
  put(key: string, body: Uint8Array | string, contentType: string): Promise<void>;
  /** undefined when there is no such object; versionId reads one version of a versioned bucket */
  get(key: string, versionId?: string): Promise<Uint8Array | undefined>;
}

/** Submission versions, their records, and which version is current per department and period. */
export interface SubmissionRepository {
  getVersion(period: string, department: string, submissionId: string): Promise<SubmissionVersion | undefined>;
  /** A version from its id alone (qtrack report ID); undefined when unknown. */
  findVersion(submissionId: string): Promise<SubmissionVersion | undefined>;
  /** Writes (or overwrites) one chunk of records of a version; chunks are numbered from 0. */
  putRecords(submissionId: string, kind: RecordKind, chunk: number, records: unknown[]): Promise<void>;
  /** Reads every record of one kind of a version, in order. */
  getRecords<T>(submissionId: string, kind: RecordKind): Promise<T[]>;
  /** How many records of each kind are stored for a version (read back from storage, not remembered). */
  recordCounts(submissionId: string): Promise<Partial<Record<RecordKind, number>>>;
  /** Removes every record chunk of a version (a validation that starts over). */
  deleteRecords(submissionId: string): Promise<void>;
  /** Stores the version's metadata (after its records). Idempotent. */
  saveVersion(version: SubmissionVersion): Promise<void>;
  /**
   * Makes an accepted version current, with one conditional write, for each
   * sheet kind it replaces (currency.ts) unless a version received later holds
   * that kind already. Returns the kinds it is current for: none when later
   * versions hold them all. A repeated call changes nothing.
   */
  makeCurrent(version: SubmissionVersion): Promise<RecordKind[]>;
  /** The versions that are current for some kind, for every department of a period, oldest first. */
  currentVersions(period: string): Promise<CurrentVersion[]>;
  /** Every version (accepted or rejected) of every department for a period, oldest first. */
  allVersions(period: string): Promise<SubmissionVersion[]>;
}

export interface AlertRepository {
  /**
   * Records the alert unless its id is known. Returns the alert to deliver: the new
   * one, or the stored one when an earlier delivery did not finish (a crash between
   * recording and publishing); undefined when it was delivered already.
   */
  claim(alert: Alert): Promise<Alert | undefined>;
  markDelivered(alert: Alert): Promise<void>;
  /** Stored alerts of one period (all periods without one), oldest first. */
  list(period?: string): Promise<Alert[]>;
}

export interface AlertPublisher {
  publish(alert: Alert): Promise<void>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
