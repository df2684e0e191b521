// SUBMISSION_LATE (§7): the daily check for departments that owe a quarter's data.
import { alertId } from '../alerts/alert-id';
import { departmentText, periodZh } from '../alerts/messages';
import type { Alert, Department, Plan, SubmissionVersion } from '../model';
import {
  type PeriodOffsets,
  DEFAULT_OFFSETS,
  comparePeriods,
  currentPeriod,
  dueDate,
  localDate,
  periodsBetween,
} from '../periods';
import { submissionStatuses } from '../submission-status';

export interface LateSubmissionInput {
  date: Date;
  plan: Plan;
  departments: Department[];
  /** every version (accepted or rejected) by period; only those received by `date` count */
  versionsByPeriod: Map<string, SubmissionVersion[]>;
  offsets?: PeriodOffsets;
}

/** Whole days from one ISO date to a later one. */
function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/**
 * One SUBMISSION_LATE per (period, owning department) that, on `date`, has no
 * accepted submission for a period whose due date has passed. §7 reads "no
 * accepted submission for that period received by that date" — the monitoring
 * date — so only submission-status's `missing` raises it: a department that
 * submitted after the due date is recorded as late in the summary's 报送情况,
 * but no longer owes anything on the day it is monitored. A period is overdue
 * from its due date + 1 (2026-Q1: from 2026-04-11). Periods run from the plan's
 * first quarter to its last; none after the date.
 */
export function lateSubmissionAlerts(input: LateSubmissionInput): Alert[] {
  const { date, plan, departments } = input;
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) return [];
  const offsets = input.offsets ?? DEFAULT_OFFSETS;
  const today = localDate(date);
  const thisQuarter = currentPeriod(date);
  if (comparePeriods(thisQuarter, plan.firstPeriod) < 0) return [];
  const last = comparePeriods(thisQuarter, plan.lastPeriod) > 0 ? plan.lastPeriod : thisQuarter;
  const createdAt = date.toISOString();
  const alerts: Alert[] = [];
  for (const period of periodsBetween(plan.firstPeriod, last)) {
    const due = dueDate(period, offsets);
    if (today <= due) continue;
    const versions = input.versionsByPeriod.get(period) ?? [];
    for (const s of submissionStatuses(period, date, versions, departments, plan, offsets)) {
      if (!s.owns || s.state !== 'missing') continue;
      const dept = departmentText(s.department);
      const days = daysBetween(due, today);
      alerts.push({
        id: alertId({ type: 'SUBMISSION_LATE', period, department: s.department }),
        type: 'SUBMISSION_LATE',
        severity: 'warning',
        period,
        department: s.department,
        message: {
          zh: `${dept.zh} 尚未报送${periodZh(period)}数据（截止日期 ${due}，已逾期 ${days} 天）`,
          en: `${dept.en} has not submitted its ${period} data (due ${due}, ${days} day${days === 1 ? '' : 's'} overdue)`,
        },
        createdAt,
      });
    }
  }
  return alerts;
}
