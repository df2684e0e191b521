// The command line's own contract: usage errors and data-directory problems exit 2
// with a one-line Chinese + English message and change nothing on disk.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../functions/local/cli';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => void out.push(t), err: (t) => void err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'qtrack-cli-'));

describe('qtrack command line', () => {
  it.each([
    [['frobnicate'], /未知命令“frobnicate”.*unknown command "frobnicate"/],
    [['evaluate', '--perod', '2026-Q1'], /不支持选项 --perod.*has no option --perod/],
    [['evaluate', '--period'], /缺少取值.*needs a value/],
    [['evaluate'], /缺少 --period.*missing --period/],
    [['evaluate', '--period', '2026-Q5'], /无法识别的统计期.*unrecognised period/],
    [['submit', 'x.xlsx', '--department', 'nobody', '--period', '2026-Q1'], /未知部门“nobody”.*unknown department "nobody"/],
    [['validate'], /需要文件参数.*needs a FILE argument/],
    [['validate', 'no-such-file.xlsx'], /找不到文件 no-such-file.xlsx.*file not found: no-such-file.xlsx/],
    [['monitor', '--now', 'yesterday'], /不是 ISO 日期.*not an ISO date/],
  ])('%j → exit 2 with a bilingual one-line message', async (argv, message) => {
    const r = await run(...argv, '--data-dir', tmp());
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('help prints the usage and exits 0', async () => {
    const r = await run('help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('qtrack validate FILE'.replace('qtrack ', ''));
  });

  it('refuses a data directory that is not qtrack’s and leaves it untouched', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'thesis.docx'), 'precious');
    const r = await run('alerts', '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/不是 qtrack 的数据目录.*is not a qtrack data directory/);
    expect(readdirSync(dir)).toEqual(['thesis.docx']);
    expect(readFileSync(join(dir, 'thesis.docx'), 'utf8')).toBe('precious');
  });

  it('refuses a data directory whose marker is damaged', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'qtrack-data.json'), '{ not json');
    mkdirSync(join(dir, 'dynamodb'));
    const r = await run('alerts', '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/已损坏.*is damaged/);
  });

  it('reports damaged DynamoDB data instead of crashing', async () => {
    const dir = tmp();
    // a command that only reads does not conjure a data directory …
    const none = await run('alerts', '--data-dir', dir);
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/不存在或为空.*does not exist or is empty/);
    expect(existsSync(join(dir, 'qtrack-data.json'))).toBe(false);
    // … one that stores does
    const upload = join(tmp(), 'indicators.csv');
    writeFileSync(upload, '指标代码,数值\r\nSTANDARDS_LED_COUNT,3\r\n');
    expect((await run('submit', upload, '--department', 'market-regulation', '--period', '2026-Q1', '--data-dir', dir, '--now', '2026-04-05')).code).toBe(0);
    expect((await run('alerts', '--data-dir', dir)).code).toBe(0);
    // clobber LevelDB's manifest pointer
    writeFileSync(join(dir, 'dynamodb', 'CURRENT'), 'MANIFEST-999999\n');
    const r = await run('alerts', '--data-dir', dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/无法打开，可能已损坏.*cannot be opened and may be damaged/);
  });

  describe('inspect', () => {
    const fixture = (name: string) => join(__dirname, '../fixtures/files', name);

    it('prints JSON lines per file in order: status, sheets, cells; exit 0 when every file was read', async () => {
      const r = await run('inspect', '--json', fixture('hidden-sheets.xlsx'), fixture('date1904.xlsx'));
      expect(r.code).toBe(0);
      const lines = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines[0]).toEqual({ file: fixture('hidden-sheets.xlsx'), status: 'ok' });
      expect(lines.filter((l) => l.state).map((l) => [l.sheet, l.state])).toEqual([
        ['抽查明细', 'visible'],
        ['下拉选项', 'hidden'],
        ['校验', 'veryHidden'],
        ['抽查明细', 'visible'],
      ]);
      // cells only of visible sheets: the hidden sheets' option lists are not listed
      expect(lines.filter((l) => l.cell && l.file === fixture('hidden-sheets.xlsx')).every((l) => l.sheet === '抽查明细')).toBe(true);
      expect(lines).toContainEqual({ file: fixture('date1904.xlsx'), sheet: '抽查明细', cell: 'E2', type: 'date', value: '2026-01-12', serial: 46034 });
    });

    it('a refused file is one rejected line with a bilingual message; the others are still read; exit 1', async () => {
      const r = await run('inspect', '--json', fixture('legacy.xls'), fixture('date1904.xlsx'));
      expect(r.code).toBe(1);
      const [first, ...rest] = r.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(first).toMatchObject({ file: fixture('legacy.xls'), status: 'rejected', code: 'FILE_LEGACY_XLS', message: { zh: expect.stringContaining('另存为'), en: expect.any(String) } });
      expect(rest[0]).toEqual({ file: fixture('date1904.xlsx'), status: 'ok' });
    });

    it('a missing file is a usage error (exit 2) that does not stop the others', async () => {
      const r = await run('inspect', 'no-such.xlsx', fixture('date1904.xlsx'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/找不到文件 no-such.xlsx.*file not found/);
      expect(r.out).toContain('date1904.xlsx: ✔');
    });

    it('for a person: the kind recognised, the header row, each header’s field and the unknown columns', async () => {
      const r = await run('inspect', fixture('merged-title-and-category.xlsx'));
      expect(r.code).toBe(0);
      expect(r.out).toContain('→ 抽查明细 / Inspections');
      expect(r.out).toContain('表头行 / header row: 3');
      expect(r.out).toContain('A3 “批次编号” → 批次编号 / batchId');
      expect(r.out).toContain('数据行 / data rows: 3');
      expect(r.out).toContain('合并单元格 / merged cells: A1:H1 B4:B5');
    });
  });
});
