#!/usr/bin/python3
"""Writes test/fixtures/expected/<fixture>.jsonl for every fixture in
test/fixtures/files/ (see test/fixtures/expected/README.md). Not run by the
tests: run it by hand after adding or changing a fixture, then read the diff.

    /usr/bin/python3 test/reference/make_expected.py            (writes the files)
    /usr/bin/python3 test/reference/make_expected.py --stdout   (prints them)

- Files a reader must refuse get one line {"file","status":"rejected","code"}.
- CSV files get no expectation.
- Files openpyxl 3.0.9 cannot read although Excel can are dumped from a copy
  with only the part openpyxl trips on rewritten (TRANSFORMS, each with its
  reason); the expectation still names the original file.
- Every other file: openpyxl_dump.py's output with "file" the bare name.
A file openpyxl refuses that is in neither list stops the script.
"""
import io
import json
import os
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, '..', 'fixtures', 'files')
EXPECTED = os.path.join(HERE, '..', 'fixtures', 'expected')
sys.path.insert(0, HERE)
import openpyxl_dump  # noqa: E402

REJECTED = {
    'legacy.xls': 'FILE_LEGACY_XLS',
    'encrypted.xlsx': 'FILE_ENCRYPTED',
    'libreoffice-macro-enabled.xlsm': 'FILE_MACROS',
    'vba-project-renamed.xlsx': 'FILE_MACROS',
    'word-document.docx': 'FILE_NOT_WORKBOOK',
    'report.pdf': 'FILE_NOT_WORKBOOK',
    'csv-renamed.xlsx': 'FILE_NOT_WORKBOOK',
    'truncated.xlsx': 'FILE_CORRUPT',
    'sst-index-out-of-range.xlsx': 'FILE_CORRUPT',
}

TRANSITIONAL = {
    'http://purl.oclc.org/ooxml/spreadsheetml/main': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
    'http://purl.oclc.org/ooxml/officeDocument/relationships': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
}
SST_OVERRIDE = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')


def strict_to_transitional(name, data):
    text = data.decode('utf-8')
    for strict, transitional in TRANSITIONAL.items():
        text = text.replace(strict, transitional)
    return name, text.encode('utf-8')


def backslashes_to_slashes(name, data):
    return name.replace('\\', '/'), data


def sst_content_type(name, data):
    if name == '[Content_Types].xml':
        return name, data.decode('utf-8').replace('</Types>', SST_OVERRIDE).encode('utf-8')
    return name, data


# fixture -> (why openpyxl cannot read it, the rewrite of each (name, bytes) entry)
TRANSFORMS = {
    'namespace-prefixed.xlsx': (
        'openpyxl finds sharedStrings.xml through [Content_Types].xml only; this package '
        'declares it in xl/_rels/workbook.xml.rels but has no Override for it (IndexError)',
        sst_content_type),
    'zip-backslash-entry-names.xlsx': (
        'openpyxl looks parts up by their exact zip names; these are written xl\\workbook.xml (KeyError)',
        backslashes_to_slashes),
    'excel-strict-ooxml-iso-dates.xlsx': (
        'openpyxl knows only the transitional namespaces: on Strict OOXML (purl.oclc.org) it '
        'reports status ok with no sheets at all', strict_to_transitional),
    'strict-date-cells-time-only.xlsx': (
        'as excel-strict-ooxml-iso-dates.xlsx', strict_to_transitional),
}


def rewritten_copy(path, rewrite):
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            name, data = rewrite(info.filename, src.read(info))
            dst.writestr(name, data)
    fd, tmp = tempfile.mkstemp(suffix='.xlsx')
    with os.fdopen(fd, 'wb') as fh:
        fh.write(out.getvalue())
    return tmp


def expectation(name):
    if name in REJECTED or name.startswith('corrupt-'):
        return [{'file': name, 'status': 'rejected', 'code': REJECTED.get(name, 'FILE_CORRUPT')}]
    path = os.path.join(FILES, name)
    tmp = rewritten_copy(path, TRANSFORMS[name][1]) if name in TRANSFORMS else None
    try:
        lines = openpyxl_dump.dump(tmp or path)
    finally:
        if tmp:
            os.unlink(tmp)
    for line in lines:
        line['file'] = name
    return lines


def main():
    # --stdout: print every expectation instead of writing the files (the
    # differential test compares qtrack's reading with this live output)
    to_stdout = '--stdout' in sys.argv[1:]
    if not to_stdout:
        os.makedirs(EXPECTED, exist_ok=True)
    for name in sorted(os.listdir(FILES)):
        if name == 'README.md' or name.endswith('.csv'):
            continue
        lines = expectation(name)
        if to_stdout:
            for line in lines:
                sys.stdout.write(json.dumps(line, ensure_ascii=False, separators=(',', ':')) + '\n')
            continue
        with open(os.path.join(EXPECTED, name + '.jsonl'), 'w', encoding='utf-8') as out:
            for line in lines:
                out.write(json.dumps(line, ensure_ascii=False, separators=(',', ':')) + '\n')
        print('%-52s %4d lines' % (name, len(lines)))


if __name__ == '__main__':
    main()
