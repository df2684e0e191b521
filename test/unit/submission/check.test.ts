import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { RawWorkbook } from '../../../functions/core/model';
import { checkSubmission, validateWorkbook } from '../../../functions/core/submission/check';
import { WorkbookError } from '../../../functions/core/workbook/guard';
import {
  type CellInput, CODE_A, CODE_B, INDICATOR_HEADER, INSPECTION_HEADER, codes, ctx, memorySink, only, sheet, validate, workbook, issuesOf, countsOf } from './helpers';

const inspectionRow = (batch: string, date: CellInput = '2026-03-05'): CellInput[] => [1, batch, '电线电缆', '甲公司', CODE_A, date, '区', '合格'];
const inspections = (n = 1) => sheet('抽查明细', [INSPECTION_HEADER, ...Array.from({ length: n }, (_, i) => inspectionRow(`B${i}`))]);
const noContext = { department: undefined, period: undefined };

describe('department and period', () => {
  it('MISSING_CONTEXT (file level) naming both when neither the caller nor a cover gives them', async () => {
    const o = await validate(workbook(inspections()), noContext);
    const i = only(o, 'MISSING_CONTEXT');
    expect(i.sheet).toBeUndefined();
    expect(i.message.zh).toContain('填报单位和统计期');
    expect(i.message.en).toContain('department and the period');
    expect(o.report.status).toBe('rejected');
  });

  it('MISSING_CONTEXT naming only the period when the department is known', async () => {
    const o = await validate(workbook(inspections()), { period: undefined });
    const i = only(o, 'MISSING_CONTEXT');
    expect(i.message.zh).toContain('统计期');
    expect(i.message.zh).not.toContain('填报单位');
    expect(o.report.department).toBe('market-regulation');
  });

  it('resolves department aliases and period spellings from the caller', async () => {
    const o = await validate(workbook(inspections()), { department: '上海市长宁区市场监督管理局', period: '2026年第一季度' });
    expect(codes(o)).toEqual([]);
    expect(o.report).toMatchObject({ department: 'market-regulation', period: '2026-Q1', status: 'accepted' });
  });

  it('an unknown department or an unparsable period from the caller is MISSING_CONTEXT', async () => {
    const o = await validate(workbook(inspections()), { department: 'police', period: '2026-Q5' });
    expect(issuesOf(o).filter((i) => i.code === 'MISSING_CONTEXT').map((i) => i.message.en)).toEqual([
      'unknown department "police": use a department code (e.g. market-regulation) or a registered name',
      'period "2026-Q5" not recognised: write it as 2026-Q1 or 2026年第1季度',
    ]);
  });

  it('PERIOD_NOT_STARTED for a future quarter; the current quarter (Shanghai date) is accepted', async () => {
    const future = await validate(workbook(inspections()), { period: '2026-Q3' });
    expect(only(future, 'PERIOD_NOT_STARTED').message.zh).toContain('2026-07-01');
    // 2026-03-31T16:00Z is already 2026-04-01 in Shanghai
    const now = new Date('2026-03-31T16:00:00Z');
    const current = await validate(workbook(sheet('指标', [INDICATOR_HEADER, ['STANDARDS_LED_COUNT', null, 1]])), { period: '2026-Q2', now });
    expect(codes(current)).toEqual([]);
    const early = await validate(workbook(sheet('指标', [INDICATOR_HEADER, ['STANDARDS_LED_COUNT', null, 1]])), { period: '2026-Q2', now: new Date('2026-03-31T15:59:59Z') });
    expect(codes(early)).toEqual(['PERIOD_NOT_STARTED']);
  });
});

describe('封面 / Cover', () => {
  const cover = (rows: unknown[][]) => sheet('封面', rows as never[][]);

  it('gives department and period when the caller does not, and is returned', async () => {
    const o = await validate(workbook(
      cover([['填报单位', '上海市长宁区市场监督管理局'], ['统计期：', null, '2026年第1季度'], ['填报人', '张三'], ['联系电话', 2162345678], ['填报日期', { kind: 'number', num: 46120, date: true }]]),
      inspections(),
    ), noContext);
    expect(codes(o)).toEqual([]);
    expect(o.report).toMatchObject({ department: 'market-regulation', period: '2026-Q1', status: 'accepted' });
    expect(o.cover).toEqual({ department: 'market-regulation', period: '2026-Q1', preparedBy: '张三', phone: '2162345678', date: '2026-04-08' });
    expect(o.report.sheets[0]).toEqual({ name: '封面', kind: 'cover', rows: 5, acceptedRows: 5 });
  });

  it('reads "key：value" in one cell', async () => {
    const o = await validate(workbook(cover([['填报单位：区建设管理委'], ['Period: 2026 Q1']]), inspections()), noContext);
    expect(o.cover).toMatchObject({ department: 'construction', period: '2026-Q1' });
  });

  it('COVER_MISMATCH at the cover’s value cell', async () => {
    const o = await validate(workbook(cover([['填报单位', '区建设管理委'], ['统计期', '2025-Q4']]), inspections()));
    expect(issuesOf(o).map((i) => [i.code, i.sheet, i.cell])).toEqual([
      ['COVER_MISMATCH', '封面', 'B1'],
      ['COVER_MISMATCH', '封面', 'B2'],
    ]);
    expect(o.report).toMatchObject({ department: 'market-regulation', period: '2026-Q1', status: 'rejected' });
  });

  it('INVALID_ENUM for an unknown department on the cover, INVALID_DATE for a bad period', async () => {
    const o = await validate(workbook(cover([['填报单位', '区公安分局'], ['统计期', '第一季度']]), inspections()), noContext);
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['MISSING_CONTEXT', undefined],
      ['INVALID_ENUM', 'B1'],
      ['INVALID_DATE', 'B2'],
    ]);
  });

  it('a cover read after the data still gives the period to its dates', async () => {
    const o = await validate(workbook(
      sheet('抽查明细', [INSPECTION_HEADER, inspectionRow('B1'), inspectionRow('B2', '2026-04-02')]),
      cover([['填报单位', 'market-regulation'], ['统计期', '2026-Q1']]),
    ), noContext);
    expect(only(o, 'DATE_OUTSIDE_PERIOD')).toMatchObject({ sheet: '抽查明细', cell: 'F3', value: '2026-04-02' });
    expect(o.report.sheets[0]).toMatchObject({ rows: 2, acceptedRows: 1 });
  });
});

describe('rules that wait for a cover read later', () => {
  it('INDICATOR_NOT_OWNED once the cover names the department', async () => {
    const o = await validate(workbook(
      sheet('指标', [INDICATOR_HEADER, ['GREEN_BUILDING_SHARE', null, 85], ['STANDARDS_LED_COUNT', null, 2]]),
      sheet('封面', [['填报单位', '区市场监管局'], ['统计期', '2026Q1']]),
    ), noContext);
    expect(only(o, 'INDICATOR_NOT_OWNED')).toMatchObject({ sheet: '指标', cell: 'A2' });
    expect(o.report.sheets[0]).toMatchObject({ rows: 2, acceptedRows: 1 });
    expect(Object.keys(o.aggregates.indicators)).toEqual(['STANDARDS_LED_COUNT']);
  });
});

describe('issue cap, counts and sink', () => {
  it('TOO_MANY_ISSUES is a warning when only warnings were left out', async () => {
    const sheets = Array.from({ length: 3 }, (_, i) => sheet(`Sheet${i}`, [['x']]));
    const o = await validate(workbook(...sheets, inspections()), { maxIssues: 1 });
    expect(issuesOf(o).map((i) => [i.code, i.severity])).toEqual([
      ['UNKNOWN_SHEET', 'warning'],
      ['TOO_MANY_ISSUES', 'warning'],
    ]);
    expect(o.report.status).toBe('accepted');
    expect(countsOf(o)).toEqual({ errors: 0, warnings: 3 });
  });


  it('lists maxIssues issues, then TOO_MANY_ISSUES; counts stay exact', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => inspectionRow(`B${i}`, '2026-13-01'));
    const o = await validate(workbook(sheet('抽查明细', [INSPECTION_HEADER, ...rows]), sheet('Extra', [['x']])), { maxIssues: 4 });
    expect(issuesOf(o)).toHaveLength(5);
    expect(countsOf(o)).toEqual({ errors: 10, warnings: 1 });
    const last = issuesOf(o)[4]!;
    expect(last).toMatchObject({ code: 'TOO_MANY_ISSUES', severity: 'error' });
    expect(last.message.zh).toContain('另有 7 个问题');
  });

  it('hands accepted records to the sink in batches of 500, rows with errors left out', async () => {
    const { sink, got } = memorySink();
    const rows = Array.from({ length: 1201 }, (_, i) => inspectionRow(`B${i}`, i === 7 ? 'bad' : '2026-03-05'));
    const o = await validate(workbook(sheet('抽查明细', [INSPECTION_HEADER, ...rows])), { sink });
    expect(got.batches).toEqual([
      { kind: 'inspections', size: 500 },
      { kind: 'inspections', size: 500 },
      { kind: 'inspections', size: 200 },
    ]);
    expect(got.inspections.find((r) => r.batchId === 'B7')).toBeUndefined();
    expect(o.report.sheets[0]).toMatchObject({ rows: 1201, acceptedRows: 1200 });
    expect(o.aggregates.inspections.other).toEqual({ passed: 1200, total: 1200 });
  });

  it('a failing sink is the caller’s error, not a bad file', async () => {
    const { sink } = memorySink();
    sink.add = async () => {
      throw new Error('DynamoDB throttled');
    };
    await expect(validate(workbook(inspections(1)), { sink })).rejects.toThrow('DynamoDB throttled');
  });
});

describe('reading failures', () => {
  const failing = (err: unknown): RawWorkbook => ({
    format: 'xlsx',
    sheets: {
      async *[Symbol.asyncIterator]() {
        yield sheet('抽查明细', [INSPECTION_HEADER, inspectionRow('B1', 'bad')]);
        throw err;
      },
    },
  });

  it('a WorkbookError thrown mid-way becomes a rejected report with that single issue', async () => {
    const issue = { severity: 'error' as const, code: 'FILE_TOO_LARGE' as const, message: { zh: '行数过多', en: 'too many rows' } };
    const o = await validateWorkbook(failing(new WorkbookError(issue)), ctx());
    expect(o.report).toMatchObject({ status: 'rejected', sheets: [], issues: [issue], counts: { errors: 1, warnings: 0 }, department: 'market-regulation', period: '2026-Q1' });
    expect(o.aggregates.inspections.other.total).toBe(0);
  });

  it('any other exception while reading becomes FILE_CORRUPT', async () => {
    const o = await validateWorkbook(failing(new TypeError('boom')), ctx());
    expect(issuesOf(o).map((i) => i.code)).toEqual(['FILE_CORRUPT']);
    expect(o.report.status).toBe('rejected');
  });
});

describe('checkSubmission through the real readers', () => {
  async function xlsx(build: (wb: ExcelJS.Workbook) => void): Promise<Uint8Array> {
    const wb = new ExcelJS.Workbook();
    build(wb);
    return new Uint8Array(await wb.xlsx.writeBuffer());
  }

  it('a real workbook: title merge, dates, percent format, hidden sheet, a bad credit code', async () => {
    const bytes = await xlsx((wb) => {
      const c = wb.addWorksheet('封面');
      c.addRow(['填报单位', '区市场监管局']);
      c.addRow(['统计期', '2026年第一季度']);
      const ws = wb.addWorksheet('抽查明细');
      ws.addRow(['2026年一季度抽查明细']);
      ws.mergeCells('A1:I1');
      ws.addRow(INSPECTION_HEADER);
      ws.addRow([1, 'B1', '电线电缆', '甲公司', CODE_A, new Date('2026-03-05T00:00:00Z'), '区', '合格']);
      ws.addRow([2, 'B2', '电线电缆', '乙公司', '91440300715267260G', new Date('2026-03-06T00:00:00Z'), '区', '合格']);
      const ind = wb.addWorksheet('指标');
      ind.addRow(INDICATOR_HEADER);
      ind.addRow(['MFG_SPOT_CHECK_PASS_RATE', null, 0.965]);
      ind.getCell('C2').numFmt = '0.0%';
      wb.addWorksheet('旧数据', { state: 'hidden' }).addRow(['whatever']);
    });
    const { sink, got } = memorySink();
    const o = await checkSubmission(bytes, ctx({ department: undefined, period: undefined, sink }));
    expect(issuesOf(o).map((i) => [i.code, i.sheet, i.cell])).toEqual([['INVALID_CREDIT_CODE', '抽查明细', 'E4']]);
    expect(o.report.sheets.map((s) => [s.name, s.rows, s.acceptedRows])).toEqual([
      ['封面', 2, 2],
      ['抽查明细', 2, 1],
      ['指标', 1, 1],
    ]);
    expect(got.inspections[0]!.samplingDate).toBe('2026-03-05');
    // 0.965 in a 0.0% cell is 96.5; not compared with the rows (one of them has an error)
    expect(o.aggregates.indicators.MFG_SPOT_CHECK_PASS_RATE!.value).toBe(96.5);
    expect(o.report.department).toBe('market-regulation');
  });

  it('a real CSV named for its kind, UTF-8 with a BOM', async () => {
    const text = `${INSPECTION_HEADER.join(',')}\r\n1,B1,电线电缆,甲公司,${CODE_A},2026/3/5,区,合格\r\n2,B2,电线电缆,乙公司,${CODE_B},2026-04-05,区,合格\r\n`;
    const utf8 = new TextEncoder().encode(`\ufeff${text}`);
    const o = await checkSubmission(utf8, ctx({ fileName: 'inspections.csv' }));
    expect(only(o, 'DATE_OUTSIDE_PERIOD')).toMatchObject({ sheet: 'inspections', row: 3, cell: 'F3' });
    expect(o.report.sheets).toEqual([{ name: 'inspections', kind: 'inspections', rows: 2, acceptedRows: 1 }]);
  });

  it('a CSV whose name is not a sheet kind is FILE_NOT_WORKBOOK naming the allowed names', async () => {
    const o = await checkSubmission(new TextEncoder().encode('a,b\n1,2\n'), ctx({ fileName: 'data.csv' }));
    expect(issuesOf(o)).toHaveLength(1);
    expect(issuesOf(o)[0]).toMatchObject({ code: 'FILE_NOT_WORKBOOK' });
    expect(issuesOf(o)[0]!.message.zh).toContain('inspections.csv');
  });

  it('bytes that are no workbook at all: one file-level issue, never a throw', async () => {
    const o = await checkSubmission(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6]), ctx());
    expect(o.report.status).toBe('rejected');
    expect(issuesOf(o)).toHaveLength(1);
    expect(issuesOf(o)[0]!.sheet).toBeUndefined();
  });
});
