// One home for each kind. What an indicator kind means lives in
// functions/core/indicator-kinds.ts: no other code tests a kind by its name, so
// a new kind is its name in the IndicatorKind union plus one rule (the compiler
// asks for it). The sheet kinds are listed once, in SHEETS
// (functions/core/sheet-specs.ts): no other code spells out the list, so a new
// sheet kind is its name and record type (model.ts), its spec (sheet-specs.ts),
// its row rules (a file in functions/core/submission/) and their entry in
// check.ts — the compiler asks for that one.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../../functions/core/catalog';
import { INDICATOR_KINDS } from '../../functions/core/indicator-kinds';
import { RECORD_KINDS } from '../../functions/core/sheet-specs';

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

  it('no code outside the sheet specs spells out the list of sheet kinds', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'functions'))) {
      const rel = relative(ROOT, file);
      if (rel === 'functions/core/sheet-specs.ts' || rel === 'functions/core/model.ts') continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, n) => {
          const named = RECORD_KINDS.filter((k) => line.includes(`'${k}'`));
          if (named.length >= 3) offenders.push(`${rel}:${n + 1}: ${line.trim()}`);
        });
    }
    expect(offenders).toEqual([]);
  });
});
