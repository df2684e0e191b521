// Which upload a department's current data comes from, per sheet kind (PRODUCT
// §5.6): a workbook is the whole submission and replaces every kind; a CSV
// upload carries one kind and replaces only that one. So a department's current
// data for a period is, per kind, the latest accepted version that replaces it.
// The repositories keep one pointer per kind; this module holds the rule they
// and their readers share.
import type { CurrentVersion, RecordKind, SubmissionVersion } from './model';
import { RECORD_KINDS } from './sheet-specs';

/** The kinds a version replaces once current (versions stored before per-kind currency: every kind). */
export function replacedKinds(v: Pick<SubmissionVersion, 'replaces'>): readonly RecordKind[] {
  return v.replaces ?? RECORD_KINDS;
}

/** Versions are ordered by receipt time, then id: a delayed older upload never replaces a newer one. */
export function versionOrder(v: Pick<SubmissionVersion, 'receivedAt' | 'submissionId'>): string {
  return `${v.receivedAt}#${v.submissionId}`;
}

/** The current version of one kind: its order and id. */
export interface KindPointer {
  order: string;
  submissionId: string;
}

export type CurrentPointers = Partial<Record<RecordKind, KindPointer>>;

/**
 * The pointers once `version` is made current: it takes every kind it replaces
 * whose current version is not later. Returns the kinds it holds afterwards
 * (none when later versions hold them all) and whether anything changed.
 */
export function takeCurrent(pointers: CurrentPointers, version: SubmissionVersion): { pointers: CurrentPointers; kinds: RecordKind[]; changed: boolean } {
  const order = versionOrder(version);
  const next: CurrentPointers = { ...pointers };
  const kinds: RecordKind[] = [];
  let changed = false;
  for (const kind of replacedKinds(version)) {
    const held = pointers[kind];
    if (held && held.order > order) continue;
    kinds.push(kind);
    if (held?.submissionId !== version.submissionId) {
      next[kind] = { order, submissionId: version.submissionId };
      changed = true;
    }
  }
  return { pointers: next, kinds, changed };
}

/** The versions the pointers name, each with the kinds it is current for, oldest first. */
export function currentFromPointers(pointers: CurrentPointers[], versions: Map<string, SubmissionVersion>): CurrentVersion[] {
  const byId = new Map<string, CurrentVersion>();
  for (const p of pointers) {
    for (const kind of RECORD_KINDS) {
      const id = p[kind]?.submissionId;
      const v = id === undefined ? undefined : versions.get(id);
      if (!v) continue;
      const cur = byId.get(v.submissionId) ?? { ...v, currentFor: [] };
      cur.currentFor.push(kind);
      byId.set(v.submissionId, cur);
    }
  }
  return [...byId.values()].sort((a, b) => versionOrder(a).localeCompare(versionOrder(b)));
}

/** The kinds a version given to a reader is current for: its currentFor, else (a plain version) every kind it replaces. */
export function currentKinds(v: SubmissionVersion | CurrentVersion): readonly RecordKind[] {
  return 'currentFor' in v && Array.isArray(v.currentFor) ? v.currentFor : replacedKinds(v);
}

/**
 * For one kind, the version each department's current data of that kind comes
 * from (the latest, should a caller pass several), in the given order.
 */
export function currentForKind<V extends SubmissionVersion>(versions: V[], kind: RecordKind): V[] {
  const byDepartment = new Map<string, V>();
  for (const v of versions) {
    if (v.status !== 'accepted' || !currentKinds(v).includes(kind)) continue;
    const seen = byDepartment.get(v.department);
    if (!seen || versionOrder(v) > versionOrder(seen)) byDepartment.set(v.department, v);
  }
  return versions.filter((v) => byDepartment.get(v.department) === v);
}
