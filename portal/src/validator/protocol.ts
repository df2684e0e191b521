// The messages between the page and the validator worker (worker.ts).
import type { Lang, ValidationReport } from '../../../functions/core/model';

export interface CheckRequest {
  id: number;
  /** the File the clerk picked (a Blob crosses to the worker without being copied) */
  file: Blob;
  fileName: string;
  /** the clerk's department code */
  department: string;
  /** the quarter chosen, 2026-Q3 */
  period: string;
  /** the receipt time the check assumes (ISO): decides PERIOD_NOT_STARTED */
  now: string;
  /** the server's upload limit (GET /api/me maxUploadBytes); default the core's 50 MB */
  maxFileBytes?: number;
}

export type CheckResponse =
  | {
      id: number;
      ok: true;
      report: ValidationReport;
      /** why the API would refuse to take this file at all (413/415): no upload is offered */
      refusal?: Lang;
      /** how long the check took in the worker, ms */
      ms: number;
    }
  | { id: number; ok: false; error: string };
