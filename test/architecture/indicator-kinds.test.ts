// One home for what an indicator kind means: functions/core/indicator-kinds.ts.
// No other code tests a kind by its name, so a new kind is its name in the
// IndicatorKind union plus one rule (the compiler asks for it), nothing else.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../functions/core/catalog';
import { INDICATOR_KINDS } from '../../functions/core/indicator-kinds';

const ROOT = join(import.meta.dirname, '../..');
const KINDS = Object.keys(INDICATOR_KINDS);
const HOMES = new Set(['functions/core/indicator-kinds.ts', 'functions/core/model.ts']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? sources(path) : e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('indicator kinds', () => {
  it('every kind the plans use has a rule', () => {
    for (const id of ['15th', '14th']) for (const i of loadPlan(id).indicators) expect(KINDS, `${id} ${i.code}`).toContain(i.kind);
  });

  it('no code outside the registry compares a kind by name', () => {
    const kindTest = new RegExp(`kind\\s*(?:===|!==|==|!=)\\s*'(?:${KINDS.join('|')})'|case\\s+'(?:${KINDS.join('|')})'\\s*:`);
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'functions'))) {
      const rel = relative(ROOT, file);
      if (HOMES.has(rel)) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, n) => {
          if (kindTest.test(line)) offenders.push(`${rel}:${n + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
