// Wording of alert messages: Chinese first, English second, naming the
// indicator, the value with its unit, the target and (for paced kinds) the pace.
import { DEPARTMENTS } from '../catalog';
import type { IndicatorUnit, Lang } from '../model';
import { toQuarter } from '../periods';
import { round2 } from '../numbers';

export function periodZh(period: string): string {
  try {
    const { year, q } = toQuarter(period);
    return `${year}年第${q}季度`;
  } catch {
    return period;
  }
}

/** A number as people write it: no trailing zeros (12.5, 22, 80.35). */
function plain(n: number): string {
  return String(round2(n));
}

/** A measured value: percentages always with two decimals (93.50%), as §6 rounds them. */
export function valueText(value: number | string | null | undefined, unit: IndicatorUnit | string, lang: keyof Lang): string {
  if (value === null || value === undefined) return lang === 'zh' ? '无数据' : 'no data';
  if (typeof value === 'string') return value;
  if (unit === '%') return `${round2(value).toFixed(2)}%`;
  return withUnit(plain(value), unit, lang);
}

/** A target or pace: as few decimals as needed (95%, 12.5 个). */
export function targetText(value: number | string | null | undefined, unit: IndicatorUnit | string, lang: keyof Lang): string {
  if (value === null || value === undefined) return lang === 'zh' ? '无' : 'none';
  if (typeof value === 'string') return value;
  if (unit === '%') return `${plain(value)}%`;
  return withUnit(plain(value), unit, lang);
}

const UNIT_EN: Record<string, string> = { '件/万人': ' per 10,000 people' };

function withUnit(n: string, unit: string, lang: keyof Lang): string {
  if (lang === 'zh') return unit && unit !== 'rating' ? `${n} ${unit}` : n;
  return `${n}${UNIT_EN[unit] ?? ''}`;
}



/** The department's short names; its code when it is not in the registry. */
export function departmentText(code: string): Lang {
  const d = DEPARTMENTS.find((x) => x.code === code);
  return d ? { zh: d.name, en: d.nameEn } : { zh: code, en: code };
}
