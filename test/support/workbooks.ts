// Small real .xlsx files for tests, written by exceljs.
import ExcelJS from 'exceljs';
import { sampleCreditCode } from '../../functions/local/demo';

export type Cell = string | number | Date | null;

export async function xlsx(sheets: Record<string, Cell[][]>): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    for (const r of rows) ws.addRow(r);
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

export const date = (iso: string) => new Date(`${iso}T00:00:00Z`);

export const INSPECTION_HEADERS = ['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目'];

/** `passed` passing and `failed` failing product checks dated inside 2026-Q1. */
export function inspectionRows(passed: number, failed: number, category = '电子电器'): Cell[][] {
  const rows: Cell[][] = [INSPECTION_HEADERS];
  for (let i = 0; i < passed + failed; i++) {
    const fail = i >= passed;
    rows.push([`B${i + 1}`, category, `企业${i + 1}`, sampleCreditCode(i + 1), date('2026-02-10'), '区', fail ? '不合格' : '合格', fail ? '标签' : null]);
  }
  return rows;
}

export const CERT_HEADERS = ['认证类型', '获证单位', '统一社会信用代码', '证书编号', '产品或服务名称', '发证日期', '有效期至', '状态'];

export function brandCertificate(n: number, status = '有效', expires = '2029-12-31'): Cell[] {
  return ['上海品牌', `品牌企业${n}`, sampleCreditCode(9000 + n), `SHB-${n}`, `服务${n}`, date('2025-06-01'), date(expires), status];
}
