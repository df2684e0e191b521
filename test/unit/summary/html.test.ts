import { describe, expect, it } from 'vitest';
import { buildSummary } from '../../../functions/core/summary/build';
import { escapeHtml } from '../../../functions/core/summary/html-escape';
import { summaryHtml } from '../../../functions/core/summary/render-html';
import { HOSTILE_MESSAGE, alerts, evaluation, input } from './fixture';
import { attr, charts, tableRows } from './parse-html';

const clean = () => ({ ...input(), alerts: alerts().filter((a) => a.message.zh !== HOSTILE_MESSAGE) });

describe('summaryHtml: one self-contained Chinese page', () => {
  const html = summaryHtml(buildSummary(clean()));

  it('is Chinese, titled, and refers to nothing outside itself', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(/<title>(.*)<\/title>/.exec(html)![1]).toBe('长宁区质量提升“十五五”规划（2026—2030） 2027年第1季度质量数据汇总');
    expect(html).toContain('<meta charset="utf-8">');
    for (const banned of ['http:', 'https:', '//', '<script', '<link', '<img', '<iframe', 'src=', 'href=', 'url(', '@import', '@font-face', 'xmlns']) {
      expect(html.includes(banned), banned).toBe(false);
    }
  });

  it('prints: page breaks between sections, charts and cards never split', () => {
    expect(html).toContain('@media print');
    expect(html).toMatch(/section\.page \{ break-before: page; page-break-before: always; \}/);
    expect(html).toMatch(/figure\.chart, \.card, table\.data tr \{ break-inside: avoid; page-break-inside: avoid; \}/);
    expect(html.match(/<section class="page"/g)).toHaveLength(3);
  });

  it('has one trend chart per non-qualitative indicator, one point per quarter with a value, a gap per quarter without', () => {
    const c = charts(html);
    expect([...c.keys()]).toEqual(evaluation().indicators.filter((i) => i.kind !== 'qualitative').map((i) => i.code));
    const expected: Record<string, [number, number]> = {
      MFG_SPOT_CHECK_PASS_RATE: [5, 0],
      GREEN_BUILDING_SHARE: [3, 2],
      HIGH_VALUE_PATENTS_PER_10K: [4, 1],
      ADVANCED_QM_RESULTS_COUNT: [4, 1],
      CHIEF_QUALITY_OFFICERS_COUNT: [4, 1],
    };
    for (const [code, [points, gaps]] of Object.entries(expected)) {
      const svg = c.get(code)!;
      expect(svg.match(/<g class="point[ "]/g)?.length ?? 0, code).toBe(points);
      expect(svg.match(/<g class="gap[ "]/g)?.length ?? 0, code).toBe(gaps);
      // a grey band marks each gap so it never reads as a zero
      expect(svg.match(/<rect class="gap-band"/g)?.length ?? 0, code).toBe(gaps);
    }
    expect(html).toMatch(/<svg class="trend" data-indicator="GREEN_BUILDING_SHARE" data-points="3" data-status="no_data"/);
  });

  it('marks each point’s status by shape and data attributes, and the current quarter with a label', () => {
    const mfg = charts(html).get('MFG_SPOT_CHECK_PASS_RATE')!;
    const points = [...mfg.matchAll(/<g class="(point[^"]*)" ([^>]*)>([\s\S]*?)<\/g>/g)];
    expect(points.map((p) => [attr(p[2]!, 'data-period'), attr(p[2]!, 'data-value'), attr(p[2]!, 'data-status')])).toEqual([
      ['2026-Q1', '96.5', 'met'],
      ['2026-Q2', '95.8', 'met'],
      ['2026-Q3', '96.33', 'met'],
      ['2026-Q4', '95.1', 'at_risk'],
      ['2027-Q1', '94.87', 'breached'],
    ]);
    expect(points.map((p) => p[1])).toEqual(['point', 'point', 'point', 'point', 'point current']);
    expect(points[0]![3]).toMatch(/<circle [^>]*fill="#1a7f37"/); // ● met
    expect(points[3]![3]).toMatch(/<polygon /); // ▲ at risk
    expect(points[4]![3]).toMatch(/<path d="M[^"]+L[^"]+M[^"]+L/); // ✕ breached
    expect(mfg).toContain('>94.87% 未达标</text>');
    expect(mfg).toContain('class="target-line"');
    expect(mfg).toContain('stroke-dasharray="7 4"');
    expect(mfg).toContain('>底线 ≥95.0%</text>');
    expect(mfg).toContain('>全市2024 96.33%</text>');
    const brand = charts(html).get('SHANGHAI_BRAND_TOTAL')!;
    expect(brand).toContain('class="pace-line"');
    expect(brand).toContain('>进度 14.5</text>');
    expect(brand).not.toContain('target-line');
    const chief = charts(html).get('CHIEF_QUALITY_OFFICERS_COUNT')!;
    expect(chief).toMatch(/<g class="gap current" data-period="2027-Q1" data-status="no_data">/);
  });

  it('shows the qualitative indicator as a rating table, not a chart', () => {
    const { headers, rows } = tableRows(html.replace('class="data ratings" data-indicator="MAJOR_PROJECTS_LEVEL"', 'class="data ratings" id="ratings"'), 'ratings');
    expect(headers).toEqual(['统计期', '评级', '状态']);
    expect(rows.map((r) => r.map((c) => c.text))).toEqual([
      ['2026-Q1', '国内先进', '◆待评审'],
      ['2026-Q2', '未评级', '○无数据'],
      ['2026-Q3', '未评级', '○无数据'],
      ['2026-Q4', '国内领先', '◆待评审'],
      ['2027-Q1', '国内领先', '◆待评审'],
    ]);
  });

  it('has the same tables as the workbook', () => {
    expect(tableRows(html, 'overview').rows).toHaveLength(12);
    expect(tableRows(html, 'submissions').headers).toEqual(['部门', '部门代码', '负责指标', '按时', '逾期', '未报送', '待报送', '首次受理时间', '版本数', '被退回版本数', '完整性', '当前数据来源']);
    expect(tableRows(html, 'submissions').rows).toHaveLength(12);
    expect(tableRows(html, 'alerts').rows).toHaveLength(11);
    expect(tableRows(html, 'data-quality').rows.map((r) => r.map((c) => c.text))[0]).toEqual(['区市场监管局', 'INVALID_CREDIT_CODE', '统一社会信用代码无效', '错误', '3']);
    expect(tableRows(html, 'comparisons').rows.map((r) => r.map((c) => c.text))).toEqual([
      ['全市制造业产品质量合格率', '2024', '96.33%', '%', '制造业产品质量监督抽查合格率', '94.87%', '003_2471ba8324952689.txt 第28行'],
      ['全市建设工程检测合格率', '2024', '99.98%', '%', '建筑工程竣工验收合格率', '100.0%', '003_2471ba8324952689.txt 第28行'],
    ]);
  });
});

describe('summaryHtml escaping', () => {
  it('escapes & < > " \' everywhere', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    const html = summaryHtml(buildSummary(input()));
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>虹桥枢纽</b>');
    expect(html).toContain('=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;点我&quot;) &lt;img src=&quot;http://evil.example/p.png&quot;&gt; &amp; &#39;x&#39;');
    expect(html).toContain('评级依据：&lt;b&gt;虹桥枢纽&lt;/b&gt; &amp; “长宁来福士”二期');
  });

  it('escapes markup in codes and names that reach attributes', () => {
    const e = evaluation();
    e.indicators.push({ ...e.indicators[0]!, code: 'X"><script>1</script>', name: '<i>新指标</i>' });
    const html = summaryHtml(buildSummary({ ...clean(), evaluation: e }));
    expect(html).not.toContain('<script');
    expect(html).toContain('data-indicator="X&quot;&gt;&lt;script&gt;1&lt;/script&gt;"');
    expect(charts(html).size).toBe(12);
  });
});

describe('summaryHtml at the edges of a plan', () => {
  it('renders the first quarter with nothing evaluated: every chart a single gap', async () => {
    const s = buildSummary({ ...input(), period: '2026-Q1', evaluation: { plan: '15th', period: '2026-Q1', indicators: [] }, alerts: [], dataQuality: [] });
    const html = summaryHtml(s);
    const c = charts(html);
    expect(c.size).toBe(11);
    for (const svg of c.values()) {
      expect(svg.match(/<g class="point/g)).toBeNull();
      expect(svg.match(/<g class="gap current" data-period="2026-Q1"/g)).toHaveLength(1);
    }
    expect(html).toContain('<p class="empty">本季度无预警。</p>');
    expect(html).toContain('<p class="empty">规划期内尚无评级。</p>');
  });

  it('renders all 20 quarters of the plan with a point each', () => {
    const periods: string[] = [];
    for (let y = 2026; y <= 2030; y++) for (let q = 1; q <= 4; q++) periods.push(`${y}-Q${q}`);
    const e = evaluation();
    const mfg = e.indicators[0]!;
    mfg.series = periods.map((period, k) => ({ period, value: 95 + (k % 5) * 0.4, quarter: 95 + (k % 5) * 0.4, expected: 95, status: 'met' }));
    const html = summaryHtml(buildSummary({ ...input(), period: '2030-Q4', evaluation: { ...e, period: '2030-Q4' } }));
    const svg = charts(html).get('MFG_SPOT_CHECK_PASS_RATE')!;
    expect(svg.match(/<g class="point/g)).toHaveLength(20);
    expect(svg.match(/>Q1<\/text>/g)).toHaveLength(5);
    expect(svg.match(/>20(26|27|28|29|30)<\/text>/g)).toHaveLength(5);
  });
});
