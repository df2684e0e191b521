// Human-readable output of the CLI (the --json output is the data itself).
import type { Alert, EvaluationResult, IndicatorStatus, ValidationReport } from '../core/model';
import type { Inspection } from '../core/submission/inspect';
import { SHEETS } from '../core/sheet-specs';

const STATUS: Record<IndicatorStatus, string> = {
  met: '达标 met',
  at_risk: '预警 at risk',
  breached: '未达标 breached',
  no_data: '无数据 no data',
  needs_review: '待评审 needs review',
};

export function formatReport(report: ValidationReport): string {
  const head =
    report.status === 'accepted'
      ? `✔ 已接受 / accepted`
      : `✘ 已退回 / rejected`;
  const lines = [
    `${head}  ${report.department ?? '?'} ${report.period ?? '?'}  错误 errors: ${report.counts.errors}  警告 warnings: ${report.counts.warnings}`,
  ];
  for (const s of report.sheets) lines.push(`  ${s.name} (${s.kind}): ${s.acceptedRows}/${s.rows} 行有效 rows valid`);
  for (const i of report.issues) {
    const where = [i.sheet, i.cell ?? (i.row ? `第${i.row}行 row ${i.row}` : undefined)].filter(Boolean).join(' ');
    const tag = i.severity === 'error' ? '错误 error' : '警告 warning';
    lines.push(`  [${tag}] ${where ? `${where} ` : ''}${i.code}\n      ${i.message.zh}\n      ${i.message.en}`);
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
    lines.push(
      `  ${STATUS[i.status].padEnd(16)} ${i.code.padEnd(40)} 值 value ${show(i.value)}  目标 target ${show(i.target)}${i.expected !== null ? `  进度 pace ${show(i.expected)}` : ''}`,
    );
  }
  lines.push(`本次新预警 / alerts raised by this run: ${raised.length}`);
  for (const a of raised) lines.push(formatAlert(a));
  return lines.join('\n');
}

export function formatAlert(a: Alert): string {
  return `  [${a.severity}] ${a.type} ${a.period} ${a.department}${a.indicator ? ` ${a.indicator}` : ''}\n      ${a.message.zh}\n      ${a.message.en}`;
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
