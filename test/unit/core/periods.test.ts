import { describe, expect, it } from 'vitest';
import { loadPlan, DEPARTMENTS, resolveDepartment } from '../../../functions/core/catalog';
import type { SubmissionVersion } from '../../../functions/core/model';
import {
  currentPeriod,
  dueDate,
  normalizePeriod,
  parseNow,
  periodEnd,
  quarterIndex,
  summaryDate,
} from '../../../functions/core/periods';
import { submissionStatuses } from '../../../functions/core/submission-status';

describe('periods', () => {
  it.each([
    ['2026-Q1', '2026-Q1'],
    ['2026年第1季度', '2026-Q1'],
    ['2026年第一季度', '2026-Q1'],
    ['2026年一季度', '2026-Q1'],
    ['2026年1季度', '2026-Q1'],
    ['2026 Q4', '2026-Q4'],
    ['2026q2', '2026-Q2'],
    ['２０２６年第三季度', '2026-Q3'],
    [' 2026-Q1 ', '2026-Q1'],
  ])('%s is %s', (text, period) => expect(normalizePeriod(text)).toBe(period));

  it.each(['2026-Q5', '2026', 'Q1 2026', '2026年第五季度', ''])('%j is not a period', (text) => expect(normalizePeriod(text)).toBeUndefined());

  it('due on the 10th day after the quarter, summary on the 15th; weekends do not move it', () => {
    expect(dueDate('2026-Q1')).toBe('2026-04-10');
    expect(dueDate('2026-Q4')).toBe('2027-01-10');
    expect(summaryDate('2026-Q1')).toBe('2026-04-15');
    expect(periodEnd('2028-Q1')).toBe('2028-03-31');
    expect(dueDate('2026-Q2', { dueDays: 5, summaryDays: 15 })).toBe('2026-07-05');
  });

  it('counts the plan quarter and reads --now in Shanghai time', () => {
    expect(quarterIndex('2026-Q1', '2026-Q1')).toBe(1);
    expect(quarterIndex('2026-Q1', '2030-Q4')).toBe(20);
    expect(parseNow('2026-04-11')!.toISOString()).toBe('2026-04-10T16:00:00.000Z');
    expect(currentPeriod(new Date('2026-03-31T16:30:00Z'))).toBe('2026-Q2'); // 00:30 on 1 April in Shanghai
    expect(parseNow('not a date')).toBeUndefined();
  });
});

describe('departments', () => {
  it('resolves codes, short names and official full names', () => {
    expect(resolveDepartment('上海市长宁区市场监督管理局')?.code).toBe('market-regulation');
    expect(resolveDepartment(' 区建设管理委 ')?.code).toBe('construction');
    expect(resolveDepartment('Market-Regulation')?.code).toBe('market-regulation');
    expect(resolveDepartment('区教育局')).toBeUndefined();
  });
});

describe('submission status', () => {
  const version = (department: string, receivedAt: string, status: 'accepted' | 'rejected' = 'accepted') =>
    ({ department, period: '2026-Q1', receivedAt, status, submissionId: receivedAt }) as SubmissionVersion;
  const plan = loadPlan();
  const at = (iso: string) => parseNow(iso)!;

  it('on time by the end of the due day (Shanghai), late after, missing when nothing came', () => {
    const versions = [
      version('market-regulation', '2026-04-10T15:59:00Z'), // 23:59 on 10 April in Shanghai
      version('construction', '2026-04-09T01:00:00Z', 'rejected'),
      version('construction', '2026-04-10T16:00:00Z'), // 00:00 on 11 April
    ];
    const s = submissionStatuses('2026-Q1', at('2026-04-20'), versions, DEPARTMENTS, plan);
    const byCode = Object.fromEntries(s.map((x) => [x.department, x]));
    expect(byCode['market-regulation']).toMatchObject({ state: 'on_time', owns: true, versions: 1, rejectedVersions: 0 });
    expect(byCode['construction']).toMatchObject({ state: 'late', owns: true, versions: 2, rejectedVersions: 1 });
    expect(byCode['finance']).toMatchObject({ state: 'missing', owns: false });
  });

  it('replays a past day: versions received later do not count yet', () => {
    const versions = [version('market-regulation', '2026-04-12T02:00:00Z')];
    expect(submissionStatuses('2026-Q1', at('2026-04-10'), versions, DEPARTMENTS, plan)[0]!.state).toBe('pending');
    expect(submissionStatuses('2026-Q1', at('2026-04-11'), versions, DEPARTMENTS, plan)[0]!.state).toBe('missing');
    expect(submissionStatuses('2026-Q1', at('2026-04-13'), versions, DEPARTMENTS, plan)[0]!.state).toBe('late');
  });
});
