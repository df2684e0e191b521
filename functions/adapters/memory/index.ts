// In-memory implementations of every port, for unit tests of the use cases.
import { type CurrentPointers, currentFromPointers, takeCurrent } from '../../core/currency';
import type { Alert, RecordKind, SubmissionVersion } from '../../core/model';
import type { AlertPublisher, AlertRepository, Clock, Logger, ObjectStore, SubmissionRepository } from '../../core/ports';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    this.objects.set(key, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType });
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.body;
  }
  text(key: string): string | undefined {
    const o = this.objects.get(key);
    return o && new TextDecoder().decode(o.body);
  }
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}

export class MemorySubmissionRepository implements SubmissionRepository {
  readonly versions = new Map<string, SubmissionVersion>();
  readonly current = new Map<string, CurrentPointers>(); // period#dept → the current version per kind
  readonly records = new Map<string, unknown[]>(); // sid#kind#chunk → records

  async getVersion(period: string, department: string, submissionId: string) {
    const v = this.versions.get(submissionId);
    return v && v.period === period && v.department === department ? structuredClone(v) : undefined;
  }
  async findVersion(submissionId: string) {
    const v = this.versions.get(submissionId);
    return v && structuredClone(v);
  }
  async putRecords(submissionId: string, kind: RecordKind, chunk: number, records: unknown[]) {
    this.records.set(`${submissionId}#${kind}#${String(chunk).padStart(6, '0')}`, structuredClone(records));
  }
  async getRecords<T>(submissionId: string, kind: RecordKind): Promise<T[]> {
    return [...this.records.entries()]
      .filter(([k]) => k.startsWith(`${submissionId}#${kind}#`))
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, r]) => structuredClone(r) as T[]);
  }
  async recordCounts(submissionId: string) {
    const counts: Partial<Record<RecordKind, number>> = {};
    for (const [k, r] of this.records) {
      const [sid, kind] = k.split('#') as [string, RecordKind];
      if (sid === submissionId) counts[kind] = (counts[kind] ?? 0) + r.length;
    }
    return counts;
  }
  async deleteRecords(submissionId: string) {
    for (const k of [...this.records.keys()]) if (k.startsWith(`${submissionId}#`)) this.records.delete(k);
  }
  async saveVersion(version: SubmissionVersion) {
    this.versions.set(version.submissionId, structuredClone(version));
  }
  async makeCurrent(version: SubmissionVersion) {
    if (version.status !== 'accepted') throw new Error(`only an accepted version can be current: ${version.submissionId}`);
    const key = `${version.period}#${version.department}`;
    const { pointers, kinds } = takeCurrent(this.current.get(key) ?? {}, version);
    this.current.set(key, pointers);
    return kinds;
  }
  async currentVersions(period: string) {
    const pointers = [...this.current.entries()].filter(([k]) => k.startsWith(`${period}#`)).map(([, p]) => p);
    return structuredClone(currentFromPointers(pointers, this.versions));
  }
  async allVersions(period: string) {
    return [...this.versions.values()]
      .filter((v) => v.period === period)
      .map((v) => structuredClone(v))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }
}

export class MemoryAlertRepository implements AlertRepository {
  readonly alerts = new Map<string, { alert: Alert; delivered: boolean }>();
  async claim(alert: Alert) {
    const seen = this.alerts.get(alert.id);
    if (!seen) {
      this.alerts.set(alert.id, { alert: structuredClone(alert), delivered: false });
      return alert;
    }
    return seen.delivered ? undefined : structuredClone(seen.alert);
  }
  async markDelivered(alert: Alert) {
    const seen = this.alerts.get(alert.id);
    if (seen) seen.delivered = true;
  }
  async list(period?: string) {
    return [...this.alerts.values()]
      .map((x) => x.alert)
      .filter((a) => !period || a.period === period)
      .sort((a, b) => a.period.localeCompare(b.period) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }
}

export class MemoryPublisher implements AlertPublisher {
  readonly published: Alert[] = [];
  async publish(alert: Alert) {
    this.published.push(alert);
  }
}

export class FixedClock implements Clock {
  constructor(private instant: Date) {}
  now() {
    return new Date(this.instant);
  }
  set(instant: Date) {
    this.instant = instant;
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
