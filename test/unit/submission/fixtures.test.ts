// The whole check through the real readers, on the committed fixture files.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSubmission } from '../../../functions/core/submission/check';
import { CODE_A, ctx, memorySink, issuesOf as without } from './helpers';

const file = (name: string) => new Uint8Array(readFileSync(new URL(`../../fixtures/files/${name}`, import.meta.url)));
const issuesOf = (o: Awaited<ReturnType<typeof checkSubmission>>) => without(o).map((i) => [i.code, i.sheet, i.cell, i.value]);

describe('fixture files', () => {
  it('merged-title-and-category.xlsx: title skipped, category spread down its merge, CJK date format, note row', async () => {
    const { sink, got } = memorySink();
    const o = await checkSubmission(file('merged-title-and-category.xlsx'), ctx({ fileName: 'merged-title-and-category.xlsx', sink }));
    expect(issuesOf(o)).toEqual([]);
    expect(o.report.sheets).toEqual([{ name: '抽查明细', kind: 'inspections', rows: 3, acceptedRows: 3 }]);
    expect(got.inspections.map((r) => [r.src.row, r.category, r.samplingDate])).toEqual([
      [4, '电线电缆', '2026-01-12'],
      [5, '电线电缆', '2026-02-03'],
      [6, '儿童用品', '2026-03-30'],
    ]);
    expect(o.aggregates.inspections).toEqual({ other: { passed: 2, total: 3 }, buildingMaterial: { passed: 0, total: 0 } });
  });

  it('merges declared after a large sheet’s rows: the file is read again with merges first, records given once', async () => {
    const ExcelJS = (await import('exceljs')).default;
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('抽查明细');
    ws.addRow(['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论']);
    for (let i = 0; i < 1200; i++) ws.addRow([`B${i}`, i % 2 ? null : '电线电缆', `企业${i}`, CODE_A, new Date('2026-02-10T00:00:00Z'), '区', '合格']);
    // the category merged down each pair of rows: the lower cell of each pair is empty in the file
    for (let r = 2; r < 1202; r += 2) ws.mergeCells(`B${r}:B${r + 1}`);
    const { sink, got } = memorySink();
    const o = await checkSubmission(new Uint8Array(await wb.xlsx.writeBuffer()), ctx({ fileName: 'big.xlsx', sink }));
    expect(issuesOf(o)).toEqual([]);
    expect(got.restarts).toBe(1);
    expect(got.inspections).toHaveLength(1200);
    expect(new Set(got.inspections.map((r) => r.category))).toEqual(new Set(['电线电缆']));
  });

  it('date1904.xlsx: 1904 dates read as the same days', async () => {
    const { sink, got } = memorySink();
    const o = await checkSubmission(file('date1904.xlsx'), ctx({ fileName: 'date1904.xlsx', sink }));
    expect(issuesOf(o)).toEqual([]);
    expect(got.inspections.map((r) => r.samplingDate)).toEqual(['2026-01-12', '2026-02-03', '2026-03-30']);
  });

  it('gb18030.csv uploaded as inspections.csv', async () => {
    const o = await checkSubmission(file('gb18030.csv'), ctx({ fileName: 'inspections.csv' }));
    expect(issuesOf(o)).toEqual([]);
    expect(o.report.sheets).toEqual([{ name: 'inspections', kind: 'inspections', rows: 2, acceptedRows: 2 }]);
    expect(o.aggregates.inspections).toEqual({ other: { passed: 1, total: 1 }, buildingMaterial: { passed: 0, total: 1 } });
  });

  it('fullwidth-digits.csv as indicators.csv: ９６．５ with １９３/２００ and ％ units', async () => {
    const o = await checkSubmission(file('fullwidth-digits.csv'), ctx({ fileName: 'indicators.csv' }));
    // GREEN_BUILDING_SHARE belongs to construction
    expect(issuesOf(o)).toEqual([['INDICATOR_NOT_OWNED', 'indicators', 'A3', 'GREEN_BUILDING_SHARE']]);
    expect(o.aggregates.indicators.MFG_SPOT_CHECK_PASS_RATE).toMatchObject({ value: 96.5, numerator: 193, denominator: 200 });
  });

  it('formula-error.xlsx: FORMULA_ERROR at the cells with #DIV/0! and #N/A', async () => {
    const o = await checkSubmission(file('formula-error.xlsx'), ctx({ fileName: 'formula-error.xlsx', department: 'construction' }));
    const errors = without(o).filter((i) => i.code === 'FORMULA_ERROR').map((i) => [i.cell, i.value]);
    expect(errors).toEqual([
      ['B2', '#DIV/0!'],
      ['B3', '#N/A'],
    ]);
  });

  it('formula-no-cache.xlsx: FORMULA_NO_VALUE where a formula has no cached value', async () => {
    const o = await checkSubmission(file('formula-no-cache.xlsx'), ctx({ fileName: 'formula-no-cache.xlsx' }));
    expect(without(o).filter((i) => i.code === 'FORMULA_NO_VALUE').map((i) => i.cell)).toEqual(['B2', 'B5']);
  });

  it('hidden-sheets.xlsx: hidden and very hidden sheets ignored without a word', async () => {
    const o = await checkSubmission(file('hidden-sheets.xlsx'), ctx({ fileName: 'hidden-sheets.xlsx' }));
    // only the visible sheet is read; it holds no rows, so the one issue is that the file is empty
    expect(o.report).toMatchObject({ sheets: [{ name: '抽查明细', rows: 0 }] });
    expect(without(o).map((i) => i.code)).toEqual(['NO_DATA']);
  });

  it.each([
    ['legacy.xls', 'FILE_LEGACY_XLS'],
    ['encrypted.xlsx', 'FILE_ENCRYPTED'],
    ['vba-project-renamed.xlsx', 'FILE_MACROS'],
    ['truncated.xlsx', 'FILE_CORRUPT'],
    ['sst-index-out-of-range.xlsx', 'FILE_CORRUPT'],
    ['word-document.docx', 'FILE_NOT_WORKBOOK'],
  ])('%s is rejected with the single issue %s', async (name, code) => {
    const { sink, got } = memorySink();
    const o = await checkSubmission(file(name), ctx({ fileName: name, sink }));
    expect(o.report.status).toBe('rejected');
    expect(without(o).map((i) => i.code)).toEqual([code]);
    expect(o.report.sheets).toEqual([]);
    expect(got.inspections).toEqual([]);
  });
});
