#!/usr/bin/python3
"""Makes test/fixtures/files/annotate-openpyxl-template-filled-with-comments.xlsx:
the project's own template, filled by openpyxl as a clerk's script would, with
openpyxl cell comments. Not run by the tests: run it by hand, then read the diff.

    node bin/qtrack.mjs template --department market-regulation --out /tmp/t.xlsx
    /usr/bin/python3 test/reference/make_annotate_fixture.py /tmp/t.xlsx OUT.xlsx

Debian's python3-openpyxl 3.0.9. 抽查明细 rows 3-6 are filled with valid
GB 32100-2015 credit codes (computed here) except D5, whose check character is
wrong; the clerk's comments sit on 封面 B2, 抽查明细 C4 and D5 (D5 will also
get an issue), besides the template's own header notes, which openpyxl reads
and writes back in its own VML.
"""
import datetime
import sys

import openpyxl
from openpyxl.comments import Comment

CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def credit_code(n, valid=True):
    body = '91310105MA1FL%04d' % n
    c = 31 - sum(CHARSET.index(ch) * w for ch, w in zip(body, WEIGHTS)) % 31
    check = CHARSET[0 if c == 31 else c]
    if not valid:
        check = CHARSET[(CHARSET.index(check) + 1) % 31]
    return body + check


ROWS = [
    ('B2026Q1-0001', '电线电缆', '上海长宁甲电缆有限公司', credit_code(1), datetime.datetime(2026, 1, 12), '区', '合格', None),
    ('B2026Q1-0002', '建筑材料', '上海长宁乙建材有限公司', credit_code(2), datetime.datetime(2026, 2, 3), '市', '不合格', '抗压强度'),
    ('B2026Q1-0003', '儿童用品', '上海长宁丙玩具有限公司', credit_code(3, valid=False), datetime.datetime(2026, 2, 20), '区', '合格', None),
    ('B2026Q1-0004', '电子电器', '上海长宁丁电器有限公司', credit_code(4), datetime.datetime(2026, 3, 9), '国家', '合格', None),
]


def main(template, out):
    wb = openpyxl.load_workbook(template)
    wb['封面']['B2'] = '2026-Q1'
    wb['封面']['B2'].comment = Comment('按季度填写', '张伟')
    ws = wb['抽查明细']
    for r, values in enumerate(ROWS, start=3):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, datetime.datetime):
                cell.number_format = 'yyyy-mm-dd'
    ws['C4'].comment = Comment('企业名称以营业执照为准', '张伟')
    ws['D5'].comment = Comment('信用代码待核实', '李娜')
    wb.save(out)
    return 0


if __name__ == '__main__':
    if len(sys.argv) != 3:
        print(__doc__.split('\n\n')[1], file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
