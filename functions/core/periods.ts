// Quarters (`YYYY-Qn`), their dates, due dates and the plan's quarter index.
// Dates are ISO strings (yyyy-mm-dd) in the office's calendar; no time zones.

export interface Quarter {
  year: number;
  q: 1 | 2 | 3 | 4;
}

export interface PeriodOffsets {
  /** submissions are due by the end of this many days after the quarter ends */
  dueDays: number;
  /** the quarterly summary runs this many days after the quarter ends */
  summaryDays: number;
}

export const DEFAULT_OFFSETS: PeriodOffsets = { dueDays: 10, summaryDays: 15 };

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, '1': 1, '2': 2, '3': 3, '4': 4 };

/**
 * Parses every spelling of §4: 2026-Q1, 2026Q1, 2026 Q1, 2026年第1季度, 2026年第一季度,
 * 2026年一季度, 2026年1季度 (after NFKC, so full-width forms work too). Returns undefined
 * when the text is not a quarter.
 */
export function parsePeriod(text: string): Quarter | undefined {
  const s = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  let m = /^(\d{4})-?Q([1-4])$/.exec(s);
  if (m) return { year: Number(m[1]), q: Number(m[2]) as Quarter['q'] };
  m = /^(\d{4})年第?([1-4一二三四])季度?$/.exec(s);
  if (m) return { year: Number(m[1]), q: CN_DIGITS[m[2]!] as Quarter['q'] };
  return undefined;
}

declare const PERIOD: unique symbol;

/**
 * A quarter in its one spelling, `2026-Q1`. Only parsing makes one (the edges —
 * the CLI's arguments, an event, a key, a cell — call normalizePeriod once), and
 * the period arithmetic below keeps it one, so nothing further in needs to
 * parse it again.
 */
export type Period = string & { readonly [PERIOD]: true };

export function formatPeriod(p: Quarter): Period {
  return `${p.year}-Q${p.q}` as Period;
}

/** Canonical `YYYY-Qn` for any accepted spelling, or undefined. */
export function normalizePeriod(text: string): Period | undefined {
  const p = parsePeriod(text);
  return p && formatPeriod(p);
}

/** A period written in code (the demo's calendar, tests): throws when the text is not one. */
export function asPeriod(text: string): Period {
  const p = normalizePeriod(text);
  if (!p) throw new RangeError(`not a period: ${text}`);
  return p;
}

export function toQuarter(period: string): Quarter {
  const p = parsePeriod(period);
  if (!p) throw new RangeError(`not a period: ${period}`);
  return p;
}

export function quarterOfDate(isoDate: string): Period {
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return formatPeriod({ year: y, q: (Math.floor((m - 1) / 3) + 1) as Quarter['q'] });
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

export function periodStart(period: string): string {
  const { year, q } = toQuarter(period);
  return `${year}-${pad((q - 1) * 3 + 1)}-01`;
}

export function periodEnd(period: string): string {
  const { year, q } = toQuarter(period);
  const month = q * 3;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${pad(month)}-${pad(last)}`;
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Last day on which a submission for the period is on time (2026-Q1 → 2026-04-10). */
export function dueDate(period: string, offsets: PeriodOffsets = DEFAULT_OFFSETS): string {
  return addDays(periodEnd(period), offsets.dueDays);
}

/** Day the quarterly summary runs (2026-Q1 → 2026-04-15). */
export function summaryDate(period: string, offsets: PeriodOffsets = DEFAULT_OFFSETS): string {
  return addDays(periodEnd(period), offsets.summaryDays);
}

export function nextPeriod(period: string): Period {
  const { year, q } = toQuarter(period);
  return formatPeriod(q === 4 ? { year: year + 1, q: 1 } : { year, q: (q + 1) as Quarter['q'] });
}

export function previousPeriod(period: string): Period {
  const { year, q } = toQuarter(period);
  return formatPeriod(q === 1 ? { year: year - 1, q: 4 } : { year, q: (q - 1) as Quarter['q'] });
}

/** Negative, zero or positive like a comparator. */
export function comparePeriods(a: string, b: string): number {
  const x = toQuarter(a);
  const y = toQuarter(b);
  return x.year * 4 + x.q - (y.year * 4 + y.q);
}

/** Every period from `from` to `to`, both included (empty when from > to). */
export function periodsBetween(from: string, to: string): Period[] {
  const out: Period[] = [];
  if (comparePeriods(from, to) > 0) return out;
  for (let p = asPeriod(from); comparePeriods(p, to) <= 0; p = nextPeriod(p)) out.push(p);
  return out;
}

/** 1-based quarter number of `period` within a plan starting at `firstPeriod` (2026-Q1 → 1). */
export function quarterIndex(firstPeriod: string, period: string): number {
  return comparePeriods(period, firstPeriod) + 1;
}

/** The ISO date (yyyy-mm-dd) of an instant, in China Standard Time (UTC+8). */
export function localDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** An ISO date-time as the office reads it: Shanghai time, `yyyy-mm-dd hh:mm`. Bad input comes back unchanged. */
export function localDateTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The quarter containing a date. */
export function currentPeriod(instant: Date): Period {
  return quarterOfDate(localDate(instant));
}

/** The last quarter that has ended by an instant: what the scheduled jobs work on by default. */
export function lastEndedPeriod(instant: Date): Period {
  return previousPeriod(currentPeriod(instant));
}

/** Parses `--now`: an ISO date (taken as the start of that day, Shanghai time) or date-time. */
export function parseNow(text: string): Date | undefined {
  const t = text.trim();
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t);
  const d = m ? new Date(`${t}T00:00:00+08:00`) : /^\d{4}-\d{2}-\d{2}T/.test(t) ? new Date(t) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}
