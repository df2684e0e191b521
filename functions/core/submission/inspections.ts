// 抽查明细 / Inspections (PRODUCT §5.3): one spot-check batch per row.
import type { CheckLevel, CheckResult, InspectionRecord } from '../model';
import { normalizeKey } from '../text';
import { say } from './messages';
import type { RowCheck } from './row-check';
import { Run } from './run';

/** Rows of this category feed the building-material pass rate; all others the manufacturing one. */
const BUILDING_MATERIAL = new Set(['建筑材料', 'buildingmaterial', 'buildingmaterials']);

export function isBuildingMaterial(category: string): boolean {
  // categories repeat down a sheet: normalise each spelling once
  let yes = seenCategories.get(category);
  if (yes === undefined) {
    yes = BUILDING_MATERIAL.has(normalizeKey(category));
    if (seenCategories.size >= 10_000) seenCategories.clear();
    seenCategories.set(category, yes);
  }
  return yes;
}
const seenCategories = new Map<string, boolean>();

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
  if (!rc.end()) return;
  const agg = isBuildingMaterial(category!) ? run.aggregates.inspections.buildingMaterial : run.aggregates.inspections.other;
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
