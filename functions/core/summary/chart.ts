// The trend chart of one indicator as inline SVG: every plan quarter so far,
// the values as a line with one marker per quarter, against the target line
// (threshold: the floor) or the pace line (paced kinds: series[].expected).
//
// Contract with test/browser (and anyone reading the page with a script):
// - one `<svg class="trend" data-indicator="CODE">` per non-qualitative indicator;
// - one `.point` element per quarter of the series whose value is a number, with
//   data-period, data-value and data-status; its shape says the status
//   (met ●, at_risk ▲, breached ✕, needs_review ◆), so it reads in greyscale;
// - one `.gap` element (a hollow ○ on the bottom axis) per quarter without a number;
// - the current quarter's marker also has the class `current` and a text label.
// The qualitative indicator has no chart: the page shows a rating table instead.
import type { IndicatorStatus } from '../model';
import type { CityComparison } from '../model';
import type { SummaryIndicator } from './build';
import { displayNumber, numberFormatFor, round2 } from './cells';
import { escapeHtml as esc } from './html-escape';
import { STATUS_LABEL, STATUS_SYMBOL } from '../labels';
import { kindRule } from '../indicator-kinds';

const W = 560;
const H = 270;
const M = { left: 52, right: 92, top: 30, bottom: 64 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;

export const STATUS_COLOR: Record<IndicatorStatus, string> = {
  met: '#1a7f37',
  at_risk: '#b35900',
  breached: '#c62828',
  no_data: '#6e6e6e',
  needs_review: '#1f4e79',
};

/** a white outline under label text, so a label crossing a line stays readable */
const HALO = ' stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke"';
const LINE_COLOR = '#1f3a5f';
const TARGET_COLOR = '#444444';
const CITY_COLOR = '#7a4fa0';

function fmt(n: number): string {
  // SVG coordinates: short, stable, locale-free.
  return String(Math.round(n * 10) / 10);
}

/** A step of 1, 2 or 5 × 10^k giving about `want` intervals over `span`. */
function niceStep(span: number, want: number): number {
  const raw = span / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / mag;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * mag;
}

function scale(values: number[]): { min: number; max: number; ticks: number[]; decimals: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (lo === hi) {
    const pad = Math.abs(lo) > 0 ? Math.abs(lo) * 0.05 : 1;
    lo -= pad;
    hi += pad;
  } else {
    // a little air so no marker sits on the axis; counts never go below zero
    const pad = (hi - lo) * 0.06;
    lo = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, 4);
  const min = Math.floor(lo / step - 1e-9) * step;
  const max = Math.ceil(hi / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let t = min; t <= max + step / 2; t += step) ticks.push(Number(t.toPrecision(12)));
  return { min, max, ticks, decimals: Math.max(0, Math.min(2, -Math.floor(Math.log10(step) + 1e-9))) };
}

function marker(status: IndicatorStatus, x: number, y: number, r: number, color: string): string {
  switch (status) {
    case 'at_risk': {
      const h = r * 1.25;
      return `<polygon points="${fmt(x)},${fmt(y - h)} ${fmt(x - h)},${fmt(y + h * 0.75)} ${fmt(x + h)},${fmt(y + h * 0.75)}" fill="${color}" stroke="#fff" stroke-width="1"/>`;
    }
    case 'breached':
      return `<path d="M${fmt(x - r)},${fmt(y - r)}L${fmt(x + r)},${fmt(y + r)}M${fmt(x - r)},${fmt(y + r)}L${fmt(x + r)},${fmt(y - r)}" stroke="${color}" stroke-width="3" stroke-linecap="round" fill="none"/>`;
    case 'needs_review':
      return `<polygon points="${fmt(x)},${fmt(y - r * 1.3)} ${fmt(x + r * 1.3)},${fmt(y)} ${fmt(x)},${fmt(y + r * 1.3)} ${fmt(x - r * 1.3)},${fmt(y)}" fill="${color}"/>`;
    case 'no_data':
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${fmt(r)}" fill="#fff" stroke="${color}" stroke-width="1.5"/>`;
    default:
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="${fmt(r)}" fill="${color}" stroke="#fff" stroke-width="1"/>`;
  }
}

/** A line with gaps: a new sub-path wherever a quarter has no value. */
function brokenPath(points: ({ x: number; y: number } | null)[]): string {
  let d = '';
  let pen = false;
  for (const p of points) {
    if (!p) {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${fmt(p.x)},${fmt(p.y)}`;
    pen = true;
  }
  return d;
}

type Point = Pick<SummaryIndicator['series'][number], 'period' | 'value' | 'expected' | 'status'>;

/** What every part of a chart is drawn against: the quarters, the scales, the number formats. */
interface Frame {
  i: SummaryIndicator;
  period: string;
  comparison?: CityComparison;
  series: Point[];
  n: number;
  threshold: boolean;
  target: number | null;
  xAt(k: number): number;
  yAt(v: number): number;
  bottom: number;
  ticks: number[];
  tickFmt(v: number): string;
  unitFmt(v: number): string;
}

const numeric = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function frameOf(i: SummaryIndicator, period: string, comparison?: CityComparison): Frame {
  const series = i.series.length > 0 ? i.series : [{ period, value: null, expected: i.expected, status: i.status }];
  const n = series.length;
  const threshold = kindRule(i.kind).series === 'threshold';
  const target = typeof i.target === 'number' && Number.isFinite(i.target) ? i.target : null;
  const domain: number[] = [];
  for (const p of series) {
    if (numeric(p.value)) domain.push(p.value);
    if (numeric(p.expected)) domain.push(p.expected);
  }
  if (threshold && target !== null) domain.push(target);
  if (comparison) domain.push(comparison.value);
  if (domain.length === 0) domain.push(target ?? 0);
  const { min, max, ticks, decimals } = scale(domain);
  return {
    i,
    period,
    comparison,
    series,
    n,
    threshold,
    target,
    xAt: (k) => M.left + ((k + 0.5) * PLOT_W) / n,
    yAt: (v) => M.top + PLOT_H - ((v - min) / (max - min)) * PLOT_H,
    bottom: M.top + PLOT_H,
    ticks,
    // axis labels share one number of decimals (2.5, 3.0, 3.5), unlike values
    tickFmt: (v) => `${v.toFixed(decimals)}${i.unit === '%' ? '%' : ''}`,
    unitFmt: (v) => displayNumber(v, numberFormatFor(i.unit, round2(v))),
  };
}

/** The inline SVG trend chart of a non-qualitative indicator. */
export function trendChart(i: SummaryIndicator, period: string, comparison?: CityComparison): string {
  const f = frameOf(i, period, comparison);
  const title = `${i.name.zh}（${i.code}）趋势：${STATUS_LABEL[i.status].zh}`;
  const parts = [`<title>${esc(title)}</title>`, ...gapBands(f), ...axes(f), ...referenceLines(f), ...values(f), legend(f)];
  const count = f.series.filter((p) => numeric(p.value)).length;
  return (
    `<svg class="trend" data-indicator="${esc(i.code)}" data-points="${count}" data-status="${esc(i.status)}" role="img" aria-label="${esc(title)}" ` +
    `viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-family="inherit">${parts.join('')}</svg>`
  );
}

function gapBands(f: Frame): string[] {
  const { series, n, xAt } = f;
  const parts: string[] = [];
  // Quarters without a value: a grey band, so a gap never reads as a zero
  const band = PLOT_W / n;
  series.forEach((p, k) => {
    if (!numeric(p.value)) parts.push(`<rect class="gap-band" x="${fmt(xAt(k) - band / 2 + 2)}" y="${M.top}" width="${fmt(band - 4)}" height="${PLOT_H}" fill="#f1f1f1"/>`);
  });

  return parts;
}

function axes(f: Frame): string[] {
  const { series, ticks, xAt, yAt, tickFmt, bottom } = f;
  const parts: string[] = [];
  // Grid and y axis
  for (const t of ticks) {
    const y = yAt(t);
    parts.push(`<line class="grid" x1="${M.left}" x2="${M.left + PLOT_W}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="#e3e3e3" stroke-width="1"/>`);
    parts.push(`<text x="${M.left - 6}" y="${fmt(y + 4)}" text-anchor="end" font-size="11" fill="#555">${esc(tickFmt(t))}</text>`);
  }
  parts.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${fmt(bottom)}" y2="${fmt(bottom)}" stroke="#888" stroke-width="1"/>`);

  // x axis: Q1…Q4 under each quarter, the year under its first quarter shown
  series.forEach((p, k) => {
    const [year, q] = p.period.split('-');
    const x = xAt(k);
    parts.push(`<line x1="${fmt(x)}" x2="${fmt(x)}" y1="${fmt(bottom)}" y2="${fmt(bottom + 4)}" stroke="#888"/>`);
    parts.push(`<text x="${fmt(x)}" y="${fmt(bottom + 16)}" text-anchor="middle" font-size="10.5" fill="#444">${esc(q ?? '')}</text>`);
    if (k === 0 || q === 'Q1') parts.push(`<text x="${fmt(x)}" y="${fmt(bottom + 29)}" text-anchor="middle" font-size="10.5" fill="#444">${esc(year ?? '')}</text>`);
  });

  return parts;
}

function referenceLines(f: Frame): string[] {
  const { i, series, threshold, target, comparison, xAt, yAt, unitFmt } = f;
  const parts: string[] = [];
  // Reference lines: dashed target/pace, dotted city-wide figure
  const rightLabel = (y: number, text: string, color: string, cls: string) =>
    `<text class="${cls}" x="${M.left + PLOT_W + 6}" y="${fmt(y + 4)}" font-size="11" fill="${color}"${HALO}>${esc(text)}</text>`;
  const labelYs: number[] = [];
  const placeLabel = (y: number) => {
    // keep right-hand labels from overlapping each other
    let at = y;
    for (const u of labelYs.sort((a, b) => a - b)) if (Math.abs(at - u) < 13) at = u + 13;
    labelYs.push(at);
    return at;
  };
  if (threshold && target !== null) {
    const y = yAt(target);
    parts.push(`<line class="target-line" x1="${M.left}" x2="${M.left + PLOT_W}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${TARGET_COLOR}" stroke-width="1.5" stroke-dasharray="7 4"/>`);
    parts.push(rightLabel(placeLabel(y), `${i.comparison === 'eq' ? '目标 =' : '底线 ≥'}${unitFmt(target)}`, TARGET_COLOR, 'target-label'));
  } else if (!threshold) {
    const pace = series.map((p, k) => (numeric(p.expected) ? { x: xAt(k), y: yAt(p.expected) } : null));
    const d = brokenPath(pace);
    if (d) {
      parts.push(`<path class="pace-line" d="${d}" fill="none" stroke="${TARGET_COLOR}" stroke-width="1.5" stroke-dasharray="7 4"/>`);
      const lastPace = [...series].reverse().find((p) => numeric(p.expected));
      if (lastPace && numeric(lastPace.expected)) {
        parts.push(rightLabel(placeLabel(yAt(lastPace.expected)), `进度 ${unitFmt(lastPace.expected)}`, TARGET_COLOR, 'pace-label'));
      }
    }
  }
  if (comparison) {
    const y = yAt(comparison.value);
    parts.push(`<line class="city-line" x1="${M.left}" x2="${M.left + PLOT_W}" y1="${fmt(y)}" y2="${fmt(y)}" stroke="${CITY_COLOR}" stroke-width="1.5" stroke-dasharray="1.5 3.5" stroke-linecap="round"/>`);
    parts.push(rightLabel(placeLabel(y), `全市${comparison.year} ${displayNumber(comparison.value, numberFormatFor(comparison.unit, comparison.value))}`, CITY_COLOR, 'city-label'));
  }

  return parts;
}

function values(f: Frame): string[] {
  const { series, period, xAt, yAt, unitFmt, bottom } = f;
  const parts: string[] = [];
  // The values: a solid line broken at gaps, one marker per quarter
  const pts = series.map((p, k) => (numeric(p.value) ? { x: xAt(k), y: yAt(p.value) } : null));
  const d = brokenPath(pts);
  if (d) parts.push(`<path class="value-line" d="${d}" fill="none" stroke="${LINE_COLOR}" stroke-width="2.5" stroke-linejoin="round"/>`);
  series.forEach((p, k) => {
    const x = xAt(k);
    const current = p.period === period;
    if (numeric(p.value)) {
      const y = yAt(p.value);
      const color = STATUS_COLOR[p.status] ?? STATUS_COLOR.no_data;
      const tip = `${p.period}：${unitFmt(p.value)}（${STATUS_LABEL[p.status]?.zh ?? p.status}）`;
      parts.push(
        `<g class="point${current ? ' current' : ''}" data-period="${esc(p.period)}" data-value="${p.value}" data-status="${esc(p.status)}"><title>${esc(tip)}</title>` +
          (current ? `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="10" fill="none" stroke="${color}" stroke-width="1.5"/>` : '') +
          `${marker(p.status, x, y, current ? 5.5 : 4.5, color)}</g>`,
      );
      if (current) {
        const above = y - 16 > M.top - 10;
        parts.push(
          `<text class="current-label" x="${fmt(x)}" y="${fmt(above ? y - 15 : y + 24)}" text-anchor="middle" font-size="11.5" font-weight="bold" fill="${color}"${HALO}>${esc(`${unitFmt(p.value)} ${STATUS_LABEL[p.status]?.zh ?? ''}`)}</text>`,
        );
      }
    } else {
      parts.push(
        `<g class="gap${current ? ' current' : ''}" data-period="${esc(p.period)}" data-status="no_data"><title>${esc(`${p.period}：无数据`)}</title>${marker('no_data', x, bottom, 4, STATUS_COLOR.no_data)}</g>`,
      );
      if (current) parts.push(`<text class="current-label" x="${fmt(x)}" y="${fmt(bottom - 10)}" text-anchor="middle" font-size="11.5" fill="${STATUS_COLOR.no_data}"${HALO}>无数据</text>`);
    }
  });

  return parts;
}

function legend(f: Frame): string {
  const { i, threshold, comparison } = f;
  // Legend: line styles and marker shapes, in words too
  const ly = H - 12;
  const legend: string[] = [];
  let lx = M.left;
  const lineSample = (dash: string, color: string, width: number, label: string) => {
    legend.push(`<line x1="${lx}" x2="${lx + 22}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`);
    legend.push(`<text x="${lx + 26}" y="${ly}" font-size="10.5" fill="#333">${esc(label)}</text>`);
    lx += 30 + label.length * 11;
  };
  lineSample('', LINE_COLOR, 2.5, '实际值');
  lineSample('7 4', TARGET_COLOR, 1.5, threshold ? (i.comparison === 'eq' ? '目标值' : '底线') : '进度目标');
  if (comparison) lineSample('1.5 3.5', CITY_COLOR, 1.5, '全市');
  for (const st of ['met', 'at_risk', 'breached', 'no_data'] as IndicatorStatus[]) {
    legend.push(marker(st, lx + 5, ly - 4, 4, STATUS_COLOR[st]));
    legend.push(`<text x="${lx + 13}" y="${ly}" font-size="10.5" fill="#333">${esc(STATUS_LABEL[st].zh)}</text>`);
    lx += 22 + STATUS_LABEL[st].zh.length * 11;
  }
  return `<g class="legend">${legend.join('')}</g>`;

}

/** Used in the page for the status symbol next to a label. */
export function statusSymbol(status: IndicatorStatus): string {
  return STATUS_SYMBOL[status] ?? '';
}
