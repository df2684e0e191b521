// The quarterly summary (§8): build once, render four ways.
export { buildSummary, SUMMARY_SCHEMA_ID } from './build';
export type { DataQualityRow, Summary, SummaryAlert, SummaryDataQualityRow, SummaryIndicator, SummaryInput, SummarySubmission } from './build';
export { neutralizeFormula, safeCell } from './cells';
export { summaryCsv } from './render-csv';
export { summaryHtml } from './render-html';
export { summaryXlsx } from './render-xlsx';

import type { Summary } from './build';
import { summaryCsv } from './render-csv';
import { summaryHtml } from './render-html';
import { summaryXlsx } from './render-xlsx';

/** A format the summary is written in: its file name, its content type, how it is drawn. */
export interface SummaryFormat {
  name: string;
  contentType: string;
  render(summary: Summary): string | Uint8Array | Promise<string | Uint8Array>;
}

/** Every format of the summary, in the order they are written (a new format is one entry). */
export const SUMMARY_FORMATS: readonly SummaryFormat[] = [
  { name: 'summary.json', contentType: 'application/json; charset=utf-8', render: (s) => JSON.stringify(s, null, 2) },
  { name: 'summary.csv', contentType: 'text/csv; charset=utf-8', render: summaryCsv },
  { name: 'summary.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', render: summaryXlsx },
  { name: 'summary.html', contentType: 'text/html; charset=utf-8', render: summaryHtml },
];
