// What every view shares: the context it renders in, loading and error boxes,
// the quarter and department pickers, and a bounded fan-out of requests.
import type { Lang } from '../../../functions/core/model';
import { ApiError } from '../api';
import { bi, biBlock, biText, h } from '../dom';
import { quarterLabel, T } from '../text';
import type { DepartmentInfo, Me } from '../types';

export interface ViewContext {
  me: Me;
  /** the element the view fills (inside <main>) */
  root: HTMLElement;
  /** the route's query (#/alerts?period=2026-Q1 → period) */
  params: URLSearchParams;
  /** says something in the live region (status: polite; alert: assertive) */
  announce(text: Lang, urgent?: boolean): void;
  /** still the view on screen (the user may have moved on while it loaded) */
  alive(): boolean;
  /** changes the route's query without leaving the view */
  setParams(params: Record<string, string | undefined>): void;
}

export function departmentLabel(me: Me, code: string): Lang {
  const d = me.departments.find((x) => x.code === code) ?? (me.department?.code === code ? me.department : undefined);
  return d ? { zh: d.name, en: d.nameEn } : { zh: code, en: code };
}

export function pageTitle(text: Lang, ...after: (Node | string | null)[]): HTMLHeadingElement {
  return h('h1', { id: 'view-title', tabindex: '-1' }, bi(text), ...after);
}

export function loadingBox(): HTMLElement {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), bi(T.loading));
}

/** A failure that carries what to tell the user. */
export class LangError extends Error {
  constructor(readonly text: Lang) {
    super(text.en);
  }
}

export function textOf(err: unknown): Lang {
  if (err instanceof ApiError || err instanceof LangError) return err.text;
  return { zh: `出错了：${err instanceof Error ? err.message : String(err)}`, en: `Something failed: ${err instanceof Error ? err.message : String(err)}` };
}

/** An error the user can read (the API's own message), with a retry when one helps. */
export function errorBox(err: unknown, retry?: () => void): HTMLElement {
  return h(
    'div',
    { class: 'error-box', role: 'alert', 'data-code': err instanceof ApiError ? err.code : 'ERROR' },
    biBlock(textOf(err)),
    retry ? h('button', { type: 'button', class: 'secondary', onclick: retry }, bi(T.retry)) : null,
  );
}

/** The quarter a one-quarter view opens on: the route's `period` when it is one of /api/me's, else the current one. */
export function chosenPeriod(ctx: ViewContext): Me['currentPeriod'] {
  const wanted = ctx.params.get('period');
  return wanted && ctx.me.periods.includes(wanted) ? wanted : ctx.me.currentPeriod;
}

/** A labelled <select> of quarters, newest first. */
export function periodSelect(id: string, periods: string[], value: string | undefined, label: Lang = T.quarter): { field: HTMLElement; select: HTMLSelectElement } {
  const select = h(
    'select',
    { id, name: id },
    [...periods].reverse().map((p) => h('option', { value: p, selected: p === value }, biText(quarterLabel(p)))),
  );
  return { field: h('div', { class: 'field' }, h('label', { for: id }, bi(label)), select), select };
}

/** A labelled <select> with an "all" choice first. */
export function choiceSelect(id: string, label: Lang, choices: { value: string; text: Lang }[], value: string | undefined): { field: HTMLElement; select: HTMLSelectElement } {
  const select = h(
    'select',
    { id, name: id },
    h('option', { value: '' }, biText(T.all)),
    choices.map((c) => h('option', { value: c.value, selected: c.value === value }, biText(c.text))),
  );
  return { field: h('div', { class: 'field' }, h('label', { for: id }, bi(label)), select), select };
}

export const departmentChoices = (departments: DepartmentInfo[]) => departments.map((d) => ({ value: d.code, text: { zh: d.name, en: d.nameEn } }));

/** fn over items, at most `limit` at once, results in order. */
export async function mapLimit<A, B>(items: A[], limit: number, fn: (item: A) => Promise<B>): Promise<B[]> {
  const out: B[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
