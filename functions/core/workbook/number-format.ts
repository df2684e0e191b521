// What a cell's number format says about its number: a date (or time of day),
// a percentage, or neither. Excel stores dates as serial numbers; only the
// format tells them apart, so this decides what a clerk meant.

export const STYLE_DATE = 1;
export const STYLE_PERCENT = 2;

/**
 * Built-in formats have no <numFmt> element. 14–22 and 45, 47 are dates and
 * times; 27–36 and 50–58 are the CJK date formats (Chinese Excel and WPS write
 * 31 = yyyy"年"m"月"d"日" and 57/58 often); 46 is elapsed time ([h]:mm:ss), a
 * duration and not a date; 9 and 10 are percentages.
 */
export function builtinFlags(id: number): number {
  if ((id >= 14 && id <= 22) || id === 45 || id === 47 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)) return STYLE_DATE;
  if (id === 9 || id === 10) return STYLE_PERCENT;
  return 0;
}

/**
 * Date-ness and percent-ness of a format code. Only the first section (the one
 * for positive numbers) decides. Ignored: quoted text, backslash escapes, `_x`
 * padding and `*x` fills, and bracketed parts except the elapsed-time ones —
 * colours ([Red], [Magenta], [Color10]), conditions ([<100]), locales
 * ([$-804], [$€-407]) and numeral systems ([DBNum1]). AM/PM markers hold an m
 * that is not a month; aaa/aaaa is the weekday of CJK locales. An elapsed-time code ([h]:mm) is a duration: not a date.
 */
export function formatFlags(code: string): number {
  if (/^\s*general\s*$/i.test(code)) return 0;
  let first = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"') {
      const end = code.indexOf('"', i + 1);
      i = end < 0 ? code.length : end;
    } else if (c === '\\' || c === '_' || c === '*') i++;
    else if (c === '[') {
      const end = code.indexOf(']', i + 1);
      const inner = code.slice(i + 1, end < 0 ? code.length : end);
      if (/^(h+|m+|s+)$/i.test(inner)) return 0; // elapsed time
      i = end < 0 ? code.length : end;
    } else if (c === ';') break;
    else first += c;
  }
  let flags = 0;
  if (first.includes('%')) flags |= STYLE_PERCENT;
  const bare = first.replace(/am\/pm|a\/p|上午\/下午/gi, '').replace(/e[+-]/gi, '');
  if (/[ymdhs]|aaa/i.test(bare) && !/general/i.test(bare)) flags |= STYLE_DATE;
  return flags;
}
