// The JSON outputs keep to their schemas, and the documentation keeps up with the code.
//
// Real outputs only: the reports of checkSubmission over every reader fixture, the
// inspect lines of every fixture, and the --json output of the CLI's commands run
// in-process (main) over a small story on a fresh data directory: the opening
// ledger, an accepted and a rejected workbook, evaluate, monitor, alerts, versions,
// report, validate, inspect. Each schema is closed, so a field that appears or
// disappears fails here; the schemas' code lists are compared with the unions of
// functions/core/model.ts; docs/clerk.md must name every issue code, sheet,
// column, spelling, department and indicator the code knows.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import { beforeAll, describe, expect, it } from 'vitest';
import alertSchema from '../../../schemas/alert.schema.json';
import alertsOutputSchema from '../../../schemas/alerts-output.schema.json';
import evaluationOutputSchema from '../../../schemas/evaluation-output.schema.json';
import inspectLineSchema from '../../../schemas/inspect-line.schema.json';
import monitorOutputSchema from '../../../schemas/monitor-output.schema.json';
import validationReportSchema from '../../../schemas/validation-report.schema.json';
import versionsOutputSchema from '../../../schemas/versions-output.schema.json';
import categoriesJson from '../../../schemas/categories.json';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { DEPARTMENTS, loadPlan } from '../../../functions/core/catalog';
import type { Issue, SheetSummary, ValidationReport } from '../../../functions/core/model';
import { COVER_KEYS, SHEETS, HELP_SHEET_NAMES } from '../../../functions/core/sheet-specs';
import { checkSubmission } from '../../../functions/core/submission/check';
import { inspectWorkbook } from '../../../functions/core/submission/inspect';
import { main } from '../../../functions/local/cli';
import { sampleCreditCode } from '../../../functions/local/demo';
import { date, inspectionRows, xlsx } from '../../support/workbooks';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const fixturesDir = join(root, 'test/fixtures/files');
const fixtures = readdirSync(fixturesDir).filter((f) => f !== 'README.md').sort();

// ---------------------------------------------------------------------------
// The schemas

// strict: unknown keywords, missing types and the like are schema bugs. alert.schema.json
// (referenced by three outputs) names required properties inside if/then, which strictRequired
// refuses, so the schemas that reference it compile without that one check.
const strict = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
const withAlerts = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
withAlerts.addSchema(alertSchema);

const SCHEMAS = {
  'validation-report': { schema: validationReportSchema, ajv: strict },
  'evaluation-output': { schema: evaluationOutputSchema, ajv: withAlerts },
  'monitor-output': { schema: monitorOutputSchema, ajv: withAlerts },
  'alerts-output': { schema: alertsOutputSchema, ajv: withAlerts },
  'versions-output': { schema: versionsOutputSchema, ajv: strict },
  'inspect-line': { schema: inspectLineSchema, ajv: strict },
} as const;
type SchemaName = keyof typeof SCHEMAS;

const validators = Object.fromEntries(
  Object.entries(SCHEMAS).map(([name, { schema, ajv }]) => [name, ajv.compile(schema)]),
) as Record<SchemaName, ValidateFunction>;

/** How many real outputs each schema has validated: every schema must see at least one. */
const exercised = new Map<SchemaName, number>();

/** Validates the JSON as it is printed (a round trip: undefined fields vanish, NaN becomes null). */
function expectValid(name: SchemaName, value: unknown, what: string = name): void {
  const v = validators[name];
  const ok = v(JSON.parse(JSON.stringify(value)));
  expect(ok ? [] : v.errors, `${what} against ${name}.schema.json`).toEqual([]);
  exercised.set(name, (exercised.get(name) ?? 0) + 1);
}

function isValid(name: SchemaName, value: unknown): boolean {
  return validators[name](JSON.parse(JSON.stringify(value))) as boolean;
}

const modelSource = readFileSync(join(root, 'functions/core/model.ts'), 'utf8');

/** The string literals of a union type in model.ts, in source order. */
function unionOf(typeName: string): string[] {
  const m = new RegExp(`export type ${typeName} =([^;]*);`).exec(modelSource);
  if (!m) throw new Error(`no type ${typeName} in model.ts`);
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
}

const ISSUE_CODES = unionOf('IssueCode');

describe('the output schemas', () => {
  it.each(Object.keys(SCHEMAS))('%s.schema.json is draft 2020-12, named for its file, and compiles strictly', (name) => {
    const schema = SCHEMAS[name as SchemaName].schema as { $schema: string; $id: string };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe(`https://qtrack.local/schemas/${name}.schema.json`);
    expect(typeof validators[name as SchemaName]).toBe('function');
  });

  it('the report lists exactly the IssueCode union of model.ts, and the kinds of SheetKind and RecordKind', () => {
    expect(ISSUE_CODES.length).toBeGreaterThan(40);
    const defs = validationReportSchema.$defs;
    expect(defs.issue.properties.code.enum).toEqual(ISSUE_CODES);
    expect(defs.sheet.properties.kind.enum).toEqual(unionOf('SheetKind'));
    expect(defs.recordKind.enum).toEqual(unionOf('SheetKind').filter((k) => k !== 'cover'));
    expect(versionsOutputSchema.$defs.kinds.items.enum).toEqual(defs.recordKind.enum);
    expect(evaluationOutputSchema.$defs.source.properties.kind.enum).toEqual(defs.recordKind.enum);
  });

  it('inspect refuses a file with exactly the FILE_ codes; evaluate knows every IndicatorStatus', () => {
    expect(inspectLineSchema.$defs.rejected.properties.code.enum).toEqual(ISSUE_CODES.filter((c) => c.startsWith('FILE_')));
    expect(evaluationOutputSchema.$defs.indicator.properties.status.enum).toEqual(unionOf('IndicatorStatus'));
  });

  it('the report schema has the fields of ValidationReport, SheetSummary and Issue, no more, no fewer', () => {
    // Record<keyof T, true> fails to compile when the type gains or loses a field: tsc (npm test) then names this file
    const report: Record<keyof ValidationReport, true> = {
      status: true, department: true, period: true, file: true, submissionId: true, receivedAt: true, sheets: true,
      issues: true, counts: true, replaces: true, notes: true, annotated: true,
    };
    const sheet: Record<keyof SheetSummary, true> = { name: true, kind: true, rows: true, acceptedRows: true, storedRows: true };
    const issue: Record<keyof Issue, true> = {
      severity: true, code: true, sheet: true, row: true, column: true, cell: true, header: true, field: true, value: true, message: true,
    };
    const keys = (o: object) => Object.keys(o).sort();
    expect(keys(validationReportSchema.properties)).toEqual(keys(report));
    expect(keys(validationReportSchema.$defs.sheet.properties)).toEqual(keys(sheet));
    expect(keys(validationReportSchema.$defs.issue.properties)).toEqual(keys(issue));
  });
});

// ---------------------------------------------------------------------------
// Real outputs, in-process: every fixture through validation and inspect

const PLAN = loadPlan();
const NOW = new Date('2026-04-05T02:00:00Z');

describe('validation reports of every reader fixture', () => {
  it.each(fixtures)('%s', async (file) => {
    const bytes = new Uint8Array(readFileSync(join(fixturesDir, file)));
    // as validate sees it with --department and --period, and with neither (the cover, or MISSING_CONTEXT)
    for (const given of [{ department: 'market-regulation', period: '2026-Q1' }, {}]) {
      const { report } = await checkSubmission(bytes, { fileName: file, inflate: nodeInflate, now: NOW, plan: PLAN, ...given });
      expectValid('validation-report', report, `${file} ${JSON.stringify(given)}`);
    }
  });
});

describe('inspect lines of every reader fixture', () => {
  const seen = new Set<string>();
  it.each(fixtures)('%s', async (file) => {
    const { lines } = await inspectWorkbook(new Uint8Array(readFileSync(join(fixturesDir, file))), file, { inflate: nodeInflate });
    for (const line of lines) {
      expectValid('inspect-line', line, `${file}: ${JSON.stringify(line).slice(0, 120)}`);
      seen.add('type' in line ? line.type : 'status' in line ? line.status : 'sheet');
    }
  });
  it('together they exercise every kind of line', () => {
    expect([...seen].sort()).toEqual(['boolean', 'date', 'error', 'nocache', 'number', 'ok', 'rejected', 'sheet', 'string']);
  });
});

// ---------------------------------------------------------------------------
// Real outputs of the command line, in-process over a fresh data directory

const dir = mkdtempSync(join(tmpdir(), 'qtrack-outputs-'));
const dataDir = join(dir, 'data');

async function cli(...argv: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await main([...argv, '--data-dir', dataDir], { out: (t) => void out.push(t), err: () => undefined });
  return { code, out: out.join('\n') };
}

async function cliJson(...argv: string[]): Promise<{ code: number; json: Record<string, unknown> }> {
  const { code, out } = await cli(...argv, '--json');
  return { code, json: JSON.parse(out) as Record<string, unknown> };
}

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The opening ledger (2025-Q4): the plan's baselines, 12 Shanghai Brand and 4 Shanghai Standard; one brand certificate expires in June 2026. */
function openingLedger(): string {
  const rows = ['认证类型,获证单位,统一社会信用代码,证书编号,产品或服务名称,发证日期,有效期至,状态'];
  for (let i = 1; i <= 12; i++) rows.push(`上海品牌,品牌企业${i},${sampleCreditCode(9000 + i)},SHB-${i},服务${i},2024-06-01,${i === 1 ? '2026-06-30' : '2029-12-31'},有效`);
  for (let i = 1; i <= 4; i++) rows.push(`上海标准,标准企业${i},${sampleCreditCode(9100 + i)},SHS-${i},,2024-03-01,,有效`);
  return `${rows.join('\r\n')}\r\n`;
}

/** Accepted with warnings: 18 of 20 checks passed (a breach), an unknown column, a stock that differs from the ledger. */
async function marketRegulationQ1(): Promise<Uint8Array> {
  return xlsx({
    封面: [['填报单位', '区市场监管局'], ['统计期', '2026年第1季度'], ['填报人', '张三']],
    指标: [
      ['指标代码', '指标名称', '数值', '单位', '备注'],
      ['STANDARDS_LED_COUNT', null, 3, '项', null],
      ['HIGH_VALUE_PATENTS_PER_10K', null, 80.5, null, null],
      ['ADVANCED_QM_RESULTS_COUNT', null, 2, null, null],
      ['CHIEF_QUALITY_OFFICERS_COUNT', null, 8, null, null],
      ['NQI_SERVICE_STATIONS_TOTAL', null, 4, null, null],
      ['SHANGHAI_BRAND_TOTAL', null, 14, null, null],
    ],
    抽查明细: inspectionRows(18, 2).map((row, i) => [...row, i === 0 ? '联系人' : '王五']),
  });
}

/** Rejected: a credit code with a wrong check character. */
async function constructionQ1(): Promise<Uint8Array> {
  const checks = inspectionRows(5, 0, '钢筋');
  checks[3]![3] = '91310105MA1FL0000X';
  return xlsx({
    封面: [['填报单位：区建设管理委'], ['统计期', '2026-Q1']],
    指标: [['指标代码', '数值'], ['MAJOR_PROJECTS_LEVEL', '国内领先']],
    抽查明细: checks,
    竣工验收: [
      ['工程名称', '竣工验收日期', '验收结论', '绿色建筑', '建筑面积(㎡)'],
      ['项目一', date('2026-02-01'), '合格', '是', 12000],
      ['项目二', date('2026-03-01'), '合格', '否', 3000],
    ],
  });
}

describe('the --json output of the command line', () => {
  const out: Record<string, { code: number; json: Record<string, unknown> }> = {};

  beforeAll(async () => {
    const ledger = write('certifications.csv', openingLedger());
    const mr = write('mr-2026-q1.xlsx', await marketRegulationQ1());
    const con = write('con-2026-q1.xlsx', await constructionQ1());
    out.ledger = await cliJson('submit', ledger, '--department', 'market-regulation', '--period', '2025-Q4', '--now', '2026-01-10');
    out.accepted = await cliJson('submit', mr, '--department', 'market-regulation', '--period', '2026-Q1', '--now', '2026-04-05');
    out.rejected = await cliJson('submit', con, '--department', 'construction', '--period', '2026-Q1', '--now', '2026-04-06');
    out.validate = await cliJson('validate', con, '--now', '2026-04-07');
    out.report = await cliJson('report', String(out.accepted.json.submissionId), '--out', join(dir, 'fetched'));
    out.evaluateQ1 = await cliJson('evaluate', '--period', '2026-Q1', '--now', '2026-04-12');
    // the second quarter: nobody has sent anything, the stocks carried over from the ledger fall behind the pace
    out.evaluateQ2 = await cliJson('evaluate', '--period', '2026-Q2', '--now', '2026-07-05');
    out.monitor = await cliJson('monitor', '--now', '2026-04-20');
    out.alerts = await cliJson('alerts');
    out.alertsQ1 = await cliJson('alerts', '--period', '2026-Q1');
    out.versions = await cliJson('versions', '--period', '2026-Q1');
  }, 120_000);

  it('submit and validate print the validation report: accepted with warnings and the annotated copy, rejected', () => {
    expect([out.ledger, out.accepted, out.rejected, out.validate].map((r) => [r.code, r.json.status])).toEqual([
      [0, 'accepted'],
      [0, 'accepted'],
      [1, 'rejected'],
      [1, 'rejected'],
    ]);
    for (const [name, r] of Object.entries(out).filter(([n]) => ['ledger', 'accepted', 'rejected', 'validate', 'report'].includes(n))) {
      expectValid('validation-report', r.json, name);
    }
    const accepted = out.accepted.json as unknown as ValidationReport;
    expect(accepted.issues.map((i) => i.code).sort()).toEqual(['STOCK_MISMATCH', 'UNKNOWN_COLUMN']);
    expect(accepted.annotated).toMatchObject({ form: 'copy' });
    expect(accepted.sheets.find((s) => s.kind === 'inspections')).toMatchObject({ rows: 20, acceptedRows: 20, storedRows: 20 });
    expect(out.ledger.json.replaces).toEqual(['certifications']);
    expect((out.rejected.json as unknown as ValidationReport).issues[0]).toMatchObject({ code: 'INVALID_CREDIT_CODE', cell: 'D4', field: 'creditCode' });
    // validate stores nothing: no submission id, no annotated key
    expect(out.validate.json.submissionId).toBeUndefined();
    expect(out.validate.json.annotated).toBeUndefined();
    expect(out.report.json).toEqual(out.accepted.json);
  });

  it('evaluate prints every indicator, the alerts it raised and the sources', () => {
    for (const name of ['evaluateQ1', 'evaluateQ2']) {
      expect(out[name]!.code).toBe(0);
      expectValid('evaluation-output', out[name]!.json, name);
    }
    const q1 = out.evaluateQ1.json as { indicators: { code: string; status: string }[]; sources: { kind: string }[] };
    expect(q1.indicators.map((i) => i.code)).toEqual(PLAN.indicators.map((d) => d.code));
    expect(q1.indicators.find((i) => i.code === 'MFG_SPOT_CHECK_PASS_RATE')!.status).toBe('breached');
    expect(q1.sources.map((s) => s.kind).sort()).toEqual(['acceptances', 'certifications', 'indicators', 'inspections']);
    // ingest evaluated 2026-Q1 already; 2026-Q2 raises its own alerts here
    expect((out.evaluateQ2.json.alerts as unknown[]).length).toBeGreaterThan(0);
  });

  it('monitor prints the day and what it raised: a late department, an expiring certificate', () => {
    expect(out.monitor.code).toBe(0);
    expectValid('monitor-output', out.monitor.json);
    expect(out.monitor.json.date).toBe('2026-04-20');
    expect((out.monitor.json.alerts as { type: string }[]).map((a) => a.type).sort()).toEqual(['CERTIFICATE_EXPIRING', 'SUBMISSION_LATE']);
  });

  it('alerts prints every stored alert, of every type the story raised', () => {
    expectValid('alerts-output', out.alerts.json, 'alerts');
    expectValid('alerts-output', out.alertsQ1.json, 'alerts --period');
    const types = new Set((out.alerts.json.alerts as { type: string }[]).map((a) => a.type));
    expect([...types].sort()).toEqual(['CERTIFICATE_EXPIRING', 'SUBMISSION_LATE', 'SUBMISSION_REJECTED', 'TARGET_AT_RISK', 'TARGET_BREACHED']);
  });

  it('versions prints the quarter’s versions, oldest first, with what each replaces and is current for', () => {
    expectValid('versions-output', out.versions.json);
    const versions = out.versions.json.versions as { status: string; currentFor: string[] }[];
    expect(versions.map((v) => [v.status, v.currentFor.length])).toEqual([
      ['accepted', 4],
      ['rejected', 0],
    ]);
  });

  it('inspect --json prints lines that each match the line schema', async () => {
    const files = ['hidden-sheets.xlsx', 'formula-error.xlsx', 'legacy.xls'].map((f) => join(fixturesDir, f));
    const { code, out: text } = await cli('inspect', ...files, '--json');
    expect(code).toBe(1); // legacy.xls is refused
    const lines = text.split('\n').map((l) => JSON.parse(l) as unknown);
    for (const line of lines) expectValid('inspect-line', line, JSON.stringify(line).slice(0, 120));
    expect(lines).toContainEqual(expect.objectContaining({ status: 'rejected', code: 'FILE_LEGACY_XLS' }));
  });

  it('the schemas are closed: an extra field, a wrong value or a missing field in a real output fails', () => {
    const report = out.accepted.json as unknown as ValidationReport;
    expect(isValid('validation-report', { ...report, extra: 1 })).toBe(false);
    expect(isValid('validation-report', { ...report, issues: [{ ...report.issues[0]!, hint: 'x' }] })).toBe(false);
    expect(isValid('validation-report', { ...report, issues: [{ ...report.issues[0]!, code: 'NOT_A_CODE' }] })).toBe(false);
    expect(isValid('validation-report', { ...report, sheets: [{ ...report.sheets[0]!, rowsSeen: 1 }] })).toBe(false);
    const { counts: _counts, ...noCounts } = report;
    expect(isValid('validation-report', noCounts)).toBe(false);

    const evaluation = out.evaluateQ1.json as { indicators: object[]; sources: object[] };
    expect(isValid('evaluation-output', { ...evaluation, summary: {} })).toBe(false);
    expect(isValid('evaluation-output', { ...evaluation, indicators: [{ ...evaluation.indicators[0], name: 'x' }] })).toBe(false);
    expect(isValid('evaluation-output', { ...evaluation, sources: [{ ...evaluation.sources[0], key: 'x' }] })).toBe(false);

    const monitor = out.monitor.json as { alerts: object[] };
    expect(isValid('monitor-output', { ...monitor, evaluated: [] })).toBe(false);
    expect(isValid('monitor-output', { ...monitor, alerts: [{ ...monitor.alerts[0], extra: 1 }] })).toBe(false);
    expect(isValid('monitor-output', { ...monitor, date: '2026-04-20T01:00:00.000Z' })).toBe(false);
    expect(isValid('alerts-output', { ...out.alerts.json, count: 1 })).toBe(false);

    const versions = out.versions.json as { versions: object[] };
    expect(isValid('versions-output', { ...versions, versions: [{ ...versions.versions[0], objectKey: 'x' }] })).toBe(false);
    // a portal upload names its uploader (an e-mail, never empty)
    expect(isValid('versions-output', { ...versions, versions: [{ ...versions.versions[0], uploadedBy: 'clerk@example.gov.cn' }] })).toBe(true);
    expect(isValid('versions-output', { ...versions, versions: [{ ...versions.versions[0], uploadedBy: '' }] })).toBe(false);

    expect(isValid('inspect-line', { file: 'a.xlsx', status: 'ok', sheets: 1 })).toBe(false);
    expect(isValid('inspect-line', { file: 'a.xlsx', sheet: 'S', cell: 'A1', type: 'number', value: 1, serial: 1 })).toBe(false);
    expect(isValid('inspect-line', { file: 'a.xlsx', sheet: 'S', cell: 'A1', type: 'date', value: '2026-01-12' })).toBe(false);
  });

  it('every output schema validated at least one real output', () => {
    for (const name of Object.keys(SCHEMAS) as SchemaName[]) expect(exercised.get(name) ?? 0, name).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------
// The documentation

const read = (path: string) => readFileSync(join(root, path), 'utf8');
const clerk = read('docs/clerk.md');

describe('docs/clerk.md', () => {
  it('has one row for every IssueCode of model.ts in its table, and none that is not one', () => {
    const table = /<!-- issue-codes:start -->([\s\S]*?)<!-- issue-codes:end -->/.exec(clerk)?.[1];
    expect(table, 'the issue-codes markers').toBeDefined();
    const documented = [...table!.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]!);
    expect(documented).toEqual(ISSUE_CODES);
  });

  it('names every sheet, column, header spelling and cover key of sheet-specs.ts', () => {
    const names: string[] = [...HELP_SHEET_NAMES];
    for (const s of SHEETS) {
      names.push(s.zh, s.en, ...s.aliases);
      for (const c of s.columns) names.push(c.zh, c.en, ...c.aliases);
    }
    for (const k of COVER_KEYS) names.push(k.zh, k.en, ...k.aliases);
    expect(names.filter((n) => !clerk.includes(n))).toEqual([]);
  });

  it('names every accepted spelling of every choice', () => {
    const spellings = SHEETS.flatMap((s) => s.columns.flatMap((c) => (c.enum ?? []).flatMap((o) => [o.value, o.zh, o.en, ...o.synonyms])));
    expect(spellings.filter((n) => !clerk.includes(n))).toEqual([]);
  });

  it('names every department with all its names, every indicator and every product category', () => {
    const names = DEPARTMENTS.flatMap((d) => [d.code, d.name, d.nameEn, ...d.aliases]);
    names.push(...PLAN.indicators.map((i) => i.code));
    const { buildingMaterial, products } = categoriesJson;
    // a building material's every spelling decides which rate a row feeds; any other product counts alike, by any name
    for (const c of [buildingMaterial, ...buildingMaterial.subcategories]) names.push(c.name, ...c.synonyms);
    names.push(...products.map((c) => c.name));
    expect(names.filter((n) => !clerk.includes(n))).toEqual([]);
  });
});

/** GitHub's heading anchors: lower case, punctuation and symbols dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(markdown: string): Set<string> {
  return new Set([...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

describe('README.md and docs/ link only to files of the repository, and those exist', () => {
  const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

  it.each(documents)('%s', (doc) => {
    const text = read(doc);
    const base = dirname(join(root, doc));
    // no path out of the repository, linked or not (../shared/…, the spec a user of the repository does not have)
    for (const m of text.matchAll(/(?:\.\.\/)+[\w.-]+/g)) {
      expect(resolve(base, m[0]).startsWith(`${root}/`), `${doc}: ${m[0]} leaves the repository`).toBe(true);
    }
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    for (const link of links) {
      if (/^[a-z]+:/i.test(link)) continue; // an address on the web
      const [path, anchor] = link.split('#') as [string, string | undefined];
      const target = path === '' ? join(root, doc) : resolve(base, path);
      expect(target.startsWith(`${root}/`) || target === root, `${doc}: ${link} leaves the repository`).toBe(true);
      expect(existsSync(target), `${doc}: ${link} does not exist`).toBe(true);
      if (anchor && target.endsWith('.md')) {
        expect(anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor)), `${doc}: ${link}: no such heading`).toBe(true);
      }
    }
  });

  it('README.md links the documentation, and outputs.md every output schema', () => {
    const readme = read('README.md');
    for (const d of ['docs/clerk.md', 'docs/operator.md', 'docs/outputs.md']) expect(readme).toContain(`](${d})`);
    const outputs = read('docs/outputs.md');
    for (const name of Object.keys(SCHEMAS)) expect(outputs).toContain(`](../schemas/${name}.schema.json)`);
  });
});
