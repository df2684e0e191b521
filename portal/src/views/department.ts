// 我的部门 / My department (a clerk's own; the office opens any department from
// the status grid): every quarter with its due date, state in words, current
// version and issue counts; each quarter's version history with each version's
// report and downloads; the blank template.
//   GET /api/quarters[?department=D]      the quarters
//   GET /api/versions?period=P[&department=D]   each quarter's versions
//   GET /api/versions/{id}                 a version's report
//   GET /api/versions/{id}/download?file=annotated|original → the browser goes to the link
//   GET /api/template[?department=D]       the blank workbook (a Blob, saved)
import { PORTAL_STATE_LABEL } from '../../../functions/core/labels';
import type { Lang } from '../../../functions/core/model';
import { sheetSpec } from '../../../functions/core/sheet-specs';
import { api } from '../api';
import { bi, biText, h, headRow, replace, scrollTable, stackable } from '../dom';
import { navigateTo, saveBlob } from '../download';
import { quarterLabel, STATE_SYMBOL, T, when } from '../text';
import type { QuarterRow, Version } from '../types';
import { departmentLabel, errorBox, loadingBox, mapLimit, pageTitle, periodSelect, textOf, type ViewContext } from './common';
import { reportView } from './report';

export async function departmentView(ctx: ViewContext, code?: string): Promise<void> {
  const { me } = ctx;
  const own = me.role === 'clerk';
  const department = own ? me.department!.code : code;
  if (!department) {
    replace(ctx.root, errorBox(new Error('no department')));
    return;
  }
  const name = departmentLabel(me, department);
  const templateButton = h('button', { type: 'button', id: 'template-download', class: 'secondary' }, '⤓ ', bi(T.template));
  // the template's cover names its quarter: one filled in for another quarter is refused (COVER_MISMATCH)
  const templatePeriod = periodSelect('template-period', me.periods, me.currentPeriod, T.templateQuarter);
  templateButton.addEventListener('click', () => {
    templateButton.disabled = true;
    api
      .template(own ? undefined : department, templatePeriod.select.value)
      .then(({ blob, fileName }) => {
        saveBlob(blob, fileName);
        ctx.announce(T.templateDone);
      })
      .catch((err: unknown) => ctx.announce(textOf(err), true))
      .finally(() => {
        templateButton.disabled = false;
      });
  });
  const body = h('div', { id: 'department-body' }, loadingBox());
  const reportSlot = h('div', { id: 'report-slot' });
  replace(
    ctx.root,
    pageTitle(own ? T.myDepartment : T.department, h('span', { class: 'title-sub', id: 'department-name', 'data-department': department }, ' · ', bi(name))),
    h('div', { class: 'toolbar' }, templatePeriod.field, templateButton, h('p', { class: 'hint' }, bi(T.templateHint))),
    body,
    reportSlot,
  );

  let quarters: QuarterRow[];
  try {
    quarters = (await api.quarters(own ? undefined : department)).quarters;
  } catch (err) {
    if (ctx.alive()) replace(body, errorBox(err, () => void departmentView(ctx, code)));
    return;
  }
  if (!ctx.alive()) return;
  if (quarters.length === 0) {
    replace(body, h('p', { class: 'empty' }, bi(T.noQuarters)));
    return;
  }
  const newestFirst = [...quarters].sort((a, b) => (a.period < b.period ? 1 : -1));
  const rows = newestFirst.map((q) => quarterRows(ctx, q, own ? undefined : department, reportSlot));
  const columns = [T.quarter, T.dueDate, T.state, T.currentVersion, T.errors, T.warnings, T.versions, T.actions];
  replace(
    body,
    scrollTable(
      stackable(h('table', { id: 'quarters-table', class: 'quarters' }, h('caption', null, bi(T.quartersCaption)), headRow(columns), rows.map((r) => r.tbody)), columns),
      T.quartersCaption,
    ),
  );
  // each quarter's versions, to name the current one and fill the history
  await mapLimit(
    rows.filter((r) => r.quarter.versions > 0),
    4,
    (r) => r.load(),
  );
}

interface QuarterRows {
  quarter: QuarterRow;
  tbody: HTMLTableSectionElement;
  load(): Promise<void>;
}

function stateCell(q: QuarterRow): HTMLElement {
  const label = PORTAL_STATE_LABEL[q.state] ?? { zh: q.state, en: q.state };
  return h('span', { class: `state state-${q.state}`, 'data-state': q.state }, h('span', { 'aria-hidden': 'true' }, `${STATE_SYMBOL[q.state] ?? ''} `), bi(label));
}

function quarterRows(ctx: ViewContext, q: QuarterRow, department: string | undefined, reportSlot: HTMLElement): QuarterRows {
  const panelId = `versions-${q.period}`;
  const currentCell = h('td', { class: 'current-version' }, q.currentSubmissionId ? '…' : '—');
  const panel = h('td', { colspan: '8' }, loadingBox());
  const detail = h('tr', { id: panelId, class: 'versions-row', hidden: true }, panel);
  const toggle = h('button', { type: 'button', class: 'link versions-toggle', 'aria-expanded': 'false', 'aria-controls': panelId, 'data-period': q.period }, bi(T.history));
  let loaded: Promise<void> | undefined;
  const load = () => {
    loaded ??= api.versions(q.period, department).then(
      ({ versions }) => {
        const cur = versions.find((v) => v.submissionId === q.currentSubmissionId);
        replace(currentCell, cur ? h('span', null, cur.fileName, h('br'), h('small', null, when(cur.receivedAt))) : '—');
        replace(panel, versionsTable(ctx, q.period, versions, reportSlot));
      },
      (err: unknown) => {
        loaded = undefined;
        replace(panel, errorBox(err, () => void load()));
      },
    );
    return loaded;
  };
  toggle.addEventListener('click', () => {
    const open = detail.hidden;
    detail.hidden = !open;
    toggle.setAttribute('aria-expanded', String(open));
    replace(toggle, bi(open ? T.hideHistory : T.history));
    if (open) void load();
  });
  const missing = q.missing?.length ? h('small', { class: 'missing' }, h('br'), `${biText(T.missingIndicators)}: ${q.missing.join(', ')}`) : null;
  const row = h(
    'tr',
    { class: 'quarter', 'data-period': q.period, 'data-state': q.state },
    h('th', { scope: 'row' }, bi(quarterLabel(q.period))),
    h('td', null, q.dueDate),
    h('td', null, stateCell(q), missing),
    currentCell,
    h('td', { class: 'num', 'data-count': 'errors' }, q.errors),
    h('td', { class: 'num', 'data-count': 'warnings' }, q.warnings),
    h('td', { class: 'num' }, q.versions),
    h('td', null, q.versions > 0 ? toggle : h('span', { class: 'muted' }, bi(T.noVersions))),
  );
  return { quarter: q, tbody: h('tbody', { class: 'quarter-group' }, row, detail), load };
}

export function statusLabel(v: Pick<Version, 'status'>): Lang {
  return v.status === 'accepted' ? T.accepted : T.rejected;
}

/** The versions of one quarter, oldest first, each with its report and downloads. */
export function versionsTable(
  ctx: ViewContext,
  period: string,
  versions: Version[],
  reportSlot: HTMLElement,
  { showDepartment = false, tableId = `versions-table-${period}` }: { showDepartment?: boolean; tableId?: string } = {},
): HTMLElement {
  if (versions.length === 0) return h('p', { class: 'empty' }, bi(T.noVersions));
  const columns = [...(showDepartment ? [T.department] : []), T.receivedAt, T.file, T.uploadedBy, T.result, T.errors, T.warnings, T.current, T.actions];
  const caption: Lang = { zh: `${quarterLabel(period).zh}的版本（从早到晚）`, en: `${quarterLabel(period).en} versions, oldest first` };
  return scrollTable(
    stackable(h(
      'table',
      { class: 'versions', id: tableId },
      h('caption', null, bi(caption)),
      headRow(columns),
      h(
        'tbody',
        null,
        versions.map((v) =>
          h(
            'tr',
            { class: 'version', 'data-submission-id': v.submissionId, 'data-status': v.status, 'data-current': String(v.current) },
            showDepartment ? h('td', null, bi(departmentLabel(ctx.me, v.department))) : null,
            h('td', null, when(v.receivedAt)),
            h('td', { class: 'file-name' }, v.fileName),
            h('td', null, v.uploadedBy ?? '—'),
            h('td', null, h('span', { class: `badge badge-${v.status}` }, v.status === 'accepted' ? '✓ ' : '✕ ', bi(statusLabel(v)))),
            h('td', { class: 'num' }, v.errors),
            h('td', { class: 'num' }, v.warnings),
            h('td', null, v.current ? h('span', { class: 'current-mark' }, '★ ', bi(T.current), currentKinds(ctx, v)) : ''),
            h('td', null, h('div', { class: 'actions-cell' }, versionActions(ctx, v, reportSlot))),
          ),
        ),
      ),
    ), columns),
    caption,
  );
}

/** 查看报告, 下载批注副本 (when there is one), 下载原文件. */
export function versionActions(ctx: ViewContext, v: Version, reportSlot: HTMLElement): HTMLElement[] {
  const report = h('button', { type: 'button', class: 'link', 'data-action': 'report' }, bi(T.viewReport));
  report.addEventListener('click', () => void showReport(ctx, v.submissionId, reportSlot));
  const buttons = [report];
  if (v.hasAnnotated ?? v.errors + v.warnings > 0) buttons.push(downloadButton(ctx, v.submissionId, 'annotated'));
  buttons.push(downloadButton(ctx, v.submissionId, 'original'));
  return buttons;
}

export function downloadButton(ctx: ViewContext, submissionId: string, file: 'annotated' | 'original', id?: string): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'link', 'data-action': file, id }, '⤓ ', bi(file === 'annotated' ? T.annotated : T.original));
  button.addEventListener('click', () => {
    button.disabled = true;
    api
      .download(submissionId, file)
      .then((d) => {
        if (!navigateTo(d.url)) ctx.announce(T.serverError, true);
      })
      .catch((err: unknown) => ctx.announce(textOf(err), true))
      .finally(() => {
        button.disabled = false;
      });
  });
  return button;
}

/**
 * The sheet kinds a current version's data is current for, by sheet name
 * (指标 Indicators …), only those its department sends: a workbook replaces
 * every kind, but a kind the department never sends holds nothing.
 */
function currentKinds(ctx: ViewContext, v: Version): HTMLElement | null {
  const sends = ctx.me.departments.find((d) => d.code === v.department)?.sends;
  const kinds = v.currentFor.filter((k) => !sends || sends.includes(k));
  if (kinds.length === 0) return null;
  const names = kinds.map((k) => sheetSpec(k));
  return h('small', null, ` (${names.map((n) => n.zh).join('、')} / ${names.map((n) => n.en).join(', ')})`);
}

/** A version's stored report, in the report slot, focused. */
export async function showReport(ctx: ViewContext, submissionId: string, slot: HTMLElement): Promise<void> {
  replace(slot, loadingBox());
  try {
    const { version, report } = await api.version(submissionId);
    if (!ctx.alive()) return;
    const close = h('button', { type: 'button', class: 'secondary', id: 'report-close' }, bi(T.close));
    close.addEventListener('click', () => replace(slot));
    const downloads = h('p', { class: 'toolbar' }, versionActions(ctx, version, slot).slice(1), close);
    const view = reportView(report, 'report', { zh: `${T.reportTitle.zh}（${quarterLabel(version.period).zh}）`, en: `${T.reportTitle.en} (${quarterLabel(version.period).en})` });
    view.append(downloads);
    replace(slot, view);
    view.querySelector<HTMLElement>('#report-title')?.focus();
    ctx.announce({ zh: `${T.reportTitle.zh}：${version.fileName}`, en: `${T.reportTitle.en}: ${version.fileName}` });
  } catch (err) {
    replace(slot, errorBox(err, () => void showReport(ctx, submissionId, slot)));
  }
}
