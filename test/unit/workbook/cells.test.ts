import { describe, expect, it } from 'vitest';
import {
  cellRef,
  columnIndex,
  columnLetter,
  decodeOoxmlEscapes,
  isoToSerial,
  parseCellRef,
  parseRange,
} from '../../../functions/core/workbook/cells';
import { builtinFlags, formatFlags, STYLE_DATE, STYLE_PERCENT } from '../../../functions/core/workbook/number-format';

describe('cell addresses', () => {
  it('column letters both ways at the boundaries', () => {
    expect([0, 25, 26, 701, 702, 16383].map(columnLetter)).toEqual(['A', 'Z', 'AA', 'ZZ', 'AAA', 'XFD']);
    expect(['A', 'z', 'AA', 'XFD', '', 'A1'].map(columnIndex)).toEqual([0, 25, 26, 16383, -1, -1]);
    expect(cellRef(3, 12)).toBe('D12');
  });

  it('parses refs and ranges, absolute or reversed', () => {
    expect(parseCellRef('$B$12')).toEqual({ column: 1, row: 12 });
    expect(parseCellRef('B0')).toBeUndefined();
    expect(parseRange('C3:A1')).toEqual({ top: 1, bottom: 3, left: 1, right: 3 });
    expect(parseRange('B2')).toEqual({ top: 2, bottom: 2, left: 2, right: 2 });
    expect(parseRange('nonsense')).toBeUndefined();
  });
});

describe('text decoding', () => {
  it('_xHHHH_ decoded in one pass (an escaped underscore stays literal)', () => {
    expect(decodeOoxmlEscapes('a_x000D__x000A_b')).toBe('a\r\nb');
    expect(decodeOoxmlEscapes('_x005F_x0041_')).toBe('_x0041_');
    expect(decodeOoxmlEscapes('_x12_')).toBe('_x12_');
  });

  it('ISO dates to 1900-system serials, rejecting impossible dates', () => {
    expect(isoToSerial('2026-03-05')).toBe(46086);
    expect(isoToSerial('2026-03-05T18:00:00')).toBe(46086.75);
    expect(isoToSerial('1900-03-01')).toBe(61);
    expect(isoToSerial('1900-02-28')).toBe(59);
    expect(isoToSerial('2026-02-30')).toBeUndefined();
    expect(isoToSerial('yesterday')).toBeUndefined();
    // times of day alone (Strict OOXML t="d"): the fraction of a day
    expect(isoToSerial('10:30:00')).toBe(0.4375);
    expect(isoToSerial('T18:00')).toBe(0.75);
    expect(isoToSerial('25:00:00')).toBeUndefined();
  });
});

describe('number formats', () => {
  it('decides date and percent from the format code, ignoring quoted text, escapes and brackets', () => {
    expect(formatFlags('yyyy"年"m"月"d"日"')).toBe(STYLE_DATE);
    expect(formatFlags('[$-F800]dddd, mmmm dd, yyyy')).toBe(STYLE_DATE);
    expect(formatFlags('[DBNum1][$-804]yyyy"年"m"月"d"日"')).toBe(STYLE_DATE);
    expect(formatFlags('h:mm AM/PM')).toBe(STYLE_DATE);
    expect(formatFlags('[$-804]aaaa')).toBe(STYLE_DATE); // the weekday, in Chinese
    expect(formatFlags('0.0%')).toBe(STYLE_PERCENT);
    expect(formatFlags('"100%"0')).toBe(0);
    expect(formatFlags('\\%0')).toBe(0);
    expect(formatFlags('General')).toBe(0);
    expect(formatFlags('0.00_);[Red](0.00)')).toBe(0);
    expect(formatFlags('0.00E+00')).toBe(0);
    expect(formatFlags('@')).toBe(0);
  });

  it('colours, conditions and locales are not date parts: [Magenta]0.00 is a number', () => {
    for (const code of ['[Magenta]0.00', '[Red]#,##0.00', '[Color10]0', '[<100]0;[>=100]0.0', '[$€-407]#,##0.00', '[DBNum2]0']) {
      expect(formatFlags(code), code).toBe(0);
    }
  });

  it('elapsed time is a duration, not a date: [h]:mm:ss, [mm]:ss, [s]', () => {
    for (const code of ['[h]:mm:ss', '[hh]:mm', '[mm]:ss', '[s]', '[H]:MM']) expect(formatFlags(code), code).toBe(0);
  });

  it('built-in ids: 14–22, 45, 47 and the CJK 27–36, 50–58 are dates; 46 is elapsed time; 9 and 10 percentages', () => {
    const dates = [14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58];
    for (let id = 0; id < 200; id++) {
      expect(builtinFlags(id), `id ${id}`).toBe(dates.includes(id) ? STYLE_DATE : id === 9 || id === 10 ? STYLE_PERCENT : 0);
    }
  });
});
