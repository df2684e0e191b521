// The state of each department × quarter as the portal shows it: the summary's
// 报送情况 (on time, late, missing, pending, incomplete) plus 被退回 when only
// rejected versions came in, and the issue counts of the version that counts.
import { inPlan } from '../catalog';
import type { SubmissionVersion } from '../model';
import { comparePeriods, currentPeriod, dueDate, lastEndedPeriod, normalizePeriod, type Period, periodsBetween } from '../periods';
import { currentData, type SubmissionState, submissionStatuses } from '../submission-status';
import type { PipelineDeps } from '../use-cases/deps';
import { refuse } from './http';

export type PortalState = SubmissionState | 'rejected' | 'incomplete';

export interface QuarterState {
  department: string;
  period: string;
  dueDate: string;
  state: PortalState;
  firstAcceptedAt?: string;
  currentSubmissionId?: string;
  errors: number;
  warnings: number;
  versions: number;
  rejectedVersions: number;
  complete: boolean;
  /** indicators the department owns that its current data leaves without a value */
  missing: string[];
}

/** The plan's quarters up to the running one (a department may send early), oldest first. */
export function portalPeriods(deps: Pick<PipelineDeps, 'plan' | 'clock'>): { periods: Period[]; currentPeriod: Period } {
  const { plan } = deps;
  const now = deps.clock.now();
  const running = currentPeriod(now);
  const last = comparePeriods(running, plan.lastPeriod) > 0 ? plan.lastPeriod : running;
  const periods = comparePeriods(last, plan.firstPeriod) < 0 ? [] : periodsBetween(plan.firstPeriod, last);
  // the quarter whose submissions are due now: the last one ended, within the plan
  const due = lastEndedPeriod(now);
  const clamp = periods.find((p) => p === due) ?? periods.at(-1) ?? (plan.firstPeriod as Period);
  return { periods, currentPeriod: clamp };
}

/** A period parameter, normalised, refused unless the plan covers it. */
export function periodParam(deps: Pick<PipelineDeps, 'plan'>, text: string | undefined, name = 'period'): Period {
  const period = text === undefined ? undefined : normalizePeriod(text);
  if (!period) {
    return refuse(400, 'BAD_REQUEST', {
      zh: `缺少或无法识别参数 ${name}（统计期，如 2026-Q3）`,
      en: `the ${name} parameter (a quarter such as 2026-Q3) is missing or not understood`,
    });
  }
  if (!inPlan(deps.plan, period)) {
    return refuse(400, 'BAD_REQUEST', {
      zh: `统计期 ${period} 不在规划期（${deps.plan.firstPeriod}–${deps.plan.lastPeriod}）内`,
      en: `the quarter ${period} is outside the plan (${deps.plan.firstPeriod}–${deps.plan.lastPeriod})`,
    });
  }
  return period;
}

/** Every department's state for one quarter, from its stored versions. */
export async function quarterStates(deps: PipelineDeps, period: Period, onlyDepartment?: string): Promise<QuarterState[]> {
  const [versions, current] = await Promise.all([deps.submissions.allVersions(period), deps.submissions.currentVersions(period)]);
  const due = dueDate(period, deps.offsets);
  const byId = new Map(versions.map((v) => [v.submissionId, v]));
  return submissionStatuses(period, deps.clock.now(), versions, onlyDepartment ? deps.departments.filter((d) => d.code === onlyDepartment) : deps.departments, deps.plan, deps.offsets).map(
    (s) => {
      const { missing } = currentData(deps.plan, s.department, current);
      const accepted = s.currentSubmissionId !== undefined;
      const latestRejected = versions.filter((v) => v.department === s.department && v.status === 'rejected').at(-1);
      const counted: SubmissionVersion | undefined = accepted ? byId.get(s.currentSubmissionId!) : latestRejected;
      let state: PortalState = s.state;
      if (!accepted && s.rejectedVersions > 0) state = 'rejected';
      else if (accepted && missing.length > 0) state = 'incomplete';
      return {
        department: s.department,
        period,
        dueDate: due,
        state,
        ...(s.firstAcceptedAt ? { firstAcceptedAt: s.firstAcceptedAt } : {}),
        ...(s.currentSubmissionId ? { currentSubmissionId: s.currentSubmissionId } : {}),
        errors: counted?.errors ?? 0,
        warnings: counted?.warnings ?? 0,
        versions: s.versions,
        rejectedVersions: s.rejectedVersions,
        complete: accepted && missing.length === 0,
        missing,
      };
    },
  );
}
