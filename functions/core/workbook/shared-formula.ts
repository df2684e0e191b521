// A shared formula is written once, in its first cell; the other cells of its
// range say only "shared formula N". Their own formula is the first one with
// every relative reference moved by the distance between the two cells, as
// Excel shows it (B2*2 in B2 is B3*2 in B3; $B$2 stays).
import { columnIndex, columnLetter } from './cells';

// A string literal, or a reference: [sheet!]$A$1, A:A, 1:1. A reference is not
// followed by "(" (LOG10( is a function) and not preceded by a name character.
const TOKEN = /"(?:[^"]|"")*"|(?<![\w.$])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![\w(])|(?<![\w.$])(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})(?![\w(])|(?<![\w.$:])(\$?)(\d{1,7}):(\$?)(\d{1,7})(?![\w(:])/g;

const MAX_COL = 16384;
const MAX_ROW = 1_048_576;

function moveColumn(letters: string, fixed: string, by: number): string {
  if (fixed) return `$${letters}`;
  const c = columnIndex(letters) + by;
  return c >= 0 && c < MAX_COL ? columnLetter(c) : '#REF!';
}

function moveRow(row: string, fixed: string, by: number): string {
  if (fixed) return `$${row}`;
  const r = Number(row) + by;
  return r >= 1 && r <= MAX_ROW ? String(r) : '#REF!';
}

/** The master's formula as it reads `rows` rows down and `cols` columns right of the master cell. */
export function translateFormula(master: string, rows: number, cols: number): string {
  if (rows === 0 && cols === 0) return master;
  return master.replace(TOKEN, (whole, cd?: string, cl?: string, rd?: string, rn?: string, ad?: string, al?: string, bd?: string, bl?: string, pd?: string, pr?: string, qd?: string, qr?: string) => {
    if (whole.startsWith('"')) return whole;
    if (cl !== undefined) {
      if (columnIndex(cl) < 0 || columnIndex(cl) >= MAX_COL) return whole;
      return moveColumn(cl.toUpperCase(), cd!, cols) + moveRow(rn!, rd!, rows);
    }
    if (al !== undefined) return `${moveColumn(al.toUpperCase(), ad!, cols)}:${moveColumn(bl!.toUpperCase(), bd!, cols)}`;
    return `${moveRow(pr!, pd!, rows)}:${moveRow(qr!, qd!, rows)}`;
  });
}
