// The words people read for codes — statuses, submission states, alert types,
// severities, issue codes, certification types: one table each, used by the
// alerts, the CLI, the summary (xlsx, csv, html) and the annotated copy, so they
// all say the same thing. Records are typed over the full unions so a new code
// fails to compile until it has a label. (An indicator kind's label is part of
// its rule in indicator-kinds.ts.)
import type { AlertType, CertificationType, IndicatorStatus, IssueCode, Lang } from './model';
import { CERTIFICATION_TYPE_OPTIONS } from './sheet-specs';
import type { SubmissionState } from './submission-status';
import type { PortalState } from './api/quarters';

export const STATUS_LABEL: Record<IndicatorStatus, Lang> = {
  met: { zh: '达标', en: 'met' },
  at_risk: { zh: '预警', en: 'at risk' },
  breached: { zh: '未达标', en: 'breached' },
  no_data: { zh: '无数据', en: 'no data' },
  needs_review: { zh: '待评审', en: 'needs review' },
};

/** As the 认证明细 sheet's 认证类型 column names them (sheet-specs.ts is the vocabulary). */
export const CERTIFICATION_LABEL = Object.fromEntries(CERTIFICATION_TYPE_OPTIONS.map((o) => [o.value, { zh: o.zh, en: o.en }])) as Record<CertificationType, Lang>;

/** Marker glyphs: the status must read without colour (greyscale print, colour blindness). */
export const STATUS_SYMBOL: Record<IndicatorStatus, string> = {
  met: '●',
  at_risk: '▲',
  breached: '✕',
  no_data: '○',
  needs_review: '◆',
};

export const STATUS_ORDER: IndicatorStatus[] = ['breached', 'at_risk', 'met', 'needs_review', 'no_data'];

export const SUBMISSION_LABEL: Record<SubmissionState, Lang> = {
  on_time: { zh: '按时', en: 'on time' },
  late: { zh: '逾期', en: 'late' },
  missing: { zh: '未报送', en: 'missing' },
  pending: { zh: '待报送', en: 'pending' },
};

export const SUBMISSION_ORDER: SubmissionState[] = ['on_time', 'late', 'missing', 'pending'];

/** A department's quarter as the portal names it: the summary's states in a clerk's words, and 被退回, 不完整. */
export const PORTAL_STATE_LABEL: Record<PortalState, Lang> = {
  pending: { zh: '待报送', en: 'pending' },
  on_time: { zh: '按时报送', en: 'on time' },
  late: { zh: '逾期报送', en: 'late' },
  missing: { zh: '逾期未报', en: 'missing' },
  rejected: { zh: '被退回', en: 'rejected' },
  incomplete: { zh: '不完整', en: 'incomplete' },
};

export const ALERT_TYPE_LABEL: Record<AlertType, Lang> = {
  TARGET_BREACHED: { zh: '目标未达成', en: 'target breached' },
  TARGET_AT_RISK: { zh: '目标预警', en: 'target at risk' },
  SHARP_DECLINE: { zh: '大幅下降', en: 'sharp decline' },
  TARGET_RECOVERED: { zh: '恢复达标', en: 'target recovered' },
  SUBMISSION_REJECTED: { zh: '报送被退回', en: 'submission rejected' },
  SUBMISSION_LATE: { zh: '逾期未报送', en: 'submission late' },
  CERTIFICATE_EXPIRING: { zh: '证书即将到期', en: 'certificate expiring' },
};

export type AlertSeverity = 'critical' | 'warning' | 'info';

export const SEVERITY_LABEL: Record<AlertSeverity, Lang> = {
  critical: { zh: '严重', en: 'critical' },
  warning: { zh: '警告', en: 'warning' },
  info: { zh: '提示', en: 'info' },
};

export const SEVERITY_ORDER: AlertSeverity[] = ['critical', 'warning', 'info'];

export const ISSUE_SEVERITY_LABEL: Record<'error' | 'warning', Lang> = {
  error: { zh: '错误', en: 'error' },
  warning: { zh: '警告', en: 'warning' },
};

export const ISSUE_LABEL: Record<IssueCode, Lang> = {
  FILE_NOT_WORKBOOK: { zh: '文件不是工作簿', en: 'not a workbook' },
  FILE_LEGACY_XLS: { zh: '旧版 .xls 文件', en: 'legacy .xls file' },
  FILE_ENCRYPTED: { zh: '文件已加密', en: 'encrypted file' },
  FILE_MACROS: { zh: '文件含宏', en: 'file contains macros' },
  FILE_TOO_LARGE: { zh: '文件过大', en: 'file too large' },
  FILE_CORRUPT: { zh: '文件已损坏', en: 'corrupt file' },
  NO_KNOWN_SHEET: { zh: '没有可识别的工作表', en: 'no known sheet' },
  NO_DATA: { zh: '没有数据行', en: 'no data rows' },
  BAD_KEY: { zh: '上传路径不合规', en: 'bad upload path' },
  PERIOD_NOT_STARTED: { zh: '统计期尚未开始', en: 'period not started' },
  PERIOD_BEFORE_PLAN: { zh: '统计期早于规划期', en: 'period before the plan' },
  SHEET_NOT_ALLOWED: { zh: '本部门不报送该工作表', en: 'sheet not sent by this department' },
  MISSING_COLUMN: { zh: '缺少必需列', en: 'missing column' },
  UNKNOWN_SHEET: { zh: '未知工作表', en: 'unknown sheet' },
  UNKNOWN_COLUMN: { zh: '未知列', en: 'unknown column' },
  REQUIRED: { zh: '必填项为空', en: 'required value missing' },
  INVALID_NUMBER: { zh: '数字无效', en: 'invalid number' },
  INVALID_PERCENT: { zh: '百分比无效', en: 'invalid percentage' },
  AMBIGUOUS_FRACTION: { zh: '小数含义不明', en: 'ambiguous fraction' },
  OUT_OF_RANGE: { zh: '超出范围', en: 'out of range' },
  INVALID_DATE: { zh: '日期无效', en: 'invalid date' },
  DATE_OUTSIDE_PERIOD: { zh: '日期不在统计期内', en: 'date outside period' },
  INVALID_ENUM: { zh: '取值不在选项内', en: 'invalid option' },
  INVALID_CREDIT_CODE: { zh: '统一社会信用代码无效', en: 'invalid credit code' },
  DUPLICATE: { zh: '重复记录', en: 'duplicate' },
  FORMULA_ERROR: { zh: '公式错误值', en: 'formula error' },
  FORMULA_NO_VALUE: { zh: '公式无计算结果', en: 'formula without value' },
  UNKNOWN_INDICATOR: { zh: '未知指标', en: 'unknown indicator' },
  INDICATOR_NOT_OWNED: { zh: '无权填报该指标', en: 'indicator not owned' },
  NUMERATOR_EXCEEDS_DENOMINATOR: { zh: '分子大于分母', en: 'numerator exceeds denominator' },
  VALUE_MISMATCH: { zh: '数值与分子分母不符', en: 'value mismatch' },
  DERIVED_MISMATCH: { zh: '与明细计算结果不符', en: 'derived value mismatch' },
  UNIT_MISMATCH: { zh: '单位不符', en: 'unit mismatch' },
  NAME_MISMATCH: { zh: '指标名称不符', en: 'name mismatch' },
  COVER_MISMATCH: { zh: '封面信息不符', en: 'cover mismatch' },
  FAILED_ITEMS_MISSING: { zh: '缺少不合格项目', en: 'failed items missing' },
  EXPIRY_BEFORE_ISSUE: { zh: '有效期早于发证日期', en: 'expiry before issue' },
  ISSUED_AFTER_PERIOD: { zh: '发证日期晚于统计期', en: 'issued after period' },
  CERTIFICATE_EXPIRED: { zh: '证书已过期', en: 'certificate expired' },
  STOCK_MISMATCH: { zh: '存量与台账不符', en: 'stock mismatch' },
  LEDGER_BELOW_BASELINE: { zh: '台账存量低于规划基数', en: 'ledger below the plan baseline' },
  VALUE_MISSING: { zh: '指标未填数值', en: 'indicator value left empty' },
  INDICATOR_MISSING: { zh: '缺报本部门指标', en: 'indicator left out' },
  CATEGORY_NOT_BUILDING_MATERIAL: { zh: '产品类别不属于建筑材料', en: 'category not a building material' },
  INVALID_TEXT: { zh: '文本无效', en: 'invalid text' },
  MISSING_CONTEXT: { zh: '缺少部门或统计期', en: 'missing department or period' },
  TOO_MANY_ISSUES: { zh: '问题过多（已截断）', en: 'too many issues' },
  TOO_MANY_ROWS: { zh: '行数过多', en: 'too many rows' },
};

/** A label for a code that may come from stored data written by an older or newer version. */
export function issueLabel(code: string): Lang {
  return (ISSUE_LABEL as Record<string, Lang | undefined>)[code] ?? { zh: code, en: code };
}
