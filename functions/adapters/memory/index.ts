// In-memory implementations of every port, for unit tests of the use cases.
import type { Alert, SheetKind, SubmissionVersion } from '../../core/model';
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
  readonly current = new Map<string, string>(); // period#dept → submissionId
  readonly records = new Map<string, unknown[]>(); // sid#kind#chunk → records

  async getVersion(period: string, department: string, submissionId: string) {
    const v = this.versions.get(submissionId);
    return v && v.period === period && v.department === department ? structuredClone(v) : undefined;
  }
  async putRecords(submissionId: string, kind: Exclude<SheetKind, 'cover'>, chunk: number, records: unknown[]) {
    this.records.set(`${submissionId}#${kind}#${String(chunk).padStart(6, '0')}`, structuredClone(records));
  }
  async getRecords<T>(submissionId: string, kind: Exclude<SheetKind, 'cover'>): Promise<T[]> {
    return [...this.records.entries()]
      .filter(([k]) => k.startsWith(`${submissionId}#${kind}#`))
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, r]) => structuredClone(r) as T[]);
  }
  async recordCounts(submissionId: string) {
    const counts: Partial<Record<Exclude<SheetKind, 'cover'>, number>> = {};
    for (const [k, r] of this.records) {
      const [sid, kind] = k.split('#') as [string, Exclude<SheetKind, 'cover'>];
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
    const key = `${version.period}#${version.department}`;
    const cur = this.current.get(key);
    const order = (v: SubmissionVersion) => `${v.receivedAt}#${v.submissionId}`;
    if (cur && order(this.versions.get(cur)!) > order(version)) return false;
    this.current.set(key, version.submissionId);
    return true;
  }
  async currentVersions(period: string) {
    return [...this.current.entries()]
      .filter(([k]) => k.startsWith(`${period}#`))
      .map(([, id]) => structuredClone(this.versions.get(id)!))
      .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
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
