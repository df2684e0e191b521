// What the core needs from the outside world. Adapters (DynamoDB, S3, SNS, the
// embedded local servers, in-memory fakes) implement these; the core never
// knows which one it is talking to.
import type { Alert, CurrentVersion, RecordKind, SubmissionVersion } from './model';

export interface Clock {
  now(): Date;
}

/** One bucket. Keys are the S3 keys of §2 (submissions/…, reports/…, alerts/…, summaries/…). */
export interface ObjectStore {
  /** metadata: the object's user metadata (S3 x-amz-meta-…), ASCII names and values */
  put(key: string, body: Uint8Array | string, contentType: string, metadata?: Record<string, string>): Promise<void>;
  /** undefined when there is no such object; versionId reads one version of a versioned bucket */
  get(key: string, versionId?: string): Promise<Uint8Array | undefined>;
  /** as get, with the object's user metadata (names lower-case) */
  read(key: string, versionId?: string): Promise<StoredObject | undefined>;
}

export interface StoredObject {
  body: Uint8Array;
  metadata: Record<string, string>;
}

/**
 * The most JSON one chunk of records holds, in UTF-8 bytes: a DynamoDB item is
 * at most 400 KB (409,600 bytes) with its keys and attribute names; this leaves
 * 100 KB for them and for a last record that crosses the line.
 */
export const RECORD_CHUNK_BYTES = 300 * 1024;

/** One chunk of a version's records of one kind: `count` records as one JSON array. */
export interface RecordChunk {
  kind: RecordKind;
  index: number;
  count: number;
  json: string;
}

/** Submission versions, their records, and which version is current per department and period. */
export interface SubmissionRepository {
  getVersion(period: string, department: string, submissionId: string): Promise<SubmissionVersion | undefined>;
  /** A version from its id alone (qtrack report ID); undefined when unknown. */
  findVersion(submissionId: string): Promise<SubmissionVersion | undefined>;
  /**
   * Writes (or overwrites) one chunk of records of a version; chunks are numbered
   * from 0 and hold at most RECORD_CHUNK_BYTES of JSON. It expires at expiresAt
   * unless setRecordsExpiry lifts that.
   */
  putRecords(submissionId: string, chunk: RecordChunk, expiresAt: Date): Promise<void>;
  /** Reads every record of one kind of a version, in order. */
  getRecords<T>(submissionId: string, kind: RecordKind): Promise<T[]>;
  /** How many records of each kind are stored for a version (read back from storage, not remembered). */
  recordCounts(submissionId: string): Promise<Partial<Record<RecordKind, number>>>;
  /** Removes every record chunk of a version (a validation that starts over). */
  deleteRecords(submissionId: string): Promise<void>;
  /** Sets when every record chunk of a version expires; undefined: never (the version is current). */
  setRecordsExpiry(submissionId: string, expiresAt: Date | undefined): Promise<void>;
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

/** A run's hold on the delivery of an alert: until `until` (epoch ms) no other run delivers it. */
export interface Lease {
  /** the run that delivers: one process or invocation */
  owner: string;
  /** epoch ms, by the wall clock (never a replayed --now) */
  now: number;
  until: number;
}

/**
 * The alert outbox. An alert is recorded under its deterministic id by the
 * first run that claims it; that run stores and publishes it, then marks it
 * delivered. A claim whose lease ran out undelivered (the run died) is taken
 * over by the next run that meets the alert, so an alert is never lost, and
 * concurrent runs of the same work deliver it once.
 */
export interface AlertRepository {
  /**
   * Claims the alert for delivery: records it if its id is new, or takes over an
   * undelivered claim whose lease has run out (with takeOver: any undelivered
   * claim of another owner). Exactly one of concurrent claimers wins. Returns the
   * alert to deliver (the stored one when it was recorded before), or undefined:
   * delivered already, or leased to a run still within its lease.
   */
  claim(alert: Alert, lease: Lease, takeOver?: boolean): Promise<Alert | undefined>;
  /** Marks the alert delivered; false when another run had taken the claim over (both then delivered). */
  markDelivered(alert: Alert, owner: string): Promise<boolean>;
  /** Recorded alerts not yet delivered, oldest first. */
  undelivered(): Promise<Alert[]>;
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
