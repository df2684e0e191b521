// In-memory implementations of every port, for unit tests of the use cases.
import { type CurrentPointers, currentFromPointers, takeCurrent } from '../../core/currency';
import { sortAlerts } from '../../core/alerts/alerts';
import type { Alert, RecordKind, SubmissionVersion } from '../../core/model';
import type { AlertPublisher, AlertRepository, Clock, Lease, Logger, ObjectStore, RecordChunk, StoredObject, SubmissionRepository } from '../../core/ports';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, { body: Uint8Array; contentType: string; metadata: Record<string, string> }>();
  async put(key: string, body: Uint8Array | string, contentType: string, metadata: Record<string, string> = {}): Promise<void> {
    const lower = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k.toLowerCase(), v]));
    this.objects.set(key, { body: typeof body === 'string' ? new TextEncoder().encode(body) : body, contentType, metadata: lower });
  }
  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.body;
  }
  async read(key: string): Promise<StoredObject | undefined> {
    const o = this.objects.get(key);
    return o && { body: o.body, metadata: { ...o.metadata } };
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
  readonly expiry = new Map<string, Date>(); // sid#kind#chunk → when it expires (none: kept)

  async getVersion(period: string, department: string, submissionId: string) {
    const v = this.versions.get(submissionId);
    return v && v.period === period && v.department === department ? structuredClone(v) : undefined;
  }
  async findVersion(submissionId: string) {
    const v = this.versions.get(submissionId);
    return v && structuredClone(v);
  }
  async putRecords(submissionId: string, chunk: RecordChunk, expiresAt: Date) {
    const key = `${submissionId}#${chunk.kind}#${String(chunk.index).padStart(6, '0')}`;
    this.records.set(key, JSON.parse(chunk.json) as unknown[]);
    this.expiry.set(key, expiresAt);
  }
  async setRecordsExpiry(submissionId: string, expiresAt: Date | undefined) {
    for (const k of this.records.keys()) {
      if (!k.startsWith(`${submissionId}#`)) continue;
      if (expiresAt) this.expiry.set(k, expiresAt);
      else this.expiry.delete(k);
    }
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
    for (const k of [...this.records.keys()]) {
      if (!k.startsWith(`${submissionId}#`)) continue;
      this.records.delete(k);
      this.expiry.delete(k);
    }
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
  readonly alerts = new Map<string, { alert: Alert; delivered: boolean; owner: string; leaseUntil: number; claims: number }>();
  async claim(alert: Alert, lease: Lease, takeOver = false) {
    const seen = this.alerts.get(alert.id);
    if (!seen) {
      this.alerts.set(alert.id, { alert: structuredClone(alert), delivered: false, owner: lease.owner, leaseUntil: lease.until, claims: 1 });
      return alert;
    }
    if (seen.delivered || seen.owner === lease.owner) return undefined;
    if (!takeOver && seen.leaseUntil > lease.now) return undefined;
    Object.assign(seen, { owner: lease.owner, leaseUntil: lease.until, claims: seen.claims + 1 });
    return structuredClone(seen.alert);
  }
  async markDelivered(alert: Alert, owner: string) {
    const seen = this.alerts.get(alert.id);
    if (!seen) return false;
    seen.delivered = true;
    return seen.owner === owner;
  }
  async undelivered() {
    return sortAlerts([...this.alerts.values()].filter((x) => !x.delivered).map((x) => structuredClone(x.alert)));
  }
  async list(period?: string) {
    return sortAlerts([...this.alerts.values()].map((x) => x.alert).filter((a) => !period || a.period === period));
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

/** A fresh set of in-memory stores (for composePipeline in tests). */
export function memoryStores() {
  return {
    submissions: new MemorySubmissionRepository(),
    alerts: new MemoryAlertRepository(),
    uploads: new MemoryObjectStore(),
    reports: new MemoryObjectStore(),
  };
}
