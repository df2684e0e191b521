import { describe, expect, it } from 'vitest';
import { localDateTime } from '../../../functions/core/periods';
import { cleanText, displayNumber, displayWidth, neutralizeFormula, round2, safeCell } from '../../../functions/core/summary/cells';

describe('neutralizeFormula (OWASP CSV injection)', () => {
  it.each([
    ['=1+1', "'=1+1"],
    ['+86 21 1234', "'+86 21 1234"],
    ['-5', "'-5"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['  =cmd|x', "'  =cmd|x"],
    ['＝1+1', "'＝1+1"],
    ['=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'],
  ])('prefixes %j with a quote', (input, expected) => {
    expect(neutralizeFormula(input)).toBe(expected);
  });

  it.each(['制造业产品质量监督抽查合格率', '2026-Q1', 'a=b', '95%', '', 'x-1', '—'])('leaves %j alone', (input) => {
    expect(neutralizeFormula(input)).toBe(input);
  });

  it('replaces characters an xlsx cannot hold and caps the length at Excel’s limit', () => {
    expect(neutralizeFormula('a\u0000b\u0007c')).toBe('a\ufffdb\ufffdc');
    expect(cleanText('x\ud800y')).toBe('x\ufffdy');
    const long = neutralizeFormula('长'.repeat(40_000));
    expect(long.length).toBe(32_767);
    expect(long.endsWith('…')).toBe(true);
  });

  it('keeps numbers, negative ones included, as numbers', () => {
    expect(safeCell(-3.5)).toBe(-3.5);
    expect(safeCell(0)).toBe(0);
    expect(safeCell('-3.5')).toBe("'-3.5");
    expect(safeCell(Number.NaN)).toBeNull();
    expect(safeCell(Number.POSITIVE_INFINITY)).toBeNull();
    expect(safeCell(null)).toBeNull();
    expect(safeCell(undefined)).toBeNull();
  });
});

describe('round2 and displayNumber', () => {
  it('rounds half away from zero at two decimals', () => {
    expect(round2(1.005)).toBe(1.01);
    expect(round2(-2.345)).toBe(-2.35);
    expect(round2(96.333333)).toBe(96.33);
    expect(round2(67.15789473684211)).toBe(67.16);
    expect(round2(-0.001)).toBe(0);
    expect(Object.is(round2(-0.001), -0)).toBe(false);
  });

  it('shows one or two decimals for percent and decimals, integers plain', () => {
    expect(displayNumber(96.5, 'percent')).toBe('96.5%');
    expect(displayNumber(96.33, 'percent')).toBe('96.33%');
    expect(displayNumber(100, 'percent')).toBe('100.0%');
    expect(displayNumber(94.955, 'percent')).toBe('94.96%');
    expect(displayNumber(67.15789, 'decimal')).toBe('67.16');
    expect(displayNumber(14.5, 'decimal')).toBe('14.5');
    expect(displayNumber(22, 'integer')).toBe('22');
    expect(displayNumber(-3, 'integer')).toBe('-3');
    expect(displayNumber(Number.NaN, 'integer')).toBe('');
  });
});

describe('displayWidth', () => {
  it('counts CJK and full-width characters as two', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('达标')).toBe(4);
    expect(displayWidth('获“上海品牌”')).toBe(14);
    expect(displayWidth('件/万人')).toBe(7);
    expect(displayWidth('９６．５')).toBe(8);
  });
});

describe('localDateTime', () => {
  it('shows Shanghai time and passes bad input through', () => {
    expect(localDateTime('2027-04-10T16:30:00.000Z')).toBe('2027-04-11 00:30');
    expect(localDateTime('not a date')).toBe('not a date');
  });
});
