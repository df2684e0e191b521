import { describe, expect, it } from 'vitest';
import { SeenKeys } from '../../../functions/core/submission/seen-keys';

describe('SeenKeys', () => {
  it('remembers the first value of each key across growth, like a Map', () => {
    const seen = new SeenKeys(4);
    const map = new Map<string, number>();
    for (let i = 0; i < 200_000; i++) {
      const key = `B${i % 150_000}`; // the last 50,000 repeat earlier keys
      const first = seen.get(key);
      expect(first).toBe(map.get(key));
      if (first === undefined) {
        seen.set(key, i + 3);
        map.set(key, i + 3);
      }
    }
    expect(seen.size).toBe(150_000);
    expect(seen.get('B149999')).toBe(149_999 + 3);
    expect(seen.get('B150000')).toBeUndefined();
  });

  it('tells apart keys that differ only in order or by one character', () => {
    const seen = new SeenKeys();
    for (const k of ['ab', 'ba', 'a', 'aa', '', '批次1', '批次l', 'ＡＢ']) seen.set(k, k.length + 1);
    expect(['ab', 'ba', 'a', 'aa', '', '批次1', '批次l', 'ＡＢ'].map((k) => seen.get(k))).toEqual([3, 3, 2, 3, 1, 4, 4, 3]);
    expect(seen.get('abc')).toBeUndefined();
  });
});
