import { describe, expect, it } from 'vitest';
import { CERT_HEADER, CODE_A, CODE_B, codes, date, memorySink, only, sheet, validate, workbook, issuesOf, countsOf } from './helpers';

// Header in row 1; columns: A 认证类型, B 获证单位, C 统一社会信用代码, D 证书编号,
// E 产品或服务名称, F 发证日期, G 有效期至, H 状态.
function certs(rows: unknown[][]) {
  return workbook(sheet('认证明细', [CERT_HEADER, ...(rows as never[][])]));
}
const brand = (over: Record<number, unknown> = {}) => {
  const row: unknown[] = ['上海品牌', '甲公司', CODE_A, 'SB-2026-001', '智能电表', '2026-02-01', '2029-01-31', '有效'];
  for (const [i, v] of Object.entries(over)) row[Number(i)] = v;
  return row;
};

describe('认证明细 / Certifications', () => {
  it('accepts a valid sheet: English types, default status, records', async () => {
    const { sink, got } = memorySink();
    const o = await validate(
      certs([
        brand(),
        ['Shanghai Standard', '乙公司', CODE_B, 'SS-001', null, date(45000), null, null],
        ['ISO 9001', '乙公司', CODE_B, 'Q-77', null, '2025/12/1', '2028/11/30', 'suspended'],
        ['3C', '甲公司', CODE_A, 'SB-2026-001', null, '2024-05-05', '2029-05-04', '撤销'],
      ]),
      { sink },
    );
    expect(issuesOf(o)).toEqual([]);
    expect(o.report.sheets).toEqual([{ name: '认证明细', kind: 'certifications', rows: 4, acceptedRows: 4 }]);
    expect(got.certifications.map((c) => [c.type, c.status, c.issuedOn, c.expiresOn])).toEqual([
      ['shanghai-brand', 'valid', '2026-02-01', '2029-01-31'],
      ['shanghai-standard', 'valid', '2023-03-15', undefined],
      ['iso9001', 'suspended', '2025-12-01', '2028-11-30'],
      ['ccc', 'withdrawn', '2024-05-05', '2029-05-04'],
    ]);
    expect(got.certifications[0]).toMatchObject({ holder: '甲公司', creditCode: CODE_A, certificateNo: 'SB-2026-001', product: '智能电表', src: { sheet: '认证明细', row: 2 } });
  });

  it('REQUIRED product for 上海品牌 at 产品或服务名称', async () => {
    const o = await validate(certs([brand({ 4: null })]));
    const i = only(o, 'REQUIRED');
    expect(i).toMatchObject({ cell: 'E2', header: '产品或服务名称', field: 'product' });
    expect(i.message.zh).toContain('上海品牌');
  });

  it('ISSUED_AFTER_PERIOD at 发证日期', async () => {
    const o = await validate(certs([brand({ 5: '2026-04-01', 6: '2030-01-01' })]));
    expect(only(o, 'ISSUED_AFTER_PERIOD')).toMatchObject({ cell: 'F2', value: '2026-04-01' });
  });

  it('EXPIRY_BEFORE_ISSUE at 有效期至 (equal dates too)', async () => {
    const o = await validate(certs([brand({ 6: '2026-01-15' }), brand({ 3: 'X2', 6: '2026-02-01' })]));
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['EXPIRY_BEFORE_ISSUE', 'G2'],
      ['EXPIRY_BEFORE_ISSUE', 'G3'],
    ]);
  });

  it('CERTIFICATE_EXPIRED is a warning for a valid certificate expired before the period’s end; the row is accepted', async () => {
    const { sink, got } = memorySink();
    const o = await validate(certs([brand({ 5: '2023-01-01', 6: '2026-03-30' }), brand({ 3: 'X2', 5: '2023-01-01', 6: '2026-03-31' })]), { sink });
    expect(only(o, 'CERTIFICATE_EXPIRED')).toMatchObject({ severity: 'warning', cell: 'G2', value: '2026-03-30' });
    expect(o.report.status).toBe('accepted');
    expect(countsOf(o)).toEqual({ errors: 0, warnings: 1 });
    expect(got.certifications).toHaveLength(2);
  });

  it('an expired certificate already withdrawn gets no warning', async () => {
    const o = await validate(certs([brand({ 5: '2023-01-01', 6: '2025-01-01', 7: 'withdrawn' })]));
    expect(codes(o)).toEqual([]);
  });

  it('DUPLICATE certificate number within a type, not across types', async () => {
    const o = await validate(certs([brand(), brand({ 0: 'ISO 9001' }), brand({ 3: ' sb-2026-001 ' })]));
    const i = only(o, 'DUPLICATE');
    expect(i).toMatchObject({ cell: 'D4', field: 'certificateNo' });
    expect(i.message.zh).toContain('第2行');
  });

  it('INVALID_ENUM for type and status', async () => {
    const o = await validate(certs([brand({ 0: '上海名牌', 7: '过期' })]));
    expect(issuesOf(o).map((i) => [i.code, i.cell])).toEqual([
      ['INVALID_ENUM', 'A2'],
      ['INVALID_ENUM', 'H2'],
    ]);
    expect(issuesOf(o)[0]!.message.zh).toContain('上海品牌 / 上海标准 / 质量管理体系认证 / 强制性产品认证 / 绿色产品认证 / 其他');
    expect(issuesOf(o)[1]!.message.en).toContain('valid / suspended / withdrawn');
  });
});
