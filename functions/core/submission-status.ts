// Who submitted for a period, and when: the one place that decides on time /
// late / missing. Monitoring (SUBMISSION_LATE) and the summary (报送情况) both use it.
import { missingIndicators } from './completeness';
import { currentForKind } from './currency';
import { RECORD_KINDS } from './sheet-specs';
import type { CurrentVersion, Department, Plan, RecordKind, SubmissionVersion } from './model';
import { type PeriodOffsets, DEFAULT_OFFSETS, dueDate, localDate } from './periods';

export type SubmissionState = 'on_time' | 'late' | 'missing' | 'pending';

export interface DepartmentPeriodStatus {
  department: string;
  /** owns at least one indicator of the plan, so it must submit every quarter */
  owns: boolean;
  /**
   * on_time: an accepted version received by the due date;
   * late: the first accepted version came after the due date;
   * missing: no accepted version and the due date has passed;
   * pending: no accepted version yet, not due yet.
   */
  state: SubmissionState;
  firstAcceptedAt?: string;
  currentSubmissionId?: string;
  versions: number;
  rejectedVersions: number;
  /** per sheet kind, the upload the department's current data of that kind comes from */
  current?: CurrentSource[];
  /** indicators it owns that its current data leaves without a value: the submission is incomplete */
  missing?: string[];
}

/** Where a department's current data of one sheet kind comes from. */
export interface CurrentSource {
  kind: RecordKind;
  submissionId: string;
  fileName: string;
  receivedAt: string;
}

/**
 * A department's current data for a period, from the versions current for
 * each kind: which upload each kind comes from, and the owned indicators it
 * leaves without a value (completeness.ts).
 */
export function currentData(plan: Plan, department: string, current: CurrentVersion[]): { current: CurrentSource[]; missing: string[] } {
  const mine = current.filter((v) => v.department === department);
  const of = (kind: RecordKind) => currentForKind(mine, kind)[0];
  const sources: CurrentSource[] = [];
  for (const kind of RECORD_KINDS) {
    const v = of(kind);
    if (v) sources.push({ kind, submissionId: v.submissionId, fileName: v.fileName, receivedAt: v.receivedAt });
  }
  if (sources.length === 0) return { current: [], missing: [] };
  const indicators = of('indicators')?.aggregates.indicators ?? {};
  const inspections = of('inspections')?.aggregates.inspections;
  const missing = missingIndicators(plan, department, {
    reported: new Set(Object.keys(indicators).filter((code) => indicators[code]?.value !== undefined && indicators[code]?.value !== null)),
    inspections: { other: inspections?.other.total ?? 0, buildingMaterial: inspections?.buildingMaterial.total ?? 0 },
    acceptances: of('acceptances')?.aggregates.acceptances.total ?? 0,
  });
  return { current: sources, missing: missing.map((d) => d.code) };
}

/** Departments that own at least one indicator of the plan. */
export function owningDepartments(plan: Plan): Set<string> {
  return new Set(plan.indicators.map((i) => i.owner));
}

/**
 * The state of every department in the registry for a period, as known on `asOf`.
 * Only versions received on or before `asOf` count, so a past date can be replayed.
 */
export function submissionStatuses(
  period: string,
  asOf: Date,
  versions: SubmissionVersion[],
  departments: Department[],
  plan: Plan,
  offsets: PeriodOffsets = DEFAULT_OFFSETS,
): DepartmentPeriodStatus[] {
  const due = dueDate(period, offsets);
  const today = localDate(asOf);
  const owners = owningDepartments(plan);
  const known = versions
    .filter((v) => v.period === period && Date.parse(v.receivedAt) <= asOf.getTime())
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  return departments.map((d) => {
    const mine = known.filter((v) => v.department === d.code);
    const accepted = mine.filter((v) => v.status === 'accepted');
    const first = accepted[0];
    const current = accepted.at(-1);
    let state: SubmissionState;
    if (first) state = localDate(new Date(first.receivedAt)) <= due ? 'on_time' : 'late';
    else state = today > due ? 'missing' : 'pending';
    return {
      department: d.code,
      owns: owners.has(d.code),
      state,
      firstAcceptedAt: first?.receivedAt,
      currentSubmissionId: current?.submissionId,
      versions: mine.length,
      rejectedVersions: mine.length - accepted.length,
    };
  });
}
