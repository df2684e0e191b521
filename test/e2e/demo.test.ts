// The demo path end to end against the embedded dynalite and s3rver: asserts the
// stored versions, the alert objects and the summary's numbers, then that a second
// command on the same data directory sees the first's data.
import { asPeriod } from '../../functions/core/periods';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../functions/core/model';
import { main } from '../../functions/local/cli';
import { openLocalPipeline, type LocalPipeline } from '../../functions/local/runtime';
import { silentLogger } from '../../functions/adapters/memory';
import { evaluateAndAlert } from '../../functions/core/use-cases/evaluate';
import { runMonitor } from '../../functions/core/use-cases/monitor';
import { tableRows } from '../unit/summary/parse-html';

const dataDir = mkdtempSync(join(tmpdir(), 'qtrack-e2e-'));
const out: string[] = [];
const io = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };

async function cli(...argv: string[]): Promise<{ code: number; stdout: string }> {
  const lines: string[] = [];
  const code = await main([...argv, '--data-dir', dataDir], { out: (t) => void lines.push(t), err: () => undefined });
  return { code, stdout: lines.join('\n') };
}

describe('demo pipeline over the four quarters of 2026, end to end', () => {
  let pipeline: LocalPipeline;

  beforeAll(async () => {
    expect(await main(['demo', '--data-dir', dataDir], io)).toBe(0);
    pipeline = await openLocalPipeline({ dataDir, logger: silentLogger, now: new Date('2027-02-01T00:00:00Z') });
  }, 240_000);
  afterAll(async () => pipeline?.stop());

  it('stores one current accepted version per department and quarter, the rejected one kept apart', async () => {
    const q1 = await pipeline.deps.submissions.allVersions('2026-Q1');
    expect(q1.map((v) => [v.department, v.status])).toEqual([
      ['market-regulation', 'accepted'],
      ['construction', 'rejected'],
      ['construction', 'accepted'],
    ]);
    const rejected = q1[1]!;
    expect(rejected.issueCounts['error:INVALID_CREDIT_CODE']).toBe(1);
    const current = await pipeline.deps.submissions.currentVersions('2026-Q1');
    expect(current.map((v) => v.submissionId).sort()).toEqual([q1[0]!.submissionId, q1[2]!.submissionId].sort());
    // rows are stored with where they came from
    const rows = await pipeline.deps.submissions.getRecords<{ batchId: string; src: { sheet: string; row: number } }>(q1[0]!.submissionId, 'inspections');
    expect(rows).toHaveLength(40);
    expect(rows[0]!.src).toEqual({ sheet: '抽查明细', row: 3 });
    // the report of every version stays readable
    const report = JSON.parse(new TextDecoder().decode(await pipeline.deps.reports.get(rejected.reportKey)));
    expect(report.status).toBe('rejected');
    expect(report.issues[0]).toMatchObject({ code: 'INVALID_CREDIT_CODE', sheet: '抽查明细', cell: 'D7' });
  });

  it('gives every indicator the status of the story, quarter by quarter', async () => {
    const M = 'met', R = 'at_risk', B = 'breached', N = 'needs_review';
    // columns: the plan's order of indicators (MFG, acceptance, green, major projects, brand,
    // standard, standards led, patents, QM results, chief quality officers, NQI, building materials)
    const expected: Record<string, string[]> = {
      '2026-Q1': [M, M, M, N, M, M, M, M, M, M, M, M],
      '2026-Q2': [B, B, M, N, M, M, M, M, M, R, M, M], // 28/30 checks; 9/10 projects; officers 14 < pace 15
      '2026-Q3': [M, M, M, N, R, M, M, M, M, M, M, M], // brand certificate expired: 13 < pace 13.5
      '2026-Q4': [M, M, M, N, R, M, M, M, M, M, M, M], // the risk persists: 13 < pace 14
    };
    for (const [period, statuses] of Object.entries(expected)) {
      const { result } = await evaluateAndAlert(pipeline.deps, asPeriod(period));
      expect([period, ...result.indicators.map((i) => i.status)]).toEqual([period, ...statuses]);
    }
  });

  it('raised exactly the alerts of the story, each once, as objects in S3', async () => {
    const alerts = await pipeline.deps.alerts.list();
    const ids = alerts.map((a) => `${a.type} ${a.period} ${a.department}${a.indicator ? ` ${a.indicator}` : ''}`).sort();
    expect(ids).toEqual(
      [
        'SUBMISSION_REJECTED 2026-Q1 construction',
        'CERTIFICATE_EXPIRING 2026-Q2 market-regulation',
        'SUBMISSION_LATE 2026-Q2 construction',
        'TARGET_BREACHED 2026-Q2 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'SHARP_DECLINE 2026-Q2 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'TARGET_AT_RISK 2026-Q2 market-regulation CHIEF_QUALITY_OFFICERS_COUNT',
        'TARGET_BREACHED 2026-Q2 construction CONSTRUCTION_ACCEPTANCE_PASS_RATE',
        'SHARP_DECLINE 2026-Q2 construction CONSTRUCTION_ACCEPTANCE_PASS_RATE',
        'TARGET_AT_RISK 2026-Q3 market-regulation SHANGHAI_BRAND_TOTAL',
        'SHARP_DECLINE 2026-Q3 market-regulation SHANGHAI_BRAND_TOTAL',
        'TARGET_RECOVERED 2026-Q3 market-regulation MFG_SPOT_CHECK_PASS_RATE',
        'TARGET_RECOVERED 2026-Q3 market-regulation CHIEF_QUALITY_OFFICERS_COUNT',
        'TARGET_RECOVERED 2026-Q3 construction CONSTRUCTION_ACCEPTANCE_PASS_RATE',
        'TARGET_AT_RISK 2026-Q4 market-regulation SHANGHAI_BRAND_TOTAL',
      ].sort(),
    );
    expect(new Set(alerts.map((a) => a.id)).size).toBe(alerts.length);
    const breach = alerts.find((a) => a.type === 'TARGET_BREACHED' && a.indicator === 'MFG_SPOT_CHECK_PASS_RATE')!;
    expect(breach).toMatchObject({ severity: 'critical', value: 93.33, target: 95 });
    expect(breach.message.zh).toContain('制造业产品质量监督抽查合格率');
    for (const a of alerts) {
      const stored = JSON.parse(new TextDecoder().decode(await pipeline.deps.reports.get(`alerts/${a.period}/${a.id}.json`))) as Alert;
      expect(stored).toEqual(a);
    }
  });

  it('running everything again raises nothing new', async () => {
    const before = (await pipeline.deps.alerts.list()).length;
    for (const period of ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']) {
      expect((await evaluateAndAlert(pipeline.deps, asPeriod(period))).raised).toEqual([]);
    }
    for (const day of ['2026-04-12', '2026-07-11', '2027-01-16']) {
      pipeline.setNow(new Date(`${day}T01:00:00Z`));
      expect((await runMonitor(pipeline.deps)).raised).toEqual([]);
    }
    expect((await pipeline.deps.alerts.list()).length).toBe(before);
  });

  it('wrote a summary whose numbers are those of the submissions', async () => {
    const bytes = await pipeline.deps.reports.get('summaries/2026-Q2/summary.json');
    const summary = JSON.parse(new TextDecoder().decode(bytes));
    const byCode = Object.fromEntries(summary.indicators.map((i: { code: string }) => [i.code, i]));
    // 28 of 30 product checks passed; all 20 building-material checks; 9 of 10 projects
    expect(byCode.MFG_SPOT_CHECK_PASS_RATE).toMatchObject({ value: 93.33, status: 'breached' });
    expect(byCode.BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE).toMatchObject({ value: 100, status: 'met' });
    expect(byCode.CONSTRUCTION_ACCEPTANCE_PASS_RATE).toMatchObject({ value: 90, status: 'breached' });
    // flows are summed since the plan's start: 3 + 2 standards against a pace of 5
    expect(byCode.STANDARDS_LED_COUNT).toMatchObject({ value: 5, expected: 5, status: 'met' });
    // 13 brand certificates from Q1 and 1 new in Q2 (the one expiring on 2026-06-30 still counts at the end of Q2)
    expect(byCode.SHANGHAI_BRAND_TOTAL).toMatchObject({ value: 14, status: 'met' });
    for (const f of ['summary.csv', 'summary.xlsx', 'summary.html']) {
      expect(existsSync(join(dataDir, 'export', 'summaries', '2026-Q2', f))).toBe(true);
    }
  });

  it('2026-Q4: 年度累计 of each rate is pooled from the year’s counts, a flow shows 本季度 and 累计 apart — in all four formats', async () => {
    const dir = join(dataDir, 'export', 'summaries', '2026-Q4');
    // the year's rows: checks 39+28+39+39 of 40+30+40+40; projects 10+9+10+10 of 40; green area 4 × 108,000 of 4 × 122,500 m²
    const want: Record<string, { quarter: number; cumulative: number | null; yearToDate: number }> = {
      MFG_SPOT_CHECK_PASS_RATE: { quarter: 97.5, cumulative: null, yearToDate: 96.67 },
      CONSTRUCTION_ACCEPTANCE_PASS_RATE: { quarter: 100, cumulative: null, yearToDate: 97.5 },
      GREEN_BUILDING_SHARE: { quarter: 88.16, cumulative: null, yearToDate: 88.16 },
      BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE: { quarter: 100, cumulative: null, yearToDate: 100 },
      STANDARDS_LED_COUNT: { quarter: 3, cumulative: 11, yearToDate: 11 },
    };
    const json = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    const csv = Papa.parse<string[]>(readFileSync(join(dir, 'summary.csv'), 'utf8').replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(join(dir, 'summary.xlsx')) as unknown as ArrayBuffer);
    const ov = wb.getWorksheet('总览')!;
    const xHeaders = ov.getRow(2).values as unknown[];
    const table = tableRows(readFileSync(join(dir, 'summary.html'), 'utf8'), 'overview');
    const num = (t: string | undefined) => (t === undefined || t === '' ? null : Number(t.replace(/%$/, '')));
    for (const [code, w] of Object.entries(want)) {
      expect(json.indicators.find((i: { code: string }) => i.code === code), code).toMatchObject(w);
      const row = csv.find((r) => r[0] === code)!;
      const xr = [...Array(ov.rowCount).keys()].map((i) => i + 1).find((r) => ov.getCell(r, 1).value === code)!;
      const hr = table.rows.find((r) => r[0]!.text === code)!;
      for (const [field, header] of [['quarter', '本季度'], ['cumulative', '累计'], ['yearToDate', '年度累计']] as const) {
        expect(num(row[csv[0]!.indexOf(header)]), `csv ${code} ${header}`).toBe(w[field]);
        expect(ov.getCell(xr, xHeaders.indexOf(header)).value ?? null, `xlsx ${code} ${header}`).toBe(w[field]);
        expect(num(hr[table.headers.indexOf(header)]!.text), `html ${code} ${header}`).toBe(w[field]);
      }
    }
  });

  it('a second command on the same data directory sees the first one’s data, and raises nothing new', async () => {
    await pipeline.stop();
    const listed = await cli('alerts', '--period', '2026-Q2', '--json');
    expect(listed.code).toBe(0);
    const { alerts } = JSON.parse(listed.stdout);
    expect(alerts.length).toBeGreaterThan(3);
    const again = await cli('evaluate', '--period', '2026-Q2', '--now', '2026-07-20', '--json');
    expect(again.code).toBe(0);
    const evaluated = JSON.parse(again.stdout);
    expect(evaluated.alerts).toEqual([]);
    // `qtrack evaluate --json` and the summary written by the demo agree on every indicator
    const summary = JSON.parse(readFileSync(join(dataDir, 'export', 'summaries', '2026-Q2', 'summary.json'), 'utf8'));
    const pick = ({ code, status, value, target, expected, quarter, cumulative, yearToDate }: Record<string, unknown>) => ({ code, status, value, target, expected, quarter, cumulative, yearToDate });
    expect(summary.indicators.map(pick)).toEqual(evaluated.indicators.map(pick));
    pipeline = await openLocalPipeline({ dataDir, logger: silentLogger, now: new Date('2027-02-01T00:00:00Z') });
  }, 60_000);
});
