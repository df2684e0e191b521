// Pace lines and the status rules of §6, as small pure functions so each
// boundary can be tested on its own.
import type { IndicatorKindRule } from '../indicator-kinds';
import type { IndicatorStatus } from '../model';
import { round2 } from '../numbers';

/** The first reported value and its quarter: the start of a level's pace line. */
export interface PaceAnchor {
  k: number;
  value: number;
}

export interface PaceInput {
  /** where the kind's pace line starts (indicator-kinds.ts) */
  from: IndicatorKindRule['paceFrom'];
  target: number;
  /** stock baseline at the plan's start; null: pace from the anchor */
  baseline: number | null;
  anchor: PaceAnchor | null;
  /** 1-based quarter of the plan; beyond the plan's end the pace stays at the target */
  k: number;
  /** quarters in the plan (20 for a five-year plan) */
  quarters: number;
}

/**
 * The expected value at quarter k, rounded to two decimals (§6):
 * flow: target × k/N; stock: b + (target − b) × k/N; level, or a stock without
 * baseline: v₀ + (target − v₀) × (k − k₀)/(N − k₀), so the first report is on pace.
 * null when there is no pace yet (no first report) or the inputs are not numbers.
 */
export function paceAt(input: PaceInput): number | null {
  const { from, target, baseline, anchor, quarters } = input;
  if (!Number.isFinite(target) || !(quarters >= 1) || input.k < 1) return null;
  const k = Math.min(input.k, quarters);
  if (from === 'zero') return round2((target * k) / quarters);
  if (from === 'baseline' && baseline !== null && Number.isFinite(baseline)) {
    return round2(baseline + ((target - baseline) * k) / quarters);
  }
  if (from === 'baseline' || from === 'first-report') {
    if (!anchor || k < anchor.k) return null;
    // a first report in the plan's last quarter has no line left to climb: it is its own pace
    if (anchor.k >= quarters) return round2(anchor.value);
    return round2(anchor.value + ((target - anchor.value) * (k - anchor.k)) / (quarters - anchor.k));
  }
  return null;
}

/**
 * Paced kinds: at or above the pace → met; short by at most tolerance × pace →
 * at_risk; further short → breached. The lower edge is rounded like the values
 * (pace 12.5, tolerance 0.1: 11.25 is at risk, 11.24 breached).
 */
export function pacedStatus(value: number, pace: number, tolerance: number): IndicatorStatus {
  if (value >= pace) return 'met';
  const lowest = round2(pace - tolerance * Math.abs(pace));
  return value >= lowest ? 'at_risk' : 'breached';
}

/**
 * Thresholds, first rule that applies: below the floor (or not the exact value)
 * → breached; within a point above the floor and lower than the last reported
 * value → at_risk; otherwise met. No value → no_data.
 */
export function thresholdStatus(
  value: number | null,
  floor: number,
  comparison: 'gte' | 'eq',
  lastValue: number | null,
): IndicatorStatus {
  if (value === null || !Number.isFinite(floor)) return 'no_data';
  if (comparison === 'eq') return value === floor ? 'met' : 'breached';
  if (value < floor) return 'breached';
  if (lastValue !== null && value <= round2(floor + 1) && value < lastValue) return 'at_risk';
  return 'met';
}
