// Shared by the template tests: reading a workbook back and making valid credit codes.
import ExcelJS from 'exceljs';
import { internals } from '../../../functions/core/workbook/write/template';

export async function load(bytes: Uint8Array): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer);
  return wb;
}

export function sheet(wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const ws = wb.getWorksheet(name);
  if (!ws) throw new Error(`no sheet ${name}; have ${wb.worksheets.map((w) => w.name).join(', ')}`);
  return ws;
}

export function validation(ws: ExcelJS.Worksheet, address: string): ExcelJS.DataValidation | undefined {
  return internals(ws).dataValidations.model[address];
}

export function rowTexts(ws: ExcelJS.Worksheet, r: number): string[] {
  const out: string[] = [];
  ws.getRow(r).eachCell({ includeEmpty: false }, (c, col) => (out[col - 1] = String(c.value)));
  return out;
}

// Written here from GB 32100-2015 rather than imported from the validator, so the
// test does not agree with the code under test by construction.
const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function checkChar(body17: string): string {
  const sum = [...body17].reduce((s, ch, i) => s + CHARSET.indexOf(ch) * WEIGHTS[i]!, 0);
  const c = 31 - (sum % 31);
  return CHARSET[c === 31 ? 0 : c]!;
}

/** A valid 18-character credit code whose first 17 characters are `91310105MA1FL` + n (4 digits). */
export function creditCode(n: number): string {
  const body = `91310105MA1FL${String(n).padStart(4, '0')}`;
  return body + checkChar(body);
}

export function utcDate(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

/** A cell note's text, whichever shape exceljs gives it. */
export function noteOf(cell: ExcelJS.Cell): string {
  const note = cell.note as unknown;
  if (note === undefined || note === null) return '';
  if (typeof note === 'string') return note;
  const texts = (note as { texts?: { text: string }[] }).texts;
  return (texts ?? []).map((t) => t.text).join('');
}
