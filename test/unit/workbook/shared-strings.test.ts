// The compact shared-string table: what goes in comes out, across block ends,
// long strings and line ends split between pieces.
import { describe, expect, it } from 'vitest';
import { SharedStrings } from '../../../functions/core/workbook/shared-strings';
import { TEXT_CR } from '../../../functions/core/workbook/xml';

const enc = new TextEncoder();

describe('the shared-string table', () => {
  it('gives back 300,000 strings of every length exactly, those across a 1 MB block end included', () => {
    const table = new SharedStrings();
    const want: string[] = [];
    for (let i = 0; i < 300_000; i++) {
      const s = i % 97 === 0 ? '长'.repeat(100 + (i % 300)) : i % 1001 === 0 ? '' : `B${i}-`.repeat(1 + (i % 7));
      want.push(s);
      table.begin();
      const b = enc.encode(s);
      // in two pieces, as text arrives in a stream
      table.add(b, 0, b.length >> 1, 0);
      table.add(b, b.length >> 1, b.length, 0);
      table.end();
    }
    table.seal();
    expect(table.count).toBe(want.length);
    const wrong = want.filter((s, i) => table.get(i) !== s);
    expect(wrong).toEqual([]);
    expect(table.get(5)).toBe(table.get(5)); // used twice: the same string, from the cache
  });

  it('a CR LF split between two pieces is one line end', () => {
    const table = new SharedStrings();
    table.begin();
    table.add(enc.encode('a\r'), 0, 2, TEXT_CR);
    table.add(enc.encode('\nb\r'), 0, 3, TEXT_CR);
    table.add(enc.encode('\n'), 0, 1, 0);
    table.add(enc.encode('\n'), 0, 1, 0);
    table.end();
    table.seal();
    expect(table.get(0)).toBe('a\nb\n\n');
  });
});
