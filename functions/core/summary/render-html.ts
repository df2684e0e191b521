// summary.html: one self-contained page in Chinese — inline CSS and SVG, no
// script, no font, no URL of any kind — that reads offline and prints: the
// tables of the xlsx and a trend chart per indicator (see chart.ts for the
// chart's markup contract; the qualitative indicator gets a rating table).
import type { Summary, SummaryIndicator } from './build';
import { localDateTime } from '../periods';
import { displayNumber } from './cells';
import { STATUS_COLOR, statusSymbol, trendChart } from './chart';
import { escapeHtml as esc } from './html-escape';
import { kindRule } from '../indicator-kinds';
import { ALERT_TYPE_LABEL, SEVERITY_LABEL, SEVERITY_ORDER, STATUS_LABEL, STATUS_ORDER, SUBMISSION_LABEL, SUBMISSION_ORDER } from '../labels';
import { type Cell, type Table, STATUS_TONE, allTables, valueCell } from './tables';

const CSS = `
:root { --good:#1a7f37; --good-bg:#dff3e4; --warn:#8a4b00; --warn-bg:#fff0c2; --bad:#b71c1c; --bad-bg:#fde0e0;
  --muted:#555; --muted-bg:#eeeeee; --review:#1f4e79; --review-bg:#deebf7; --line:#d0d7de; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1200px; padding: 24px 28px 48px; color: #1f2328; background: #fff;
  font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif;
  font-size: 14px; line-height: 1.55; }
header.top { border-bottom: 3px solid #1f3a5f; padding-bottom: 10px; margin-bottom: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; color: #1f3a5f; }
.subtitle { font-size: 17px; margin: 0 0 6px; }
.meta { color: #57606a; font-size: 12.5px; margin: 0; }
h2 { font-size: 19px; color: #1f3a5f; border-left: 5px solid #1f3a5f; padding-left: 9px; margin: 30px 0 12px; }
h3 { font-size: 15px; margin: 0; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; break-inside: avoid; }
.card h3 { font-size: 13px; color: #57606a; font-weight: normal; margin-bottom: 6px; }
.card ul { list-style: none; margin: 0; padding: 0; }
.card li { display: flex; justify-content: space-between; padding: 1px 0; }
.card b { font-size: 16px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data th, table.data td { border: 1px solid var(--line); padding: 4px 7px; vertical-align: middle; white-space: nowrap; }
table.data td.wrap { white-space: normal; min-width: 12em; }
#overview td:nth-child(1) { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 11px; white-space: normal; word-break: break-all; max-width: 15em; }
#overview td:nth-child(2) { white-space: normal; min-width: 13em; }
#overview td:not(.num):not(:last-child) { white-space: normal; }
#overview th, #overview td { padding: 4px 5px; }
table.data th { background: #e8eef7; font-weight: bold; text-align: center; white-space: normal; }
table.data tbody tr:nth-child(even) td:not([class*="tone-"]) { background: #f8f9fb; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 11.5px; }
table.data tfoot td { font-weight: bold; background: #f0f3f8; }
td.tone-good { background: var(--good-bg); color: var(--good); text-align: center; }
td.tone-warn { background: var(--warn-bg); color: var(--warn); text-align: center; }
td.tone-bad { background: var(--bad-bg); color: var(--bad); text-align: center; font-weight: bold; }
td.tone-muted { background: var(--muted-bg); color: var(--muted); text-align: center; }
td.tone-review { background: var(--review-bg); color: var(--review); text-align: center; }
td.status { white-space: nowrap; }
.sym { display: inline-block; width: 1.2em; text-align: center; }
.empty { color: #57606a; font-style: italic; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 14px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px 6px; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; margin-bottom: 2px; }
figure.chart .code { color: #57606a; font-size: 11px; font-weight: normal; font-family: "DejaVu Sans Mono", Consolas, monospace; }
figure.chart .figures { color: #444; font-size: 12.5px; margin: 0 0 4px; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart .note { font-size: 12px; color: #57606a; margin: 4px 0 0; }
.badge { display: inline-block; border-radius: 10px; padding: 0 9px; font-size: 12.5px; white-space: nowrap; border: 1px solid currentColor; }
.badge.tone-good { color: var(--good); background: var(--good-bg); }
.badge.tone-warn { color: var(--warn); background: var(--warn-bg); }
.badge.tone-bad { color: var(--bad); background: var(--bad-bg); font-weight: bold; }
.badge.tone-muted { color: var(--muted); background: var(--muted-bg); }
.badge.tone-review { color: var(--review); background: var(--review-bg); }
table.ratings { margin-top: 6px; }
.key { font-size: 12.5px; color: #444; margin: 0 0 10px; }
footer { margin-top: 30px; color: #57606a; font-size: 12px; border-top: 1px solid var(--line); padding-top: 8px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11.5px; }
  section.page { break-before: page; page-break-before: always; }
  h2 { margin-top: 0; break-after: avoid; page-break-after: avoid; }
  .charts { grid-template-columns: 1fr 1fr; gap: 8px; }
  figure.chart, .card, table.data tr { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
}
`;

function periodZh(period: string): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(period);
  return m ? `${m[1]}年第${m[2]}季度` : period;
}

function cellHtml(c: Cell, numeric: boolean): string {
  if (c.status) {
    return `<td class="status tone-${c.tone}" data-status="${esc(c.status)}"><span class="sym" aria-hidden="true">${esc(statusSymbol(c.status))}</span><span class="label">${esc(c.v)}</span></td>`;
  }
  const classes: string[] = [];
  let text: string;
  if (typeof c.v === 'number' && c.fmt !== 'text') {
    classes.push('num');
    text = displayNumber(c.v, c.fmt);
  } else {
    text = c.v === null ? '' : String(c.v);
    if (numeric) classes.push('num');
  }
  if (c.tone) classes.push(`tone-${c.tone}`);
  // short cells (names, dates, codes) stay on one line; long text wraps
  if (text.length > 16) classes.push('wrap');
  return `<td${classes.length ? ` class="${classes.join(' ')}"` : ''}>${esc(text)}</td>`;
}

function tableHtml(t: Table, empty: string): string {
  if (t.rows.length === 0) return `<p class="empty">${esc(empty)}</p>`;
  // a column is numeric when any of its cells is a number: keep its text right-aligned too
  const numericCols = t.headers.map((_, i) => t.rows.some((r) => typeof r[i]?.v === 'number'));
  const rows = t.rows.map((r) => `<tr>${r.map((c, i) => cellHtml(c, numericCols[i]!)).join('')}</tr>`).join('\n');
  const foot = t.footer ? `<tfoot><tr>${t.footer.map((c, i) => cellHtml(c, numericCols[i]!)).join('')}</tr></tfoot>` : '';
  return (
    `<table class="data" id="${esc(t.id)}"><thead><tr>${t.headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead>` +
    `<tbody>\n${rows}\n</tbody>${foot}</table>`
  );
}

function badge(status: SummaryIndicator['status']): string {
  return `<span class="badge tone-${STATUS_TONE[status] ?? 'muted'}" data-status="${esc(status)}">${esc(statusSymbol(status))} ${esc(STATUS_LABEL[status]?.zh ?? status)}</span>`;
}

function show(v: number | string | null, unit: SummaryIndicator['unit']): string {
  const c = valueCell(v, unit);
  // not a dash: in CJK fonts "—" looks like the character 一 (one)
  if (c.v === null) return '无数据';
  return typeof c.v === 'number' ? displayNumber(c.v, c.fmt) : c.v;
}

function chartFigure(s: Summary, i: SummaryIndicator): string {
  const rule = kindRule(i.kind);
  const facts = [
    `本季度 ${show(i.quarter, i.unit)}`,
    ...(rule.accumulates ? [`累计 ${show(i.cumulative, i.unit)}`] : []),
    `${rule.targetLine(i.comparison ?? undefined)}${show(i.target, i.unit)}`,
    ...(i.expected !== null ? [`进度 ${show(i.expected, i.unit)}`] : []),
    ...(rule.yearToDate !== 'value' && i.yearToDate !== null ? [`年度累计 ${show(i.yearToDate, i.unit)}`] : []),
    `${rule.label.zh} · ${i.ownerName.zh}`,
  ];
  let body: string;
  if (rule.textual) {
    const rows = i.series
      .map((p) => `<tr><td>${esc(p.period)}</td><td>${esc(p.value === null ? '未评级' : String(p.value))}</td><td class="status tone-${STATUS_TONE[p.status] ?? 'muted'}" data-status="${esc(p.status)}"><span class="sym" aria-hidden="true">${esc(statusSymbol(p.status))}</span><span class="label">${esc(STATUS_LABEL[p.status]?.zh ?? p.status)}</span></td></tr>`)
      .join('');
    body = rows
      ? `<table class="data ratings" data-indicator="${esc(i.code)}"><thead><tr><th>统计期</th><th>评级</th><th>状态</th></tr></thead><tbody>${rows}</tbody></table>`
      : `<p class="empty">规划期内尚无评级。</p>`;
  } else {
    const comparison = s.comparisons.find((c) => c.indicator === i.code);
    body = trendChart(i, s.period, comparison);
  }
  const notes = i.notes.map((n) => `<p class="note">注：${esc(n.zh)}</p>`).join('');
  return (
    `<figure class="chart${rule.textual ? ' qualitative' : ''}" id="chart-${esc(i.code)}">` +
    `<figcaption><h3>${esc(i.name.zh)} <span class="code">${esc(i.code)}</span></h3>${badge(i.status)}</figcaption>` +
    `<p class="figures">${facts.map(esc).join('　·　')}</p>${body}${notes}</figure>`
  );
}

function cards(s: Summary): string {
  const list = (items: [string, number, string?][]) =>
    `<ul>${items.map(([label, n, color]) => `<li><span>${esc(label)}</span><b${color ? ` style="color:${color}"` : ''}>${n}</b></li>`).join('')}</ul>`;
  return (
    `<div class="cards">` +
    `<div class="card"><h3>指标状态（共 ${s.indicators.length} 项）</h3>${list(
      STATUS_ORDER.map((st) => [`${statusSymbol(st)} ${STATUS_LABEL[st].zh}`, s.totals.indicators[st], STATUS_COLOR[st]]),
    )}</div>` +
    `<div class="card"><h3>报送情况（共 ${s.submissions.length} 个部门）</h3>${list(SUBMISSION_ORDER.map((st) => [SUBMISSION_LABEL[st].zh, s.totals.submissions[st]]))}</div>` +
    `<div class="card"><h3>预警（共 ${s.alerts.length} 条）</h3>${list(SEVERITY_ORDER.map((sv) => [SEVERITY_LABEL[sv].zh, s.totals.alerts[sv]]))}</div>` +
    `<div class="card"><h3>数据质量（全部版本）</h3>${list([
      ['错误', s.totals.dataQuality.error],
      ['警告', s.totals.dataQuality.warning],
    ])}</div>` +
    `</div>`
  );
}

/** The whole page. Everything inside is escaped; nothing refers outside the file. */
export function summaryHtml(s: Summary): string {
  const [overview, submissions, alerts, dataQuality, comparisons] = allTables(s) as [Table, Table, Table, Table, Table];
  const title = `${s.plan.name.zh} ${periodZh(s.period)}质量数据汇总`;
  const alertKinds = [...new Set(s.alerts.map((a) => ALERT_TYPE_LABEL[a.type]?.zh ?? a.type))].join('、');
  const key = `状态标记：${STATUS_ORDER.map((st) => `${statusSymbol(st)} ${STATUS_LABEL[st].zh}`).join('　')}`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="qtrack">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top">
<h1>${esc(s.plan.name.zh)}</h1>
<p class="subtitle">${esc(periodZh(s.period))}（${esc(s.period)}）质量数据季度汇总 · 规划第 ${s.planQuarter} 季度</p>
<p class="meta">生成时间：${esc(localDateTime(s.generatedAt))}（北京时间）　规划期：${esc(s.plan.firstPeriod)} 至 ${esc(s.plan.lastPeriod)}　数据来源：各成员单位报送并经校验受理的数据</p>
</header>
<main>
<section id="section-summary">
<h2>一、概况</h2>
${cards(s)}
</section>
<section id="section-overview">
<h2>二、指标总览</h2>
<p class="key">${esc(key)}。数值保留两位小数；百分比指标以百分数表示。</p>
${tableHtml(overview, '本规划没有指标。')}
</section>
<section class="page" id="section-trends">
<h2>三、指标趋势</h2>
<p class="key">实线为实际值（每季度一个标记，空心圆表示该季度无数据）；虚线为目标底线或进度目标；点线为全市对比数据。${esc(key)}。</p>
<div class="charts">
${s.indicators.map((i) => chartFigure(s, i)).join('\n')}
</div>
</section>
<section class="page" id="section-submissions">
<h2>四、报送情况</h2>
${tableHtml(submissions, '没有部门。')}
</section>
<section id="section-alerts">
<h2>五、预警</h2>
${s.alerts.length ? `<p class="key">本季度共 ${s.alerts.length} 条预警：${esc(alertKinds)}。</p>` : ''}
${tableHtml(alerts, '本季度无预警。')}
</section>
<section class="page" id="section-data-quality">
<h2>六、数据质量</h2>
<p class="key">统计本季度全部报送版本（含被退回版本）的校验问题。</p>
${tableHtml(dataQuality, '本季度报送未发现数据质量问题。')}
</section>
<section id="section-comparisons">
<h2>七、全市对比（仅供参考）</h2>
${tableHtml(comparisons, '无全市对比数据。')}
</section>
</main>
<footer>由 qtrack 生成 · ${esc(s.plan.name.zh)} · ${esc(s.period)} · 本页为离线文件，可直接打印。</footer>
</body>
</html>
`;
}
