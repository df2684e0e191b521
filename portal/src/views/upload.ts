// 上传 / Upload: choose the quarter, pick or drop a file; it is checked in the
// browser first with the core's own checkSubmission (in the validator worker),
// and its issues shown, errors first; a file the API would refuse outright (too
// large, wrong type) is refused here at once in the same words. Then
//   POST /api/uploads {period, fileName, size} → a presigned POST grant
//   POST grant.url (multipart: every field, then the file as `file`)
//   GET /api/uploads/{uploadId}?period=P until { state: 'done', version }
//   GET /api/versions/{id} → the stored report, with the annotated copy's download.
import type { Lang, ValidationReport } from '../../../functions/core/model';
import { api } from '../api';
import { bi, biBlock, biText, h, replace, safeUrl } from '../dom';
import { fileSize, quarterLabel, T } from '../text';
import type { UploadGrantAnswer, Version } from '../types';
import { checkInBrowser } from '../validator-client';
import type { CheckResponse } from '../validator/protocol';
import { chosenPeriod, errorBox, LangError, pageTitle, periodSelect, textOf, type ViewContext } from './common';
import { downloadButton } from './department';
import { reportView } from './report';

export function uploadView(ctx: ViewContext): void {
  const { me } = ctx;
  if (me.role !== 'clerk' || !me.department) {
    replace(ctx.root, pageTitle(T.upload), h('p', { class: 'note', id: 'upload-office' }, bi(T.officeNoUpload)));
    return;
  }
  const department = me.department.code;
  const period = periodSelect('upload-period', me.periods, chosenPeriod(ctx), T.chooseQuarter);
  const input = h('input', { type: 'file', id: 'upload-file', name: 'file', accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', 'aria-describedby': 'upload-file-hint' });
  const drop = h(
    'div',
    { id: 'upload-drop', class: 'dropzone' },
    h('label', { for: 'upload-file', class: 'drop-label' }, h('span', { class: 'drop-icon', 'aria-hidden': 'true' }, '⇪'), bi(T.chooseFile)),
    input,
    h('p', { id: 'upload-file-hint', class: 'hint' }, bi(T.fileHint)),
  );
  const chosenLine = h('p', { id: 'upload-chosen', class: 'chosen', hidden: true });
  const check = h('section', { id: 'check-result', class: 'panel', hidden: true, 'aria-labelledby': 'check-heading', 'aria-busy': 'false' });
  const progress = h('section', { id: 'upload-progress-box', class: 'panel', hidden: true, 'aria-labelledby': 'upload-phase' });
  const result = h('section', { id: 'upload-result', hidden: true });
  const form = h('form', { id: 'upload-form', class: 'upload-form', novalidate: true }, period.field, drop, chosenLine);
  form.addEventListener('submit', (e) => e.preventDefault());

  replace(ctx.root, pageTitle(T.upload), h('p', { class: 'intro' }, biBlock(T.uploadIntro)), form, check, progress, result);

  let chosen: File | undefined;
  let seq = 0;

  const pick = (file: File | undefined) => {
    if (!file) return;
    chosen = file;
    replace(chosenLine, bi(T.chosen), `: `, h('strong', { class: 'file-name' }, file.name), ` (${fileSize(file.size)})`);
    chosenLine.hidden = false;
    void runCheck();
  };

  input.addEventListener('change', () => pick(input.files?.[0]));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('dragging');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('dragging');
    pick(e.dataTransfer?.files?.[0]);
  });
  period.select.addEventListener('change', () => {
    ctx.setParams({ period: period.select.value });
    if (chosen) void runCheck();
  });

  async function runCheck(): Promise<void> {
    const file = chosen!;
    const quarter = period.select.value;
    const my = ++seq;
    result.hidden = true;
    progress.hidden = true;
    check.hidden = false;
    check.setAttribute('aria-busy', 'true');
    replace(check, h('h2', { id: 'check-heading' }, bi(T.checkTitle)), h('p', { id: 'check-summary', class: 'loading', 'data-state': 'checking' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), bi(T.checking)));
    ctx.announce(T.checking);
    const answer = await checkInBrowser({ file, fileName: file.name, department, period: quarter, now: new Date().toISOString(), maxFileBytes: me.maxUploadBytes });
    if (my !== seq || !ctx.alive()) return; // another file or quarter was chosen meanwhile
    check.setAttribute('aria-busy', 'false');
    showCheck(answer, file, quarter);
  }

  function showCheck(answer: CheckResponse, file: File, quarter: string): void {
    const heading = h('h2', { id: 'check-heading', tabindex: '-1' }, bi(T.checkTitle), h('span', { class: 'title-sub' }, ` · ${biText(quarterLabel(quarter))}`));
    if (!answer.ok) {
      replace(check, heading, h('div', { id: 'check-summary', class: 'error-box', role: 'alert', 'data-state': 'failed' }, biBlock(T.checkFailed), h('small', { lang: 'en' }, answer.error)), uploadButton(file, quarter, false));
      ctx.announce(T.checkFailed, true);
      return;
    }
    const { report, refusal } = answer;
    const errors = report.counts.errors;
    const state = refusal ? 'refused' : errors > 0 ? 'errors' : report.counts.warnings > 0 ? 'warnings' : 'ok';
    const verdict: Lang = refusal ? T.checkRefused : errors > 0 ? T.checkErrors : report.counts.warnings > 0 ? T.checkWarnings : T.checkOk;
    const summary = h(
      'div',
      { id: 'check-summary', class: `verdict-box verdict-box-${state}`, 'data-state': state, role: refusal || errors > 0 ? 'alert' : null },
      h('p', { class: 'verdict-line' }, state === 'ok' || state === 'warnings' ? '✓ ' : '✕ ', biBlock(verdict)),
      refusal ? h('p', { id: 'check-refusal' }, biBlock(refusal)) : null,
    );
    const ledger = h('p', { class: 'note', id: 'check-ledger-note' }, 'ⓘ ', biBlock(T.ledgerNote));
    // a refusal that is the report's one issue (too large, not a workbook) is said once
    const sameAsRefusal = refusal !== undefined && report.issues.length === 1 && report.issues[0]!.message.zh === refusal.zh;
    const view = sameAsRefusal ? null : reportView(report, 'check', T.reportTitle, true);
    // a file that cannot be read at all (not a workbook, encrypted, macros, broken, too large inside) would only be
    // rejected: no upload is offered, the report says what to do
    const unreadable = report.issues.some((i) => i.severity === 'error' && i.code.startsWith('FILE_'));
    const action = refusal ? null : unreadable ? h('p', { class: 'note', id: 'check-unreadable' }, biBlock(T.unreadable)) : uploadButton(file, quarter, errors > 0);
    replace(check, heading, summary, refusal || unreadable ? null : ledger, view, action);
    ctx.announce(verdict, errors > 0 || refusal !== undefined);
  }

  function uploadButton(file: File, quarter: string, anyway: boolean): HTMLElement {
    const button = h('button', { type: 'button', id: 'upload-submit', class: anyway ? 'warning' : 'primary', 'data-anyway': String(anyway) }, '⇪ ', bi(anyway ? T.uploadAnyway : T.upload));
    button.addEventListener('click', () => {
      button.disabled = true;
      period.select.disabled = true;
      input.disabled = true;
      void doUpload(file, quarter).finally(() => {
        button.disabled = false;
        period.select.disabled = false;
        input.disabled = false;
      });
    });
    return h('div', { class: 'actions' }, button, anyway ? h('p', { class: 'hint', id: 'upload-anyway-hint' }, biBlock(T.anywayHint)) : null);
  }

  async function doUpload(file: File, quarter: string): Promise<void> {
    const my = ++seq;
    const bar = h('progress', { id: 'upload-progress', max: '100', value: '0' });
    const phase = h('p', { id: 'upload-phase', 'data-phase': 'uploading' }, bi(T.uploading));
    progress.hidden = false;
    replace(progress, phase, bar);
    ctx.announce(T.uploading);
    try {
      const grant = await api.grant(quarter, file.name, file.size);
      await postToBucket(grant, file, (share) => {
        bar.value = Math.round(share * 100);
      });
      if (my !== seq) return;
      bar.value = 100;
      replace(phase, bi(T.uploaded));
      phase.dataset.phase = 'ingesting';
      ctx.announce(T.uploaded);
      const version = await waitForIngest(grant.uploadId, quarter, () => {
        replace(phase, biBlock(T.waitingLong));
        phase.dataset.phase = 'slow';
      });
      if (my !== seq || !ctx.alive()) return;
      const { report } = await api.version(version.submissionId);
      if (!ctx.alive()) return;
      progress.hidden = true;
      showResult(version, report);
    } catch (err) {
      if (!ctx.alive()) return;
      replace(progress, h('p', { id: 'upload-phase', 'data-phase': 'failed' }, h('strong', null, bi(T.uploadFailed))), errorBox(err));
      ctx.announce(textOf(err), true);
    }
  }

  function showResult(version: Version, report: ValidationReport): void {
    const accepted = version.status === 'accepted';
    const another = h('button', { type: 'button', id: 'upload-another', class: 'secondary' }, bi(T.another));
    another.addEventListener('click', () => {
      chosen = undefined;
      input.value = '';
      chosenLine.hidden = true;
      check.hidden = true;
      result.hidden = true;
      input.focus();
    });
    const downloads = [
      ...((version.hasAnnotated ?? report.issues.length > 0) ? [downloadButton(ctx, version.submissionId, 'annotated', 'result-annotated')] : []),
      downloadButton(ctx, version.submissionId, 'original', 'result-original'),
    ];
    check.hidden = true;
    result.hidden = false;
    replace(
      result,
      h(
        'div',
        { id: 'result-summary', class: `verdict-box verdict-box-${accepted ? 'ok' : 'errors'}`, 'data-status': version.status, 'data-submission-id': version.submissionId, role: 'alert' },
        h('p', { class: 'verdict-line' }, accepted ? '✓ ' : '✕ ', biBlock(accepted ? T.resultAccepted : T.resultRejected)),
      ),
      reportView(report, 'result', T.resultTitle),
      h('p', { class: 'toolbar' }, downloads, another, h('a', { href: '#/department', class: 'button secondary' }, bi(T.myDepartment))),
    );
    result.querySelector<HTMLElement>('#result-title')?.focus();
    ctx.announce(accepted ? T.resultAccepted : T.resultRejected);
  }
}

/** The presigned POST: every field of the grant, then the file as the last field `file` (XHR, for the progress). */
function postToBucket(grant: UploadGrantAnswer, file: File, progress: (share: number) => void): Promise<void> {
  const url = safeUrl(grant.url);
  if (!url) return Promise.reject(new LangError(T.serverError));
  const form = new FormData();
  for (const [k, v] of Object.entries(grant.fields)) form.append(k, v);
  form.append('file', file, file.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable && e.total > 0) progress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new UploadRefused(xhr.status, xhr.responseText));
    });
    xhr.addEventListener('error', () => reject(new UploadRefused(0, '')));
    xhr.addEventListener('abort', () => reject(new UploadRefused(0, '')));
    xhr.send(form);
  });
}

/** The bucket (or `qtrack serve`'s stand-in) said no: its S3 error code, in words. */
class UploadRefused extends LangError {
  constructor(
    readonly status: number,
    body: string,
  ) {
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '';
    super(UploadRefused.say(status, code));
  }
  static say(status: number, code: string): Lang {
    if (status === 0) return T.network;
    if (code === 'EntityTooLarge') return { zh: '文件超过允许的大小，未能上传', en: 'The file is larger than allowed and was not uploaded' };
    if (code === 'AccessDenied' || code === 'ExpiredToken' || status === 403) {
      return { zh: '上传授权已过期或无效，请重新点击上传', en: 'The upload permission expired or is not valid: press upload again' };
    }
    return { zh: `文件未能上传（${code || status}），请重试；如仍不行请告知质量办`, en: `The file could not be uploaded (${code || status}): try again, and tell the office if it keeps failing` };
  }
}

const POLL_LIMIT_MS = 10 * 60_000;
const SLOW_AFTER_MS = 60_000;

/** Polls the upload until ingest has stored it: every second at first, then every 2 and 5 seconds. */
async function waitForIngest(uploadId: string, period: string, slow: () => void): Promise<Version> {
  const started = Date.now();
  let saidSlow = false;
  for (let attempt = 0; ; attempt++) {
    const state = await api.upload(uploadId, period);
    if (state.state === 'done') return state.version;
    const elapsed = Date.now() - started;
    if (elapsed > POLL_LIMIT_MS) throw new LangError(T.ingestTimeout);
    if (!saidSlow && elapsed > SLOW_AFTER_MS) {
      saidSlow = true;
      slow();
    }
    await new Promise((r) => setTimeout(r, attempt < 10 ? 1000 : attempt < 40 ? 2000 : 5000));
  }
}
