import { describe, expect, it } from 'vitest';
import { paceAt, pacedStatus, thresholdStatus } from '../../../functions/core/evaluation/pace';
import { INDICATOR_KINDS } from '../../../functions/core/indicator-kinds';

describe('pacedStatus: SHANGHAI_BRAND_TOTAL at 2026-Q1 (pace 12.5, tolerance 10 %)', () => {
  it.each([
    [12.6, 'met'],
    [12.5, 'met'],
    [12.49, 'at_risk'],
    [11.25, 'at_risk'],
    [11.24, 'breached'],
    [0, 'breached'],
  ])('%s → %s', (value, status) => {
    expect(pacedStatus(value, 12.5, 0.1)).toBe(status);
  });
});

describe('thresholdStatus', () => {
  it.each([
    [95, null, 'met'],
    [95, 95.5, 'at_risk'],
    [96, 96.5, 'at_risk'],
    [96.01, 97, 'met'],
    [96, 95.5, 'met'],
    [94.99, null, 'breached'],
    [94.99, 99, 'breached'],
    [null, 97, 'no_data'],
  ] as const)('gte 95: %s after %s → %s', (value, last, status) => {
    expect(thresholdStatus(value, 95, 'gte', last)).toBe(status);
  });

  it.each([
    [100, 'met'],
    [99.99, 'breached'],
  ] as const)('eq 100: %s → %s', (value, status) => {
    expect(thresholdStatus(value, 100, 'eq', 100)).toBe(status);
  });
});

describe('paceAt', () => {
  const base = { target: 22, baseline: 12, anchor: null, quarters: 20 };
  it('flow: target × k/N', () => {
    expect(paceAt({ ...base, from: INDICATOR_KINDS.flow.paceFrom, target: 50, baseline: null, k: 1 })).toBe(2.5);
    expect(paceAt({ ...base, from: INDICATOR_KINDS.flow.paceFrom, target: 150, baseline: null, k: 20 })).toBe(150);
  });
  it('stock with baseline: b + (target − b) × k/N, capped at the plan end', () => {
    expect(paceAt({ ...base, from: INDICATOR_KINDS.stock.paceFrom, k: 1 })).toBe(12.5);
    expect(paceAt({ ...base, from: INDICATOR_KINDS.stock.paceFrom, k: 20 })).toBe(22);
    expect(paceAt({ ...base, from: INDICATOR_KINDS.stock.paceFrom, k: 24 })).toBe(22);
  });
  it('level: from the first report, which is on pace', () => {
    const anchor = { k: 2, value: 60 };
    expect(paceAt({ from: INDICATOR_KINDS.level.paceFrom, target: 85, baseline: null, anchor, k: 2, quarters: 20 })).toBe(60);
    expect(paceAt({ from: INDICATOR_KINDS.level.paceFrom, target: 85, baseline: null, anchor, k: 3, quarters: 20 })).toBe(61.39);
    expect(paceAt({ from: INDICATOR_KINDS.level.paceFrom, target: 85, baseline: null, anchor, k: 20, quarters: 20 })).toBe(85);
    expect(paceAt({ from: INDICATOR_KINDS.level.paceFrom, target: 85, baseline: null, anchor: null, k: 3, quarters: 20 })).toBeNull();
    expect(paceAt({ from: INDICATOR_KINDS.level.paceFrom, target: 85, baseline: null, anchor, k: 1, quarters: 20 })).toBeNull();
  });
  it('no pace before the plan or for a qualitative indicator', () => {
    expect(paceAt({ ...base, from: INDICATOR_KINDS.stock.paceFrom, k: 0 })).toBeNull();
    expect(paceAt({ ...base, from: INDICATOR_KINDS.qualitative.paceFrom, k: 1 })).toBeNull();
  });
});
