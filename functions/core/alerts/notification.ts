// An alert as people read it in their mailbox: an ASCII subject (SNS refuses
// anything else in Subject) and a plain-text body, Chinese first, then English —
// what slipped (the alert's own bilingual message), the value against the target
// or pace, what to do, and a link to the portal when there is one. The words for
// types and severities come from labels.ts, the sentences from the alert itself.
import type { Alert, AlertType, IndicatorUnit, Lang } from '../model';
import { ALERT_TYPE_LABEL, SEVERITY_LABEL } from '../labels';
import { departmentText, periodZh, targetText, valueText } from './messages';

/** SNS Publish: a Subject is printable ASCII, no line breaks, fewer than 100 characters. */
export const SUBJECT_MAX = 99;

/** What the reader should do about each kind of alert. Typed over the union, so a new type needs its advice. */
const NEXT_STEP: Record<AlertType, Lang> = {
  TARGET_BREACHED: {
    zh: '请核实数据，分析原因并制定整改措施，在下季度报送时说明进展',
    en: 'check the figures, find the cause, plan corrective action and report progress with the next quarter',
  },
  TARGET_AT_RISK: {
    zh: '请关注该指标走势，提前采取措施，避免未达标',
    en: 'watch this indicator and act now so it does not fall short of the target',
  },
  SHARP_DECLINE: {
    zh: '请核实数据是否填报正确，并查明下降原因',
    en: 'check that the figures were entered correctly and find out why it fell',
  },
  TARGET_RECOVERED: { zh: '无需处理，仅供知悉', en: 'nothing to do; for your information' },
  SUBMISSION_REJECTED: {
    zh: '请下载校验报告和批注副本，按提示修改后重新上传',
    en: 'download the validation report and the annotated copy, fix the file as they show and upload it again',
  },
  SUBMISSION_LATE: {
    zh: '请尽快按模板报送本季度数据',
    en: 'send this quarter’s data in the template as soon as you can',
  },
  CERTIFICATE_EXPIRING: {
    zh: '请提醒获证单位在到期前办理续证',
    en: 'remind the holder to renew the certificate before it expires',
  },
};

/** What the notification may say about the alert's indicator (from the plan), when it is known. */
export interface IndicatorInfo {
  name: string;
  nameEn: string;
  unit: IndicatorUnit | string;
}

export interface NotificationOptions {
  /** the portal's address (QTRACK_PORTAL_URL); no link when absent */
  portalUrl?: string;
  /** the alert's indicator, to name it and give its value with the unit */
  indicator?: IndicatorInfo;
}

export interface AlertNotification {
  /** printable ASCII, at most SUBJECT_MAX characters */
  subject: string;
  /** plain text: the Chinese part, a blank line, the English part */
  body: string;
}

/** Printable ASCII only (anything else becomes a space), runs of spaces folded, cut to `max`. */
export function asciiSubject(text: string, max = SUBJECT_MAX): string {
  const ascii = text.replace(/[^\x20-\x7e]/g, ' ').replace(/ {2,}/g, ' ').trim();
  if (ascii.length <= max) return ascii;
  return `${ascii.slice(0, max - 3).trimEnd()}...`;
}

/** `[qtrack] Target breached - 2026-Q1 - market-regulation - IND-01`: readable English, the type and the period. */
export function alertSubject(alert: Alert): string {
  const type = ALERT_TYPE_LABEL[alert.type]?.en ?? alert.type;
  const what = type.charAt(0).toUpperCase() + type.slice(1);
  const parts = [`[qtrack] ${what}`, alert.period, alert.department, alert.indicator ?? alert.certificate].filter(Boolean);
  return asciiSubject(parts.join(' - '));
}

/** The figures line: value, target, pace (for paced indicators), in the language asked. */
function figures(alert: Alert, unit: string, lang: keyof Lang): string | undefined {
  const hasValue = alert.value !== undefined;
  const hasTarget = alert.target !== undefined && alert.target !== null;
  const hasPace = alert.expected !== undefined && alert.expected !== null;
  if (!hasValue && !hasTarget && !hasPace) return undefined;
  const parts: string[] = [];
  if (lang === 'zh') {
    if (hasValue) parts.push(`本期数值：${valueText(alert.value, unit, 'zh')}`);
    if (hasTarget) parts.push(`目标：${targetText(alert.target, unit, 'zh')}`);
    if (hasPace) parts.push(`当期进度：${targetText(alert.expected, unit, 'zh')}`);
    return parts.join('；');
  }
  if (hasValue) parts.push(`Value: ${valueText(alert.value, unit, 'en')}`);
  if (hasTarget) parts.push(`target: ${targetText(alert.target, unit, 'en')}`);
  if (hasPace) parts.push(`pace for this quarter: ${targetText(alert.expected, unit, 'en')}`);
  return parts.join('; ');
}

/** The e-mail body: Chinese, then English; plain text, never JSON. */
export function alertEmailBody(alert: Alert, options: NotificationOptions = {}): string {
  const type = ALERT_TYPE_LABEL[alert.type] ?? { zh: alert.type, en: alert.type };
  const severity = SEVERITY_LABEL[alert.severity] ?? { zh: alert.severity, en: alert.severity };
  const dept = departmentText(alert.department);
  const step = NEXT_STEP[alert.type];
  const info = options.indicator;
  const unit = info?.unit ?? '';
  const portal = options.portalUrl?.trim();

  const zh = [
    `【${severity.zh}】${type.zh} · ${periodZh(alert.period)} · ${dept.zh}`,
    '',
    alert.message.zh,
    ...(alert.indicator ? [`指标：${info ? `${info.name}（${alert.indicator}）` : alert.indicator}`] : []),
    ...(figures(alert, unit, 'zh') ? [figures(alert, unit, 'zh')!] : []),
    ...(step ? [`请办理：${step.zh}`] : []),
    ...(portal ? [`查看详情：${portal}`] : []),
  ];
  const en = [
    `[${severity.en}] ${type.en.charAt(0).toUpperCase()}${type.en.slice(1)} · ${alert.period} · ${dept.en}`,
    '',
    alert.message.en,
    ...(alert.indicator ? [`Indicator: ${info ? `${info.nameEn} (${alert.indicator})` : alert.indicator}`] : []),
    ...(figures(alert, unit, 'en') ? [figures(alert, unit, 'en')!] : []),
    ...(step ? [`What to do: ${step.en}`] : []),
    ...(portal ? [`Details: ${portal}`] : []),
  ];
  return [...zh, '', '——', '', ...en, '', `qtrack · ${alert.id}`].join('\n');
}

/** Subject and body of the e-mail for one alert. */
export function alertNotification(alert: Alert, options: NotificationOptions = {}): AlertNotification {
  return { subject: alertSubject(alert), body: alertEmailBody(alert, options) };
}
