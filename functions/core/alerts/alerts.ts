// Alerts raised by evaluation and ingest (§7). Each alert carries a deterministic
// id from its identity, so raising it twice stores it once.
import type { Alert, EvaluationResult, IndicatorEvaluation, Lang, Plan, SubmissionVersion } from '../model';
import { round2 } from '../numbers';
import { kindRule } from '../indicator-kinds';
import { alertId } from './alert-id';
import { STATUS_LABEL } from '../labels';
import { departmentText, periodZh, targetText, valueText } from './messages';

export { alertId, type AlertIdentity } from './alert-id';

/** A % indicator falling by more than this many points against its last reported value is a sharp decline. */
export const SHARP_DECLINE_POINTS = 2;

/**
 * The alerts an evaluation calls for, addressed to each indicator's owner:
 * TARGET_BREACHED (critical), TARGET_AT_RISK (warning), SHARP_DECLINE (warning)
 * and TARGET_RECOVERED (info). Several may fire for one indicator.
 * `sourceFor` names the submission that caused it when the caller knows better
 * than the evaluation's first source.
 */
export function evaluationAlerts(
  result: EvaluationResult,
  plan: Plan,
  createdAt: string,
  sourceFor?: (code: string) => string | undefined,
): Alert[] {
  const alerts: Alert[] = [];
  for (const ev of result.indicators) {
    const def = plan.indicators.find((i) => i.code === ev.code);
    const department = def?.owner ?? ev.owner;
    const source = sourceFor?.(ev.code) ?? ev.sources[0];
    const make = (type: Alert['type'], severity: Alert['severity'], message: Lang): Alert => ({
      id: alertId({ type, period: result.period, department, indicator: ev.code }),
      type,
      severity,
      period: result.period,
      department,
      indicator: ev.code,
      value: ev.value,
      target: ev.target,
      expected: ev.expected,
      message,
      createdAt,
      ...(source ? { source } : {}),
    });
    if (ev.status === 'breached') alerts.push(make('TARGET_BREACHED', 'critical', breachedText(ev, result.period)));
    if (ev.status === 'at_risk') alerts.push(make('TARGET_AT_RISK', 'warning', atRiskText(ev, result.period)));
    const decline = declineOf(ev);
    if (decline !== null) alerts.push(make('SHARP_DECLINE', 'warning', declineText(ev, result.period, decline)));
    if (ev.status === 'met' && (ev.previous?.status === 'breached' || ev.previous?.status === 'at_risk')) {
      alerts.push(make('TARGET_RECOVERED', 'info', recoveredText(ev, result.period)));
    }
  }
  return alerts;
}

/**
 * How far the value fell against the last reported value, when that is an alert:
 * a % indicator by more than 2 points (exactly 2.00 is not), a stock or level by
 * any amount. Flows accumulate, so they never decline; ratings are not numbers.
 */
function declineOf(ev: IndicatorEvaluation): number | null {
  const rule = kindRule(ev.kind).decline;
  if (rule === 'never') return null;
  const now = ev.value;
  const before = ev.previous?.value;
  if (typeof now !== 'number' || typeof before !== 'number') return null;
  const drop = round2(before - now);
  if (ev.unit === '%') return drop > SHARP_DECLINE_POINTS ? drop : null;
  if (rule === 'rate-or-any') return drop > 0 ? drop : null;
  return null;
}

function isPaced(ev: IndicatorEvaluation): boolean {
  return kindRule(ev.kind).series === 'paced';
}

function breachedText(ev: IndicatorEvaluation, period: string): Lang {
  const v = { zh: valueText(ev.value, ev.unit, 'zh'), en: valueText(ev.value, ev.unit, 'en') };
  const t = { zh: targetText(ev.target, ev.unit, 'zh'), en: targetText(ev.target, ev.unit, 'en') };
  if (isPaced(ev)) {
    const pace = { zh: targetText(ev.expected, ev.unit, 'zh'), en: targetText(ev.expected, ev.unit, 'en') };
    return {
      zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，低于当期进度 ${pace.zh}（规划目标 ${t.zh}）（未达标）`,
      en: `${period} ${ev.nameEn} is ${v.en}, below the pace of ${pace.en} for this quarter (plan target ${t.en}) (breached)`,
    };
  }
  const below = typeof ev.value === 'number' && typeof ev.target === 'number' && ev.value < ev.target;
  return below
    ? {
        zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，低于目标 ${t.zh}（未达标）`,
        en: `${period} ${ev.nameEn} is ${v.en}, below the target of ${t.en} (breached)`,
      }
    : {
        zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，不等于目标 ${t.zh}（未达标）`,
        en: `${period} ${ev.nameEn} is ${v.en}, not the target of ${t.en} (breached)`,
      };
}

function atRiskText(ev: IndicatorEvaluation, period: string): Lang {
  const v = { zh: valueText(ev.value, ev.unit, 'zh'), en: valueText(ev.value, ev.unit, 'en') };
  const t = { zh: targetText(ev.target, ev.unit, 'zh'), en: targetText(ev.target, ev.unit, 'en') };
  if (isPaced(ev)) {
    const pace = { zh: targetText(ev.expected, ev.unit, 'zh'), en: targetText(ev.expected, ev.unit, 'en') };
    return {
      zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，略低于当期进度 ${pace.zh}（规划目标 ${t.zh}）（有风险）`,
      en: `${period} ${ev.nameEn} is ${v.en}, slightly below the pace of ${pace.en} for this quarter (plan target ${t.en}) (at risk)`,
    };
  }
  const prev = ev.previous;
  const pv = { zh: valueText(prev?.value, ev.unit, 'zh'), en: valueText(prev?.value, ev.unit, 'en') };
  return {
    zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，较${periodZh(prev?.period ?? '')}的 ${pv.zh} 下降，距目标下限 ${t.zh} 不超过 1 个百分点（有风险）`,
    en: `${period} ${ev.nameEn} is ${v.en}, down from ${pv.en} in ${prev?.period ?? ''} and within 1 point of the floor of ${t.en} (at risk)`,
  };
}

function declineText(ev: IndicatorEvaluation, period: string, drop: number): Lang {
  const prev = ev.previous!;
  const v = { zh: valueText(ev.value, ev.unit, 'zh'), en: valueText(ev.value, ev.unit, 'en') };
  const pv = { zh: valueText(prev.value, ev.unit, 'zh'), en: valueText(prev.value, ev.unit, 'en') };
  if (ev.unit === '%') {
    return {
      zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，较${periodZh(prev.period)}的 ${pv.zh} 下降 ${drop.toFixed(2)} 个百分点（大幅下降）`,
      en: `${period} ${ev.nameEn} is ${v.en}, down ${drop.toFixed(2)} points from ${pv.en} in ${prev.period} (sharp decline)`,
    };
  }
  const d = { zh: targetText(drop, ev.unit, 'zh'), en: targetText(drop, ev.unit, 'en') };
  return {
    zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，较${periodZh(prev.period)}的 ${pv.zh} 减少 ${d.zh}（下降）`,
    en: `${period} ${ev.nameEn} is ${v.en}, down ${d.en} from ${pv.en} in ${prev.period} (decline)`,
  };
}

function recoveredText(ev: IndicatorEvaluation, period: string): Lang {
  const prev = ev.previous!;
  const v = { zh: valueText(ev.value, ev.unit, 'zh'), en: valueText(ev.value, ev.unit, 'en') };
  const t = { zh: targetText(ev.target, ev.unit, 'zh'), en: targetText(ev.target, ev.unit, 'en') };
  const pace = isPaced(ev) && ev.expected !== null
    ? { zh: `，当期进度 ${targetText(ev.expected, ev.unit, 'zh')}`, en: `, pace ${targetText(ev.expected, ev.unit, 'en')}` }
    : { zh: '', en: '' };
  return {
    zh: `${periodZh(period)} ${ev.name}为 ${v.zh}，已恢复达标（目标 ${t.zh}${pace.zh}；${periodZh(prev.period)}为${STATUS_LABEL[prev.status].zh}）`,
    en: `${period} ${ev.nameEn} is ${v.en}, back on target (target ${t.en}${pace.en}; ${prev.period} was ${STATUS_LABEL[prev.status].en})`,
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** SUBMISSION_REJECTED, addressed to the department that sent it; one per submission version. */
export function rejectionAlert(version: SubmissionVersion, createdAt: string): Alert {
  const dept = departmentText(version.department);
  const file = version.fileName || version.objectKey || version.submissionId;
  const errors = Number.isFinite(version.errors) ? version.errors : 0;
  const warnings = Number.isFinite(version.warnings) ? version.warnings : 0;
  return {
    id: alertId({
      type: 'SUBMISSION_REJECTED',
      period: version.period,
      department: version.department,
      submissionId: version.submissionId,
    }),
    type: 'SUBMISSION_REJECTED',
    severity: 'info',
    period: version.period,
    department: version.department,
    message: {
      zh: `${dept.zh} 报送的${periodZh(version.period)}数据文件“${file}”未通过校验（错误 ${errors} 项，警告 ${warnings} 项），已整体退回；请按校验报告修改后重新上传`,
      en: `The ${version.period} file “${file}” from ${dept.en} was rejected (${plural(errors, 'error')}, ${plural(warnings, 'warning')}); fix it as the validation report shows and upload it again`,
    },
    createdAt,
    source: version.submissionId,
  };
}

/** Alerts in the order they are listed: by period, then when they were raised, then id. */
export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort((a, b) => a.period.localeCompare(b.period) || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}
