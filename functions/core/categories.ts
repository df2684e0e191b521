// The product categories of 抽查明细 (schemas/categories.json): which rows feed
// the building-material pass rate, and what the template offers in its dropdown.
import categoriesJson from '../../schemas/categories.json';
import type { Plan } from './model';
import { normalizeKey } from './text';

export interface Category {
  name: string;
  nameEn: string;
  synonyms: string[];
}

export interface ProductCategories {
  buildingMaterial: Category & { subcategories: Category[] };
  products: Category[];
}

export const CATEGORIES: ProductCategories = categoriesJson;

const BUILDING_MATERIAL_KEYS = new Set(
  [CATEGORIES.buildingMaterial, ...CATEGORIES.buildingMaterial.subcategories].flatMap((c) => [c.name, c.nameEn, ...c.synonyms]).map(normalizeKey),
);

// categories repeat down a sheet: each spelling is normalised once
const seen = new Map<string, boolean>();

/** 建筑材料, a building-material sub-category (钢筋, 水泥, 预拌混凝土, 防水卷材 …) or a synonym. */
export function isBuildingMaterial(category: string): boolean {
  let yes = seen.get(category);
  if (yes === undefined) {
    yes = BUILDING_MATERIAL_KEYS.has(normalizeKey(category));
    if (seen.size >= 10_000) seen.clear();
    seen.set(category, yes);
  }
  return yes;
}

/** What the building-material rate counts, for messages: 建筑材料 and its sub-categories. */
export function buildingMaterialNames(): string[] {
  return [CATEGORIES.buildingMaterial.name, ...CATEGORIES.buildingMaterial.subcategories.map((c) => c.name)];
}

/** The names the template's dropdown offers for a department: building materials for construction, products otherwise. */
export function categoryChoices(buildingMaterialsOnly: boolean): string[] {
  const materials = buildingMaterialNames();
  return buildingMaterialsOnly ? materials : [...CATEGORIES.products.map((c) => c.name), ...materials];
}

const onlyMaterials = new Map<string, boolean>();

/**
 * The department's spot checks feed only the building-material rate (it owns
 * that indicator and not the manufacturing one: the construction department).
 * Its template offers materials only, and another category is warned about.
 */
export function checksOnlyBuildingMaterials(plan: Plan, department: string): boolean {
  const key = `${plan.id}#${department}`;
  let yes = onlyMaterials.get(key);
  if (yes === undefined) {
    const owned = plan.indicators.filter((d) => d.owner === department && d.source.from === 'inspections');
    yes = owned.length > 0 && owned.every((d) => d.source.from === 'inspections' && d.source.categories === 'building-material');
    onlyMaterials.set(key, yes);
  }
  return yes;
}
