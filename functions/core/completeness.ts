// Content completeness (issue: "a row with a code but no value is never
// silent"): which indicators a department owns but left without data for a
// quarter. Validation warns about them; the summary's 报送情况 shows the
// submission as incomplete. One rule for both.
import type { IndicatorDef, Plan } from './model';

/** What a department's data for a quarter holds; a kind left undefined is not known here (another upload holds it). */
export interface DepartmentData {
  /** indicator codes with a value on 指标 */
  reported?: ReadonlySet<string>;
  /** rows of 抽查明细 by what they feed */
  inspections?: { other: number; buildingMaterial: number };
  /** rows of 竣工验收 */
  acceptances?: number;
}

/**
 * The indicators the department owns that have no data: a reported one not on
 * 指标; a rate derived from rows with neither rows nor a value on 指标. Stocks
 * counted from the certificate ledger are never missing (the ledger lasts).
 */
export function missingIndicators(plan: Plan, department: string, data: DepartmentData): IndicatorDef[] {
  return plan.indicators.filter((def) => {
    if (def.owner !== department || data.reported?.has(def.code)) return false;
    const src = def.source;
    switch (src.from) {
      case 'ledger':
        return false;
      case 'inspections':
        return data.inspections !== undefined && data.inspections[src.categories === 'building-material' ? 'buildingMaterial' : 'other'] === 0;
      case 'acceptances':
        return data.acceptances !== undefined && data.acceptances === 0;
      default:
        return data.reported !== undefined;
    }
  });
}
