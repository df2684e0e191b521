// Who submitted for a period, and when: the one place that decides on time /
// late / missing. Monitoring (SUBMISSION_LATE) and the summary (报送情况) both use it.
import type { Department, Plan, SubmissionVersion } from './model';
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
