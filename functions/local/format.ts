// Human-readable output of the CLI (the --json output is the data itself).
import { STATUS_LABEL } from '../core/labels';
import { kindRule } from '../core/indicator-kinds';
import { DEPARTMENTS } from '../core/catalog';
import type { Alert, CurrentVersion, EvaluationResult, IndicatorStatus, RecordKind, ValidationReport } from '../core/model';
import { localDateTime } from '../core/periods';
import type { Inspection } from '../core/submission/inspect';
import { SHEETS, sheetSpec } from '../core/sheet-specs';

/** 区市场监管局 (market-regulation): the office reads departments by name. */
function departmentName(code: string | undefined): string {
  if (!code) return '单位未定 / department unknown';
  const d = DEPARTMENTS.find((x) => x.code === code);
  return d ? `${d.name}（${code}）` : code;
}

const kindName = (k: RecordKind) => `${sheetSpec(k).zh}（${k}）`;

/** '达标 met': the one status table, as the CLI prints it */
const STATUS = Object.fromEntries(Object.entries(STATUS_LABEL).map(([k, l]) => [k, `${l.zh} ${l.en}`])) as Record<IndicatorStatus, string>;

export function formatReport(report: ValidationReport): string {
  const head =
    report.status === 'accepted'
      ? `✔ 已接受 / accepted`
      : `✘ 已退回 / rejected`;
  const lines = [
    `${head}  ${departmentName(report.department)} ${report.period ?? '统计期未定 / period unknown'}  错误 errors: ${report.counts.errors}  警告 warnings: ${report.counts.warnings}`,
  ];
  for (const s of report.sheets) {
    const stored = s.storedRows !== undefined ? `，已入库 ${s.storedRows} 行 / ${s.storedRows} stored` : '';
    lines.push(`  ${s.name} (${s.kind}): ${s.acceptedRows}/${s.rows} 行有效 rows valid${stored}`);
  }
  if (report.status === 'accepted' && report.replaces?.length) {
    lines.push(`  本次报送替换 / this upload replaces: ${report.replaces.map(kindName).join('、')}`);
  }
  for (const i of report.issues) {
    const where = [i.sheet, i.cell ?? (i.row ? `第${i.row}行 row ${i.row}` : undefined)].filter(Boolean).join(' ');
    const tag = i.severity === 'error' ? '错误 error' : '警告 warning';
    const found = i.value !== undefined ? `\n      原值 / value found: ${i.value === null ? '（空 / empty）' : JSON.stringify(i.value)}` : '';
    lines.push(`  [${tag}] ${where ? `${where} ` : ''}${i.code}\n      ${i.message.zh}\n      ${i.message.en}${found}`);
  }
  for (const n of report.notes ?? []) lines.push(`  注 / note: ${n.zh}\n      ${n.en}`);
  return lines.join('\n');
}

/** Per department and sheet kind, the upload its current data comes from. */
export function periodSources(current: CurrentVersion[]): string {
  if (current.length === 0) return '当前数据来源 / current data: 无 / none';
  const lines = ['当前数据来源 / current data by sheet kind:'];
  for (const v of current) {
    for (const kind of v.currentFor) {
      lines.push(`  ${departmentName(v.department)} ${kindName(kind)} ← ${v.fileName}  ${localDateTime(v.receivedAt)}  ${v.submissionId}`);
    }
  }
  return lines.join('\n');
}

export interface VersionLine {
  submissionId: string;
  department: string;
  fileName: string;
  receivedAt: string;
  status: 'accepted' | 'rejected';
  errors: number;
  warnings: number;
  replaces: RecordKind[];
  currentFor: RecordKind[];
  uploadedBy?: string;
}

/** The version history of a quarter, oldest first, saying which kinds each is current for. */
export function formatVersions(period: string, versions: VersionLine[]): string {
  if (versions.length === 0) return `${period}：没有报送 / no submissions`;
  const lines = [`${period} 报送版本 / versions (oldest first):`];
  for (const v of versions) {
    const state = v.status === 'accepted' ? '已接受 accepted' : '已退回 rejected';
    const current = v.currentFor.length ? `当前 current: ${v.currentFor.map(kindName).join('、')}` : v.status === 'accepted' ? '已被替换 / superseded' : '';
    lines.push(`  ${localDateTime(v.receivedAt)}  ${departmentName(v.department)}  ${v.fileName}  ${state}（错误 ${v.errors} / 警告 ${v.warnings}）`);
    lines.push(`      ${v.submissionId}  替换 replaces: ${v.replaces.map(kindName).join('、')}${current ? `  ${current}` : ''}${v.uploadedBy ? `  上传人 uploaded by: ${v.uploadedBy}` : ''}`);
  }
  return lines.join('\n');
}

function show(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v);
}

export function formatEvaluation(result: EvaluationResult, raised: Alert[]): string {
  const lines = [`${result.period} 指标评估 / evaluation (${result.plan})`];
  for (const i of result.indicators) {
    const rule = kindRule(i.kind);
    const figures = rule.accumulates
      ? `本季度 quarter ${show(i.quarter)}  累计 total ${show(i.cumulative)}  年度累计 year ${show(i.yearToDate)}`
      : rule.yearToDate !== 'value'
        ? `值 value ${show(i.value)}  年度累计 year ${show(i.yearToDate)}`
        : `值 value ${show(i.value)}`;
    lines.push(`  ${STATUS[i.status].padEnd(16)} ${i.code.padEnd(40)} ${figures}  目标 target ${show(i.target)}${i.expected !== null ? `  进度 pace ${show(i.expected)}` : ''}`);
  }
  lines.push(`本次新预警 / alerts raised by this run: ${raised.length}`);
  for (const a of raised) lines.push(formatAlert(a));
  return lines.join('\n');
}

export function formatAlert(a: Alert): string {
  return `  [${a.severity}] ${a.type} ${a.period} ${departmentName(a.department)}${a.indicator ? ` ${a.indicator}` : ''}\n      ${a.message.zh}\n      ${a.message.en}`;
}

const STATE: Record<string, string> = { visible: '可见 visible', hidden: '隐藏 hidden', veryHidden: '深度隐藏 very hidden' };

/** What `qtrack inspect` read in one file, for a person. */
export function formatInspection(file: string, inspection: Inspection): string {
  const first = inspection.lines[0]!;
  if ('status' in first && first.status === 'rejected') {
    return `${file}: ✘ 无法读取 / refused  ${first.code}
    ${first.message.zh}
    ${first.message.en}`;
  }
  const lines = [`${file}: ✔ 可以读取 / read, ${inspection.sheets.length} 张工作表 / sheets`];
  for (const s of inspection.sheets) {
    const head = `  工作表 sheet “${s.name}” (${STATE[s.state] ?? s.state})`;
    if (s.state !== 'visible') {
      lines.push(`${head}: 隐藏的表不读取 / hidden sheets are not read`);
      continue;
    }
    if (s.kind === 'help') {
      lines.push(`${head}: 填报说明，不读取 / the template's instructions, not read`);
      continue;
    }
    const spec = SHEETS.find((x) => x.kind === s.kind);
    if (!spec) {
      lines.push(`${head}: 表名无法识别，将被忽略（可用表名：${SHEETS.map((x) => x.zh).join('、')}）/ name not recognised, ignored`);
      continue;
    }
    lines.push(`${head} → ${spec.zh} / ${spec.en}`);
    if (s.headerRow === undefined) {
      lines.push('    未找到表头行 / no header row found');
    } else {
      lines.push(`    表头行 / header row: ${s.headerRow}`);
      for (const c of s.columns) {
        const col = spec.columns.find((x) => x.field === c.field);
        lines.push(col ? `      ${c.cell} “${c.header}” → ${col.zh} / ${c.field}` : `      ${c.cell} “${c.header}” → 未识别的列，将被忽略 / unknown column, ignored`);
      }
      const missing = spec.columns.filter((x) => x.required && !s.columns.some((c) => c.field === x.field));
      if (missing.length) lines.push(`    缺少必填列 / required columns missing: ${missing.map((x) => `${x.zh} (${x.field})`).join('、')}`);
    }
    lines.push(`    数据行 / data rows: ${s.dataRows}`);
    if (s.merges.length) lines.push(`    合并单元格 / merged cells: ${s.merges.join(' ')}`);
  }
  return lines.join('\n');
}
