// Bench workbooks: an inspection sheet (抽查明细) of valid rows, written with
// exceljs's streaming writer the way a large export would be.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** A valid unified social credit code (GB 32100-2015) for enterprise n, registered in Changning (310105). */
export function creditCode(n: number): string {
  let body = '91310105';
  let x = n * 7919 + 12345;
  for (let i = 0; i < 9; i++) {
    body += USCC_CHARS[x % 31];
    x = Math.floor(x / 31) + (i + 1) * 17;
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(body[i]) * USCC_WEIGHTS[i];
  return body + USCC_CHARS[(31 - (sum % 31)) % 31];
}

const CATEGORIES = ['电线电缆', '建筑材料', '儿童用品', '电子电器', '食品相关产品', '建筑材料', '日用消费品', '机械设备'];
const LEVELS = ['区', '市', '国家'];
const FAILED_ITEMS = ['抗压强度', '标志和说明', '阻燃性能', '尺寸偏差'];
const ENTERPRISES = 2000;

export const HEADERS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'];

/** Path of the bench workbook with `rows` data rows, written once and reused. */
export async function benchWorkbook(rows: number): Promise<string> {
  const dir = join(tmpdir(), 'qtrack-bench-v1');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `inspections-${rows}.xlsx`);
  if (existsSync(file)) return file;
  const partial = `${file}.partial`;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: partial, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('抽查明细');
  ws.columns = HEADERS.map((h, i) => ({ header: h, key: `c${i}`, width: 16, style: i === 4 ? { numFmt: 'yyyy-mm-dd' } : {} }));
  const q1Start = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    const e = (i * 7) % ENTERPRISES;
    const failed = i % 23 === 0;
    ws.addRow([
      `B2026Q1-${String(i + 1).padStart(7, '0')}`,
      CATEGORIES[i % CATEGORIES.length],
      `上海长宁第${e + 1}质量样本有限公司`,
      creditCode(e),
      new Date(q1Start + (i % 90) * 86_400_000),
      LEVELS[i % LEVELS.length],
      failed ? '不合格' : '合格',
      failed ? FAILED_ITEMS[i % FAILED_ITEMS.length] : null,
    ]).commit();
  }
  ws.commit();
  await wb.commit();
  renameSync(partial, file);
  return file;
}
