// Rounding shared by every rate (PRODUCT §6): rates come from integer counts or
// summed areas and are rounded to two decimals, half away from zero, before any
// comparison or display, so 81.00 stays 81.00 whatever order the rows came in.

/**
 * Rounds to two decimals, half away from zero. The product is first cut to 15
 * significant digits so binary noise (1.005 × 100 = 100.49999999999999) does not
 * decide the rounding: the decimal value the user sees does.
 */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  const scaled = Number((Math.abs(x) * 100).toPrecision(15));
  const r = (Math.sign(x) * Math.round(scaled)) / 100;
  return r === 0 ? 0 : r; // never -0
}

/** part / whole as a percentage rounded to two decimals; null when whole is 0. */
export function rate(part: number, whole: number): number | null {
  if (whole === 0) return null;
  return round2((part * 100) / whole);
}
