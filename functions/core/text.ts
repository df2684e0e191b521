// Text normalisation shared by every comparison of names, headers and codes.

/** NFKC, all whitespace (line breaks included) removed, case-folded (§5). */
export function normalizeKey(text: string): string {
  return text.normalize('NFKC').replace(/[\s\u200b\ufeff]+/g, '').toLowerCase();
}
