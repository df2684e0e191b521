// Zip bombs must cost seconds and little memory (PRODUCT §5.6). Each bomb
// inflates to more than 1 GB of zeros; the guard must stop it without
// inflating it, or after inflating only what the ratio allows.
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../../functions/core/workbook/guard';
import { buildZip, codeOf, minimalWorkbook, NS, readFile, xmlBombDeflated, zerosDeflated } from './helpers';

const GB_PLUS = 1100; // MB of zeros
/** A guard against a hang, not a speed target: how fast a bomb is refused is measured by the benchmark (README). */
const HANG = 30_000;

describe('zip bombs', () => {
  const bomb = zerosDeflated(GB_PLUS);

  async function timed(bytes: Uint8Array) {
    const rssBefore = process.memoryUsage().rss;
    const t0 = performance.now();
    const r = await readFile(bytes, 'bomb.xlsx');
    const ms = performance.now() - t0;
    const rssGrowth = process.memoryUsage().rss - rssBefore;
    return { r, ms, rssGrowth };
  }

  it('is small on disk and huge inflated', () => {
    expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
  });

  it('with honest sizes: refused from the central directory, nothing inflated', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: bomb, declaredSize: GB_PLUS * 1024 * 1024, crc: 0 });
    const { r, ms, rssGrowth } = await timed(bytes);
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
    expect(r.ok ? '' : r.issue.message.en).toContain('xl/worksheets/sheet1.xml');
    expect(ms).toBeLessThan(HANG);
    expect(rssGrowth).toBeLessThan(150 * 1024 * 1024);
  });

  it('zeros with lying sizes: not XML, refused at the first bytes', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: bomb, declaredSize: 2048, crc: 0 });
    const { r, ms, rssGrowth } = await timed(bytes);
    expect(r.ok ? '' : r.issue.code).toBe('FILE_CORRUPT');
    expect(ms).toBeLessThan(HANG);
    expect(rssGrowth).toBeLessThan(150 * 1024 * 1024);
  });

  it('well-formed XML with lying sizes (declares 2 KB): stopped while inflating', async () => {
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: xmlBombDeflated(GB_PLUS), declaredSize: 2048, crc: 0 });
    const { r, ms, rssGrowth } = await timed(bytes);
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
    expect(r.ok ? '' : r.issue.message.en).toContain('inflates past');
    expect(ms).toBeLessThan(HANG);
    expect(rssGrowth).toBeLessThan(150 * 1024 * 1024);
  });

  it('hidden in shared strings with lying sizes: stopped as well', async () => {
    const bytes = minimalWorkbook(`<worksheet/>`, [{ name: 'xl/sharedStrings.xml', deflated: xmlBombDeflated(GB_PLUS, 'sst'), declaredSize: 100, crc: 0 }]);
    const { r, ms } = await timed(bytes);
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
    expect(ms).toBeLessThan(HANG);
  });

  it('many honest parts whose sum passes maxUncompressedBytes: refused from the directory', async () => {
    const parts = Array.from({ length: 12 }, (_, i) => ({
      name: `xl/media/image${i}.bin`,
      deflated: zerosDeflated(1),
      declaredSize: 100 * 1024 * 1024, // each within the ratio limit on its own? no: but the sum is 1.2 GB
      crc: 0,
    }));
    const limits = { ...DEFAULT_LIMITS, maxRatio: 1_000_000 };
    const r = await readFile(minimalWorkbook(`<worksheet/>`, parts), 'a.xlsx', { limits });
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
  });

  it('the ratio limit applies to the true output even within the total budget', async () => {
    // 30 MB of zeros declared honestly but at ~1000:1: above 200:1
    const bytes = minimalWorkbook({ name: 'xl/worksheets/sheet1.xml', deflated: zerosDeflated(30), declaredSize: 30 * 1024 * 1024, crc: 0 });
    const r = await readFile(bytes, 'a.xlsx');
    expect(r.ok ? '' : r.issue.code).toBe('FILE_TOO_LARGE');
    expect(r.ok ? '' : r.issue.message.en).toMatch(/\d+:1/);
  });

  it('does not hold a workbook of normal compression to the ratio: an unused lying part is never inflated', async () => {
    const bytes = buildZip([]);
    expect((await readFile(bytes, 'a.xlsx')).ok).toBe(false);
    const ok = minimalWorkbook(`<worksheet xmlns="${NS}"><sheetData/></worksheet>`, [
      { name: 'xl/media/unused.bin', deflated: zerosDeflated(2), declaredSize: 10, crc: 0 },
    ]);
    expect(await codeOf(ok, 'a.xlsx')).toBe('ok:xlsx');
  });
});
