#!/usr/bin/python3
"""What an annotated copy must keep, per openpyxl: one JSON line per FILE.

    /usr/bin/python3 test/reference/annotate_check.py FILE...

Debian's python3-openpyxl 3.0.9; standard library + openpyxl only. Per FILE:
  {"file","status":"error","error":"Class: message"}   openpyxl refused it, or
  {"file","status":"ok","active":TITLE,"definedNames":[[name, sheet or null, value]],
   "sheets":[{"name","state","merges":[...],"validations":[[sqref,type,f1,f2]],
              "cells":{"B3":[value, formula]},"comments":{"B3":text},"fills":{"B3":"FFFFC7CE"},
              "links":{"C2":"#'Sheet'!D7" (a place in the workbook) or an outside target}}]}
Cells of every sheet, hidden ones too; "value" is what openpyxl reads with
data_only=True (dates as ISO text), "formula" the formula text or null. Cells
with neither are left out (an empty cell a copy inserts to mark it). "fills":
the fgColor of solid fills. "sheet" of a defined name is the title of the
sheet its localSheetId names, so that names compare across a copy whose sheets
moved one place.
"""
import datetime
import json
import sys
import warnings

import openpyxl


def plain(value):
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def names(book):
    out = []
    titles = book.sheetnames
    for d in book.defined_names.definedName:
        sheet = titles[d.localSheetId] if d.localSheetId is not None and d.localSheetId < len(titles) else None
        out.append([d.name, sheet, d.attr_text])
    for ws in book.worksheets:
        # openpyxl moves print areas and titles onto their sheet
        if getattr(ws, 'print_area', None):
            out.append(['_xlnm.Print_Area', ws.title, str(ws.print_area)])
        if getattr(ws, 'print_title_rows', None) or getattr(ws, 'print_title_cols', None):
            out.append(['_xlnm.Print_Titles', ws.title, '%s|%s' % (ws.print_title_rows, ws.print_title_cols)])
    return sorted(out, key=lambda n: (n[0], n[1] or ''))


def sheet_lines(ws, formulas):
    cells, comments, fills, links = {}, {}, {}, {}
    for (row, col), cell in sorted(getattr(ws, '_cells', {}).items()):
        if isinstance(cell, openpyxl.cell.MergedCell):
            continue
        f = formulas._cells.get((row, col)) if formulas is not None else None
        formula = f.value if f is not None and f.data_type == 'f' else None
        if isinstance(formula, str) is False and formula is not None:
            formula = str(formula)  # an ArrayFormula
        if cell.value is not None or formula is not None:
            cells[cell.coordinate] = [plain(cell.value), formula]
        if cell.comment is not None:
            comments[cell.coordinate] = cell.comment.text
        if cell.hyperlink is not None:
            h = cell.hyperlink
            links[cell.coordinate] = '#' + h.location if h.location else h.target
        fill = cell.fill
        if fill is not None and fill.fill_type == 'solid' and fill.fgColor is not None and fill.fgColor.type == 'rgb':
            fills[cell.coordinate] = fill.fgColor.rgb
    validations = []
    for dv in getattr(ws, 'data_validations', None) and ws.data_validations.dataValidation or []:
        validations.append([str(dv.sqref), dv.type, dv.formula1, dv.formula2])
    return {
        'name': ws.title,
        'state': ws.sheet_state,
        'merges': sorted(str(r.coord) for r in getattr(ws, 'merged_cells', ())),
        'validations': sorted(validations, key=lambda v: v[0]),
        'cells': cells,
        'comments': comments,
        'fills': fills,
        'links': links,
    }


def check(path):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        book = openpyxl.load_workbook(path, data_only=True)
        with_formulas = openpyxl.load_workbook(path, data_only=False)
    sheets = []
    for ws in book._sheets:
        other = with_formulas[ws.title] if ws.title in with_formulas.sheetnames else None
        sheets.append(sheet_lines(ws, other))
    return {'file': path, 'status': 'ok', 'active': book.active.title if book.active is not None else None,
            'definedNames': names(book), 'sheets': sheets}


def main(paths):
    if not paths:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    for path in paths:
        try:
            line = check(path)
        except Exception as e:  # openpyxl refused the file: report and go on
            line = {'file': path, 'status': 'error', 'error': '%s: %s' % (type(e).__name__, e)}
        print(json.dumps(line, ensure_ascii=False, separators=(',', ':'), default=str))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
