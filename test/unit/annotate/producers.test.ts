// Every workbook fixture — files from Excel, WPS, LibreOffice, Google Sheets,
// Numbers, Gnumeric, XlsxWriter, openpyxl and exceljs, and the hand-made ones
// in their idioms (test/fixtures/files/README.md) — annotated: the readable
// ones come out as a copy in which every original sheet reads exactly as it
// did, to the project's reader and to openpyxl (and exceljs where it opens the
// original), with the marks and comments in place; the unreadable ones as a
// bare list with its reason.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPlan } from '../../../functions/core/catalog';
import type { Issue } from '../../../functions/core/model';
import { checkSubmission } from '../../../functions/core/submission/check';
import { type Annotated, annotateWorkbook, ERROR_STYLE, ISSUES_SHEET, WARNING_STYLE } from '../../../functions/core/workbook/write/annotate';
import { cellRef, parseCellRef } from '../../../functions/core/workbook/cells';
import { nodeDeflate } from '../../../functions/adapters/zlib/deflate';
import { nodeInflate } from '../../../functions/adapters/zlib/inflate';
import { choppyInflate, type CollectedSheet, readFile } from '../workbook/helpers';
import { annotate, type Checked, type CheckedSheet, cellIssue, haveOpenpyxl, msg, openpyxlCheck, parts } from './helpers';

const FILES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/files');
// the workbooks the fixtures' README describes (other files may be lying there: a CLI run's output)
const described = readFileSync(join(FILES, 'README.md'), 'utf8');
const names = readdirSync(FILES).filter((f) => !f.endsWith('.csv') && !f.endsWith('.md') && described.includes(`| ${f} |`));

type Range = { top: number; bottom: number; left: number; right: number };

interface Case {
  original: Uint8Array;
  before: Awaited<ReturnType<typeof readFile>>;
  issues: Issue[];
  /** the cells that must carry a mark: sheet → cell → severity */
  marked: Map<string, Map<string, Issue['severity']>>;
  out: Annotated;
  oracle?: [Checked, Checked];
  /** the copy as exceljs reads it; 'refused': exceljs cannot open the original; text: why it cannot open the copy */
  exceljs?: ExcelJS.Workbook | string;
}

const cases = new Map<string, Case>();

/** Copies openpyxl 3.0.9 cannot read although the project's reader (and the format) can. */
const OPENPYXL_CANNOT: Record<string, string> = {
  'workbook-at-zip-root.xlsx':
    'the copy needs a style sheet, which it gets beside the workbook part (styles.xml at the root); openpyxl looks only at xl/styles.xml and then finds no style for the marked cells (IndexError)',
};

/** Issues on cells of every kind: a filled one, one inside a merge, an empty one in a row, a row that is not there, a commented one. */
function issuesFor(sheets: CollectedSheet[], commented: Map<string, string[]>): { issues: Issue[]; marked: Case['marked'] } {
  const issues: Issue[] = [
    { severity: 'error', code: 'PERIOD_NOT_STARTED', message: msg('统计期尚未开始', 'the period has not started') },
  ];
  const marked: Case['marked'] = new Map();
  const mark = (sheet: string, cell: string, severity: Issue['severity'], at = cell) => {
    issues.push(cellIssue(sheet, at, severity));
    // inside a merged range, the mark is on its master
    const s = sheets.find((x) => x.name === sheet)!;
    const { row, column } = parseCellRef(cell)!;
    const merge = (s.merges as Range[]).find((r) => row >= r.top && row <= r.bottom && column + 1 >= r.left && column + 1 <= r.right);
    if (merge) cell = cellRef(merge.left - 1, merge.top);
    const m = marked.get(sheet) ?? new Map();
    if (m.get(cell) !== 'error') m.set(cell, severity);
    marked.set(sheet, m);
  };
  for (const s of sheets.filter((x) => x.rows.length > 0).slice(0, 2)) {
    const last = s.rows[s.rows.length - 1]!;
    const lastCol = Math.max(...s.rows.map((r) => r.cells.length));
    const first = last.cells.findIndex((c) => c !== undefined);
    mark(s.name, cellRef(first, last.index), 'error');
    mark(s.name, cellRef(lastCol + 1, s.rows[0]!.index), 'warning');
    mark(s.name, cellRef(1, last.index + 3), 'error');
    const merge = (s.merges as Range[]).find((r) => r.bottom > r.top || r.right > r.left);
    if (merge) mark(s.name, cellRef(merge.left - 1, merge.top), 'warning', cellRef(merge.right - 1, merge.bottom));
    for (const cell of (commented.get(s.name) ?? []).slice(0, 1)) mark(s.name, cell, 'error');
    issues.push({ severity: 'warning', code: 'UNKNOWN_COLUMN', sheet: s.name, message: msg('未知列', 'unknown column') });
  }
  return { issues, marked };
}

beforeAll(async () => {
  const originals = names.map((n) => new Uint8Array(readFileSync(join(FILES, n))));
  const oracles = haveOpenpyxl ? openpyxlCheck(...originals.filter((_, i) => /\.xlsx$/.test(names[i]!))) : [];
  let k = 0;
  for (const [i, name] of names.entries()) {
    const original = originals[i]!;
    const oracle = /\.xlsx$/.test(name) ? oracles[k++] : undefined;
    const before = await readFile(original, name);
    const commented = new Map((oracle?.sheets ?? []).map((s) => [s.name, Object.keys(s.comments)]));
    // a file the reader refuses comes with the issue that refuses it, as from validation
    const { issues, marked } = before.ok ? issuesFor(before.sheets, commented) : { issues: [before.issue], marked: new Map() };
    const out = await annotate(original, issues);
    cases.set(name, { original, before, issues, marked, out });
    if (oracle?.status === 'ok' && out.form === 'copy') cases.get(name)!.oracle = [oracle, openpyxlCheck(out.bytes)[0]!];
    const wb = new ExcelJS.Workbook();
    try {
      await wb.xlsx.load(Buffer.from(original) as unknown as ExcelJS.Buffer);
      if (wb.worksheets.length === 0) throw new Error('exceljs finds no sheets in the original');
    } catch {
      cases.get(name)!.exceljs = 'refused'; // exceljs cannot open the original (or it is not a workbook)
      continue;
    }
    if (out.form !== 'copy') continue;
    const copy = new ExcelJS.Workbook();
    // a copy exceljs cannot open, when it opens the original, fails the test below
    cases.get(name)!.exceljs = await copy.xlsx.load(Buffer.from(out.bytes) as unknown as ExcelJS.Buffer).then(() => copy, (err: Error) => err.message);
  }
});

describe('every fixture, annotated', () => {
  it('covers the corpus: the readable ones come out as copies', () => {
    const copies = [...cases].filter(([, c]) => c.out.form === 'copy').map(([n]) => n);
    expect(copies.length).toBeGreaterThanOrEqual(50);
    for (const producer of ['excel365', 'wps', 'libreoffice', 'google-sheets', 'numbers', 'gnumeric', 'xlsxwriter', 'openpyxl', 'exceljs', 'annotate-openpyxl']) {
      expect(copies.some((n) => n.startsWith(producer)), producer).toBe(true);
    }
  });

  for (const name of names) {
    it(`${name}: ${/^(corrupt|encrypted|legacy|truncated|csv-|word|report|vba|libreoffice-macro|sst-index-out)/.test(name) ? 'a list with its reason' : 'a copy that reads as the original'}`, () => {
      const c = cases.get(name)!;
      if (!c.before.ok) {
        // the reader refuses it: no copy, and the reason says why
        expect(c.out.form).toBe('list');
        expect(c.out.reason!.zh).toMatch(/^上传的文件无法作为工作簿打开/);
        expect(c.out.reason!.en).toContain(c.before.issue.message.en);
        return;
      }
      expect(c.out.reason).toBeUndefined();
      expect(c.out.form).toBe('copy');
      // 1. the project's reader: the same sheets, states, merges and cells, after 问题清单
      return readFile(c.out.bytes, name).then((after) => {
        expect(after.ok).toBe(true);
        if (!after.ok || !c.before.ok) return;
        expect(after.sheets[0]!.name).toBe(ISSUES_SHEET);
        expect(after.sheets.slice(1)).toEqual(c.before.sheets);
      });
    });
  }

  it.skipIf(!haveOpenpyxl && !process.env.CI)('openpyxl reads every copy as the original, plus the marks, comments and list', () => {
    expect(haveOpenpyxl, 'python3-openpyxl must be installed on CI').toBe(true);
    let compared = 0;
    for (const [name, c] of cases) {
      if (!c.oracle || !c.oracle[0].sheets?.length) continue; // openpyxl cannot read the original (see make_expected.py)
      if (OPENPYXL_CANNOT[name]) continue;
      const [was, now] = c.oracle;
      expect(now.status, `${name}: ${now.error}`).toBe('ok');
      expect(now.sheets![0]!.name, name).toBe(ISSUES_SHEET);
      expect(now.active, name).toBe(was.active);
      expect(now.definedNames, name).toEqual(was.definedNames);
      expect(now.sheets!.length, name).toBe(was.sheets!.length + 1);
      for (const [i, o] of was.sheets!.entries()) sameSheet(name, o, now.sheets![i + 1]!, c.marked.get(o.name) ?? new Map());
      // each cell issue links to its marked cell
      const links = Object.values(now.sheets![0]!.links);
      for (const [sheet, cells] of c.marked) for (const cell of cells.keys()) expect(links, name).toContain(`#'${sheet.replace(/'/g, "''")}'!${cell}`);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(45);
  });

  it('makes the same copy whatever pieces the inflated parts come in (1 to 40 bytes)', async () => {
    for (const [name, c] of cases) {
      if (c.out.form !== 'copy') continue;
      const choppy = await annotateWorkbook(c.original, c.issues, { inflate: choppyInflate(name.length * 7919), deflate: nodeDeflate });
      expect(await parts(choppy.bytes), name).toEqual(await parts(c.out.bytes));
    }
  });

  it('exceljs, where it opens the original, opens the copy and sees the marks', () => {
    let opened = 0;
    for (const [name, c] of cases) {
      if (c.out.form !== 'copy' || c.exceljs === 'refused' || !c.exceljs) continue;
      expect(typeof c.exceljs, `${name}: ${String(c.exceljs)}`).toBe('object');
      const wb = c.exceljs as ExcelJS.Workbook;
      expect(wb.worksheets[0]!.name, name).toBe(ISSUES_SHEET);
      for (const [sheet, cells] of c.marked) {
        const ws = wb.getWorksheet(sheet);
        if (!ws) continue; // exceljs drops sheets it does not understand
        for (const [cell, severity] of cells) {
          expect((ws.getCell(cell).fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb, `${name} ${sheet}!${cell}`).toBe(severity === 'error' ? ERROR_STYLE.fill : WARNING_STYLE.fill);
        }
      }
      opened++;
    }
    expect(opened).toBeGreaterThanOrEqual(20);
  });
});

function sameSheet(file: string, was: CheckedSheet, now: CheckedSheet, marked: Map<string, Issue['severity']>): void {
  const at = `${file} ${was.name}`;
  expect(now.name, at).toBe(was.name);
  expect(now.state, at).toBe(was.state);
  expect(now.merges, at).toEqual(was.merges);
  expect(now.validations, at).toEqual(was.validations);
  expect(now.cells, at).toEqual(was.cells);
  // links to places in the workbook stay; links to outside go (their relationships are external)
  expect(now.links, at).toEqual(Object.fromEntries(Object.entries(was.links).filter(([, to]) => to.startsWith('#'))));
  for (const [cell, severity] of marked) {
    expect(now.fills[cell], `${at}!${cell}`).toBe(severity === 'error' ? ERROR_STYLE.fill : WARNING_STYLE.fill);
    expect(now.comments[cell], `${at}!${cell}`).toMatch(severity === 'error' ? /【错误 / : /【(警告|错误) /);
  }
  for (const [cell, text] of Object.entries(was.comments)) {
    // the clerk's comment is all still there, first; ours follows on a marked cell
    if (marked.has(cell)) expect(now.comments[cell]!.startsWith(`${text}\n\n【`), `${at}!${cell}`).toBe(true);
    else expect(now.comments[cell], `${at}!${cell}`).toBe(text);
  }
  expect(Object.keys(now.comments).sort(), at).toEqual([...new Set([...Object.keys(was.comments), ...marked.keys()])].sort());
  const fills = { ...now.fills };
  for (const cell of marked.keys()) delete fills[cell];
  const wasFills = { ...was.fills };
  for (const cell of marked.keys()) delete wasFills[cell];
  expect(fills, at).toEqual(wasFills);
}

describe('a template filled by openpyxl, with the clerk’s comments (exceljs cannot open it)', () => {
  const name = 'annotate-openpyxl-template-filled-with-comments.xlsx';

  it('comes out as a copy: the issues validation found marked, the clerk’s comments and ours merged', async () => {
    const original = new Uint8Array(readFileSync(join(FILES, name)));
    await expect(new ExcelJS.Workbook().xlsx.load(Buffer.from(original) as unknown as ExcelJS.Buffer)).rejects.toThrow();
    const plan = loadPlan();
    const check = (bytes: Uint8Array) =>
      checkSubmission(bytes, { inflate: nodeInflate, fileName: name, department: 'market-regulation', period: '2026-Q1', now: new Date('2026-04-08T00:00:00Z'), plan });
    const { report } = await check(original);
    expect(report.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.sheet, i.cell])).toEqual([['INVALID_CREDIT_CODE', '抽查明细', 'D5']]);
    const out = await annotate(original, report.issues);
    expect(out.form).toBe('copy');
    // the copy checks as the original did: 问题清单 is a sheet the checks do not know
    const again = (await check(out.bytes)).report.issues;
    expect(again.filter((i) => !(i.code === 'UNKNOWN_SHEET' && i.sheet === ISSUES_SHEET))).toEqual(report.issues);

    if (!haveOpenpyxl) return;
    const [was, now] = openpyxlCheck(original, out.bytes);
    const insp = now!.sheets!.find((s) => s.name === '抽查明细')!;
    const inspWas = was!.sheets!.find((s) => s.name === '抽查明细')!;
    expect(insp.comments.D5).toMatch(/^信用代码待核实\n\n【错误 INVALID_CREDIT_CODE】抽查明细 D5「统一社会信用代码」：校验位错误[^]*\nError: Inspections D5 \(Credit code\): wrong check digit/);
    expect(insp.fills.D5).toBe(ERROR_STYLE.fill);
    expect(insp.comments.C4).toBe('企业名称以营业执照为准');
    expect(insp.comments.A2).toBe(inspWas.comments.A2); // the template's header notes
    expect(insp.validations).toEqual(inspWas.validations);
    expect(insp.cells).toEqual(inspWas.cells);
    const indicators = now!.sheets!.find((s) => s.name === '指标')!;
    expect(indicators.fills.C6).toBe(WARNING_STYLE.fill); // an empty cell, marked
    expect(indicators.comments.C6).toMatch(/^【警告 VALUE_MISSING】/);
    expect(now!.sheets!.find((s) => s.name === '封面')!.comments.B2).toBe('按季度填写');
  });
});
