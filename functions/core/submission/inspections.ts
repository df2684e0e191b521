// 抽查明细 / Inspections (PRODUCT §5.3): one spot-check batch per row.
// Rows whose category is a building material (categories.ts) feed the
// building-material pass rate; all others the manufacturing one.
import { buildingMaterialNames, checksOnlyBuildingMaterials, isBuildingMaterial } from '../categories';
import type { CheckLevel, CheckResult, InspectionRecord } from '../model';
import { say } from './messages';
import type { RowCheck } from './row-check';
import { Run } from './run';

/** Batch ids compare like headers (case, width and spaces ignored); cellText already applied NFKC, SeenKeys folds ASCII case. */
function batchKey(id: string): string {
  let plain = true;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    if (c <= 0x20 || c > 0x7e) {
      plain = false;
      break;
    }
  }
  return plain ? id : id.replace(/[\s\u200b\ufeff]+/g, '').toLowerCase();
}

export function checkInspectionRow(rc: RowCheck): void {
  const c = rc.sheet.cols;
  const run = rc.run;
  const batchId = rc.text(c.batchId, true);
  const category = rc.text(c.category, true);
  const enterprise = rc.text(c.enterprise, true);
  const creditCode = rc.creditCode(c.creditCode, true);
  const samplingDate = rc.date(c.samplingDate, true);
  if (samplingDate) rc.inPeriod(c.samplingDate!, samplingDate);
  const level = rc.enumValue(c.level, true);
  const result = rc.enumValue(c.result, true);
  const failedItems = rc.text(c.failedItems, false);
  if (result === 'fail' && failedItems === undefined) {
    const col = c.failedItems;
    // without the column the result cell is where the clerk can act
    rc.issue(col ?? c.result, 'FAILED_ITEMS_MISSING', say.failedItemsMissing(), col ? null : rc.rawCell(c.result));
  }
  if (batchId) {
    const key = batchKey(batchId);
    const first = run.batchIds.getOrSet(key, Run.firstRef(rc.sheet, rc.row));
    if (first !== undefined) {
      const f = run.describeFirst(first, rc.sheet);
      rc.issue(c.batchId, 'DUPLICATE', say.duplicate({ zh: '批次编号', en: 'batch ID' }, f.row, f.sheet), batchId);
    }
  }
  const material = typeof category === 'string' && isBuildingMaterial(category);
  // a department whose checks feed only the building-material rate: another category is likely a slip
  if (typeof category === 'string' && !material && run.department !== undefined && checksOnlyBuildingMaterials(run.plan, run.department)) {
    rc.issue(c.category, 'CATEGORY_NOT_BUILDING_MATERIAL', say.notBuildingMaterial(buildingMaterialNames()), category, 'warning');
  }
  if (!rc.end()) return;
  const agg = material ? run.aggregates.inspections.buildingMaterial : run.aggregates.inspections.other;
  agg.total++;
  if (result === 'pass') agg.passed++;
  if (!run.sink) return;
  const record: InspectionRecord = {
    batchId: batchId!,
    category: category!,
    enterprise: enterprise!,
    creditCode: creditCode!,
    samplingDate: samplingDate!,
    level: level as CheckLevel,
    result: result as CheckResult,
    src: { sheet: rc.sheet.name, row: rc.row },
  };
  if (failedItems) record.failedItems = failedItems;
  run.push('inspections', record);
}
