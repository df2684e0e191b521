// Human-readable output of the CLI (the --json output is the data itself).
import type { Alert, EvaluationResult, IndicatorStatus, ValidationReport } from '../core/model';

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
