// The office's views (a chunk of their own: a clerk's page never loads them).
//   报送情况 / Submissions: every department × quarter   GET /api/status?period=P, for each of /api/me's periods
//   季度汇总 / Quarterly summaries                       GET /api/summaries/{period} → links
//   上传记录 / Uploads: who uploaded what and when        GET /api/versions?period=P
import { PORTAL_STATE_LABEL } from '../../../functions/core/labels';
import { ApiError, api } from '../api';
import { bi, biText, h, replace, safeUrl, scrollTable } from '../dom';
import { quarterLabel, STATE_ORDER, STATE_SYMBOL, T, versionsCount, when } from '../text';
import type { PortalState, StatusAnswer } from '../types';
import { chosenPeriod, errorBox, loadingBox, mapLimit, pageTitle, periodSelect, type ViewContext } from './common';
import { versionsTable } from './department';

export async function statusGridView(ctx: ViewContext): Promise<void> {
  const { me } = ctx;
  const body = h('div', { id: 'status-body' }, loadingBox());
  replace(ctx.root, pageTitle(T.statusGrid), body);
  let answers: StatusAnswer[];
  try {
    answers = await mapLimit(me.periods, 4, (p) => api.status(p));
  } catch (err) {
    if (ctx.alive()) replace(body, errorBox(err, () => void statusGridView(ctx)));
    return;
  }
  if (!ctx.alive()) return;
  const columns = [...answers].reverse(); // newest quarter first, nearest the department's name
  const byPeriod = new Map(columns.map((a) => [a.period, new Map(a.departments.map((d) => [d.department, d]))]));
  const departments = me.departments;
  const table = h(
    'table',
    { id: 'status-grid', class: 'grid' },
    h('caption', null, bi(T.statusCaption)),
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        h('th', { scope: 'col' }, bi(T.department)),
        columns.map((a) => h('th', { scope: 'col', 'data-period': a.period }, bi(quarterLabel(a.period)), h('br'), h('small', null, `${biText(T.dueDate)} ${a.dueDate}`))),
      ),
    ),
    h(
      'tbody',
      null,
      departments.map((d) =>
        h(
          'tr',
          { 'data-department': d.code },
          h('th', { scope: 'row' }, h('a', { href: `#/department/${encodeURIComponent(d.code)}`, title: biText(T.openDepartment) }, bi({ zh: d.name, en: d.nameEn }))),
          columns.map((a) => {
            const row = byPeriod.get(a.period)?.get(d.code);
            if (!row) return h('td', { class: 'state-none', 'data-period': a.period }, '—');
            return h(
              'td',
              { class: `state-cell state-${row.state}`, 'data-period': a.period, 'data-department': d.code, 'data-state': row.state },
              stateMark(row.state),
              row.versions > 0 ? h('small', { class: 'versions-count' }, h('br'), bi(versionsCount(row.versions))) : null,
              row.firstAcceptedAt ? h('small', null, h('br'), when(row.firstAcceptedAt)) : null,
            );
          }),
        ),
      ),
    ),
  );
  const legend = h(
    'ul',
    { class: 'legend', id: 'status-legend', 'aria-label': biText(T.legend) },
    STATE_ORDER.map((s) => h('li', { class: `state-${s}` }, stateMark(s))),
  );
  replace(body, scrollTable(table, T.statusCaption), legend);
}

function stateMark(state: PortalState): HTMLElement {
  return h('span', { class: `state state-${state}` }, h('span', { 'aria-hidden': 'true' }, `${STATE_SYMBOL[state] ?? ''} `), bi(PORTAL_STATE_LABEL[state] ?? { zh: state, en: state }));
}

/**
 * A quarter picker that loads the chosen quarter; `latest()` tells a load whether
 * its quarter is still the chosen one, so a slow answer for an earlier choice
 * never replaces the answer for the current one.
 */
function quarterPicker(ctx: ViewContext, id: string, load: (period: string, latest: () => boolean) => Promise<void>): HTMLElement {
  const picker = periodSelect(id, ctx.me.periods, chosenPeriod(ctx));
  const form = h('form', { class: 'filters', id: `${id}-form` }, picker.field, h('button', { type: 'submit', class: 'primary', id: `${id}-show` }, bi(T.show)));
  let seq = 0;
  const run = (period: string) => {
    const mine = ++seq;
    void load(period, () => mine === seq && ctx.alive());
  };
  const go = () => {
    ctx.setParams({ period: picker.select.value });
    run(picker.select.value);
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  picker.select.addEventListener('change', go);
  queueMicrotask(() => run(picker.select.value));
  return form;
}

export function summariesView(ctx: ViewContext): void {
  const out = h('div', { id: 'summaries-body', 'aria-live': 'polite' });
  const load = async (period: string, latest: () => boolean) => {
    replace(out, loadingBox());
    try {
      const { files } = await api.summary(period);
      if (!latest()) return;
      replace(
        out,
        h('h2', null, bi(T.summaryFiles), ` · ${biText(quarterLabel(period))}`),
        h(
          'ul',
          { id: 'summaries-list', class: 'files' },
          files.map((f) => {
            const url = safeUrl(f.url);
            const html = /\.html?$/i.test(f.name);
            return h(
              'li',
              { 'data-file': f.name },
              url ? h('a', { href: url, ...(html ? { target: '_blank', rel: 'noopener noreferrer' } : { download: f.name }) }, html ? '↗ ' : '⤓ ', f.name) : f.name,
            );
          }),
        ),
        h('p', { class: 'hint' }, bi(T.linksExpire)),
      );
    } catch (err) {
      if (!latest()) return;
      if (err instanceof ApiError && err.status === 404) replace(out, h('p', { class: 'empty', id: 'summaries-none' }, bi(T.noSummary)));
      else replace(out, errorBox(err, () => void load(period, latest)));
    }
  };
  replace(ctx.root, pageTitle(T.summaries), quarterPicker(ctx, 'summaries-period', load), out);
}

export function uploadsLogView(ctx: ViewContext): void {
  const out = h('div', { id: 'uploads-body' });
  const reportSlot = h('div', { id: 'report-slot' });
  const load = async (period: string, latest: () => boolean) => {
    replace(out, loadingBox());
    try {
      const { versions } = await api.versions(period);
      if (!latest()) return;
      replace(
        out,
        versions.length ? versionsTable(ctx, period, versions, reportSlot, { showDepartment: true, tableId: 'uploads-table' }) : h('p', { class: 'empty', id: 'uploads-none' }, bi(T.noUploads)),
      );
    } catch (err) {
      if (latest()) replace(out, errorBox(err, () => void load(period, latest)));
    }
  };
  replace(ctx.root, pageTitle(T.uploadLog), quarterPicker(ctx, 'uploads-period', load), out, reportSlot);
}
