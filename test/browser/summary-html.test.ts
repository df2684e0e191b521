// summary.html in a real browser (headless Chromium via playwright-core): it loads
// from file:// with no console error, no failed request and no request leaving the
// file, shows the Chinese text, one chart per non-qualitative indicator with one
// point per quarter that has a value, and prints. A full-page screenshot goes to
// test-output/summary.png for a person to look at.
//
// Chromium missing: with CI set this fails loudly; otherwise it is skipped with a
// warning (run `node scripts/ensure-test-tools.mjs`).
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSummary } from '../../functions/core/summary/build';
import { summaryHtml } from '../../functions/core/summary/render-html';
import { evaluation, input } from '../unit/summary/fixture';

// page.evaluate callbacks run in the page; the project's tsconfig has no DOM lib
// (core code must not use it), so the few page globals are declared here, module-local.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(element: unknown): { breakInside: string; breakBefore: string };

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SKIP = !HAVE_CHROMIUM && !process.env.CI;
if (SKIP) console.warn(`[summary-html] SKIPPED: Chromium not found at ${CHROMIUM}. Run \`node scripts/ensure-test-tools.mjs\` (or set CHROMIUM_PATH) to run the browser test.`);

const SCREENSHOT = resolve('test-output/summary.png');

describe.skipIf(SKIP)('summary.html in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  const failed: string[] = [];
  const requested: string[] = [];

  beforeAll(async () => {
    if (!HAVE_CHROMIUM) throw new Error(`Chromium not found at ${CHROMIUM} and CI is set: run \`node scripts/ensure-test-tools.mjs\` as root, or set CHROMIUM_PATH`);
    dir = mkdtempSync(join(tmpdir(), 'qtrack-summary-'));
    const file = join(dir, 'summary.html');
    // the fixture's alerts include markup and a URL typed into a workbook: it must stay text
    writeFileSync(file, summaryHtml(buildSummary(input())), 'utf8');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') consoleErrors.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('request', (r) => requested.push(r.url()));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('loads with no console error, no failed request, and nothing outside file:', () => {
    expect(consoleErrors).toEqual([]);
    expect(failed).toEqual([]);
    expect(requested).toHaveLength(1);
    expect(requested.every((u) => u.startsWith('file:'))).toBe(true);
  });

  it('is the Chinese page', async () => {
    expect(await page.title()).toBe('长宁区质量提升“十五五”规划（2026—2030） 2027年第1季度质量数据汇总');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const text = await page.evaluate(() => document.body.innerText);
    for (const s of ['制造业产品质量监督抽查合格率', '指标总览', '报送情况', '预警', '数据质量', '全市对比', '未达标', '全市制造业产品质量合格率']) expect(text).toContain(s);
    // hostile text from a workbook stayed text: no element was made of it
    expect(await page.locator('img, script, iframe, link').count()).toBe(0);
    expect(text).toContain('<img src="http://evil.example/p.png">');
  });

  it('draws one chart per non-qualitative indicator, one point per quarter with a value', async () => {
    const ev = evaluation();
    const quantitative = ev.indicators.filter((i) => i.kind !== 'qualitative');
    expect(await page.locator('svg.trend').count()).toBe(quantitative.length);
    for (const i of quantitative) {
      const chart = page.locator(`svg.trend[data-indicator="${i.code}"]`);
      expect(await chart.count(), i.code).toBe(1);
      expect(await chart.locator('.point').count(), i.code).toBe(i.series.filter((p) => typeof p.value === 'number').length);
      expect(await chart.locator('.gap').count(), i.code).toBe(i.series.filter((p) => typeof p.value !== 'number').length);
      expect(await chart.locator('.current').count(), i.code).toBe(1);
      const box = (await chart.boundingBox())!;
      expect(box.width, i.code).toBeGreaterThan(400);
      expect(box.height, i.code).toBeGreaterThan(180);
    }
    expect(await page.locator('svg.trend[data-indicator="MAJOR_PROJECTS_LEVEL"]').count()).toBe(0);
    expect(await page.locator('table.ratings[data-indicator="MAJOR_PROJECTS_LEVEL"] tbody tr').count()).toBe(5);
  });

  it('keeps every point inside its chart and every table inside the page', async () => {
    const outside = await page.evaluate(() => {
      const bad: string[] = [];
      for (const svg of document.querySelectorAll('svg.trend')) {
        const b = svg.getBoundingClientRect();
        for (const p of svg.querySelectorAll('.point, .gap')) {
          const r = p.getBoundingClientRect();
          if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1) bad.push(`${svg.getAttribute('data-indicator')} ${p.getAttribute('data-period')}`);
        }
      }
      const main = document.querySelector('main')!.getBoundingClientRect();
      for (const t of document.querySelectorAll('table.data')) if (t.getBoundingClientRect().right > main.right + 1) bad.push(`table ${t.id}`);
      return bad;
    });
    expect(outside).toEqual([]);
  });

  it('prints: a section per page where asked, charts kept whole', async () => {
    await page.emulateMedia({ media: 'print' });
    const styles = await page.evaluate(() => ({
      chart: getComputedStyle(document.querySelector('figure.chart')!).breakInside,
      section: getComputedStyle(document.querySelector('#section-trends')!).breakBefore,
    }));
    expect(styles).toEqual({ chart: 'avoid', section: 'page' });
    const pdf = await page.pdf({ format: 'A4', landscape: true, printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    expect(pages).toBeGreaterThanOrEqual(4);
    await page.emulateMedia({ media: 'screen' });
  });

  it('saves a full-page screenshot to test-output/summary.png', async () => {
    mkdirSync(resolve('test-output'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
