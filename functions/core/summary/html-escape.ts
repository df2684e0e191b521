// HTML escaping for text and attribute values alike.
import { cleanText } from './cells';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes & < > " ' and drops characters HTML cannot carry; safe in text and in quoted attributes. */
export function escapeHtml(text: string | number | null | undefined): string {
  if (text === null || text === undefined) return '';
  return cleanText(String(text)).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
