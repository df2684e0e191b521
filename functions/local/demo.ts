// `qtrack demo` (= `npm start`): sample workbooks for the four quarters of 2026 —
// one rejected and corrected, a breach, a late department, a recovery, a risk that
// persists — pushed
// through the whole local pipeline with the clock set for each step.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ExcelJS from 'exceljs';
import type { Logger } from '../core/ports';
import { creditCodeCheckChar } from '../core/submission/credit-code';
import { evaluateAndAlert } from '../core/use-cases/evaluate';
import { runMonitor } from '../core/use-cases/monitor';
import { writeSummary } from '../core/use-cases/summarize';
import { asPeriod, parseNow } from '../core/periods';
import { DEPARTMENTS } from '../core/catalog';
import { formatReport } from './format';
import { openLocalPipeline } from './runtime';
import { LocalUsers } from './users';

/** The day `qtrack serve --now` shows the demo's data as of: the day after its last step (2027-01-16). */
export const DEMO_PORTAL_DAY = '2027-01-17';

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

type Row = (string | number | Date | null)[];
interface SheetData {
  name: string;
  rows: Row[]; // first row = headers
}

/** A valid unified social credit code built from a serial number. */
export function sampleCreditCode(n: number): string {
  const charset = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = '';
  for (let x = n, i = 0; i < 9; i++, x = Math.floor(x / 31)) body = charset[x % 31] + body;
  const first17 = `91310105${body}`;
  return first17 + creditCodeCheckChar(first17);
}

async function workbook(title: string, cover: [string, string][], sheets: SheetData[]): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const c = wb.addWorksheet('封面');
  for (const row of cover) c.addRow(row);
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    // a merged title above the header, as real office workbooks have
    ws.addRow([`${title} — ${s.name}`]);
    ws.mergeCells(1, 1, 1, s.rows[0]!.length);
    for (const r of s.rows) ws.addRow(r);
    ws.getRow(2).font = { bold: true };
    ws.columns.forEach((col) => (col.width = 18));
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

function inspections(period: string, month: string, count: number, failures: number, category: (i: number) => string, seed: number): SheetData {
  const rows: Row[] = [['批次编号', '产品类别', '受检企业', '统一社会信用代码', '抽样日期', '抽查级别', '检验结论', '不合格项目']];
  for (let i = 0; i < count; i++) {
    const fail = i < failures;
    rows.push([
      `${period.replace('-', '')}-${seed}-${String(i + 1).padStart(3, '0')}`,
      category(i),
      `上海长宁示例企业${seed}${i + 1}有限公司`,
      sampleCreditCode(seed * 1000 + i),
      d(`${month}-${String((i % 27) + 1).padStart(2, '0')}`),
      ['区', '市', '国家'][i % 3]!,
      fail ? '不合格' : '合格',
      fail ? '标签标识' : null,
    ]);
  }
  return { name: '抽查明细', rows };
}

const PRODUCTS = ['电子电器', '儿童用品', '消防产品', '食品相关产品'];
const CERT_HEADER: Row = ['认证类型', '获证单位', '统一社会信用代码', '证书编号', '产品或服务名称', '发证日期', '有效期至', '状态'];

/**
 * The opening ledger (2025-Q4 for the 15th plan): the certificates valid when
 * the plan began, uploaded once as certifications.csv. One expires in June
 * 2026: the monitor warns about it, and then it stops counting.
 */
function openingLedger(): Uint8Array {
  const rows: string[][] = [CERT_HEADER.map(String)];
  for (let i = 0; i < 12; i++) {
    rows.push(['上海品牌', `长宁品牌企业${i + 1}`, sampleCreditCode(50_000 + i), `SHB-2023-${String(i + 1).padStart(3, '0')}`, `示例服务${i + 1}`, '2023-06-01', i === 0 ? '2026-06-30' : '2028-12-31', '有效']);
  }
  for (let i = 0; i < 4; i++) {
    rows.push(['上海标准', `长宁标准企业${i + 1}`, sampleCreditCode(60_000 + i), `SHS-2024-${String(i + 1).padStart(3, '0')}`, '', '2024-03-01', '2029-03-01', '有效']);
  }
  return new TextEncoder().encode(rows.map((r) => r.join(',')).join('\r\n') + '\r\n');
}

function marketRegulation(period: string, q: { month: string; checks: number; failures: number; indicators: [string, number][]; newBrands: number; brandSeed: number }) {
  const certs: Row[] = [CERT_HEADER];
  if (period === '2026-Q1') {
    // the plan's first quarter adds one of each to the opening ledger (12 and 4)
    certs.push(['上海品牌', '长宁品牌企业13', sampleCreditCode(50_012), 'SHB-2026-013', '示例服务13', d('2026-02-10'), d('2029-02-09'), '有效']);
    certs.push(['上海标准', '长宁标准企业5', sampleCreditCode(60_004), 'SHS-2026-005', null, d('2026-03-01'), d('2029-03-01'), '有效']);
  }
  for (let i = 0; i < q.newBrands; i++) {
    const n = q.brandSeed + i;
    certs.push(['上海品牌', `长宁品牌企业${n}`, sampleCreditCode(50_000 + n), `SHB-2026-${String(n).padStart(3, '0')}`, `示例服务${n}`, d(`${q.month}-10`), d('2029-12-31'), '有效']);
  }
  const sheets: SheetData[] = [
    { name: '指标', rows: [['指标代码', '数值', '备注'], ...q.indicators.map(([code, v]) => [code, v, null] as Row)] },
    inspections(period, q.month, q.checks, q.failures, (i) => PRODUCTS[i % PRODUCTS.length]!, 1),
  ];
  if (certs.length > 1) sheets.push({ name: '认证明细', rows: certs });
  return workbook('长宁区质量提升指标季度报送', cover('区市场监管局', period), sheets);
}

function construction(period: string, q: { month: string; failedProject: boolean; badCreditCode?: boolean }) {
  const materials = inspections(period, q.month, 20, 0, () => '建筑材料', 2);
  if (q.badCreditCode) materials.rows[5]![3] = '91310105MA1FL0XX1X';
  const acceptances: Row[] = [['工程名称', '竣工验收日期', '验收结论', '绿色建筑', '建筑面积(㎡)']];
  for (let i = 0; i < 10; i++) {
    acceptances.push([`长宁示例工程${period}-${i + 1}`, d(`${q.month}-${String(i + 5).padStart(2, '0')}`), q.failedProject && i === 9 ? '不合格' : '合格', i < 9 ? '是' : '否', 10_000 + i * 500]);
  }
  return workbook('长宁区质量提升指标季度报送', cover('区建设管理委', period), [
    { name: '指标', rows: [['指标代码', '数值', '备注'], ['MAJOR_PROJECTS_LEVEL', '国内领先', '长宁古北项目获上海市建设工程“白玉兰奖”']] },
    materials,
    { name: '竣工验收', rows: acceptances },
  ]);
}

function cover(department: string, period: string): [string, string][] {
  const [y, q] = period.split('-Q');
  return [
    ['填报单位', department],
    ['统计期', `${y}年第${q}季度`],
    ['填报人', '示例填报人'],
    ['联系电话', '021-00000000'],
  ];
}

/** The demo's portal accounts: the office and one clerk per department, with fixed passwords (a demo, not for real data). */
export const DEMO_OFFICE = { email: 'office@example.gov.cn', password: 'demo-office' } as const;
export const demoClerk = (code: string) => ({ email: `${code}@example.gov.cn`, password: `demo-${code}` });

/** Creates (or resets) the demo accounts in the data directory; what to print of them. */
async function addDemoUsers(dataDir: string): Promise<{ email: string; password: string; department: string }[]> {
  const users = new LocalUsers(resolve(dataDir));
  const out: { email: string; password: string; department: string }[] = [];
  await users.add({ ...DEMO_OFFICE, role: 'office' }, { replace: true });
  out.push({ ...DEMO_OFFICE, department: '质量办 / office (全部部门 / all departments)' });
  for (const d of DEPARTMENTS) {
    const clerk = demoClerk(d.code);
    await users.add({ ...clerk, role: 'clerk', department: d.code }, { replace: true });
    out.push({ ...clerk, department: `${d.name} ${d.code}` });
  }
  return out;
}

export async function runDemo(options: { dataDir: string; io: Io; logger: Logger }): Promise<number> {
  const { io } = options;
  const alertsSeen: string[] = [];
  const pipeline = await openLocalPipeline({ dataDir: options.dataDir, now: parseNow('2026-04-03'), logger: options.logger, onAlert: (a) => alertsSeen.push(a.id) });
  const exportDir = resolve(options.dataDir, 'export');
  const at = (iso: string) => pipeline.setNow(parseNow(iso)!);
  const say = (text: string) => io.out(text);
  try {
    const submit = async (department: string, period: string, name: string, bytes: Uint8Array) => {
      const key = `submissions/${department}/${period}/${name}`;
      const { report } = await pipeline.upload(key, bytes);
      say(`\n▶ ${key}\n${formatReport(report)}`);
      return report;
    };
    const monitor = async (day: string) => {
      at(`${day}T09:00:00+08:00`);
      const { raised } = await runMonitor(pipeline.deps);
      say(`\n▶ 每日监测 / daily monitoring, ${day}\n  新预警 / new alerts: ${raised.map((a) => `${a.type} ${a.department}`).join(', ') || '0'}`);
    };
    say('qtrack 演示：2026 年四个季度 / demo: the four quarters of 2026');

    // once, before the first quarter: the certificates valid at the plan's start
    at('2026-01-20T10:00:00+08:00');
    await submit('market-regulation', '2025-Q4', 'certifications.csv', openingLedger());

    at('2026-04-03T10:00:00+08:00');
    await submit('market-regulation', '2026-Q1', '2026Q1-市场监管局.xlsx', await marketRegulation('2026-Q1', {
      month: '2026-02', checks: 40, failures: 1, newBrands: 0, brandSeed: 14,
      indicators: [['STANDARDS_LED_COUNT', 3], ['CHIEF_QUALITY_OFFICERS_COUNT', 8], ['ADVANCED_QM_RESULTS_COUNT', 2], ['HIGH_VALUE_PATENTS_PER_10K', 62.3], ['NQI_SERVICE_STATIONS_TOTAL', 5]],
    }));
    at('2026-04-08T09:30:00+08:00');
    await submit('construction', '2026-Q1', '2026Q1-建管委.xlsx', await construction('2026-Q1', { month: '2026-03', failedProject: false, badCreditCode: true }));
    at('2026-04-09T09:30:00+08:00');
    await submit('construction', '2026-Q1', '2026Q1-建管委-更正.xlsx', await construction('2026-Q1', { month: '2026-03', failedProject: false }));

    await monitor('2026-04-12');

    at('2026-07-06T15:00:00+08:00');
    await submit('market-regulation', '2026-Q2', '2026Q2-市场监管局.xlsx', await marketRegulation('2026-Q2', {
      month: '2026-05', checks: 30, failures: 2, newBrands: 1, brandSeed: 14,
      indicators: [['STANDARDS_LED_COUNT', 2], ['CHIEF_QUALITY_OFFICERS_COUNT', 6], ['ADVANCED_QM_RESULTS_COUNT', 1], ['HIGH_VALUE_PATENTS_PER_10K', 63.5], ['NQI_SERVICE_STATIONS_TOTAL', 6]],
    }));
    await monitor('2026-07-11');
    at('2026-07-14T11:00:00+08:00');
    await submit('construction', '2026-Q2', '2026Q2-建管委.xlsx', await construction('2026-Q2', { month: '2026-06', failedProject: true }));

    at('2026-10-08T10:00:00+08:00');
    await submit('market-regulation', '2026-Q3', '2026Q3-市场监管局.xlsx', await marketRegulation('2026-Q3', {
      month: '2026-08', checks: 40, failures: 1, newBrands: 0, brandSeed: 15,
      indicators: [['STANDARDS_LED_COUNT', 3], ['CHIEF_QUALITY_OFFICERS_COUNT', 9], ['ADVANCED_QM_RESULTS_COUNT', 2], ['HIGH_VALUE_PATENTS_PER_10K', 64.8], ['NQI_SERVICE_STATIONS_TOTAL', 6]],
    }));
    at('2026-10-09T10:00:00+08:00');
    await submit('construction', '2026-Q3', '2026Q3-建管委.xlsx', await construction('2026-Q3', { month: '2026-09', failedProject: false }));

    at('2027-01-05T10:00:00+08:00');
    await submit('market-regulation', '2026-Q4', '2026Q4-市场监管局.xlsx', await marketRegulation('2026-Q4', {
      month: '2026-11', checks: 40, failures: 1, newBrands: 0, brandSeed: 15,
      indicators: [['STANDARDS_LED_COUNT', 3], ['CHIEF_QUALITY_OFFICERS_COUNT', 8], ['ADVANCED_QM_RESULTS_COUNT', 2], ['HIGH_VALUE_PATENTS_PER_10K', 66], ['NQI_SERVICE_STATIONS_TOTAL', 7]],
    }));
    at('2027-01-06T10:00:00+08:00');
    await submit('construction', '2026-Q4', '2026Q4-建管委.xlsx', await construction('2026-Q4', { month: '2026-12', failedProject: false }));

    for (const [period, when] of [['2026-Q1', '2026-04-15'], ['2026-Q2', '2026-07-15'], ['2026-Q3', '2026-10-15'], ['2026-Q4', '2027-01-15']] as const) {
      at(`${when}T09:00:00+08:00`);
      const { result } = await evaluateAndAlert(pipeline.deps, asPeriod(period));
      const counts = Object.entries(
        result.indicators.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i.status]: (acc[i.status] ?? 0) + 1 }), {}),
      ).map(([s, n]) => `${s} ${n}`);
      say(`\n▶ 评估 / evaluate ${period}: ${counts.join(', ')}`);
      const { files } = await writeSummary(pipeline.deps, asPeriod(period));
      for (const f of files) {
        const path = join(exportDir, f.key);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.body);
      }
    }
    at('2027-01-16T09:00:00+08:00');
    await runMonitor(pipeline.deps);

    const alerts = await pipeline.deps.alerts.list();
    for (const a of alerts) {
      const path = join(exportDir, 'alerts', a.period, `${a.id}.json`);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(a, null, 2));
    }
    const rel = (p: string) => relative(process.cwd(), p) || '.';
    say(`\n预警 / alerts: ${alerts.length} 条已存储（本次新增 ${alertsSeen.length}）/ stored (${alertsSeen.length} new in this run)`);
    for (const a of alerts) say(`  [${a.severity}] ${a.type} ${a.period} ${a.department}${a.indicator ? ` ${a.indicator}` : ''}`);
    say(`\n打开结果 / open the results:`);
    say(`  季度汇总 / summary:  ${rel(join(exportDir, 'summaries', '2026-Q4', 'summary.html'))}  (.json .csv .xlsx 同目录 / same folder)`);
    say(`  预警 / alerts:       ${rel(join(exportDir, 'alerts'))}/`);
    say(`  嵌入式 S3 / embedded S3: s3://qtrack-reports/{reports,alerts,summaries}/ under ${rel(resolve(options.dataDir, 's3'))}`);
    say(`  命令行 / CLI:        npx qtrack alerts --period 2026-Q2   ·   npx qtrack summary --period 2026-Q4 --out out/`);

    // the portal's demo accounts: the office and one clerk per department, fixed passwords
    const accounts = await addDemoUsers(options.dataDir);
    const width = Math.max(...accounts.map((a) => a.email.length)) + 2;
    const pwWidth = Math.max(...accounts.map((a) => a.password.length)) + 2;
    say(`\n门户演示账号 / portal demo accounts (qtrack serve):`);
    say(`  ${'账号 e-mail'.padEnd(width - 2)}${'密码 password'.padEnd(pwWidth - 2)}部门 department`);
    for (const a of accounts) say(`  ${a.email.padEnd(width)}${a.password.padEnd(pwWidth)}${a.department}`);
    say(`\n打开门户 / open the portal:`);
    // the portal sees the replayed year as on the day after it ended (its clock then runs on)
    say(`  npx qtrack serve --data-dir ${rel(resolve(options.dataDir))} --now ${DEMO_PORTAL_DAY}`);
    say(`  然后在浏览器中打开 / then open http://127.0.0.1:8080 in a browser`);
    say(`  （--now ${DEMO_PORTAL_DAY}：门户按演示这一年结束后的那天显示；不加则按今天 / the portal as on the day after the demo's year; without it, as today）`);
    return 0;
  } finally {
    await pipeline.stop();
  }
}
