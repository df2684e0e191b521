// What a department may submit, and for which periods (PRODUCT §4, §5.4, §6):
// a period that has not started or lies before the plan is refused at file
// level (except the opening-ledger quarter, which takes 认证明细 only), and a
// department sends only the sheet kinds the registry gives it.
import { DEPARTMENTS, openingPeriod } from '../catalog';
import { RECORD_KINDS } from '../sheet-specs';
import type { Issue, Plan, RecordKind } from '../model';
import { comparePeriods, localDate, periodStart } from '../periods';
import { say } from './messages';

/** The file-level issue of a period no submission may be for; undefined when it may be submitted. */
export function periodIssue(period: string, now: Date, plan: Plan): Issue | undefined {
  const today = localDate(now);
  const start = periodStart(period);
  if (start > today) return { severity: 'error', code: 'PERIOD_NOT_STARTED', message: say.periodNotStarted(period, start, today) };
  if (comparePeriods(period, openingPeriod(plan)) < 0) {
    return { severity: 'error', code: 'PERIOD_BEFORE_PLAN', message: say.periodBeforePlan(period, plan.name, plan.firstPeriod, openingPeriod(plan)) };
  }
  return undefined;
}

/** The period loads the opening certificate ledger (the quarter before the plan's first). */
export function isOpeningPeriod(period: string, plan: Plan): boolean {
  return period === openingPeriod(plan);
}

/**
 * The sheet kinds a department sends: the registry's, plus what an indicator
 * the plan delegates to it needs (指标, and the detail sheet it is derived from).
 * In canonical order.
 */
export function sentKinds(plan: Plan, department: string): RecordKind[] {
  const kinds = new Set<RecordKind>(DEPARTMENTS.find((d) => d.code === department)?.sends ?? []);
  for (const def of plan.indicators) {
    if (!def.delegates?.includes(department)) continue;
    kinds.add('indicators');
    if (def.source.from === 'inspections' || def.source.from === 'acceptances') kinds.add(def.source.from);
    if (def.source.from === 'ledger') kinds.add('certifications');
  }
  return RECORD_KINDS.filter((k) => kinds.has(k));
}

/** The sheet kinds a department may send for a period: sentKinds, and in the opening quarter only 认证明细. */
export function allowedKinds(department: string, period: string | undefined, plan: Plan): RecordKind[] {
  const sends = sentKinds(plan, department);
  return period !== undefined && isOpeningPeriod(period, plan) ? sends.filter((k) => k === 'certifications') : sends;
}
