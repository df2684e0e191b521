// The catalogs are data: they must match their schemas, hold together, and say
// exactly what the seed documents say, line by line.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import departmentsJson from '../../../schemas/departments.json';
import departmentsSchema from '../../../schemas/departments.schema.json';
import categoriesJson from '../../../schemas/categories.json';
import categoriesSchema from '../../../schemas/categories.schema.json';
import { isBuildingMaterial } from '../../../functions/core/categories';
import plan14Json from '../../../schemas/plan-14th.json';
import plan15Json from '../../../schemas/plan-15th.json';
import planSchema from '../../../schemas/plan.schema.json';
import { DEPARTMENTS, loadPlan, resolveDepartment } from '../../../functions/core/catalog';
import type { Plan, SourceRef } from '../../../functions/core/model';
import { quarterIndex } from '../../../functions/core/periods';

const here = dirname(fileURLToPath(import.meta.url));
// the seed documents are kept in the repository, so a fresh clone can check every citation
const seedsDir = resolve(here, '../../../schemas/seeds');
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
const validatePlan = ajv.compile(planSchema);
const validateDepartments = ajv.compile(departmentsSchema);

const seedLines = new Map<string, string[]>();
function seedLine(seed: string, line: number): string {
  if (!seedLines.has(seed)) seedLines.set(seed, readFileSync(resolve(seedsDir, seed), 'utf8').split(/\r?\n/));
  return (seedLines.get(seed)![line - 1] ?? '').normalize('NFKC');
}

/** The meaningful fragments of a ref text: split at spaces and punctuation, short filler dropped. */
function keyParts(text: string): string[] {
  return text
    .normalize('NFKC')
    .split(/[\s;,、()：:]+/)
    .filter((p) => p.length >= 3 || (p.length >= 2 && /\d/.test(p)));
}

function foundParts(ref: SourceRef): string[] {
  const line = seedLine(ref.seed, ref.line);
  return keyParts(ref.text).filter((p) => line.includes(p));
}

const plans: [string, Plan][] = [
  ['15th', plan15Json as unknown as Plan],
  ['14th', plan14Json as unknown as Plan],
];
const registry = new Set(DEPARTMENTS.map((d) => d.code));

describe.each(plans)('plan %s', (id, plan) => {
  it('matches plan.schema.json', () => {
    validatePlan(plan);
    expect(validatePlan.errors ?? []).toEqual([]);
  });

  it('is the plan catalog.ts loads, five years of quarters long', () => {
    expect(loadPlan(id)).toBe(plan);
    expect(quarterIndex(plan.firstPeriod, plan.lastPeriod)).toBe(20);
  });

  it('has unique codes, owners and delegates from the registry, baselines only on stocks', () => {
    const codes = plan.indicators.map((i) => i.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const i of plan.indicators) {
      expect(registry.has(i.owner), `${i.code} owner ${i.owner}`).toBe(true);
      for (const d of i.delegates ?? []) expect(registry.has(d), `${i.code} delegate ${d}`).toBe(true);
      if (i.baseline !== undefined) expect(i.kind, i.code).toBe('stock');
    }
    for (const c of plan.comparisons) if (c.indicator) expect(codes).toContain(c.indicator);
  });

  it('cites, for every target, a seed line that really holds it', () => {
    for (const i of plan.indicators) {
      const found = foundParts(i.ref);
      expect(found.length, `${i.code}: nothing of “${i.ref.text}” on ${i.ref.seed}:${i.ref.line}`).toBeGreaterThan(0);
      const target = String(i.target);
      expect(found.some((p) => p.includes(target)), `${i.code}: target ${target} not on its line`).toBe(true);
    }
    for (const c of plan.comparisons) {
      expect(foundParts(c.ref).some((p) => p.includes(String(c.value))), c.label).toBe(true);
    }
  });

  it('cites the line a numeric baseline came from', () => {
    for (const i of plan.indicators.filter((x) => typeof x.baseline === 'number')) {
      const m = /基线[:：](.+?)[(（]第(\d+)行[)）]/.exec(i.ref.text);
      expect(m, `${i.code}: baseline without its seed line`).not.toBeNull();
      const phrase = m![1]!.normalize('NFKC');
      expect(phrase).toContain(String(i.baseline));
      expect(seedLine(i.ref.seed, Number(m![2]))).toContain(phrase);
    }
  });
});

describe('plan-15th is §6’s table', () => {
  it('has exactly the twelve indicators with their targets, units, kinds, owners and baselines', () => {
    const rows = (plan15Json as unknown as Plan).indicators.map((i) => [
      i.code, i.unit, i.kind, i.comparison ?? null, i.target, i.owner, i.kind === 'stock' ? i.baseline : undefined,
    ]);
    expect(rows).toEqual([
      ['MFG_SPOT_CHECK_PASS_RATE', '%', 'threshold', 'gte', 95, 'market-regulation', undefined],
      ['CONSTRUCTION_ACCEPTANCE_PASS_RATE', '%', 'threshold', 'eq', 100, 'construction', undefined],
      ['GREEN_BUILDING_SHARE', '%', 'threshold', 'gte', 80, 'construction', undefined],
      ['MAJOR_PROJECTS_LEVEL', 'rating', 'qualitative', null, '国内领先水平', 'construction', undefined],
      ['SHANGHAI_BRAND_TOTAL', '个', 'stock', null, 22, 'market-regulation', 12],
      ['SHANGHAI_STANDARD_TOTAL', '项', 'stock', null, 7, 'market-regulation', 4],
      ['STANDARDS_LED_COUNT', '项', 'flow', null, 50, 'market-regulation', undefined],
      ['HIGH_VALUE_PATENTS_PER_10K', '件/万人', 'level', null, 85, 'market-regulation', undefined],
      ['ADVANCED_QM_RESULTS_COUNT', '个', 'flow', null, 30, 'market-regulation', undefined],
      ['CHIEF_QUALITY_OFFICERS_COUNT', '名', 'flow', null, 150, 'market-regulation', undefined],
      ['NQI_SERVICE_STATIONS_TOTAL', '个', 'stock', null, 10, 'market-regulation', null],
      ['BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', '%', 'threshold', 'gte', 97, 'construction', undefined],
    ]);
    const names = Object.fromEntries((plan15Json as unknown as Plan).indicators.map((i) => [i.code, i.name]));
    expect(names.MFG_SPOT_CHECK_PASS_RATE).toBe('制造业产品质量监督抽查合格率');
    expect(names.SHANGHAI_BRAND_TOTAL).toBe('获“上海品牌”认证的服务和产品总数');
    expect(names.HIGH_VALUE_PATENTS_PER_10K).toBe('每万人高价值发明专利拥有量');
    expect((plan15Json as unknown as Plan).firstPeriod).toBe('2026-Q1');
    expect((plan15Json as unknown as Plan).tolerance).toBe(0.1);
  });

  it('takes its sources from the record rows and the ledger as §5 says', () => {
    const sources = Object.fromEntries((plan15Json as unknown as Plan).indicators.map((i) => [i.code, i.source]));
    expect(sources.MFG_SPOT_CHECK_PASS_RATE).toEqual({ from: 'inspections', categories: 'other' });
    expect(sources.BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE).toEqual({ from: 'inspections', categories: 'building-material' });
    expect(sources.CONSTRUCTION_ACCEPTANCE_PASS_RATE).toEqual({ from: 'acceptances', measure: 'pass-rate' });
    expect(sources.GREEN_BUILDING_SHARE).toEqual({ from: 'acceptances', measure: 'green-share' });
    expect(sources.SHANGHAI_BRAND_TOTAL).toEqual({ from: 'ledger', certificationType: 'shanghai-brand' });
    expect(sources.SHANGHAI_STANDARD_TOTAL).toEqual({ from: 'ledger', certificationType: 'shanghai-standard' });
  });
});

describe('plan-14th', () => {
  it('holds the ten targets of seed 002', () => {
    const rows = (plan14Json as unknown as Plan).indicators.map((i) => [i.code, i.kind, i.target, i.owner, i.ref.line]);
    expect(rows).toEqual([
      ['CHIEF_QUALITY_OFFICERS_COUNT', 'flow', 100, 'market-regulation', 57],
      ['SHANGHAI_BRAND_ORGS', 'flow', 5, 'market-regulation', 121],
      ['STANDARDISATION_PILOTS', 'flow', 10, 'market-regulation', 59],
      ['YRD_QUALITY_PILOTS', 'flow', 5, 'market-regulation', 59],
      ['IP_KEY_ENTERPRISES', 'flow', 30, 'market-regulation', 59],
      ['NQI_ENTERPRISES_SERVED', 'flow', 1000, 'market-regulation', 65],
      ['INVENTION_PATENTS_PER_10K', 'level', 95, 'market-regulation', 65],
      ['NATIONAL_SPOT_CHECK_PASS_RATE', 'threshold', 98, 'market-regulation', 33],
      ['MUNICIPAL_SPOT_CHECK_PASS_RATE', 'threshold', 95, 'market-regulation', 33],
      ['BUILDING_MATERIAL_SPOT_CHECK_PASS_RATE', 'threshold', 97, 'construction', 33],
    ]);
    expect([(plan14Json as unknown as Plan).firstPeriod, (plan14Json as unknown as Plan).lastPeriod]).toEqual(['2021-Q1', '2025-Q4']);
  });
});

describe('plan.schema.json is strict', () => {
  const base = plan15Json as unknown as Plan;
  const withIndicator = (patch: Record<string, unknown>, index = 0) => ({
    ...base,
    indicators: base.indicators.map((i, n) => (n === index ? { ...i, ...patch } : i)),
  });
  it.each([
    ['an unknown top-level field', { ...base, owner: 'x' }],
    ['an unknown indicator field', withIndicator({ colour: 'red' })],
    ['an unknown unit', withIndicator({ unit: '家' })],
    ['an unknown kind', withIndicator({ kind: 'ratio' })],
    ['a threshold without comparison', withIndicator({ comparison: undefined })],
    ['a baseline on a flow', withIndicator({ baseline: 3 }, 6)],
    ['a ledger source on a flow', withIndicator({ source: { from: 'ledger', certificationType: 'shanghai-brand' } }, 6)],
    ['an unknown source', withIndicator({ source: { from: 'rumour' } })],
    ['a bad period', { ...base, firstPeriod: '2026Q1' }],
  ])('rejects %s', (_name, candidate) => {
    expect(validatePlan(JSON.parse(JSON.stringify(candidate)))).toBe(false);
  });
});

describe('departments.json', () => {
  it('matches departments.schema.json and §3’s twelve codes', () => {
    validateDepartments(departmentsJson);
    expect(validateDepartments.errors ?? []).toEqual([]);
    expect(DEPARTMENTS.map((d) => d.code)).toEqual([
      'market-regulation', 'construction', 'commerce', 'science-tech', 'development-reform', 'federation-commerce',
      'health', 'culture-tourism', 'finance', 'investment-promotion', 'xinjing-town', 'east-hongqiao',
    ]);
    expect(validateDepartments({ ...departmentsJson, extra: true })).toBe(false);
  });

  it('resolves every code, name and alias to exactly its own department', () => {
    for (const d of DEPARTMENTS) {
      for (const key of [d.code, d.name, d.nameEn, ...d.aliases]) {
        expect(resolveDepartment(key)?.code, key).toBe(d.code);
      }
    }
  });
});

describe('departments.json: which sheet kinds each department sends', () => {
  it('lets the owners send what their indicators come from, and every other department only 认证明细', () => {
    const sends = Object.fromEntries(DEPARTMENTS.map((d) => [d.code, d.sends]));
    expect(sends['market-regulation']).toEqual(['indicators', 'inspections', 'certifications']);
    expect(sends.construction).toEqual(['indicators', 'inspections', 'acceptances']);
    for (const d of DEPARTMENTS.filter((x) => !['market-regulation', 'construction'].includes(x.code))) expect(d.sends).toEqual(['certifications']);
    // an owner sends what each of its indicators is made from
    const plan = loadPlan('15th');
    for (const def of plan.indicators) {
      const needs = def.source.from === 'reported' ? 'indicators' : def.source.from === 'ledger' ? 'certifications' : def.source.from;
      expect(sends[def.owner], def.code).toContain(needs);
    }
  });
});

describe('categories.json', () => {
  it('matches categories.schema.json and cites seed lines that hold what it says', () => {
    const validate = ajv.compile(categoriesSchema);
    validate(categoriesJson);
    expect(validate.errors ?? []).toEqual([]);
    const all = [categoriesJson.buildingMaterial, ...categoriesJson.buildingMaterial.subcategories, ...categoriesJson.products] as { name: string; ref?: SourceRef }[];
    for (const c of all.filter((x) => x.ref)) expect(seedLine(c.ref!.seed, c.ref!.line), c.name).toContain(c.ref!.text.normalize('NFKC'));
  });

  it('maps building-material sub-categories and synonyms to 建筑材料, and nothing else', () => {
    for (const c of ['建筑材料', '钢筋', '水泥', '预拌混凝土', '防水卷材', '商品混凝土', ' 外墙保温材料 ', 'Building Materials']) expect(isBuildingMaterial(c), c).toBe(true);
    for (const c of ['电线电缆', '儿童用品', '电子电器', '']) expect(isBuildingMaterial(c), c).toBe(false);
  });
});
