// Building the page: elements made with createElement, text always set as text
// (textContent, text nodes), never parsed from strings — data from workbooks
// and the API can hold markup and must stay text. No markup parsing anywhere in
// the portal (test/browser/portal-build.test.ts greps the sources for the ways).
import type { Lang } from '../../functions/core/model';

export type Child = Node | string | number | null | undefined | false | Child[];

type Handler<E extends Event = Event> = (event: E) => void;

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | Handler<never>;
}

function append(parent: Node, child: Child): void {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(parent, c);
    return;
  }
  parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

/**
 * An element: `on…` attributes are event listeners; `true` sets a boolean
 * attribute, `false`/null/undefined leaves it out; everything else is an
 * attribute value (never markup).
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.slice(2).toLowerCase(), value as EventListener);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

/** Replaces the children of an element. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Chinese first, English beside: `上传 / Upload`, each part marked with its language. */
export function bi(text: Lang, sep = ' / '): HTMLSpanElement {
  return h('span', { class: 'bi' }, h('span', { lang: 'zh-CN' }, text.zh), h('span', { class: 'bi-sep', 'aria-hidden': 'true' }, sep), h('span', { lang: 'en' }, text.en));
}

/** Chinese above, English below (longer texts: messages, explanations). */
export function biBlock(text: Lang): HTMLSpanElement {
  return h('span', { class: 'bi-block' }, h('span', { lang: 'zh-CN', class: 'zh' }, text.zh), h('span', { lang: 'en', class: 'en' }, text.en));
}

/** The plain `中文 / English` string (for attributes such as aria-label, and titles). */
export const biText = (text: Lang): string => `${text.zh} / ${text.en}`;

/** A URL from the API, used only when it is http(s) (never javascript: or data:). */
export function safeUrl(url: string): string | undefined {
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** A table wrapped in a region that scrolls sideways on a narrow window. */
export function scrollTable(table: HTMLTableElement, label: Lang): HTMLDivElement {
  const region = h('div', { class: 'table-scroll', role: 'region', 'aria-label': biText(label), tabindex: '0' }, table);
  // a wide table that stays a table on a narrow window (not one of cards) says that it scrolls
  if (table.classList.contains('stack')) return region;
  return h('div', { class: 'table-scroll-box' }, h('p', { class: 'table-scroll-hint', 'aria-hidden': 'true' }, '⇆ ', bi({ zh: '左右滑动表格查看更多列', en: 'swipe the table sideways for more columns' })), region);
}

/**
 * Names every body cell by its column (data-label), so that on a narrow window
 * the table can show each row as a card of labelled lines (style.css, .stack).
 */
export function stackable(table: HTMLTableElement, columns: Lang[]): HTMLTableElement {
  table.classList.add('stack');
  for (const body of table.tBodies) {
    for (const row of body.rows) {
      if (row.cells.length !== columns.length) continue; // a detail row spanning the table
      for (let i = 0; i < row.cells.length; i++) row.cells[i]!.dataset.label = biText(columns[i]!);
    }
  }
  return table;
}

/** Header cells of a table: each `中文 / English`. */
export function headRow(columns: Lang[]): HTMLTableSectionElement {
  return h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col' }, bi(c)))));
}
