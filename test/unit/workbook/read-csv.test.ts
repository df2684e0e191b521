import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, WorkbookError } from '../../../functions/core/workbook/guard';
import { csvKindFromFileName, csvRecords, decodeText, guessDelimiter, readCsv } from '../../../functions/core/workbook/read-csv';
import { cellsOf, collect, fixture } from './helpers';

const s = (text: string) => ({ kind: 'string', text });
const HEADERS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'];
const ROW2 = ['B2026-0001', '电线电缆', '上海长宁ABC电缆有限公司', '91310105MKQM7RBXFF', '2026-01-12', '区', '合格'];

describe('decodeText', () => {
  it('UTF-8 with a BOM drops the BOM', () => {
    expect(decodeText(fixture('utf8-bom.csv')).slice(0, 4)).toBe('批次编号');
  });

  it('UTF-8 without a BOM', () => {
    expect(decodeText(new TextEncoder().encode('指标代码,数值'))).toBe('指标代码,数值');
  });

  it('GB18030 (Chinese Excel’s “CSV”) is detected from invalid UTF-8', () => {
    expect(decodeText(fixture('gb18030.csv')).split('\r\n')[1]).toBe(`${ROW2.join(',')},`);
  });

  it('UTF-16 LE and BE with a BOM', () => {
    expect(decodeText(fixture('utf16le-bom.csv')).slice(0, 5)).toBe('批次编号\t');
    const be = Buffer.from('\ufeff抽查', 'utf16le').swap16();
    expect(decodeText(be)).toBe('抽查');
  });
});

describe('csvKindFromFileName', () => {
  it('takes the kind from the S3 key’s file name, in English or Chinese, any case', () => {
    expect(csvKindFromFileName('indicators.csv')).toBe('indicators');
    expect(csvKindFromFileName('submissions/market-regulation/2026-Q1/Inspections.CSV')).toBe('inspections');
    expect(csvKindFromFileName('认证明细.csv')).toBe('certifications');
    expect(csvKindFromFileName('竣工验收.csv')).toBe('acceptances');
  });

  it('knows no kind for other names, the cover, or other extensions', () => {
    expect(csvKindFromFileName('data.csv')).toBeUndefined();
    expect(csvKindFromFileName('cover.csv')).toBeUndefined();
    expect(csvKindFromFileName('inspections.xlsx')).toBeUndefined();
  });
});

describe('csvRecords', () => {
  it('gives each record the line it starts on, across quoted line breaks and mixed endings', () => {
    const text = 'a,b\r\n"x\ny",2\n\n"p,""q""",3\rlast,4';
    expect([...csvRecords(text)]).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x\ny', '2'] },
      { line: 4, fields: [''] },
      { line: 5, fields: ['p,"q"', '3'] },
      { line: 6, fields: ['last', '4'] },
    ]);
  });

  it('keeps a trailing empty field and an unterminated quote', () => {
    expect([...csvRecords('a,\n"open')]).toEqual([
      { line: 1, fields: ['a', ''] },
      { line: 2, fields: ['open'] },
    ]);
  });

  it('guesses tab and semicolon delimiters', () => {
    expect(guessDelimiter('a\tb\n1\t2\n')).toBe('\t');
    expect(guessDelimiter('a;b\n1;2\n')).toBe(';');
    expect(guessDelimiter('a,b\n1,2\n')).toBe(',');
  });
});

describe('readCsv', () => {
  it('one sheet named by its kind, every cell text, header on line 1', async () => {
    const [sheet] = await collect(readCsv(fixture('utf8-bom.csv'), 'inspections'));
    expect(sheet).toMatchObject({ name: 'inspections', csvKind: 'inspections', state: 'visible', merges: [] });
    expect(sheet.rows.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(cellsOf(sheet.rows[0])).toEqual(HEADERS.map(s));
    expect(cellsOf(sheet.rows[1])).toEqual(ROW2.map(s));
    expect(cellsOf(sheet.rows[2])[4]).toEqual(s('2026/2/3'));
  });

  it('GB18030 and UTF-16 (tab-separated) files read the same', async () => {
    for (const name of ['gb18030.csv', 'utf16le-bom.csv']) {
      const [sheet] = await collect(readCsv(fixture(name), 'inspections'));
      expect(cellsOf(sheet.rows[1])).toEqual(ROW2.map(s));
    }
  });

  it('full-width digits stay as written (validation parses them)', async () => {
    const [sheet] = await collect(readCsv(fixture('fullwidth-digits.csv'), 'indicators'));
    expect(cellsOf(sheet.rows[1])).toEqual(['MFG_SPOT_CHECK_PASS_RATE', '９６．５', '１９３', '２００', '％'].map(s));
    expect(cellsOf(sheet.rows[2])).toEqual([s('GREEN_BUILDING_SHARE'), s('８２．０%'), null, null, s('%')]);
  });

  it('quoted multi-line fields: rows numbered by the line they start on; blank lines skipped', async () => {
    const [sheet] = await collect(readCsv(fixture('multiline-quoted.csv'), 'inspections'));
    expect(sheet.rows.map((r) => r.index)).toEqual([1, 2, 5, 7]);
    expect(cellsOf(sheet.rows[1])[2]).toEqual(s('上海长宁"ABC"电缆\n有限公司'));
    expect(cellsOf(sheet.rows[2])[7]).toEqual(s('抗压强度,\r\n尺寸偏差'));
  });

  it('stops above maxRowsPerSheet with FILE_TOO_LARGE naming the kind', async () => {
    const text = ['批次编号', ...Array.from({ length: 30 }, (_, i) => `B${i}`)].join('\n');
    const error = await collect(readCsv(new TextEncoder().encode(text), 'inspections', { ...DEFAULT_LIMITS, maxRowsPerSheet: 10 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbookError);
    expect((error as WorkbookError).issue).toMatchObject({ code: 'FILE_TOO_LARGE', sheet: 'inspections' });
  });

  it('an empty file is a sheet with no rows', async () => {
    const [sheet] = await collect(readCsv(new Uint8Array(0), 'indicators'));
    expect(sheet.rows).toEqual([]);
  });
});
