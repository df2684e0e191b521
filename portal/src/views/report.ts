// A validation report on the page: accepted or rejected, the counts, what
// could not be checked, the sheets read, and the issues table — errors first,
// each issue with every place it has (sheet, cell or row, header, value) and
// its message, which says what is wrong and what to enter.
import { ISSUE_SEVERITY_LABEL, issueLabel } from '../../../functions/core/labels';
import type { Issue, Lang, ValidationReport } from '../../../functions/core/model';
import { SHEETS } from '../../../functions/core/sheet-specs';
import { bi, biBlock, h, headRow, scrollTable, stackable } from '../dom';
import { T } from '../text';

/** Errors first, then warnings; the report's own order within each. */
export function errorsFirst(issues: Issue[]): Issue[] {
  return [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity !== 'error')];
}

function place(issue: Issue): Node {
  if (issue.cell) return h('span', { class: 'cell-ref' }, issue.cell);
  if (issue.row !== undefined) return bi({ zh: `第 ${issue.row} 行`, en: `row ${issue.row}` });
  return bi(issue.sheet === undefined ? T.fileLevel : T.sheetLevel);
}

const ISSUE_COLUMNS = [T.severity, T.code, T.sheet, T.cell, T.header, T.value, T.message];

const valueText = (v: Issue['value']): string => (v === undefined || v === null ? '' : String(v));

/** The issues table; `id` names it for tests and links (`check-issues`, `report-issues`, `result-issues`). */
export function issuesTable(issues: Issue[], id: string): HTMLElement {
  if (issues.length === 0) return h('p', { id, class: 'ok-note' }, bi(T.noIssues));
  const rows = errorsFirst(issues).map((issue) =>
    h(
      'tr',
      { class: `issue issue-${issue.severity}`, 'data-code': issue.code, 'data-severity': issue.severity, 'data-sheet': issue.sheet ?? '', 'data-cell': issue.cell ?? '' },
      h('td', { class: 'severity' }, h('span', { class: `badge badge-${issue.severity}` }, issue.severity === 'error' ? '✕ ' : '▲ ', bi(ISSUE_SEVERITY_LABEL[issue.severity] ?? ISSUE_SEVERITY_LABEL.error))),
      h('td', { class: 'code' }, h('code', null, issue.code), h('br'), bi(issueLabel(issue.code))),
      h('td', null, issue.sheet ?? '—'),
      h('td', { class: 'cell' }, place(issue)),
      h('td', null, issue.header ?? ''),
      h('td', { class: 'value' }, valueText(issue.value)),
      h('td', { class: 'message' }, biBlock(issue.message)),
    ),
  );
  const table = stackable(h('table', { class: 'issues' }, h('caption', null, bi(T.issuesCaption)), headRow(ISSUE_COLUMNS), h('tbody', null, rows)), ISSUE_COLUMNS);
  return h('div', { id }, scrollTable(table, T.issuesCaption));
}

function countsLine(report: ValidationReport): HTMLElement {
  const { errors, warnings } = report.counts;
  return h(
    'p',
    { class: 'counts' },
    h('span', { class: 'badge badge-error', 'data-count': 'errors' }, `${errors} `, bi(T.errors)),
    ' ',
    h('span', { class: 'badge badge-warning', 'data-count': 'warnings' }, `${warnings} `, bi(T.warnings)),
  );
}

/**
 * The whole report. `id` prefixes the ids of its parts. `foresight`: the
 * browser's check before any upload, whose verdict is what ingest would say
 * (可以接收 / would be accepted), not what it said.
 */
export function reportView(report: ValidationReport, id: string, title: Lang = T.reportTitle, foresight = false): HTMLElement {
  const accepted = report.status === 'accepted';
  const verdict = foresight ? (accepted ? T.wouldAccept : T.wouldReject) : accepted ? T.accepted : T.rejected;
  const sheets = report.sheets.length
    ? scrollTable(
        h(
          'table',
          { class: 'sheets' },
          h('caption', null, bi(T.sheetsCaption)),
          headRow([T.sheet, T.kind, T.rows, T.acceptedRows]),
          h(
            'tbody',
            null,
            report.sheets.map((s) => h('tr', null, h('td', null, s.name), h('td', null, bi(kindLabel(s.kind))), h('td', { class: 'num' }, s.rows), h('td', { class: 'num' }, s.acceptedRows))),
          ),
        ),
        T.sheetsCaption,
      )
    : null;
  const notes = report.notes?.length ? h('div', { class: 'notes' }, h('h4', null, bi(T.notes)), h('ul', null, report.notes.map((n) => h('li', null, biBlock(n))))) : null;
  const capped = report.issues.length < report.counts.errors + report.counts.warnings ? h('p', { class: 'note' }, bi(T.moreIssues)) : null;
  return h(
    'section',
    { id, class: 'report', 'data-status': report.status, 'aria-labelledby': `${id}-title` },
    h('h3', { id: `${id}-title`, tabindex: '-1' }, bi(title), report.file ? h('span', { class: 'file-name' }, ` · ${fileNameOf(report.file)}`) : null),
    h('p', { class: `verdict verdict-${report.status}`, id: `${id}-status` }, accepted ? '✓ ' : '✕ ', bi(verdict)),
    countsLine(report),
    notes,
    sheets,
    capped,
    issuesTable(report.issues, `${id}-issues`),
  );
}

function kindLabel(kind: ValidationReport['sheets'][number]['kind']): Lang {
  const s = SHEETS.find((x) => x.kind === kind);
  return s ? { zh: s.zh, en: s.en } : { zh: kind, en: kind };
}

/** The file's own name: a stored report's `file` is its storage key (submissions/{department}/{period}/{name}). */
function fileNameOf(file: string): string {
  return file.split('/').at(-1) || file;
}
