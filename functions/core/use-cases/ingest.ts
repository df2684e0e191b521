// Ingest one uploaded object: guard, read, validate, store the records, then make
// the version current with one conditional write. A redelivered event for the same
// object version changes nothing; a crash at any step leaves the old or the new
// version current, never a mix.
import { QtrackError } from '../errors';
import { createHash } from 'node:crypto';
import { rejectionAlert } from '../alerts/alerts';
import { openingPeriod, resolveDepartment } from '../catalog';
import { RECORD_KINDS } from '../sheet-specs';
import type {
  Issue,
  Lang,
  RecordKind,
  RecordSink,
  SubmissionVersion,
  ValidationOutcome,
  ValidationReport,
} from '../model';
import { normalizePeriod, type Period } from '../periods';
import { checkSubmission } from '../submission/check';
import { emptyAggregates } from '../submission/run';
import { annotateWorkbook } from '../workbook/write/annotate';
import type { PipelineDeps } from './deps';
import { RECORD_CHUNK_BYTES, type RecordChunk } from '../ports';
import { archivedSubmissionKey, parseSubmissionKey, reportKeys, UPLOAD_METADATA } from '../object-keys';
import { loadLedger } from './current';
import { raiseAlerts } from './raise-alerts';

/** The part of an S3 object-created notification that ingest needs. */
export interface UploadedObject {
  bucket: string;
  key: string; // decoded (not URL-encoded)
  versionId?: string;
  eTag?: string;
  sequencer?: string;
  size?: number;
  eventTime: string; // ISO; the receipt time of the submission
  /** the notification's key could not be decoded (a broken % escape): `key` is as it came */
  undecodable?: boolean;
}

export interface IngestResult {
  version: SubmissionVersion;
  report: ValidationReport;
  /** the same object version had been ingested before: nothing changed */
  repeated: boolean;
  /** the version is (still) current for some sheet kind of its department and period */
  current: boolean;
  /** the sheet kinds it is current for (a later upload may hold the others) */
  currentFor: RecordKind[];
  /** the quarter it is for, when its key names one */
  period?: Period;
}

/**
 * Who uploaded the object and under which upload id, from the metadata the
 * portal's upload policy pinned (the signer allows nothing else there). Values
 * that are not short printable ASCII are ignored: the metadata of an object put
 * by other means is the putter's to write.
 */
export function uploadIdentity(metadata: Record<string, string> | undefined): Pick<SubmissionVersion, 'uploadedBy' | 'uploadId'> {
  const plain = (v: string | undefined) => (v !== undefined && /^[\x21-\x7e]{1,254}$/.test(v) ? v : undefined);
  const uploadedBy = plain(metadata?.[UPLOAD_METADATA.uploader]);
  const uploadId = plain(metadata?.[UPLOAD_METADATA.uploadId]);
  return { ...(uploadedBy ? { uploadedBy } : {}), ...(uploadId ? { uploadId } : {}) };
}

/** A stable id for one uploaded object version, sortable by receipt time. */
export function submissionIdOf(object: UploadedObject): string {
  const identity = [object.bucket, object.key, object.versionId ?? '', object.eTag ?? '', object.sequencer ?? ''].join('\n');
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 10);
  const stamp = object.eventTime.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${hash}`;
}

/**
 * How long the records of a version that does not become current are kept: far
 * longer than a message lives in the queue (3 receives of 18 minutes' visibility,
 * infra/constructs/submission-intake.ts), so no run that can still make the
 * version current finds them gone — and if one did (a redrive from the
 * dead-letter queue days later), it sees them incomplete and ingests the file again.
 */
export const UNUSED_RECORDS_TTL_MS = 3 * 24 * 60 * 60 * 1000;

/** UTF-8 length of a string without encoding it. */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x800) n += c >= 0xd800 && c < 0xdc00 ? 1 : 2; // a surrogate pair is 4 bytes for 2 units
    else if (c >= 0x80) n += 1;
  }
  return n;
}

/**
 * Buffers accepted records as JSON and writes them in chunks of at most
 * RECORD_CHUNK_BYTES as validation streams (sized by bytes, not rows: 400 rows
 * of long Chinese text are over 600 KB); counts what it was given.
 */
class ChunkingSink implements RecordSink {
  private chunkNo = zeroCounts();
  private buffers = emptyBuffers();
  given = zeroCounts();

  constructor(
    private readonly write: (chunk: RecordChunk) => Promise<void>,
    private readonly forget: () => Promise<void>,
    private readonly chunkBytes = RECORD_CHUNK_BYTES,
  ) {}

  async add(kind: RecordKind, records: unknown[]) {
    this.given[kind] += records.length;
    for (const record of records) {
      const json = JSON.stringify(record);
      const bytes = utf8Length(json) + 1;
      if (this.buffers[kind].parts.length > 0 && this.buffers[kind].bytes + bytes > this.chunkBytes) await this.writeOut(kind);
      const buffer = this.buffers[kind]; // (restart may have replaced it while the write was awaited)
      buffer.parts.push(json);
      buffer.bytes += bytes;
    }
  }

  private async writeOut(kind: RecordKind) {
    // taken and emptied before the write is awaited: records that come meanwhile go to the next chunk
    const buffer = this.buffers[kind];
    const chunk: RecordChunk = { kind, index: this.chunkNo[kind]++, count: buffer.parts.length, json: `[${buffer.parts.join(',')}]` };
    buffer.parts = [];
    buffer.bytes = 2;
    await this.write(chunk);
  }

  async restart() {
    this.chunkNo = zeroCounts();
    this.buffers = emptyBuffers();
    this.given = zeroCounts();
    await this.forget();
  }

  async flush() {
    for (const kind of RECORD_KINDS) if (this.buffers[kind].parts.length) await this.writeOut(kind);
  }
}

function zeroCounts(): Record<RecordKind, number> {
  return Object.fromEntries(RECORD_KINDS.map((k) => [k, 0])) as Record<RecordKind, number>;
}

function emptyBuffers(): Record<RecordKind, { parts: string[]; bytes: number }> {
  return Object.fromEntries(RECORD_KINDS.map((k) => [k, { parts: [] as string[], bytes: 2 }])) as Record<RecordKind, { parts: string[]; bytes: number }>;
}

/** Stored records and validated rows disagree: the version must not become current. */
export class IncompleteSubmissionError extends QtrackError {}

/**
 * Completeness as an invariant: what storage holds for each sheet kind, read
 * back, must equal the rows validation accepted and the sink was given.
 * Otherwise ingest fails loudly (the message is retried, then dead-lettered)
 * and nothing becomes current.
 */
async function verifyStored(deps: PipelineDeps, submissionId: string, report: ValidationReport, given?: Record<RecordKind, number>): Promise<void> {
  const wrong = await storedShortfall(deps, submissionId, report, given);
  if (wrong.length > 0) throw new IncompleteSubmissionError(`submission ${submissionId} is not stored whole (${wrong.join('; ')})`);
  for (const s of report.sheets) if (s.kind !== 'cover') s.storedRows = s.acceptedRows;
}

/** Where what storage holds differs from the rows the report accepted (and the sink was given): none when whole. */
async function storedShortfall(deps: PipelineDeps, submissionId: string, report: ValidationReport, given?: Record<RecordKind, number>): Promise<string[]> {
  const stored = await deps.submissions.recordCounts(submissionId);
  const wrong: string[] = [];
  for (const kind of RECORD_KINDS) {
    const accepted = report.sheets.filter((s) => s.kind === kind).reduce((n, s) => n + s.acceptedRows, 0);
    const count = stored[kind] ?? 0;
    if (accepted !== count || (given && given[kind] !== count)) wrong.push(`${kind}: ${accepted} rows accepted, ${given ? `${given[kind]} written, ` : ''}${count} stored`);
  }
  return wrong;
}

/**
 * Makes an accepted, stored version current: its records stop expiring first
 * (a crash after this leaves them kept, and the redelivery settles them again),
 * then the pointers; a version that later ones hold every kind of expires again.
 */
async function settle(deps: PipelineDeps, version: SubmissionVersion): Promise<RecordKind[]> {
  await deps.submissions.setRecordsExpiry(version.submissionId, undefined);
  const currentFor = await deps.submissions.makeCurrent(version);
  if (!currentFor.length) await deps.submissions.setRecordsExpiry(version.submissionId, recordsExpiry(deps));
  return currentFor;
}

function recordsExpiry(deps: PipelineDeps): Date {
  return new Date((deps.wallClock?.now() ?? new Date()).getTime() + UNUSED_RECORDS_TTL_MS);
}

function countIssues(issues: Issue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of issues) counts[`${i.severity}:${i.code}`] = (counts[`${i.severity}:${i.code}`] ?? 0) + 1;
  return counts;
}

/** A rejection with one file-level issue, for an upload that cannot be read at all. */
function refused(fileName: string, now: string, message: Lang): ValidationOutcome {
  const issue: Issue = { severity: 'error', code: 'BAD_KEY', message };
  return {
    report: { status: 'rejected', file: fileName, receivedAt: now, sheets: [], issues: [issue], counts: { errors: 1, warnings: 0 }, replaces: [] },
    aggregates: emptyAggregates(),
  };
}

/**
 * An upload as ingest takes it: read once, at the edge that received it (the
 * S3 event's handler; an upload API would make the same value), from its key —
 * the department and the quarter resolved, what the key wrote kept for the
 * report's messages, and why it cannot be a submission when it cannot.
 */
export interface Submission {
  /** the uploaded object: where its bytes are, and its identity */
  object: UploadedObject;
  /** the department's code; as written when the key names none the registry knows (validation then says so) */
  department: string;
  /** the quarter; undefined when the key names none (validation then says so) */
  period?: Period;
  /** the department and period as the key writes them */
  written: { department: string; period: string };
  fileName: string;
  /** when it was received (the event's time) */
  receivedAt: string;
  /** the key cannot be a submission's: why (it is refused with a report, never ignored) */
  problem?: Lang;
}

/** Reads an uploaded object's key into a Submission; a key outside submissions/ throws NotASubmissionKeyError. */
export function submissionOf(object: UploadedObject): Submission {
  const parsed = parseSubmissionKey(object.key);
  const problem = object.undecodable
    ? {
        zh: `上传路径“${object.key}”含有无法解码的 % 转义，请把文件改用不含 % 的文件名重新上传`,
        en: `the upload path "${object.key}" has a broken % escape; rename the file without % and upload it again`,
      }
    : parsed.problem;
  const period = normalizePeriod(parsed.period);
  return {
    object,
    department: resolveDepartment(parsed.department)?.code ?? parsed.department,
    ...(period ? { period } : {}),
    written: { department: parsed.department, period: parsed.period },
    fileName: parsed.fileName,
    receivedAt: object.eventTime,
    ...(problem ? { problem } : {}),
  };
}

export async function ingestSubmission(deps: PipelineDeps, sub: Submission): Promise<IngestResult> {
  const { object, department, fileName } = sub;
  // where a version of a key without a quarter is filed: under what the key wrote
  const period = sub.period ?? sub.written.period;
  const submissionId = submissionIdOf(object);
  const log = { department, period, submissionId };

  const seen = await deps.submissions.getVersion(period, department, submissionId);
  if (seen) {
    // A redelivered event: the version was saved after its report, so the report is there;
    // finish what an interrupted run may have left, change nothing else.
    const stored = await deps.reports.get(seen.reportKey);
    const report = stored ? (JSON.parse(new TextDecoder().decode(stored)) as ValidationReport) : undefined;
    if (report && seen.status === 'rejected') {
      await raiseAlerts(deps, [rejectionAlert(seen, deps.clock.now().toISOString())]);
      deps.logger.info('rejected submission already ingested', log);
      return { version: seen, report, repeated: true, current: false, currentFor: [], ...(sub.period ? { period: sub.period } : {}) };
    }
    if (report) {
      const shortfall = await storedShortfall(deps, submissionId, report);
      if (!shortfall.length) {
        const currentFor = await settle(deps, seen);
        deps.logger.info('submission already ingested', { ...log, currentFor });
        return { version: seen, report, repeated: true, current: currentFor.length > 0, currentFor, ...(sub.period ? { period: sub.period } : {}) };
      }
      // its records expired or were lost (a redrive long after): it is ingested again from the file
      deps.logger.warn('stored submission incomplete; ingesting it again', { ...log, shortfall });
      await deps.submissions.deleteRecords(submissionId);
    }
  }

  // a key that is no submission's is refused without reading the file (it may not even be fetchable)
  const stored = sub.problem ? undefined : await deps.uploads.read(object.key, object.versionId);
  const bytes = stored?.body;
  if (!bytes && !sub.problem) throw new Error(`uploaded object not found: ${object.bucket}/${object.key}`);
  // The archive's copy of the raw bytes, first of all writes: a crash anywhere after it
  // leaves no version saved, so the redelivery reads the file again and rewrites the
  // same key (PRODUCT §10; the archive is versioned and object-locked).
  if (bytes && deps.archive) {
    await deps.archive.put(archivedSubmissionKey(department, period, submissionId, fileName), bytes, 'application/octet-stream');
  }

  const files = reportKeys(department, period, submissionId);
  // every chunk expires unless the version becomes current (settle)
  const sink = new ChunkingSink(
    (chunk) => deps.submissions.putRecords(submissionId, chunk, recordsExpiry(deps)),
    () => deps.submissions.deleteRecords(submissionId),
  );
  const outcome = bytes
    ? await checkSubmission(bytes, {
        fileName,
        inflate: deps.inflate,
        department: sub.written.department,
        period: sub.written.period,
        now: new Date(sub.receivedAt),
        plan: deps.plan,
        limits: deps.limits,
        sink,
        // the stored ledger, for the stock checks (validation leaves out what this upload replaces)
        ledger: sub.period ? await loadLedger(deps.submissions, openingPeriod(deps.plan), sub.period) : undefined,
      })
    : refused(fileName, sub.receivedAt, sub.problem!);
  const accepted = outcome.report.status === 'accepted';
  if (accepted) {
    await sink.flush();
    await verifyStored(deps, submissionId, outcome.report, sink.given);
  } else await deps.submissions.deleteRecords(submissionId); // what validation streamed before the first error

  const report: ValidationReport = { ...outcome.report, department, period, file: object.key, submissionId, receivedAt: sub.receivedAt };
  const version: SubmissionVersion = {
    submissionId,
    department,
    period,
    receivedAt: sub.receivedAt,
    status: report.status,
    objectKey: object.key,
    objectVersion: object.versionId,
    fileName,
    reportKey: files.report,
    annotatedKey: report.issues.length ? files.annotated : undefined,
    aggregates: outcome.aggregates,
    issueCounts: countIssues(report.issues),
    errors: report.counts.errors,
    warnings: report.counts.warnings,
    replaces: report.replaces ?? [...RECORD_KINDS],
    ...uploadIdentity(stored?.metadata),
  };

  // An unversioned store (the local s3rver) would lose the raw file on a re-upload
  // under the same name: keep a copy beside the report.
  if (!object.versionId && bytes) await deps.reports.put(files.original(fileName), bytes, 'application/octet-stream');
  if (version.annotatedKey) {
    const isWorkbook = /\.xlsx$/i.test(fileName);
    const annotated = await annotateWorkbook(isWorkbook ? bytes : undefined, report.issues, { inflate: deps.inflate, deflate: deps.deflate, limits: deps.limits });
    await deps.reports.put(version.annotatedKey, annotated.bytes, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    report.annotated = { key: version.annotatedKey, form: annotated.form, ...(annotated.reason ? { reason: annotated.reason } : {}) };
  }
  await deps.reports.put(version.reportKey, JSON.stringify(report, null, 2), 'application/json; charset=utf-8');
  await deps.submissions.saveVersion(version);

  let currentFor: RecordKind[] = [];
  if (accepted) {
    currentFor = await settle(deps, version);
    deps.logger.info(currentFor.length ? 'submission accepted and current' : 'submission accepted; a later version is current', { ...log, currentFor });
  } else {
    deps.logger.info('submission rejected', { ...log, errors: version.errors });
    await raiseAlerts(deps, [rejectionAlert(version, deps.clock.now().toISOString())]);
  }
  return { version, report, repeated: false, current: currentFor.length > 0, currentFor, ...(sub.period ? { period: sub.period } : {}) };
}
