// The quarterly summary (§8): build once, render four ways.
export { buildSummary, SUMMARY_SCHEMA_ID } from './build';
export type { DataQualityRow, Summary, SummaryAlert, SummaryDataQualityRow, SummaryIndicator, SummaryInput, SummarySubmission } from './build';
export { neutralizeFormula, safeCell } from './cells';
export { summaryCsv } from './render-csv';
export { summaryHtml } from './render-html';
export { summaryXlsx } from './render-xlsx';
