import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { cfbStreamNames, DEFAULT_LIMITS, looksLikeText } from '../../../functions/core/workbook/guard';
import { buildZip, codeOf, fixture, minimalWorkbook, NS, readFile } from './helpers';

const SHEET = `<worksheet xmlns="${NS}"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`;

describe('opening: sniffing the real type', () => {
  it('accepts a real workbook as xlsx whatever its name says', async () => {
    const bytes = fixture('hidden-sheets.xlsx');
    expect(await codeOf(bytes, 'report.xlsx')).toBe('ok:xlsx');
    expect(await codeOf(bytes, 'inspections.csv')).toBe('ok:xlsx');
  });

  it('rejects a legacy .xls (Gnumeric BIFF8) with FILE_LEGACY_XLS and a save-as message', async () => {
    const r = await readFile(fixture('legacy.xls'), 'legacy.xls');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issue).toMatchObject({ severity: 'error', code: 'FILE_LEGACY_XLS' });
    expect(r.issue.sheet).toBeUndefined();
    expect(r.issue.message.zh).toContain('另存为');
    expect(r.issue.message.en).toContain('save it as .xlsx');
  });

  it('finds the Workbook stream in the legacy file’s CFB directory', () => {
    expect(cfbStreamNames(fixture('legacy.xls'))).toContain('Workbook');
  });

  it('rejects a password-protected workbook (CFB with EncryptedPackage) with FILE_ENCRYPTED', async () => {
    expect(cfbStreamNames(fixture('encrypted.xlsx'))).toEqual(['Root Entry', 'EncryptionInfo', 'EncryptedPackage']);
    expect(await codeOf(fixture('encrypted.xlsx'), 'secret.xlsx')).toBe('FILE_ENCRYPTED');
  });

  it('falls back to a byte search when the CFB directory is broken', async () => {
    const broken = Buffer.from(fixture('encrypted.xlsx'));
    broken.writeUInt16LE(7, 0x1e); // impossible sector shift
    expect(cfbStreamNames(broken)).toBeUndefined();
    expect(await codeOf(broken, 'secret.xlsx')).toBe('FILE_ENCRYPTED');
    const legacy = Buffer.from(fixture('legacy.xls'));
    legacy.writeUInt16LE(7, 0x1e);
    expect(await codeOf(legacy, 'old.xls')).toBe('FILE_LEGACY_XLS');
  });

  it('rejects macro workbooks: LibreOffice’s VBA export, and a vbaProject.bin renamed .xlsx', async () => {
    expect(await codeOf(fixture('libreoffice-macro-enabled.xlsm'), 'a.xlsm')).toBe('FILE_MACROS');
    expect(await codeOf(fixture('libreoffice-macro-enabled.xlsm'), 'a.xlsx')).toBe('FILE_MACROS');
    expect(await codeOf(fixture('vba-project-renamed.xlsx'), 'a.xlsx')).toBe('FILE_MACROS');
  });

  it('rejects an .xlsm name even when the content type is plain', async () => {
    expect(await codeOf(fixture('hidden-sheets.xlsx'), 'book.xlsm')).toBe('FILE_MACROS');
  });

  it('rejects other zips: a .docx, an empty zip, a plain archive, an .xlsb', async () => {
    const docx = await readFile(fixture('word-document.docx'), 'a.xlsx');
    expect(docx.ok ? '' : docx.issue.message.en).toContain('Word document');
    expect(await codeOf(fixture('word-document.docx'), 'a.xlsx')).toBe('FILE_NOT_WORKBOOK');
    const emptyZip = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...Array(18).fill(0)]);
    expect(await codeOf(emptyZip, 'a.xlsx')).toBe('FILE_NOT_WORKBOOK');
    expect(await codeOf(buildZip([{ name: 'readme.txt', data: 'hello' }]), 'a.xlsx')).toBe('FILE_NOT_WORKBOOK');
    const xlsb = await readFile(buildZip([{ name: 'xl/workbook.bin', data: 'x' }]), 'a.xlsx');
    expect(xlsb.ok ? '' : xlsb.issue.message.en).toContain('.xlsb');
  });

  it('rejects PDF, PNG and empty files as FILE_NOT_WORKBOOK', async () => {
    const pdf = await readFile(fixture('report.pdf'), 'report.xlsx');
    expect(pdf.ok ? '' : `${pdf.issue.code} ${pdf.issue.message.en}`).toBe(
      'FILE_NOT_WORKBOOK This is a PDF file, not an Excel workbook; upload an .xlsx file (a single sheet may be a UTF-8 .csv named for its kind, e.g. inspections.csv)',
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    expect(await codeOf(png, 'a.xlsx')).toBe('FILE_NOT_WORKBOOK');
    expect(await codeOf(new Uint8Array(0), 'a.xlsx')).toBe('FILE_NOT_WORKBOOK');
  });

  it('takes text as CSV only when the name ends .csv; CSV content named .xlsx is told so', async () => {
    const text = fixture('csv-renamed.xlsx');
    expect(await codeOf(text, 'inspections.csv')).toBe('ok:csv');
    const r = await readFile(text, 'inspections.xlsx');
    expect(r.ok ? '' : r.issue.code).toBe('FILE_NOT_WORKBOOK');
    expect(r.ok ? '' : r.issue.message.en).toContain('named .xlsx but holds plain text');
    expect(await codeOf(text, 'inspections.txt')).toBe('FILE_NOT_WORKBOOK');
  });

  it('knows GB18030 and UTF-16 text from binary', async () => {
    expect(looksLikeText(fixture('gb18030.csv'))).toBe(true);
    expect(looksLikeText(fixture('utf16le-bom.csv'))).toBe(true);
    expect(looksLikeText(fixture('legacy.xls'))).toBe(false);
    expect(await codeOf(fixture('gb18030.csv'), 'inspections.csv')).toBe('ok:csv');
  });
});

describe('opening: size limits and broken zips', () => {
  it('rejects a file above maxFileBytes before reading it', async () => {
    const r = await readFile(fixture('hidden-sheets.xlsx'), 'a.xlsx', { limits: { ...DEFAULT_LIMITS, maxFileBytes: 1000 } });
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
  });

  it('uses the PRODUCT §5.6 defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({
      maxFileBytes: 50 * 1024 * 1024,
      maxUncompressedBytes: 1024 * 1024 * 1024,
      maxRatio: 200,
      maxRowsPerSheet: 1_000_000,
    });
  });

  it('rejects a truncated workbook as FILE_CORRUPT', async () => {
    expect(await codeOf(fixture('truncated.xlsx'), 'a.xlsx')).toBe('FILE_CORRUPT');
    const whole = fixture('merged-title-and-category.xlsx');
    // cut just inside the central directory: the end record is gone
    expect(await codeOf(whole.subarray(0, whole.length - 30), 'a.xlsx')).toBe('FILE_CORRUPT');
  });

  it('rejects a part whose CRC does not match as FILE_CORRUPT', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', data: SHEET, crc: 12345 });
    const r = await readFile(bytes, 'a.xlsx');
    expect(r.ok ? '' : r.issue.code).toBe('FILE_CORRUPT');
    expect(r.ok ? '' : r.issue.message.en).toContain('CRC');
  });

  it('rejects garbage deflate data as FILE_CORRUPT', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', data: SHEET, deflated: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]) });
    expect(await codeOf(bytes, 'a.xlsx')).toBe('FILE_CORRUPT');
  });

  it('rejects a part that inflates to a different size than declared', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', data: SHEET, declaredSize: 10 });
    expect(await codeOf(bytes, 'a.xlsx')).toBe('FILE_CORRUPT');
  });

  it('rejects a workbook whose sheet relationship points at a missing part', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/other.xml', data: SHEET });
    const r = await readFile(bytes, 'a.xlsx');
    expect(r.ok ? '' : r.issue.message.en).toContain('points at a part that is not in the file (xl/worksheets/sheet1.xml)');
  });

  it('never throws, whatever the bytes', async () => {
    const seeds = [fixture('hidden-sheets.xlsx'), fixture('legacy.xls'), fixture('encrypted.xlsx')];
    for (const seed of seeds) {
      for (let i = 0; i < 40; i++) {
        const bytes = Buffer.from(seed);
        // flip a few bytes at deterministic positions
        for (let k = 0; k < 4; k++) bytes[(i * 7919 + k * 104729) % bytes.length] ^= 0x5a;
        const r = await readFile(bytes, 'x.xlsx');
        expect(typeof r.ok).toBe('boolean'); // a bug would throw: only a refusal or a reading comes back
      }
    }
  });
});

describe('row limit', () => {
  it('stops a sheet above maxRowsPerSheet with FILE_TOO_LARGE naming the sheet', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('抽查明细');
    for (let i = 0; i < 50; i++) ws.addRow([i]);
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const limits = { ...DEFAULT_LIMITS, maxRowsPerSheet: 20 };
    const r = await readFile(bytes, 'a.xlsx', { limits });
    expect(r.ok ? '' : r.issue).toMatchObject({ code: 'FILE_TOO_LARGE', sheet: '抽查明细' });
    expect((await readFile(bytes, 'a.xlsx', { limits: { ...limits, maxRowsPerSheet: 50 } })).ok).toBe(true);
  });
});
