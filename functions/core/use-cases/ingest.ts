// Ingest one uploaded object: guard, read, validate, store the records, then make
// the version current with one conditional write. A redelivered event for the same
// object version changes nothing; a crash at any step leaves the old or the new
// version current, never a mix.
import { createHash } from 'node:crypto';
import { rejectionAlert } from '../alerts/alerts';
import { resolveDepartment } from '../catalog';
import type {
  AcceptanceRecord,
  CertificationRecord,
  InspectionRecord,
  Issue,
  IndicatorRecord,
  RecordSink,
  SheetKind,
  SubmissionVersion,
  ValidationReport,
} from '../model';
import { normalizePeriod } from '../periods';
import { checkSubmission } from '../submission/check';
import { annotateWorkbook } from '../workbook/annotate';
import type { PipelineDeps } from './deps';
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
}

export interface IngestResult {
  version: SubmissionVersion;
  report: ValidationReport;
  /** the same object version had been ingested before: nothing changed */
  repeated: boolean;
  /** the version is (still) the current one for its department and period */
  current: boolean;
}

export class NotASubmissionKeyError extends Error {
  override name = 'NotASubmissionKeyError';
}

/** `submissions/{department}/{period}/{file}` → its parts (department and period as written). */
export function parseSubmissionKey(key: string): { department: string; period: string; fileName: string } {
  const parts = key.split('/');
  if (parts.length !== 4 || parts[0] !== 'submissions' || !parts[1] || !parts[2] || !parts[3]) {
    throw new NotASubmissionKeyError(`not a submission key (submissions/{department}/{period}/{file}): ${key}`);
  }
  return { department: parts[1], period: parts[2], fileName: parts[3] };
}

/** A stable id for one uploaded object version, sortable by receipt time. */
export function submissionIdOf(object: UploadedObject): string {
  const identity = [object.bucket, object.key, object.versionId ?? '', object.eTag ?? '', object.sequencer ?? ''].join('\n');
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 10);
  const stamp = object.eventTime.replace(/[-:]/g, '').replace(/\.\d+/, '');
  return `${stamp}-${hash}`;
}

function reportBase(department: string, period: string, submissionId: string): string {
  return `reports/${department}/${period}/${submissionId}`;
}

type RecordKind = Exclude<SheetKind, 'cover'>;

const RECORD_KINDS: RecordKind[] = ['indicators', 'inspections', 'certifications', 'acceptances'];

/** Buffers accepted records and writes them in chunks as validation streams; counts what it was given. */
class ChunkingSink implements RecordSink {
  private chunkNo: Record<RecordKind, number> = { indicators: 0, inspections: 0, certifications: 0, acceptances: 0 };
  private buffers: Record<RecordKind, unknown[]> = { indicators: [], inspections: [], certifications: [], acceptances: [] };
  given: Record<RecordKind, number> = { indicators: 0, inspections: 0, certifications: 0, acceptances: 0 };

  constructor(
    private readonly write: (kind: RecordKind, chunk: number, records: unknown[]) => Promise<void>,
    private readonly forget: () => Promise<void>,
    private readonly chunkSize = 400,
  ) {}

  private async add(kind: RecordKind, records: unknown[]) {
    this.given[kind] += records.length;
    const buffer = this.buffers[kind];
    buffer.push(...records);
    while (buffer.length >= this.chunkSize) await this.write(kind, this.chunkNo[kind]++, buffer.splice(0, this.chunkSize));
  }

  async restart() {
    this.chunkNo = { indicators: 0, inspections: 0, certifications: 0, acceptances: 0 };
    this.buffers = { indicators: [], inspections: [], certifications: [], acceptances: [] };
    this.given = { indicators: 0, inspections: 0, certifications: 0, acceptances: 0 };
    await this.forget();
  }
  indicators = (r: IndicatorRecord[]) => this.add('indicators', r);
  inspections = (r: InspectionRecord[]) => this.add('inspections', r);
  certifications = (r: CertificationRecord[]) => this.add('certifications', r);
  acceptances = (r: AcceptanceRecord[]) => this.add('acceptances', r);

  async flush() {
    for (const kind of Object.keys(this.buffers) as RecordKind[]) {
      const buffer = this.buffers[kind];
      if (buffer.length) await this.write(kind, this.chunkNo[kind]++, buffer.splice(0));
    }
  }
}

/** Stored records and validated rows disagree: the version must not become current. */
export class IncompleteSubmissionError extends Error {
  override readonly name = 'IncompleteSubmissionError';
}

/**
 * Completeness as an invariant: what storage holds for each sheet kind, read
 * back, must equal the rows validation accepted and the sink was given.
 * Otherwise ingest fails loudly (the message is retried, then dead-lettered)
 * and nothing becomes current.
 */
async function verifyStored(deps: PipelineDeps, submissionId: string, report: ValidationReport, given: Record<RecordKind, number>): Promise<void> {
  const stored = await deps.submissions.recordCounts(submissionId);
  const wrong: string[] = [];
  for (const kind of RECORD_KINDS) {
    const accepted = report.sheets.filter((s) => s.kind === kind).reduce((n, s) => n + s.acceptedRows, 0);
    const count = stored[kind] ?? 0;
    if (accepted !== count || given[kind] !== count) wrong.push(`${kind}: ${accepted} rows accepted, ${given[kind]} written, ${count} stored`);
  }
  if (wrong.length > 0) throw new IncompleteSubmissionError(`submission ${submissionId} is not stored whole (${wrong.join('; ')})`);
  for (const s of report.sheets) if (s.kind !== 'cover') s.storedRows = s.acceptedRows;
}

function countIssues(issues: Issue[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of issues) counts[`${i.severity}:${i.code}`] = (counts[`${i.severity}:${i.code}`] ?? 0) + 1;
  return counts;
}

export async function ingestSubmission(deps: PipelineDeps, object: UploadedObject): Promise<IngestResult> {
  const parsed = parseSubmissionKey(object.key);
  const department = resolveDepartment(parsed.department)?.code ?? parsed.department;
  const period = normalizePeriod(parsed.period) ?? parsed.period;
  const submissionId = submissionIdOf(object);
  const log = { department, period, submissionId };

  const seen = await deps.submissions.getVersion(period, department, submissionId);
  if (seen) {
    // A redelivered event: finish what an interrupted run may have left (making it current), change nothing else.
    const current = seen.status === 'accepted' ? await deps.submissions.makeCurrent(seen) : false;
    const stored = await deps.reports.get(seen.reportKey);
    const report = stored ? (JSON.parse(new TextDecoder().decode(stored)) as ValidationReport) : undefined;
    deps.logger.info('submission already ingested', log);
    if (report) return { version: seen, report, repeated: true, current };
  }

  const bytes = await deps.uploads.get(object.key, object.versionId);
  if (!bytes) throw new Error(`uploaded object not found: ${object.bucket}/${object.key}`);

  const base = reportBase(department, period, submissionId);
  const sink = new ChunkingSink(
    (kind, chunk, records) => deps.submissions.putRecords(submissionId, kind, chunk, records),
    () => deps.submissions.deleteRecords(submissionId),
  );
  const ledger = normalizePeriod(parsed.period) ? await loadLedger(deps.submissions, period, { department, period }) : [];
  const outcome = await checkSubmission(bytes, {
    fileName: parsed.fileName,
    inflate: deps.inflate,
    department: parsed.department,
    period: parsed.period,
    now: new Date(object.eventTime),
    plan: deps.plan,
    limits: deps.limits,
    sink,
    ledger,
  });
  const accepted = outcome.report.status === 'accepted';
  if (accepted) {
    await sink.flush();
    await verifyStored(deps, submissionId, outcome.report, sink.given);
  }

  const report: ValidationReport = { ...outcome.report, department, period, file: object.key, submissionId, receivedAt: object.eventTime };
  const version: SubmissionVersion = {
    submissionId,
    department,
    period,
    receivedAt: object.eventTime,
    status: report.status,
    objectKey: object.key,
    objectVersion: object.versionId,
    fileName: parsed.fileName,
    reportKey: `${base}.json`,
    annotatedKey: report.issues.length ? `${base}.xlsx` : undefined,
    aggregates: outcome.aggregates,
    issueCounts: countIssues(report.issues),
    errors: report.counts.errors,
    warnings: report.counts.warnings,
  };

  // An unversioned store (the local s3rver) would lose the raw file on a re-upload
  // under the same name: keep a copy beside the report.
  if (!object.versionId) await deps.reports.put(`${base}.original${extension(parsed.fileName)}`, bytes, 'application/octet-stream');
  await deps.reports.put(version.reportKey, JSON.stringify(report, null, 2), 'application/json; charset=utf-8');
  if (version.annotatedKey) {
    const isWorkbook = /\.xlsx$/i.test(parsed.fileName) && !report.issues.some((i) => i.code.startsWith('FILE_'));
    const annotated = await annotateWorkbook(isWorkbook ? bytes : undefined, report.issues);
    await deps.reports.put(version.annotatedKey, annotated, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  }
  await deps.submissions.saveVersion(version);

  let current = false;
  if (accepted) {
    current = await deps.submissions.makeCurrent(version);
    deps.logger.info(current ? 'submission accepted and current' : 'submission accepted; a later version is current', log);
  } else {
    deps.logger.info('submission rejected', { ...log, errors: version.errors });
    await raiseAlerts(deps, [rejectionAlert(version, deps.clock.now().toISOString())]);
  }
  return { version, report, repeated: false, current };
}

function extension(fileName: string): string {
  const m = /\.[A-Za-z0-9]{1,8}$/.exec(fileName);
  return m ? m[0].toLowerCase() : '';
}
