// 竣工验收 / Construction acceptances (PRODUCT §5.5): one accepted project per row.
import type { AcceptanceRecord, CheckResult } from '../model';
import { say } from './messages';
import type { RowCheck } from './row-check';

export function checkAcceptanceRow(rc: RowCheck): void {
  const c = rc.sheet.cols;
  const run = rc.run;
  const project = rc.text(c.project, true);
  const acceptedOn = rc.date(c.acceptedOn, true);
  if (acceptedOn) rc.inPeriod(c.acceptedOn!, acceptedOn);
  const result = rc.enumValue(c.result, true);
  const green = rc.enumValue(c.green, true);
  let area = rc.number(c.floorArea, true);
  if (typeof area === 'number' && area <= 0) {
    rc.issue(c.floorArea, 'OUT_OF_RANGE', say.notPositive(), rc.rawCell(c.floorArea));
    area = null;
  }
  if (!rc.end()) return;
  const agg = run.aggregates.acceptances;
  agg.total++;
  if (result === 'pass') agg.passed++;
  // hundredths of m² as integers: the sum is exact and order-independent
  const area100 = Math.round(area! * 100);
  run.totalArea100 += area100;
  if (green === 'yes') run.greenArea100 += area100;
  if (!run.sink) return;
  const record: AcceptanceRecord = {
    project: project!,
    acceptedOn: acceptedOn!,
    result: result as CheckResult,
    green: green === 'yes',
    floorArea: area!,
    src: { sheet: rc.sheet.name, row: rc.row },
  };
  run.push('acceptances', record);
}
