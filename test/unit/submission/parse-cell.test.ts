import { describe, expect, it } from 'vitest';
import { rate, round2 } from '../../../functions/core/numbers';
import { checkCreditCode, creditCodeCheckChar } from '../../../functions/core/submission/credit-code';
import { CellProblem, parseDate, parseNumber, parsePercent, serialToIso } from '../../../functions/core/submission/parse-cell';
import { CODE_A, CODE_B, CODE_C } from './helpers';

const s = (text: string) => ({ kind: 'string' as const, text });
const n = (num: number, extra = {}) => ({ kind: 'number' as const, num, ...extra });
const code = (r: unknown) => (r instanceof CellProblem ? r.code : r);

describe('round2 / rate', () => {
  it('rounds half away from zero on the decimal value', () => {
    expect(round2(1.005)).toBe(1.01);
    expect(round2(2.675)).toBe(2.68);
    expect(round2(-1.005)).toBe(-1.01);
    expect(round2(66.66666)).toBe(66.67);
    expect(round2(3.125)).toBe(3.13);
    expect(Object.is(round2(-0.001), 0)).toBe(true);
  });
  it('rate is part/whole in percent, null for an empty whole', () => {
    expect(rate(81, 100)).toBe(81);
    expect(rate(2, 3)).toBe(66.67);
    expect(rate(1, 32)).toBe(3.13);
    expect(rate(0, 0)).toBeNull();
  });
});

describe('credit code (GB 32100-2015)', () => {
  it('accepts real codes, lower case and surrounding spaces', () => {
    for (const c of [CODE_A, CODE_B, CODE_C]) expect(checkCreditCode(c)).toEqual({ ok: true, code: c });
    expect(checkCreditCode(` ${CODE_A.toLowerCase()}\t`)).toEqual({ ok: true, code: CODE_A });
    expect(checkCreditCode('９１４４０３００１９２２０３８２１６')).toEqual({ ok: true, code: CODE_B }); // full-width
  });
  it('computes the check character (31 → 0)', () => {
    expect(creditCodeCheckChar(CODE_A.slice(0, 17))).toBe('G');
    expect(creditCodeCheckChar(CODE_B.slice(0, 17))).toBe('6');
    expect(creditCodeCheckChar('00000000000000000')).toBe('0');
  });
  it('says why a code is wrong', () => {
    expect(checkCreditCode('9144030071526726X')).toEqual({ ok: false, problem: { reason: 'length', length: 17 } });
    expect(checkCreditCode('9144030071526726OG')).toEqual({ ok: false, problem: { reason: 'character', char: 'O', position: 17 } });
    expect(checkCreditCode('S144030071526726XG')).toEqual({ ok: false, problem: { reason: 'character', char: 'S', position: 1 } });
    expect(checkCreditCode('9144030071526726XH')).toEqual({ ok: false, problem: { reason: 'check-digit', expected: 'G' } });
  });
});

describe('numbers', () => {
  it.each([
    [n(12), 12],
    [s('1,250.5'), 1250.5],
    [s(' １２３ '), 123],
    [s('-3'), -3],
    [s('.5'), 0.5],
  ])('%j → %d', (cell, want) => expect(parseNumber(cell)).toBe(want));
  it.each([s('12个'), s('1,25'), s('1e5'), s('--1'), { kind: 'boolean' as const, bool: true }, n(Number.NaN)])('%j is INVALID_NUMBER', (cell) => {
    expect(code(parseNumber(cell))).toBe('INVALID_NUMBER');
  });
});

describe('percent', () => {
  it('reads 96.5 in every accepted form', () => {
    for (const c of [n(96.5), s('96.5%'), s('96.5 %'), s('９６．５'), n(0.965, { percent: true })]) expect(parsePercent(c)).toBe(96.5);
  });
  it('rejects the rest with the right code', () => {
    expect(code(parsePercent(s('95%以上')))).toBe('INVALID_PERCENT');
    expect(code(parsePercent(n(0.5)))).toBe('AMBIGUOUS_FRACTION');
    expect(code(parsePercent(n(1)))).toBe('AMBIGUOUS_FRACTION');
    expect(parsePercent(n(1.5))).toBe(1.5);
    expect(parsePercent(s('0.5%'))).toBe(0.5);
    expect(code(parsePercent(n(100.01)))).toBe('OUT_OF_RANGE');
    expect(code(parsePercent(n(-0.1)))).toBe('OUT_OF_RANGE');
  });
});

describe('dates', () => {
  it('1900 system with Excel’s fake leap day', () => {
    expect(serialToIso(1)).toBe('1900-01-01');
    expect(serialToIso(59)).toBe('1900-02-28');
    expect(serialToIso(60)).toBeUndefined();
    expect(serialToIso(61)).toBe('1900-03-01');
    expect(serialToIso(46086)).toBe('2026-03-05');
    expect(serialToIso(46086.75)).toBe('2026-03-05');
    expect(serialToIso(0)).toBeUndefined();
  });
  it.each([
    [s('2026-03-05'), '2026-03-05'],
    [s('2026/3/5'), '2026-03-05'],
    [s('2026.3.5'), '2026-03-05'],
    [s('2026年3月5日'), '2026-03-05'],
    [s('２０２６年３月５日'), '2026-03-05'],
    [s('2026-03-05 08:30:00'), '2026-03-05'],
    [s('20260305'), '2026-03-05'],
    [n(20260305), '2026-03-05'],
    [n(46086, { date: true }), '2026-03-05'],
    [n(46086), '2026-03-05'],
    [s('2024-02-29'), '2024-02-29'],
    [n(5, { date: true }), '1900-01-05'],
  ])('%j → %s', (cell, want) => expect(parseDate(cell)).toBe(want));
  it.each([s('2026-02-30'), s('2025-02-29'), s('2026-13-01'), s('3/5/2026'), s('下周'), n(-1), n(60, { date: true }), n(5), n(123456)])('%j is INVALID_DATE', (cell) => {
    expect(code(parseDate(cell))).toBe('INVALID_DATE');
  });
});
