// The four outputs of one quarter must say the same thing: for every indicator,
// summary.json, summary.csv, summary.xlsx and summary.html carry the evaluation's
// target, baseline, this quarter, previous quarter, year to date, pace and status.
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IndicatorEvaluation, IndicatorStatus } from '../../../functions/core/model';
import { buildSummary } from '../../../functions/core/summary/build';
import { summaryCsv } from '../../../functions/core/summary/render-csv';
import { summaryHtml } from '../../../functions/core/summary/render-html';
import { summaryXlsx } from '../../../functions/core/summary/render-xlsx';
import { evaluation, input } from './fixture';
import { attr, charts, tableRows } from './parse-html';

const LABEL: Record<IndicatorStatus, string> = { met: '达标', at_risk: '预警', breached: '未达标', no_data: '无数据', needs_review: '待评审' };
const FILL: Record<IndicatorStatus, string> = { met: 'FFC6EFCE', at_risk: 'FFFFEB9C', breached: 'FFFFC7CE', no_data: 'FFEDEDED', needs_review: 'FFDDEBF7' };

type Field = 'target' | 'baseline' | 'quarter' | 'cumulative' | 'previous' | 'yearToDate' | 'expected';
const COLUMNS: [Field, string][] = [
  ['target', '目标'],
  ['baseline', '基线'],
  ['quarter', '本季度'],
  ['cumulative', '累计'],
  ['previous', '上季度'],
  ['yearToDate', '年度累计'],
  ['expected', '进度目标'],
];

/** 上季度 is the last reported quarter's own figure, like 本季度 (a flow's amount, not its total). */
function fieldOf(e: IndicatorEvaluation, f: Field): number | string | null {
  if (f !== 'previous') return e[f];
  if (!e.previous) return null;
  return e.series.find((p) => p.period === e.previous!.period)?.quarter ?? null;
}

/** What a table shows for a value: two decimals, half away from zero (written out, not the code under test). */
function shown(v: number | string | null): number | string | null {
  if (typeof v !== 'number') return v;
  return Math.sign(v) * Math.round(Math.abs(v) * 100 + 1e-9) / 100;
}

describe('summary outputs agree with each other and with the evaluation', () => {
  const ev = evaluation();
  const s = buildSummary(input());
  const json = JSON.parse(JSON.stringify(s));
  const csv = Papa.parse<string[]>(summaryCsv(s).replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
  const html = summaryHtml(s);
  let ov: ExcelJS.Worksheet;

  beforeAll(async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await summaryXlsx(s)) as unknown as ArrayBuffer);
    ov = wb.getWorksheet('总览')!;
  });

  it('covers all 12 indicators in each output', () => {
    expect(ev.indicators).toHaveLength(12);
    expect(json.indicators).toHaveLength(12);
    expect(csv).toHaveLength(13);
    expect(ov.rowCount).toBe(14);
    expect(tableRows(html, 'overview').rows).toHaveLength(12);
  });

  for (const e of evaluation().indicators) {
    it(`${e.code}: json, csv, xlsx and html carry the same numbers and status`, () => {
      // summary.json: exactly the evaluation's values
      const j = json.indicators.find((i: { code: string }) => i.code === e.code);
      expect(j).toMatchObject({ target: e.target, baseline: e.baseline, value: e.value, quarter: e.quarter, cumulative: e.cumulative, yearToDate: e.yearToDate, expected: e.expected, status: e.status });
      expect(j.previous).toEqual(e.previous ? { ...e.previous, quarter: fieldOf(e, 'previous') } : null);
      expect(j.series).toEqual(e.series);

      // summary.csv
      const header = csv[0]!;
      const row = csv.find((r) => r[0] === e.code)!;
      for (const [f, h] of COLUMNS) {
        const cell = row[header.indexOf(h)]!;
        const want = shown(fieldOf(e, f));
        expect(cell === '' ? null : typeof want === 'number' ? Number(cell) : cell, `csv ${h}`).toEqual(want);
      }
      expect(row[header.indexOf('状态')]).toBe(LABEL[e.status]);
      expect(row[header.indexOf('上季度统计期')]).toBe(e.previous?.period ?? '');

      // summary.xlsx
      const headers = ov.getRow(2).values as unknown[];
      let r = 3;
      while (ov.getCell(r, 1).value !== e.code) r++;
      for (const [f, h] of COLUMNS) expect(ov.getCell(r, headers.indexOf(h)).value ?? null, `xlsx ${h}`).toEqual(shown(fieldOf(e, f)));
      const status = ov.getCell(r, headers.indexOf('状态'));
      expect(status.value).toBe(LABEL[e.status]);
      expect((status.fill as ExcelJS.FillPattern).fgColor?.argb).toBe(FILL[e.status]);

      // summary.html: the overview table …
      const t = tableRows(html, 'overview');
      const hr = t.rows.find((x) => x[0]!.text === e.code)!;
      for (const [f, h] of COLUMNS) {
        const text = hr[t.headers.indexOf(h)]!.text;
        const want = shown(fieldOf(e, f));
        const got = text === '' ? null : typeof want === 'number' ? Number(text.replace(/%$/, '')) : text;
        expect(got, `html ${h}`).toEqual(want);
        if (typeof want === 'number') expect(text.endsWith('%'), `html ${h} unit`).toBe(e.unit === '%');
      }
      const st = hr[t.headers.indexOf('状态')]!;
      expect(attr(st.attrs, 'data-status')).toBe(e.status);
      expect(st.text.endsWith(LABEL[e.status])).toBe(true);

      // … and the chart: one point per quarter with a number, carrying its value and status
      const svg = charts(html).get(e.code);
      if (e.kind === 'qualitative') {
        expect(svg).toBeUndefined();
        return;
      }
      const points = [...svg!.matchAll(/<g class="point[^"]*" ([^>]*)>/g)].map((m) => [attr(m[1]!, 'data-period'), Number(attr(m[1]!, 'data-value')), attr(m[1]!, 'data-status')]);
      expect(points).toEqual(e.series.filter((p) => typeof p.value === 'number').map((p) => [p.period, p.value, p.status]));
      const head = new RegExp(`<svg class="trend" data-indicator="${e.code}" data-points="(\\d+)" data-status="([a-z_]+)"`).exec(html)!;
      expect([Number(head[1]), head[2]]).toEqual([points.length, e.status]);
    });
  }
});
