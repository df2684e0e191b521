// Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from
// a 31-character set (digits and upper-case letters without I, O, Z, S, V), the
// last one a check character over the first 17.

const CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const VALUE = new Map<string, number>([...CHARSET].map((c, i) => [c, i]));
/** char code → value for upper-case ASCII; -1 for characters outside the set */
const FAST = new Int8Array(128).fill(-1);
for (let i = 0; i < CHARSET.length; i++) FAST[CHARSET.charCodeAt(i)] = i;

export type CreditCodeProblem =
  | { reason: 'length'; length: number }
  | { reason: 'character'; char: string; position: number } // position 1-based
  | { reason: 'check-digit'; expected: string };

export type CreditCodeResult = { ok: true; code: string } | { ok: false; problem: CreditCodeProblem };

/** The check character for the first 17 characters (assumed valid), GB 32100-2015 §5. */
export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += VALUE.get(first17[i]!)! * WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return CHARSET[c === 31 ? 0 : c]!;
}

/**
 * Checks a code as typed by a clerk: full-width forms, lower case and
 * surrounding spaces are normalised; anything else must be exact.
 */
export function checkCreditCode(text: string): CreditCodeResult {
  if (text.length === 18) {
    // fast path (every well-formed code): no normalising, one table look-up per character
    let sum = 0;
    let i = 0;
    for (; i < 17; i++) {
      const v = FAST[text.charCodeAt(i)];
      if (v === undefined || v < 0) break;
      sum += v * WEIGHTS[i]!;
    }
    if (i === 17) {
      const c = 31 - (sum % 31);
      if (text.charCodeAt(17) === CHARSET.charCodeAt(c === 31 ? 0 : c)) return { ok: true, code: text };
    }
  }
  const code = text.normalize('NFKC').trim().toUpperCase();
  const chars = [...code];
  if (chars.length !== 18) return { ok: false, problem: { reason: 'length', length: chars.length } };
  for (let i = 0; i < 18; i++) {
    if (!VALUE.has(chars[i]!)) return { ok: false, problem: { reason: 'character', char: chars[i]!, position: i + 1 } };
  }
  const expected = creditCodeCheckChar(code);
  if (code[17] !== expected) return { ok: false, problem: { reason: 'check-digit', expected } };
  return { ok: true, code };
}
