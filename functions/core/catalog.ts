// The plan catalogs and the department registry: data in schemas/, loaded here.
import departmentsJson from '../../schemas/departments.json';
import plan14Json from '../../schemas/plan-14th.json';
import plan15Json from '../../schemas/plan-15th.json';
import type { Department, IndicatorDef, Plan } from './model';
import { comparePeriods, previousPeriod } from './periods';
import { normalizeKey } from './text';

export const DEPARTMENTS: Department[] = departmentsJson.departments as Department[];

const PLANS: Record<string, Plan> = {
  '15th': plan15Json as unknown as Plan,
  '14th': plan14Json as unknown as Plan,
};

export const DEFAULT_PLAN = '15th';

export function planIds(): string[] {
  return Object.keys(PLANS);
}

export function loadPlan(id: string = DEFAULT_PLAN): Plan {
  const plan = PLANS[id];
  if (!plan) throw new RangeError(`unknown plan ${id}; known: ${planIds().join(', ')}`);
  return plan;
}

const byKey = new Map<string, Department>();
for (const d of DEPARTMENTS) {
  for (const k of [d.code, d.name, d.nameEn, ...d.aliases]) byKey.set(normalizeKey(k), d);
}

/** A department from its code, short name, English name or any alias; undefined when unknown. */
export function resolveDepartment(text: string): Department | undefined {
  return byKey.get(normalizeKey(text));
}

export function department(code: string): Department {
  const d = DEPARTMENTS.find((x) => x.code === code);
  if (!d) throw new RangeError(`unknown department ${code}`);
  return d;
}

export function indicator(plan: Plan, code: string): IndicatorDef | undefined {
  return plan.indicators.find((i) => i.code === code);
}

/** Indicators a department may report on 指标: those it owns or is delegated. */
export function reportableBy(plan: Plan, departmentCode: string): IndicatorDef[] {
  return plan.indicators.filter((i) => i.owner === departmentCode || i.delegates?.includes(departmentCode));
}

/**
 * The quarter before the plan's first: its only submissions are 认证明细 that
 * load the opening certificate ledger (the certificates valid at the plan's start).
 */
export function openingPeriod(plan: Plan): string {
  return previousPeriod(plan.firstPeriod);
}

/** The period is one of the plan's quarters (the opening-ledger quarter is not). */
export function inPlan(plan: Plan, period: string): boolean {
  return comparePeriods(period, plan.firstPeriod) >= 0 && comparePeriods(period, plan.lastPeriod) <= 0;
}
