#!/usr/bin/python3
"""Reference reader: what each .xlsx holds, per openpyxl, as JSON lines.

    /usr/bin/python3 test/reference/openpyxl_dump.py FILE...

Debian's python3-openpyxl 3.0.9; standard library + openpyxl only. Per FILE:
  {"file","status":"ok"}   or   {"file","status":"error","error":"Class: message"}
  per sheet, workbook order: {"file","sheet","state","merges":["A1:C1",...]}
  per non-empty cell of a VISIBLE sheet, row then column order:
  {"file","sheet","cell":"B3","type":T,"value":V[,"serial"][,"percent"][,"formula"]}
  T: number | date | string | boolean | error | nocache.

Values are openpyxl's (workbook loaded with data_only=True; a second load with
data_only=False gives formula text). Where openpyxl differs from Excel the
dumper follows Excel:
 1. Dates are decided here, not by openpyxl (its serial->datetime conversion
    is switched off so the stored number is kept). A number is a date when
    its format's first section, with "quoted", \\x, _x, *x and [..] parts
    removed, has one of d m h s y (upper or lower case) -- so [Red]0.00,
    [Magenta]0.00, [$-804], [DBNum1], [<100] are not date parts -- or when its
    built-in numFmtId is one of the CJK date ids 27-36, 50-58 (openpyxl does not
    know them and calls them General). Elapsed formats ([h] [hh] [m] [mm] [s]
    [ss], openpyxl's is_timedelta_format) are numbers: stored value, unshifted.
 2. Dates: "serial" is the 1900-system serial: stored number + 1462 in a 1904
    workbook, except a time of day (stored value in [0,1)), never shifted.
    "value" is YYYY-MM-DD, YYYY-MM-DDTHH:MM:SS[.mmm] (ms only when not 0), or
    HH:MM:SS[.mmm] for a serial in [0,1); time rounded to the millisecond.
    t="d" ISO cells are dates whatever their format; serial from the ISO text.
 3. _xHHHH_ escapes: openpyxl 3.0.9 decodes none (it only deletes every
    "x005F_" in shared strings, which is lossy), so shared strings are read
    here with openpyxl's own Text parser minus that deletion, and the text of
    every string cell (s, inlineStr, str: all ST_Xstring) is decoded in one
    left-to-right pass (_x005F_x0041_ -> _x0041_).
 4. A formula whose cached value is an empty string (t="str" with an empty
    <v>) is {"type":"string","value":"","formula":true}; openpyxl gives None.
    A formula with no <v> at all is {"type":"nocache","value":"=<formula>"}.
 5. "percent": true on numbers whose first format section has % outside
    quotes/escapes/brackets (built-ins 9 and 10 included).
Numbers that are integral floats are printed as ints. Strings are the XML
text as the XML parser gives it (CR LF -> LF, &#13; stays CR). Empty strings
without a formula, and cells openpyxl leaves empty (merged-away cells of a
merge included), are skipped. Hidden sheets get their sheet line only.
"""
import datetime
import json
import re
import sys
import warnings

import openpyxl
import openpyxl.reader.excel as _excel
import openpyxl.worksheet._reader as _wsr
from openpyxl.cell import MergedCell
from openpyxl.cell.text import Text
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.styles.numbers import is_timedelta_format
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

CJK_DATE_IDS = set(range(27, 37)) | set(range(50, 59))
RAW = {}  # (sheet title, row, column) -> (t attribute, has <v>, has <f>)


def _read_string_table(src):
    """openpyxl's read_string_table without its lossy .replace('x005F_', '')."""
    strings = []
    for _, node in iterparse(src):
        if node.tag == '{%s}si' % SHEET_MAIN_NS:
            strings.append(Text.from_tree(node).content)
            node.clear()
    return strings


_excel.read_string_table = _read_string_table
_wsr.from_excel = lambda value, *args, **kwargs: value  # keep the stored serial

_orig_reader_init = _wsr.WorksheetReader.__init__
_orig_parse_cell = _wsr.WorkSheetParser.parse_cell


def _reader_init(self, ws, *args, **kwargs):
    _orig_reader_init(self, ws, *args, **kwargs)
    self.parser.qtrack_title = ws.title


def _parse_cell(self, element):
    cell = _orig_parse_cell(self, element)
    RAW[(self.qtrack_title, cell['row'], cell['column'])] = (
        element.get('t', 'n'),
        element.find(_wsr.VALUE_TAG) is not None,
        element.find(_wsr.FORMULA_TAG) is not None,
    )
    return cell


_wsr.WorksheetReader.__init__ = _reader_init
_wsr.WorkSheetParser.parse_cell = _parse_cell

_X_ESCAPE = re.compile(r'_x([0-9A-Fa-f]{4})_')
# quoted text, \x, _x, *x, [...] -- except the elapsed [h] [hh] [m] [mm] [s] [ss]
_FORMAT_NOISE = re.compile(r'"[^"]*"?|\\.|_.|\*.|\[(?![hH]{1,2}\]|[mM]{1,2}\]|[sS]{1,2}\])[^\]]*\]?')


def decode_escapes(text):
    text = _X_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    # a pair of escaped UTF-16 surrogates is one character
    return text.encode('utf-16-le', 'surrogatepass').decode('utf-16-le', 'replace')


def first_section(fmt):
    """The format code up to the first ';' outside quotes and escapes."""
    out, quoted, i = [], False, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in '\\_*' and i + 1 < len(fmt):
            out.append(fmt[i:i + 2])
            i += 2
            continue
        elif not quoted and ch == ';':
            break
        out.append(ch)
        i += 1
    return ''.join(out)


def classify(cell):
    """'date', 'elapsed', 'percent' or None for a numeric cell's format."""
    fmt = cell.number_format or 'General'
    if cell._style.numFmtId in CJK_DATE_IDS and fmt == 'General':
        return 'date'  # openpyxl maps unknown built-in ids to General
    section = first_section(fmt)
    if is_timedelta_format(section):
        return 'elapsed'
    bare = _FORMAT_NOISE.sub('', section)  # 'General' has none of the date letters
    if re.search(r'[dmhsyDMHSY]', bare):
        return 'date'
    return 'percent' if '%' in bare else None


def plain_number(value):
    return int(value) if isinstance(value, float) and value.is_integer() else value


def serial_to_iso(serial):
    days = int(serial // 1)
    ms = round((serial - days) * 86400000)
    if ms == 86400000:
        days, ms = days + 1, 0
    secs, msec = divmod(ms, 1000)
    clock = '%02d:%02d:%02d' % (secs // 3600, secs // 60 % 60, secs % 60)
    if msec:
        clock += '.%03d' % msec
    if 0 <= serial < 1:
        return clock
    # serial 1 = 1900-01-01; Excel counts a phantom 1900-02-29 (serial 60)
    base = datetime.date(1899, 12, 31) if days < 61 else datetime.date(1899, 12, 30)
    day = (base + datetime.timedelta(days=days)).isoformat()
    return day if ms == 0 else day + 'T' + clock


def iso_serial(value):
    """1900-system serial of a t="d" value (datetime, date or time)."""
    if isinstance(value, datetime.time):
        return plain_number((value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400)
    if isinstance(value, datetime.datetime):
        day, frac = value.date(), (value - datetime.datetime.combine(value.date(), datetime.time())).total_seconds() / 86400
    else:
        day, frac = value, 0
    days = (day - datetime.date(1899, 12, 30)).days
    if days < 61:
        days -= 1
    return plain_number(days + frac)


def dump_cell(base, cell, raw, formulas, date1904):
    t, has_v, has_f = raw
    value = cell.value
    out = dict(base, cell=cell.coordinate)
    if value is None or value == '':
        if not has_f:
            return None
        if value == '' or (has_v and t == 'str'):
            out.update(type='string', value='')
        else:
            return dict(out, type='nocache', value=formulas.get(cell.coordinate))
    elif isinstance(value, bool):
        out.update(type='boolean', value=value)
    elif cell.data_type == 'e':
        out.update(type='error', value=value)
    elif isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        serial = iso_serial(value)
        out.update(type='date', value=serial_to_iso(serial), serial=serial)
    elif isinstance(value, (int, float)):
        kind = classify(cell)
        if kind == 'date':
            serial = value + 1462 if date1904 and not 0 <= value < 1 else value
            out.update(type='date', value=serial_to_iso(serial), serial=plain_number(serial))
        else:
            out.update(type='number', value=plain_number(value))
            if kind == 'percent':
                out['percent'] = True
    elif isinstance(value, str):
        out.update(type='string', value=decode_escapes(value) if t in ('s', 'inlineStr', 'str') else value)
    else:
        raise TypeError('unexpected %s value in %s' % (type(value).__name__, cell.coordinate))
    if has_f:
        out['formula'] = True
    return out


def dump(path):
    RAW.clear()
    lines = [{'file': path, 'status': 'ok'}]
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        book = openpyxl.load_workbook(path, data_only=True)
        raw = dict(RAW)
        with_formulas = openpyxl.load_workbook(path, data_only=False)
    date1904 = book.epoch == CALENDAR_MAC_1904
    for sheet in book._sheets:
        merges = [str(r.coord) for r in getattr(sheet, 'merged_cells', ())]
        lines.append({'file': path, 'sheet': sheet.title, 'state': sheet.sheet_state, 'merges': merges})
        if sheet.sheet_state != 'visible' or not hasattr(sheet, '_cells'):
            continue
        formulas = {c.coordinate: c.value for c in with_formulas[sheet.title]._cells.values() if c.data_type == 'f'}
        base = {'file': path, 'sheet': sheet.title}
        for key in sorted(sheet._cells):
            cell = sheet._cells[key]
            info = raw.get((sheet.title,) + key)
            if info is None or isinstance(cell, MergedCell):  # no <c> in the XML, or merged away
                continue
            line = dump_cell(base, cell, info, formulas, date1904)
            if line:
                lines.append(line)
    return lines


def main(paths):
    if not paths:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        return 2
    for path in paths:
        try:
            lines = dump(path)
        except Exception as e:  # openpyxl refused the file: report and go on
            lines = [{'file': path, 'status': 'error', 'error': '%s: %s' % (type(e).__name__, e)}]
        for line in lines:
            print(json.dumps(line, ensure_ascii=False, separators=(',', ':')))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
