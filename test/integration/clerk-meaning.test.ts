// Issue 9: what is stored and shown is what the department meant. Each case is
// run as a clerk would — real CSV and .xlsx files (the project's own template
// filled in with exceljs), the command line, the embedded DynamoDB and S3 under
// a fresh data directory.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../functions/core/catalog';
import type { ValidationReport } from '../../functions/core/model';
import { buildTemplate, HEADER_ROW } from '../../functions/core/workbook/write/template';
import { main } from '../../functions/local/cli';
import { sampleCreditCode } from '../../functions/local/demo';
import { silentLogger } from '../../functions/adapters/memory';
import { openLocalPipeline } from '../../functions/local/runtime';

const repo = resolve(__dirname, '../..');
const plan = loadPlan('15th');
const tmp = (p = 'qtrack-clerk-') => mkdtempSync(join(tmpdir(), p));

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

function csv(dir: string, name: string, rows: (string | number)[][]): string {
  const path = join(dir, name);
  writeFileSync(path, '\ufeff' + rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
  return path;
}

const INSPECTIONS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'];
const CERTIFICATES = ['认证类型', '获证单位', '统一社会信用代码', '证书编号', '产品或服务名称', '发证日期', '有效期至', '状态'];

function inspectionRows(n: number, failures: number, category: (i: number) => string, date = '2026-02-10'): (string | number)[][] {
  return Array.from({ length: n }, (_, i) => [`B${i + 1}`, category(i), `企业${i + 1}`, sampleCreditCode(i + 1), date, '区', i < failures ? '不合格' : '合格', i < failures ? '标签' : '']);
}

function brandRows(from: number, n: number, issued: string): string[][] {
  return Array.from({ length: n }, (_, i) => ['上海品牌', `品牌企业${from + i}`, sampleCreditCode(500 + from + i), `SHB-${from + i}`, `服务${from + i}`, issued, '2029-12-31', '有效']);
}

/** The department's template, with 数值 typed into the prefilled 指标 rows and rows under the other headers. */
async function filledTemplate(path: string, department: string, period: string, values: Record<string, number | string | null>, sheets: Record<string, (string | number)[][]> = {}) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await buildTemplate({ department, plan, period })) as unknown as ArrayBuffer);
  const ind = wb.getWorksheet('指标');
  ind?.eachRow((row, r) => {
    const code = String(row.getCell(1).value);
    if (r > HEADER_ROW && code in values && values[code] !== null) row.getCell(3).value = values[code]!;
  });
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.getWorksheet(name)!;
    rows.forEach((r, i) => r.forEach((v, c) => (ws.getCell(HEADER_ROW + 1 + i, c + 1).value = v)));
  }
  writeFileSync(path, Buffer.from(await wb.xlsx.writeBuffer()));
  return path;
}

const json = <T>(r: { out: string }): T => JSON.parse(r.out) as T;
type Evaluated = { indicators: { code: string; status: string; value: unknown; quarter: unknown; yearToDate: unknown }[]; sources: { department: string; kind: string; fileName: string }[] };
const indicator = (e: Evaluated, code: string) => e.indicators.find((i) => i.code === code)!;

describe('per-kind CSV uploads: each replaces only its own sheet kind', () => {
  for (const order of [['indicators', 'inspections'], ['inspections', 'indicators']]) {
    it(`${order.join('.csv then ')}.csv: both sheets' data are current and evaluated`, async () => {
      const dir = tmp();
      const data = join(dir, 'data');
      const files: Record<string, string> = {
        indicators: csv(dir, 'indicators.csv', [['指标代码', '数值'], ['STANDARDS_LED_COUNT', 3], ['CHIEF_QUALITY_OFFICERS_COUNT', 8]]),
        inspections: csv(dir, 'inspections.csv', [INSPECTIONS, ...inspectionRows(20, 1, () => '电子电器')]),
      };
      for (const kind of order) {
        const r = await run('submit', files[kind]!, '--department', 'market-regulation', '--period', '2026-Q1', '--data-dir', data, '--now', '2026-04-05T10:00:00+08:00');
        expect(r.code, r.out).toBe(0);
        expect(r.out).toContain(`本次报送替换 / this upload replaces: ${kind === 'indicators' ? '指标' : '抽查明细'}`);
      }
      const e = json<Evaluated>(await run('evaluate', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-15'));
      expect(indicator(e, 'STANDARDS_LED_COUNT')).toMatchObject({ value: 3, status: 'met' });
      expect(indicator(e, 'CHIEF_QUALITY_OFFICERS_COUNT')).toMatchObject({ value: 8, status: 'met' });
      expect(indicator(e, 'MFG_SPOT_CHECK_PASS_RATE')).toMatchObject({ value: 95, status: 'met' });
      expect(e.sources.map((s) => [s.kind, s.fileName]).sort()).toEqual([['indicators', 'indicators.csv'], ['inspections', 'inspections.csv']]);

      // the version history says which upload each kind comes from
      const v = json<{ versions: { fileName: string; replaces: string[]; currentFor: string[] }[] }>(await run('versions', '--period', '2026-Q1', '--json', '--data-dir', data));
      expect(v.versions.map((x) => [x.fileName, x.replaces, x.currentFor])).toEqual(
        order.map((k) => [`${k}.csv`, [k], [k]]),
      );
      // and the summary's 报送情况
      const out = join(dir, 'summary');
      expect((await run('summary', '--period', '2026-Q1', '--out', out, '--data-dir', data, '--now', '2026-04-15')).code).toBe(0);
      const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
      const mr = summary.submissions.find((s: { department: string }) => s.department === 'market-regulation');
      expect(mr.current.map((c: { kind: string; fileName: string }) => [c.kind, c.fileName]).sort()).toEqual([['indicators', 'indicators.csv'], ['inspections', 'inspections.csv']]);
      // the two CSVs leave out indicators the department owns: the submission is incomplete
      expect(mr.missing).toEqual(expect.arrayContaining(['ADVANCED_QM_RESULTS_COUNT', 'HIGH_VALUE_PATENTS_PER_10K', 'NQI_SERVICE_STATIONS_TOTAL']));
      // a later workbook replaces every kind again
      const wb = await filledTemplate(join(dir, 'full.xlsx'), 'market-regulation', '2026-Q1', { STANDARDS_LED_COUNT: 4 });
      expect((await run('submit', wb, '--department', 'market-regulation', '--period', '2026-Q1', '--data-dir', data, '--now', '2026-04-06')).code).toBe(0);
      const after = json<Evaluated>(await run('evaluate', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-15'));
      expect(indicator(after, 'STANDARDS_LED_COUNT').value).toBe(4);
      expect(indicator(after, 'CHIEF_QUALITY_OFFICERS_COUNT').status).toBe('no_data');
      expect(indicator(after, 'MFG_SPOT_CHECK_PASS_RATE').status).toBe('no_data');
    });
  }
});

describe('a prefilled 指标 row left without a value', () => {
  it('is reported at its 数值 cell, and indicators left out are warned about', async () => {
    const dir = tmp();
    const file = await filledTemplate(join(dir, 'q1.xlsx'), 'market-regulation', '2026-Q1', { STANDARDS_LED_COUNT: 3, CHIEF_QUALITY_OFFICERS_COUNT: 8, HIGH_VALUE_PATENTS_PER_10K: 62 }, {
      抽查明细: inspectionRows(5, 0, () => '儿童用品'),
    });
    const r = await run('validate', file, '--department', 'market-regulation', '--period', '2026-Q1', '--json', '--now', '2026-04-05');
    const report = json<ValidationReport>(r);
    expect(report.status).toBe('accepted');
    const blanks = report.issues.filter((i) => i.code === 'VALUE_MISSING');
    // ADVANCED_QM_RESULTS_COUNT and NQI_SERVICE_STATIONS_TOTAL were left empty; MFG comes from the rows, the stocks from the ledger
    expect(blanks.map((i) => [i.sheet, i.cell, i.severity])).toEqual([
      ['指标', 'C8', 'warning'],
      ['指标', 'C10', 'warning'],
    ]);
    expect(blanks[0]!.message.zh).toContain('形成先进质量管理模式和成果');
    // the report and the annotated copy are written beside the input, and their paths printed
    expect(existsSync(join(dir, 'q1.report.json'))).toBe(true);
    expect(existsSync(join(dir, 'q1.annotated.xlsx'))).toBe(true);
    expect(r.err).toContain(join(dir, 'q1.annotated.xlsx'));
  });
});

describe('the opening certificate ledger', () => {
  it('is loaded once as 2025-Q4 认证明细; the plan’s first quarter then counts 12 + 1', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const opening = csv(dir, 'certifications.csv', [CERTIFICATES, ...brandRows(1, 12, '2023-06-01')]);
    const r0 = await run('submit', opening, '--department', 'market-regulation', '--period', '2025-Q4', '--data-dir', data, '--now', '2026-01-20');
    expect(r0.code, r0.out).toBe(0);
    const q1 = await filledTemplate(join(dir, 'q1.xlsx'), 'market-regulation', '2026-Q1', { SHANGHAI_BRAND_TOTAL: 13, STANDARDS_LED_COUNT: 1 }, { 认证明细: brandRows(13, 1, '2026-02-01') });
    const r1 = await run('submit', q1, '--department', 'market-regulation', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-05');
    const report = json<ValidationReport>(r1);
    expect(report.status).toBe('accepted');
    expect(report.issues.map((i) => i.code)).not.toContain('STOCK_MISMATCH');
    expect(report.issues.map((i) => i.code)).not.toContain('LEDGER_BELOW_BASELINE');
    const e = json<Evaluated>(await run('evaluate', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-15'));
    expect(indicator(e, 'SHANGHAI_BRAND_TOTAL')).toMatchObject({ value: 13, status: 'met' });

    // validate sees the stored ledger: re-reporting 13 with no new certificate is no mismatch
    const q2 = await filledTemplate(join(dir, 'q2.xlsx'), 'market-regulation', '2026-Q2', { SHANGHAI_BRAND_TOTAL: 13, STANDARDS_LED_COUNT: 1 });
    const v = json<ValidationReport>(await run('validate', q2, '--department', 'market-regulation', '--period', '2026-Q2', '--json', '--data-dir', data, '--now', '2026-07-05'));
    expect(v.issues.map((i) => i.code)).not.toContain('STOCK_MISMATCH');
    expect(v.notes ?? []).toEqual([]);
    // without a data directory at hand it says it could not check (run where there is no .qtrack)
    const elsewhere = tmp();
    const out = execFileSync(process.execPath, [join(repo, 'bin/qtrack.mjs'), 'validate', q2, '--department', 'market-regulation', '--period', '2026-Q2', '--now', '2026-07-05'], { cwd: elsewhere, encoding: 'utf8' });
    expect(out).toContain('存量指标未与证书台账核对');
    expect(out).not.toContain('STOCK_MISMATCH');
    expect(existsSync(join(elsewhere, '.qtrack'))).toBe(false);
  });

  it('without it, a ledger stock below the plan’s baseline is warned about, naming the baseline', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const q1 = await filledTemplate(join(dir, 'q1.xlsx'), 'market-regulation', '2026-Q1', { SHANGHAI_BRAND_TOTAL: 13, STANDARDS_LED_COUNT: 1 }, { 认证明细: brandRows(13, 1, '2026-02-01') });
    const report = json<ValidationReport>(await run('submit', q1, '--department', 'market-regulation', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-05'));
    const below = report.issues.find((i) => i.code === 'LEDGER_BELOW_BASELINE')!;
    expect(below).toMatchObject({ severity: 'warning', sheet: '指标' });
    expect(below.message.zh).toContain('低于规划基数 12');
    expect(below.message.zh).toContain('2025-Q4');
    expect(report.issues.find((i) => i.code === 'STOCK_MISMATCH')?.message.zh).toContain('1');
  });

  it('the opening quarter takes 认证明细 only; a period before it is refused', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const inspections = csv(dir, 'inspections.csv', [INSPECTIONS, ...inspectionRows(2, 0, () => '电子电器', '2025-11-01')]);
    const r = json<ValidationReport>(await run('submit', inspections, '--department', 'market-regulation', '--period', '2025-Q4', '--json', '--data-dir', data, '--now', '2026-01-20'));
    expect(r.issues.map((i) => [i.code, i.sheet])).toEqual([['SHEET_NOT_ALLOWED', 'inspections']]);
    const certs = csv(dir, 'certifications.csv', [CERTIFICATES, ...brandRows(1, 1, '2021-02-01')]);
    const old = json<ValidationReport>(await run('submit', certs, '--department', 'market-regulation', '--period', '2021-Q1', '--json', '--data-dir', data, '--now', '2026-04-05'));
    expect(old.issues.map((i) => [i.code, i.sheet])).toEqual([['PERIOD_BEFORE_PLAN', undefined]]);
    expect(old.issues[0]!.message.zh).toContain('2025-Q4');
  });
});

describe('building materials', () => {
  it('钢筋, 水泥, 预拌混凝土, 防水卷材 feed the building-material rate, not manufacturing; another category is warned about', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const cats = ['钢筋', '水泥', '预拌混凝土', '防水卷材'];
    const file = csv(dir, 'inspections.csv', [INSPECTIONS, ...inspectionRows(8, 1, (i) => cats[i % 4]!), ['X9', '电线电缆', '企业9', sampleCreditCode(99), '2026-02-10', '区', '合格', '']]);
    const report = json<ValidationReport>(await run('submit', file, '--department', 'construction', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-05'));
    expect(report.issues.map((i) => [i.code, i.cell])).toEqual([['CATEGORY_NOT_BUILDING_MATERIAL', 'B10']]);
    const e = json<Evaluated>(await run('evaluate', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-15'));
    expect(indicator(e, 'BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE')).toMatchObject({ value: 87.5 });
    expect(indicator(e, 'MFG_SPOT_CHECK_PASS_RATE')).toMatchObject({ value: 100 }); // the one 电线电缆 row
  });

  it('DERIVED_MISMATCH names the filter it applied', async () => {
    const dir = tmp();
    const file = await filledTemplate(join(dir, 'c.xlsx'), 'construction', '2026-Q1', { BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE: 99 }, { 抽查明细: inspectionRows(4, 1, () => '水泥') });
    const report = json<ValidationReport>(await run('validate', file, '--department', 'construction', '--period', '2026-Q1', '--json', '--now', '2026-04-05'));
    const mismatch = report.issues.find((i) => i.code === 'DERIVED_MISMATCH')!;
    expect(mismatch.message.zh).toContain('产品类别为建筑材料');
    expect(mismatch.message.zh).toContain('钢筋');
  });
});

describe('who may send what', () => {
  it('commerce sends no 抽查明细: an error at sheet level, the rate untouched', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const file = csv(dir, 'inspections.csv', [INSPECTIONS, ...inspectionRows(10, 3, () => '电子电器')]);
    const report = json<ValidationReport>(await run('submit', file, '--department', 'commerce', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-05'));
    expect(report.status).toBe('rejected');
    expect(report.issues.map((i) => [i.code, i.sheet, i.row])).toEqual([['SHEET_NOT_ALLOWED', 'inspections', undefined]]);
    expect(report.issues[0]!.message.zh).toContain('区商务委');
    const e = json<Evaluated>(await run('evaluate', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-15'));
    expect(indicator(e, 'MFG_SPOT_CHECK_PASS_RATE').status).toBe('no_data');
  });

  it('a key with an extra folder level gets a rejection report and an alert, never silence', async () => {
    const data = tmp();
    const p = await openLocalPipeline({ dataDir: data, logger: silentLogger, now: new Date('2026-04-05T02:00:00Z') });
    try {
      const bytes = new TextEncoder().encode('指标代码,数值\r\nSTANDARDS_LED_COUNT,3\r\n');
      const { report, version } = await p.upload('submissions/market-regulation/2026-Q1/extra/indicators.csv', bytes);
      expect(report.status).toBe('rejected');
      expect(report.issues.map((i) => i.code)).toEqual(['BAD_KEY']);
      expect(report.issues[0]!.message.zh).toContain('submissions/{部门代码}/{统计期}/{文件名}');
      expect(await p.deps.reports.get(version.reportKey)).toBeDefined();
      const alerts = await p.deps.alerts.list();
      expect(alerts.map((a) => [a.type, a.source])).toEqual([['SUBMISSION_REJECTED', version.submissionId]]);
    } finally {
      await p.stop();
    }
  });
});

describe('the clerk’s files and the office’s words', () => {
  it('template never overwrites a file without --force', async () => {
    const dir = tmp();
    const out = join(dir, 't.xlsx');
    writeFileSync(out, 'my filled-in work');
    const r = await run('template', '--department', 'construction', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/已存在，未覆盖.*exists and was not overwritten/);
    expect(readFileSync(out, 'utf8')).toBe('my filled-in work');
    expect((await run('template', '--department', 'construction', '--out', out, '--force')).code).toBe(0);
    expect(readFileSync(out).subarray(0, 2).toString()).toBe('PK');
  });

  it('a wrong period stands alone: PERIOD_NOT_STARTED and nothing else', async () => {
    const dir = tmp();
    const file = await filledTemplate(join(dir, 'q1.xlsx'), 'market-regulation', '2026-Q1', { STANDARDS_LED_COUNT: 3 }, { 抽查明细: inspectionRows(30, 0, () => '儿童用品') });
    const report = json<ValidationReport>(await run('validate', file, '--department', 'market-regulation', '--period', '2027-Q1', '--json', '--now', '2026-04-05'));
    expect(report.issues.map((i) => i.code)).toEqual(['PERIOD_NOT_STARTED']);
  });

  it('COVER_MISMATCH names departments in Chinese; the text report shows the value found; monitor prints the Shanghai date', async () => {
    const dir = tmp();
    const file = await filledTemplate(join(dir, 'c.xlsx'), 'construction', '2026-Q1', { MAJOR_PROJECTS_LEVEL: '国内领先' });
    const r = await run('validate', file, '--department', 'market-regulation', '--period', '2026-Q1', '--now', '2026-04-05');
    expect(r.out).toContain('COVER_MISMATCH');
    expect(r.out).toContain('与报送单位区市场监管局（market-regulation）不一致');
    expect(r.out).toContain('原值 / value found: "区建设管理委"');
    const data = join(dir, 'data');
    await run('submit', csv(dir, 'indicators.csv', [['指标代码', '数值'], ['STANDARDS_LED_COUNT', 3]]), '--department', 'market-regulation', '--period', '2026-Q1', '--data-dir', data, '--now', '2026-04-05');
    const m = await run('monitor', '--now', '2026-04-11', '--data-dir', data);
    expect(m.out).toContain('监测日期 / monitoring date: 2026-04-11');
    expect(json<{ date: string }>(await run('monitor', '--now', '2026-04-11', '--json', '--data-dir', data)).date).toBe('2026-04-11');
  });

  it('report ID fetches a stored version’s report, annotated copy and raw file', async () => {
    const dir = tmp();
    const data = join(dir, 'data');
    const file = csv(dir, 'inspections.csv', [INSPECTIONS, ...inspectionRows(3, 0, () => '电子电器'), ['B9', '电子电器', '企业', 'bad-code', '2026-02-10', '区', '合格', '']]);
    const submitted = json<ValidationReport>(await run('submit', file, '--department', 'market-regulation', '--period', '2026-Q1', '--json', '--data-dir', data, '--now', '2026-04-05'));
    const out = join(dir, 'fetched');
    const r = await run('report', submitted.submissionId!, '--out', out, '--data-dir', data);
    expect(r.code).toBe(0);
    const id = submitted.submissionId!;
    expect(JSON.parse(readFileSync(join(out, `${id}.report.json`), 'utf8')).issues[0].code).toBe('INVALID_CREDIT_CODE');
    expect(existsSync(join(out, `${id}.annotated.xlsx`))).toBe(true);
    expect(readFileSync(join(out, `${id}.original.csv`))).toEqual(readFileSync(file));
    expect((await run('report', 'no-such-id', '--data-dir', data)).code).toBe(2);
  });
});
