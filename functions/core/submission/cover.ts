// 封面 / Cover (PRODUCT §5.1): key–value rows. A key stands in any cell (填报单位,
// Department, …, with or without a colon); its value is the next filled cell of
// the row, or the rest of the same cell ("填报单位：区市场监管局").
import { resolveDepartment } from '../catalog';
import type { CoverInfo, RawCell, RawRow } from '../model';
import { normalizePeriod } from '../periods';
import { COVER_KEYS } from '../sheet-specs';
import { normalizeKey } from '../text';
import { say } from './messages';
import { cellText, isEmptyCell, parseDate, rawText } from './parse-cell';
import { CellProblem } from './parse-cell';
import type { Run, SheetRun } from './run';
import { type Column, columnLetter } from './sheets';

type CoverField = (typeof COVER_KEYS)[number]['field'];

const KEY_BY_TEXT = new Map<string, (typeof COVER_KEYS)[number]>();
for (const k of COVER_KEYS) for (const t of [k.zh, k.en, k.field, ...k.aliases]) KEY_BY_TEXT.set(normalizeKey(t), k);
const KEY_PREFIX = new RegExp(
  `^(${[...KEY_BY_TEXT.keys()].sort((a, b) => b.length - a.length).map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})[:：](.+)$`,
);

function keyOf(text: string): (typeof COVER_KEYS)[number] | undefined {
  return KEY_BY_TEXT.get(normalizeKey(text).replace(/^\*+|[*:：]+$/g, ''));
}

/** What the cover said, and where, so disagreements point at the cell. */
export interface CoverState {
  info: CoverInfo;
  seen: Set<CoverField>;
}

export function newCoverState(): CoverState {
  return { info: {}, seen: new Set() };
}

/** Validates one cover row; the department and period it gives fill the run's context when missing. */
export function checkCoverRow(run: Run, sheet: SheetRun, row: RawRow, state: CoverState, ctx: { department?: string; period?: string }): void {
  const cells = row.cells;
  let found = false;
  let rowError = false;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (isEmptyCell(cell) || cell!.kind !== 'string') continue;
    const text = rawText(cell!);
    let key = keyOf(text);
    let valueIndex = -1;
    let valueText: string | undefined;
    let valueCell: RawCell | undefined;
    if (key) {
      for (let j = i + 1; j < cells.length; j++) {
        if (isEmptyCell(cells[j])) continue;
        if (cells[j]!.kind === 'string' && keyOf(cellText(cells[j]!))) break; // the next key: this one has no value
        valueIndex = j;
        valueCell = cells[j];
        break;
      }
    } else {
      const m = KEY_PREFIX.exec(normalizeKey(text));
      if (!m) continue;
      key = KEY_BY_TEXT.get(m[1]!)!;
      valueIndex = i;
      valueCell = cell;
      valueText = text.replace(/^[^:：]*[:：]\s*/, '');
    }
    if (!key || valueIndex < 0 || state.seen.has(key.field)) continue;
    state.seen.add(key.field);
    found = true;
    const col: Column = {
      spec: { field: key.field, zh: key.zh, en: key.en, aliases: [], type: 'text', required: false, help: { zh: '', en: '' } },
      index: valueIndex,
      letter: columnLetter(valueIndex),
      header: text.replace(/[:：].*$/, ''),
    };
    const issue = (code: Parameters<Run['cellIssue']>[4], body: Parameters<Run['cellIssue']>[5]) => {
      rowError = true;
      run.cellIssue(sheet, row.index, col, 'error', code, body, valueCell);
    };
    if (valueCell!.kind === 'error' || valueCell!.kind === 'nocache') {
      issue(valueCell!.kind === 'error' ? 'FORMULA_ERROR' : 'FORMULA_NO_VALUE',
        valueCell!.kind === 'error' ? say.formulaError(valueCell!.text ?? '') : say.formulaNoValue());
      continue;
    }
    const value = valueText ?? cellText(valueCell!);
    switch (key.field) {
      case 'department': {
        const d = resolveDepartment(value);
        if (!d) issue('INVALID_ENUM', say.coverDepartment());
        else {
          state.info.department = d.code;
          if (ctx.department && ctx.department !== d.code) issue('COVER_MISMATCH', say.coverMismatch('department', value, ctx.department));
          else run.department ??= d.code;
        }
        break;
      }
      case 'period': {
        const p = normalizePeriod(value);
        if (!p) issue('INVALID_DATE', say.coverPeriod());
        else {
          state.info.period = p;
          if (ctx.period && ctx.period !== p) issue('COVER_MISMATCH', say.coverMismatch('period', value, ctx.period));
          else if (!run.period) run.setPeriod(p);
        }
        break;
      }
      case 'date': {
        const d = valueText === undefined ? parseDate(valueCell!) : parseDate({ kind: 'string', text: valueText });
        state.info.date = d instanceof CellProblem ? value : d;
        break;
      }
      case 'preparedBy':
        state.info.preparedBy = value;
        break;
      case 'phone':
        state.info.phone = value;
        break;
    }
  }
  if (found) {
    sheet.summary.rows++;
    if (rowError) sheet.rowErrors++;
    else sheet.summary.acceptedRows++;
  }
}
