// What could reach outside the workbook, or start a program, once the office
// opens it: formulas (reachesOutside), and RefCleaner, which takes out of any
// other part what refers to a relationship that went.
import type { PartEditor, PartHandler } from './editor';
import { nameIds } from './editor';

const OUTSIDE_FUNCTIONS = /(?:^|[^\w.])(?:_xlfn\.)?(?:WEBSERVICE|RTD|CALL|REGISTER\.ID|IMAGE)\s*\(/i;
/** HYPERLINK whose target is not a literal "#place" inside the workbook */
const HYPERLINK_OUT = /(?:^|[^\w.])HYPERLINK\s*\(\s*(?!"#)/i;
const NAME_CHAR = /[\p{L}\p{N}_.]/u;

/**
 * Whether a formula (of a cell or a defined name) could reach outside: DDE
 * (`cmd|' /C calc'!A0`: a `|` outside string literals), a reference into
 * another workbook (`[1]Sheet1!A1`, `'C:\dir\[Book.xlsx]Sheet1'!A1`), a
 * HYPERLINK to an outside target, WEBSERVICE, RTD, CALL, IMAGE.
 */
export function reachesOutside(formula: string): boolean {
  // string literals emptied, so that only the formula's own syntax is looked at (an internal "#…" target keeps its '#')
  const bare = formula.replace(/"(?:[^"]|"")*"?/g, (s) => (s.startsWith('"#') ? '"#"' : '""'));
  return bare.includes('|') || HYPERLINK_OUT.test(bare) || OUTSIDE_FUNCTIONS.test(bare) || bookReference(bare);
}

/** A '[' that opens a workbook reference, not a table's structured reference (Table1[[#This Row],[Amount]]). */
function bookReference(bare: string): boolean {
  for (let i = 0; i < bare.length; i++) {
    if (bare[i] !== '[') continue;
    if (i === 0 || !NAME_CHAR.test(bare[i - 1]!)) return true;
    for (let depth = 0; i < bare.length; i++) {
      if (bare[i] === '[') depth++;
      else if (bare[i] === ']' && --depth === 0) break;
    }
  }
  return false;
}

/** Any other part that lost relationships: what refers to them goes; a linked picture keeps its place without the link. */
const CLEAN_NAMES = ['blip', 'table', 'tableColumn'] as const;
const R = nameIds(CLEAN_NAMES);

export class RefCleaner implements PartHandler {
  readonly names = CLEAN_NAMES;

  constructor(
    private readonly lost: ReadonlySet<string>,
    /** a table whose query table went is a plain table */
    private readonly queryTableGone: boolean,
  ) {}

  open(ed: PartEditor, name: number): void {
    const refs = ed.refsTo(this.lost);
    if (refs.length && name === R.blip) for (const i of refs) ed.removeAttr(i);
    else if (refs.length) ed.drop();
    else if (this.queryTableGone) {
      const attr = name === R.table && ed.x.depth === 1 ? 'tableType' : name === R.tableColumn ? 'queryTableFieldId' : undefined;
      const i = attr ? ed.x.attrIndex(attr) : -1;
      if (i >= 0) ed.removeAttr(i);
    }
  }
}
