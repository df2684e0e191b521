// The blank submission workbook of one department (PRODUCT §5, issue 3 point 6).
// Everything the clerk sees — sheet names, headers, dropdown options, help
// texts — comes from sheet-specs.ts and the plan catalog, so the template and
// the validator cannot drift apart.
import ExcelJS from 'exceljs';
import { categoryChoices, checksOnlyBuildingMaterials } from '../../categories';
import { openingPeriod, reportableBy, resolveDepartment } from '../../catalog';
import { allowedKinds } from '../../submission/admission';
import type { Department, IndicatorDef, Plan, SheetKind } from '../../model';
import { DEFAULT_OFFSETS, dueDate, parsePeriod } from '../../periods';
import { COVER_KEYS, sheetSpec, type ColumnSpec, type SheetSpec } from '../../sheet-specs';
import { kindRule } from '../../indicator-kinds';

export interface TemplateOptions {
  department: string; // code (a name or alias from the registry is accepted too)
  plan: Plan;
  period?: string; // prefills the cover
  preparedDate?: string; // yyyy-mm-dd, prefills 填报日期
}

/** The workbook title; each data sheet's merged title row reads "<title> — <sheet>". */
export const TEMPLATE_TITLE = '长宁区质量提升指标季度报送';
export const HELP_SHEET = '填报说明';
/** Hidden sheet holding dropdown lists too long for an inline list formula. */
export const LISTS_SHEET = '下拉选项';
/** Row of the header on every data sheet (row 1 is the merged title). */
export const HEADER_ROW = 2;
/** Number of data rows that carry dropdowns and validations. */
export const DATA_ROWS = 1000;

// Excel refuses an inline list formula longer than 255 characters; stay clear of it.
const INLINE_LIST_LIMIT = 250;
const HEADER_FILL = 'FFDDEBF7';
const TITLE_FONT = { bold: true, size: 14 };

/**
 * The sheets a department's workbook holds: the cover and the kinds the
 * registry says it sends (schemas/departments.json); for the opening-ledger
 * quarter only 认证明细.
 */
export function templateSheetKinds(plan: Plan, departmentCode: string, period?: string): SheetKind[] {
  return ['cover', ...allowedKinds(departmentCode, period, plan)];
}

/** The blank workbook of one department (xlsx bytes). Throws RangeError for an unknown department or period. */
export async function buildTemplate(opts: TemplateOptions): Promise<Uint8Array> {
  const dept = resolveDepartment(opts.department);
  if (!dept) throw new RangeError(`unknown department ${opts.department}`);
  const quarter = opts.period === undefined ? undefined : parsePeriod(opts.period);
  if (opts.period !== undefined && !quarter) throw new RangeError(`not a period: ${opts.period}`);
  const prepared = opts.preparedDate === undefined ? undefined : isoToDate(opts.preparedDate);

  const wb = new ExcelJS.Workbook();
  wb.creator = 'qtrack';
  const lists = new ListSheet(wb);
  const indicators = reportableBy(opts.plan, dept.code);
  const period = quarter && `${quarter.year}-Q${quarter.q}`;
  const kinds = templateSheetKinds(opts.plan, dept.code, period);
  const categories = categoryChoices(checksOnlyBuildingMaterials(opts.plan, dept.code));

  writeCover(wb, dept, quarter && `${quarter.year}年第${quarter.q}季度`, prepared);
  for (const kind of kinds) {
    if (kind === 'cover') continue;
    const ws = writeDataSheet(wb, sheetSpec(kind), lists, kind === 'indicators' ? indicators : [], categories);
    if (kind === 'indicators') fillIndicatorRows(ws, sheetSpec(kind), indicators);
  }
  writeHelp(wb, opts.plan, dept, kinds, indicators, period);
  lists.finish();
  wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 0, visibility: 'visible' }];

  const buf = await wb.xlsx.writeBuffer();
  return new Uint8Array(buf as ArrayBuffer);
}

// ---------------------------------------------------------------------------

function isoToDate(iso: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  const d = m && new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  if (!d || d.toISOString().slice(0, 10) !== iso) throw new RangeError(`not a date (yyyy-mm-dd): ${iso}`);
  return d;
}

function writeCover(wb: ExcelJS.Workbook, dept: Department, period: string | undefined, prepared: Date | undefined): void {
  const ws = wb.addWorksheet(sheetSpec('cover').zh, { views: [{ showGridLines: true }] });
  ws.getColumn(1).width = 14;
  ws.getColumn(2).width = 36;
  // No title row: the cover is read as key–value rows, and a key-less first row
  // would only be noise for the reader.
  const values: Record<string, string | Date | undefined> = {
    department: dept.name,
    period,
    date: prepared,
  };
  COVER_KEYS.forEach((key, i) => {
    const row = ws.getRow(i + 1);
    const k = row.getCell(1);
    k.value = key.zh;
    k.font = { bold: true };
    k.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    k.note = coverNote(key.field, key.en);
    const v = row.getCell(2);
    // Phone numbers keep leading zeros and dates show as dates in every locale.
    v.numFmt = key.field === 'date' ? 'yyyy-mm-dd' : '@';
    const value = values[key.field];
    if (value !== undefined) v.value = value;
    v.border = { bottom: { style: 'thin' } };
  });
  const dateRow = COVER_KEYS.findIndex((k) => k.field === 'date') + 1;
  ws.getCell(dateRow, 2).dataValidation = dateValidation('填报日期', '填写报送日期，如 2026-04-08');
}

function coverNote(field: string, en: string): string {
  const hint: Record<string, string> = {
    department: '填报单位名称（已预填）/ Department name (prefilled)',
    period: '统计期，如 2026年第1季度 或 2026-Q1 / Period, e.g. 2026-Q1',
    preparedBy: '填报人姓名 / Name of the person filling in',
    phone: '联系电话 / Phone',
    date: '填报日期，如 2026-04-08 / Date, e.g. 2026-04-08',
  };
  return `${en}\n${hint[field] ?? ''}`;
}

function writeDataSheet(wb: ExcelJS.Workbook, spec: SheetSpec, lists: ListSheet, indicators: IndicatorDef[], categories: string[]): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(spec.zh, { views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }] });
  const n = spec.columns.length;

  // Column styles first, so that cells the clerk types into inherit the format.
  spec.columns.forEach((col, i) => {
    const c = ws.getColumn(i + 1);
    c.width = col.width ?? 14;
    const fmt = columnFormat(col);
    if (fmt) c.numFmt = fmt;
  });

  ws.mergeCells(1, 1, 1, n);
  const title = ws.getCell(1, 1);
  title.value = `${TEMPLATE_TITLE} — ${spec.zh}`;
  title.font = TITLE_FONT;
  title.numFmt = 'General';
  title.alignment = { vertical: 'middle', horizontal: 'left' };
  ws.getRow(1).height = 24;

  const header = ws.getRow(HEADER_ROW);
  spec.columns.forEach((col, i) => {
    const cell = header.getCell(i + 1);
    // The header text is exactly the zh header the validator matches; the English
    // header and the help go into the note so the cell stays matchable.
    cell.value = col.zh;
    cell.numFmt = 'General';
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
    cell.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
    cell.border = { top: { style: 'thin' }, bottom: { style: 'thin' }, left: { style: 'thin' }, right: { style: 'thin' } };
    cell.note = `${col.en}\n${col.required ? '必备列 / required column' : '可选列 / optional column'}\n${col.help.zh}\n${col.help.en}`;
  });
  header.height = 20;

  const first = HEADER_ROW + 1;
  const last = HEADER_ROW + DATA_ROWS;
  spec.columns.forEach((col, i) => {
    const letter = ws.getColumn(i + 1).letter;
    const range = `${letter}${first}:${letter}${last}`;
    const dv = spec.kind === 'inspections' && col.field === 'category' ? categoryValidation(col, lists, categories) : columnValidation(col, lists, indicators);
    if (dv) internals(ws).dataValidations.add(range, dv);
  });
  return ws;
}

function columnFormat(col: ColumnSpec): string | undefined {
  switch (col.type) {
    case 'date':
      return 'yyyy-mm-dd';
    case 'text':
    case 'code':
    case 'creditCode':
      return '@'; // keeps codes such as 0012 or 9131… exactly as typed
    default:
      return undefined;
  }
}

function columnValidation(col: ColumnSpec, lists: ListSheet, indicators: IndicatorDef[]): ExcelJS.DataValidation | undefined {
  const prompt = { showInputMessage: true, promptTitle: clip(col.zh, 32), prompt: clip(col.help.zh, 250) };
  switch (col.type) {
    case 'enum': {
      const options = (col.enum ?? []).map((o) => o.zh);
      return list(lists.formula(col.field, options), col.zh, `请从下拉列表选择：${options.join('、')}`, prompt);
    }
    case 'code': {
      if (indicators.length === 0) return undefined; // an empty list is not a valid validation
      const codes = indicators.map((i) => i.code);
      return list(lists.formula(col.field, codes), col.zh, '请从下拉列表选择本部门负责的指标代码 / pick one of your indicator codes', prompt);
    }
    case 'date':
      return { ...dateValidation(col.zh, col.help.zh), ...prompt };
    case 'number':
      return {
        type: 'decimal',
        operator: 'greaterThanOrEqual',
        formulae: [0],
        allowBlank: true,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: clip(col.zh, 32),
        error: '请输入不小于 0 的数字 / enter a number ≥ 0',
        ...prompt,
      };
    case 'creditCode':
      return {
        type: 'textLength',
        operator: 'equal',
        formulae: [18],
        allowBlank: true,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: clip(col.zh, 32),
        error: '统一社会信用代码为18位 / the credit code has 18 characters',
        ...prompt,
      };
    default:
      return undefined;
  }
}

/**
 * 产品类别: a dropdown of the categories schemas/categories.json names; another
 * product may still be typed (Excel asks once), since the list is not closed.
 */
function categoryValidation(col: ColumnSpec, lists: ListSheet, categories: string[]): ExcelJS.DataValidation {
  return {
    ...list(lists.formula(col.field, categories), col.zh, `建议从下拉列表选择：${categories.join('、')}；建筑材料请选具体品类或“建筑材料” / pick from the list`, {
      showInputMessage: true,
      promptTitle: clip(col.zh, 32),
      prompt: clip(col.help.zh, 250),
    }),
    errorStyle: 'warning',
  };
}

function list(formula: string, title: string, error: string, prompt: Partial<ExcelJS.DataValidation>): ExcelJS.DataValidation {
  return {
    type: 'list',
    formulae: [formula],
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: clip(title, 32),
    error: clip(error, 250),
    ...prompt,
  };
}

function dateValidation(title: string, help: string): ExcelJS.DataValidation {
  return {
    type: 'date',
    operator: 'between',
    formulae: [new Date(Date.UTC(2000, 0, 1)), new Date(Date.UTC(2099, 11, 31))],
    allowBlank: true,
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: clip(title, 32),
    error: clip(`请输入日期，如 2026-03-05 / enter a date such as 2026-03-05。${help}`, 250),
  };
}

/** One row per reportable indicator with code, name and unit, so those match the catalog exactly. */
function fillIndicatorRows(ws: ExcelJS.Worksheet, spec: SheetSpec, indicators: IndicatorDef[]): void {
  const at = (field: string) => spec.columns.findIndex((c) => c.field === field) + 1;
  const [code, name, value, unit, note] = ['code', 'name', 'value', 'unit', 'note'].map(at) as [number, number, number, number, number];
  const valueLetter = ws.getColumn(value).letter;
  if (indicators.length === 0) {
    // A note row (starts with 说明, other cells empty) is ignored by validation.
    ws.getCell(HEADER_ROW + 1, 1).value =
      '说明：本部门在本规划中没有负责填报的指标，本表无需填写。/ Note: your department has no indicators of its own in this plan; nothing to fill in here.';
    return;
  }
  indicators.forEach((ind, i) => {
    const r = HEADER_ROW + 1 + i;
    const row = ws.getRow(r);
    row.getCell(code).value = ind.code;
    row.getCell(name).value = ind.name;
    // The rating indicator has no unit a clerk would write; leave it empty.
    if (ind.unit !== 'rating') row.getCell(unit).value = ind.unit;
    const valueCell = `${valueLetter}${r}`;
    if (kindRule(ind.kind).textual && ind.ratings?.length) {
      const ratings = ind.ratings;
      internals(ws).dataValidations.add(valueCell, list(`"${ratings.join(',')}"`, '数值', `请选择：${ratings.join('、')}，并在备注中写明依据`, {
        showInputMessage: true, promptTitle: '评价等级', prompt: clip(`请选择 ${ratings.join(' / ')}，并在“备注”列写明评价依据`, 250),
      }));
      ws.getCell(r, note).alignment = { wrapText: true };
    } else {
      internals(ws).dataValidations.add(valueCell, {
        type: 'decimal',
        operator: ind.unit === '%' ? 'between' : 'greaterThanOrEqual',
        formulae: ind.unit === '%' ? [0, 100] : [0],
        allowBlank: true,
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '数值',
        error: ind.unit === '%'
          ? '请输入 0–100 之间的数字（如 96.5 或 96.5%），不要输入文字 / enter a number such as 96.5'
          : '请输入不小于 0 的数字，不要输入文字 / enter a number ≥ 0',
        showInputMessage: true,
        promptTitle: clip(ind.code, 32),
        prompt: clip(`${ind.name}（${ind.unit === '%' ? '%' : ind.unit}）`, 250),
      });
    }
  });
}

// ---------------------------------------------------------------------------
// The 填报说明 sheet

function writeHelp(wb: ExcelJS.Workbook, plan: Plan, dept: Department, kinds: SheetKind[], indicators: IndicatorDef[], period: string | undefined): void {
  const ws = wb.addWorksheet(HELP_SHEET);
  const widths = [14, 20, 20, 12, 60, 60];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const totalWidth = widths.reduce((a, b) => a + b, 0);
  let r = 1;

  const para = (text: string, font?: Partial<ExcelJS.Font>) => {
    ws.mergeCells(r, 1, r, widths.length);
    const c = ws.getCell(r, 1);
    c.value = text;
    c.alignment = { wrapText: true, vertical: 'top' };
    if (font) c.font = font;
    // Excel does not grow merged rows by itself; estimate the lines (CJK counts double).
    const units = [...text].reduce((n, ch) => n + (ch.charCodeAt(0) > 0x2e80 ? 2 : 1), 0);
    const lines = text.split('\n').length + Math.floor(units / (totalWidth * 1.1));
    ws.getRow(r).height = Math.max(18, lines * 15);
    r++;
  };

  para(`${HELP_SHEET} / Instructions — ${dept.name}（${dept.code}）`, TITLE_FONT);
  const due = period
    ? `本期 ${period} 的截止日期为 ${dueDate(period)}（含），次日起为逾期。/ ${period} is due by ${dueDate(period)} inclusive.`
    : '例如 2026-Q1 的截止日期为 2026-04-10，4月11日起为逾期。/ e.g. 2026-Q1 is due by 2026-04-10.';
  const csvNames = kinds
    .filter((k) => k !== 'cover')
    .map((k) => `${k}.csv（${sheetSpec(k).zh}）`)
    .join('、');
  const derived = indicators.filter((i) => i.source.from !== 'reported').map((i) => i.code);
  const opening = openingPeriod(plan);
  const paragraphs = [
    `1. 本工作簿是${dept.name}的季度报送模板。工作表按名称识别、列按表头文字识别：请勿修改工作表名称和表头文字，可以调整列的顺序；表头上方的标题行可以保留。以“说明”“注：”“备注：”开头且其余单元格为空的行视为说明，不作数据。\n` +
      '   Sheets are recognised by name and columns by header text: keep the names and headers; column order may change. Rows starting with 说明 / 注： / Note: are ignored.',
    `2. 统计期为季度，在“封面”的统计期中填写（如 2026年第1季度 或 2026-Q1）。须在季度结束后第 ${DEFAULT_OFFSETS.dueDays} 天内（含当天）报送，节假日不顺延。${due}\n` +
      `   The period is a quarter (2026-Q1); submissions are due by the ${DEFAULT_OFFSETS.dueDays}th day after the quarter ends; weekends and holidays do not move it.`,
    `3. 上传：将本工作簿上传到 submissions/${dept.code}/${period ?? '{统计期，如 2026-Q1}'}/文件名.xlsx。也可以将各工作表分别另存为 UTF-8 CSV 上传到同一目录，文件名为 ${csvNames || '—'}。同一单位同一统计期重复上传时，以最新通过校验的版本为准。\n` +
      `   Upload to submissions/${dept.code}/${period ?? '{period}'}/any-name.xlsx, or each sheet as a UTF-8 CSV named after its kind (${kinds.filter((k) => k !== 'cover').map((k) => `${k}.csv`).join(', ')}). A later accepted upload supersedes the earlier one.` +
      '\n   上传整个工作簿时替换本单位本季度的全部数据；上传单个 CSV 时只替换该工作表的数据，其他工作表的数据保持不变。\n' +
      '   A workbook replaces all of your data for the quarter; a CSV replaces only its own sheet’s data and leaves the others as they are.',
    `4. 上传前可用 qtrack validate 文件名 --department ${dept.code} 自行检查。存在错误的报送整体退回，校验报告会标出出错的工作表、单元格和原因；只有警告的报送予以接收。\n` +
      `   Check before uploading with qtrack validate FILE --department ${dept.code}. Any error rejects the whole submission; the report names the sheet and cell. Warnings alone do not.`,
    indicators.length === 0
      ? '5. 本部门在本规划中没有负责填报的指标，无需报送“指标”表。/ Your department has no indicators of its own in this plan: no 指标 sheet to fill in.'
      : '5. “指标”表已预填本部门负责的指标代码、名称和单位，请在“数值”列填写本季度数值（百分比填 96.5 或 96.5%，不要填“95%以上”等文字；流量指标本季度无新增时填 0）。数值留空的指标本季度记为无数据，校验报告会逐行提示。' +
        (derived.length
          ? `由明细表或证书台账计算的指标（${derived.join('、')}）可不填，如填写须与明细计算结果一致。`
          : '') +
        '\n   The 指标 sheet lists your indicators; enter this quarter’s value (96.5 or 96.5% for percentages; 0 for a flow with nothing new). A value left empty means no data this quarter, and the report says so row by row.' +
        (derived.length ? ` Indicators derived from the detail sheets or the certificate ledger (${derived.join(', ')}) may be left empty; if given they must agree with the rows.` : ''),
    ...(kinds.includes('certifications')
      ? [
          `${period === opening ? '★ ' : ''}开局台账：认证明细是跨季度的台账，每季度只报新增或变更的证书。规划期开始（${plan.firstPeriod}）前已获得且仍有效的证书，请一次性作为 ${opening} 的认证明细报送（只含认证明细）。否则上海品牌、上海标准等存量指标会低于规划基数，校验报告会提示。\n` +
            `   The opening ledger: 认证明细 is a ledger kept across quarters — each quarter report new or changed certificates only. Certificates held before the plan began (${plan.firstPeriod}) and still valid are reported once, as ${opening} 认证明细 only; otherwise the stock indicators count below the plan's baseline, and the report says so.`,
        ]
      : []),
    '6. 下表逐列说明各工作表的填写要求。“必备列”指该列必须存在；带下拉列表的列请从列表中选择。\n' +
      '   The table below explains every column. “Required column” means the column must be present; pick dropdown values from the list.',
  ];
  for (const p of paragraphs) para(p);
  r++;

  const head = ws.getRow(r++);
  ['工作表 Sheet', '列名 Column', 'English', '必备列 Required', '填写要求', 'Requirements'].forEach((h, i) => {
    const c = head.getCell(i + 1);
    c.value = h;
    c.font = { bold: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } };
  });
  const addRow = (sheet: string, col: string, en: string, required: boolean, zh: string, enHelp: string) => {
    const row = ws.getRow(r++);
    row.values = [sheet, col, en, required ? '是 yes' : '否 no', zh, enHelp];
    row.getCell(5).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(6).alignment = { wrapText: true, vertical: 'top' };
  };
  for (const kind of kinds) {
    const spec = sheetSpec(kind);
    if (kind === 'cover') {
      for (const k of COVER_KEYS) {
        addRow(spec.zh, k.zh, k.en, false, coverHelp[k.field]!.zh, coverHelp[k.field]!.en);
      }
      continue;
    }
    for (const col of spec.columns) addRow(spec.zh, col.zh, col.en, col.required, col.help.zh, col.help.en);
  }
}

const coverHelp: Record<string, { zh: string; en: string }> = {
  department: { zh: '填报单位名称或代码；须与上传目录中的单位一致', en: 'Department name or code; must match the upload folder' },
  period: { zh: '统计期，如 2026年第1季度 或 2026-Q1；须与上传目录中的统计期一致', en: 'Period such as 2026-Q1; must match the upload folder' },
  preparedBy: { zh: '填报人姓名', en: 'Name of the person filling in' },
  phone: { zh: '联系电话', en: 'Phone number' },
  date: { zh: '填报日期，如 2026-04-08', en: 'Date of filling in, e.g. 2026-04-08' },
};

// ---------------------------------------------------------------------------

/**
 * Dropdown lists: inline when short, otherwise one column of the very hidden
 * 下拉选项 sheet (validation ignores hidden sheets, and Excel caps inline lists).
 */
class ListSheet {
  private ws: ExcelJS.Worksheet | undefined;
  private readonly columns = new Map<string, string>();

  constructor(private readonly wb: ExcelJS.Workbook) {}

  formula(key: string, values: string[]): string {
    const inline = `"${values.join(',')}"`;
    if (inline.length <= INLINE_LIST_LIMIT && !values.some((v) => /[,"]/.test(v))) return inline;
    const id = `${key}:${values.join('\u0000')}`;
    const known = this.columns.get(id);
    if (known) return known;
    this.ws ??= this.wb.addWorksheet(LISTS_SHEET, { state: 'veryHidden' });
    const col = this.ws.getColumn(this.columns.size + 1);
    values.forEach((v, i) => (this.ws!.getCell(i + 1, col.number).value = v));
    const ref = `'${LISTS_SHEET}'!$${col.letter}$1:$${col.letter}$${values.length}`;
    this.columns.set(id, ref);
    return ref;
  }

  /** Keeps the helper sheet last, behind every visible sheet. */
  finish(): void {
    if (!this.ws) return;
    const max = Math.max(...this.wb.worksheets.map((w) => internals(w).orderNo));
    internals(this.ws).orderNo = max + 1;
  }
}

/** Members exceljs 4.4 has at run time but leaves out of its typings. */
export interface WorksheetInternals {
  dataValidations: { add(address: string, v: ExcelJS.DataValidation): void; model: Record<string, ExcelJS.DataValidation | undefined> };
  orderNo: number;
}

export function internals(ws: ExcelJS.Worksheet): WorksheetInternals {
  return ws as unknown as WorksheetInternals;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
