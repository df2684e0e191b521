// The check of a picked file in the browser: the same checkSubmission the CLI
// and ingest run, on the file read piece by piece (blobSource) through the
// browser's inflate, for the clerk's department, the chosen quarter and now.
//
// The certificate ledger is not at hand in the browser: `ledger` is left out,
// so the stock checks that need it (STOCK_MISMATCH, LEDGER_BELOW_BASELINE) are
// skipped and the report's notes say so, as `qtrack validate` does without a
// data directory. (An empty ledger, [], would instead count every stock as 0
// and warn where ingest, with the real ledger, may not.)
import { blobSource } from '../../../functions/adapters/browser/blob-source';
import { browserInflate } from '../../../functions/adapters/browser/inflate';
import { loadPlan } from '../../../functions/core/catalog';
import type { Lang, ValidationReport } from '../../../functions/core/model';
import { checkSubmission } from '../../../functions/core/submission/check';
import { uploadRefusal } from '../../../functions/core/api/uploads';
import { DEFAULT_LIMITS, type FileLimits } from '../../../functions/core/workbook/guard';

export interface FileCheck {
  fileName: string;
  department: string;
  period: string;
  now: Date;
  maxFileBytes?: number;
}

export async function checkFile(file: Blob, check: FileCheck): Promise<{ report: ValidationReport; refusal?: Lang }> {
  const limits: FileLimits = { ...DEFAULT_LIMITS, ...(check.maxFileBytes ? { maxFileBytes: check.maxFileBytes } : {}) };
  const outcome = await checkSubmission(blobSource(file), {
    fileName: check.fileName,
    inflate: browserInflate,
    department: check.department,
    period: check.period,
    now: check.now,
    plan: loadPlan(),
    limits,
  });
  const refusal = uploadRefusal(check.fileName, file.size, limits)?.message;
  return { report: outcome.report, ...(refusal ? { refusal } : {}) };
}
