import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../functions/core/summary/build';
import { summaryCsv } from '../../../functions/core/summary/render-csv';
import { evaluation, input } from './fixture';

function parse(csv: string): string[][] {
  return Papa.parse<string[]>(csv.replace(/^\ufeff/, ''), { skipEmptyLines: true }).data;
}

describe('summaryCsv', () => {
  const csv = summaryCsv(buildSummary(input()));

  it('starts with a UTF-8 BOM, uses CRLF and ends with one', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(csv.split('\r\n')).toHaveLength(14); // header, 12 indicators, trailing empty
  });

  it('has the overview header and one row per indicator', () => {
    const rows = parse(csv);
    expect(rows[0]).toEqual(['指标代码', '指标名称', '单位', '指标类型', '考核方式', '责任部门', '目标', '基线', '本季度', '累计', '上季度', '上季度统计期', '年度累计', '进度目标', '状态']);
    expect(rows[1]).toEqual(['MFG_SPOT_CHECK_PASS_RATE', '制造业产品质量监督抽查合格率', '%', '底线指标', '不低于目标值', '区市场监管局', '95', '', '94.87', '', '95.1', '2026-Q4', '94.87', '', '未达标']);
    expect(rows[8]).toEqual(['HIGH_VALUE_PATENTS_PER_10K', '每万人高价值发明专利拥有量', '件/万人', '水平指标', '期末水平', '区市场监管局', '85', '62.4', '66.2', '', '64.9', '2026-Q3', '66.2', '67.16', '预警']);
    expect(rows.slice(1).map((r) => r[0])).toHaveLength(12);
  });

  it('quotes commas, quotes and line breaks (RFC 4180) and neutralises formula text, keeping negative numbers', () => {
    const e = evaluation();
    const q = e.indicators.find((i) => i.code === 'MAJOR_PROJECTS_LEVEL')!;
    q.value = q.quarter = '=HYPERLINK("http://evil.example","国内领先")';
    q.yearToDate = '国内领先, "见附件"\r\n第二行';
    const flow = e.indicators.find((i) => i.code === 'STANDARDS_LED_COUNT')!;
    flow.yearToDate = -2; // a correction quarter: numbers stay numbers
    const out = summaryCsv(buildSummary({ ...input(), evaluation: e }));
    expect(out).toContain(`"'=HYPERLINK(""http://evil.example"",""国内领先"")"`);
    expect(out).toContain('"国内领先, ""见附件""\r\n第二行"');
    const rows = parse(out);
    const major = rows.find((r) => r[0] === 'MAJOR_PROJECTS_LEVEL')!;
    expect(major[8]).toBe('\'=HYPERLINK("http://evil.example","国内领先")');
    expect(major[12]).toBe('国内领先, "见附件"\r\n第二行');
    expect(rows.find((r) => r[0] === 'STANDARDS_LED_COUNT')![12]).toBe('-2');
  });
});
