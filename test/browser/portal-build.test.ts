// The portal's build (scripts/build-portal.mjs): it runs; what the first page
// loads (index.html's script and style and everything they import statically)
// stays within 150 KB compressed, gzip and brotli; the validator is none of it
// (a worker of its own, started when a file is picked); index.html holds no
// inline script or style (the CSP allows neither); nothing built asks for eval;
// the portal's sources never parse strings as markup (innerHTML and kin); and
// the portal type-checks with its own tsconfig (DOM lib), which the root
// tsconfig (no DOM) does not cover.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve('.');
const LIMIT = 150 * 1024;

interface BuildReport {
  index: string;
  app: string;
  style: string;
  validator: string;
  firstPage: { files: { name: string; gzip: number; brotli: number }[]; total: { bytes: number; gzip: number; brotli: number }; limit: number };
  files: string[];
}

/** The files a page loads before anything happens: index.html's script and style, and their static imports, followed. */
function firstPage(out: string): string[] {
  const html = readFileSync(join(out, 'index.html'), 'utf8');
  const start = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g), ...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((m) => posix.normalize(m[1]!));
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith('.js')) return;
    const code = readFileSync(join(out, file), 'utf8');
    // static imports only: `import … from "./x.js"`, `import "./x.js"`, `export … from "./x.js"` (minified), never import("…")
    for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]+?\s*from\s*)?["'](\.[^"']+)["']/g)) {
      visit(posix.normalize(posix.join(posix.dirname(file), m[1]!)));
    }
  };
  for (const f of start) visit(f);
  return [...seen];
}

function sourcesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourcesUnder(path));
    else if (/\.(ts|mjs|js|css|html)$/.test(name)) out.push(path);
  }
  return out;
}

/** Ways to turn a string into markup or code; the portal builds every node with createElement and textContent. */
const MARKUP_SINKS = /\b(innerHTML|outerHTML|insertAdjacentHTML|document\s*\.\s*write(?:ln)?|createContextualFragment|srcdoc|DOMParser|setHTMLUnsafe|eval)\b|new\s+Function\b/;

describe('the portal build', () => {
  let dir: string;
  let out: string;
  let report: BuildReport;
  let stdout: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'qtrack-portal-build-'));
    out = join(dir, 'portal');
    const r = spawnSync(process.execPath, ['scripts/build-portal.mjs', '--out-dir', out], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build-portal exited ${r.status}: ${r.stderr}`);
    stdout = r.stdout;
    report = JSON.parse(readFileSync(join(dirname(out), 'portal-build.json'), 'utf8')) as BuildReport;
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs and says the first page’s compressed size', () => {
    expect(stdout).toMatch(/first page .* KB gzip, .* KB brotli \(limit 150\.0 KB\)/);
    expect(stdout).toContain('validator worker');
    for (const f of [report.index, report.app, report.style, report.validator]) expect(statSync(join(out, f)).isFile()).toBe(true);
    // hashed names: a new build never serves an old file under the same name
    for (const f of [report.app, report.style, report.validator]) expect(f).toMatch(/-[A-Z0-9]{8}\.(js|css)$/);
  });

  it('keeps the first page within 150 KB compressed (gzip and brotli)', () => {
    const files = firstPage(out);
    expect(files).toContain(report.app);
    expect(files).toContain(report.style);
    expect(files.sort()).toEqual(report.firstPage.files.map((f) => f.name).sort());
    let gzip = 0;
    let brotli = 0;
    for (const f of files) {
      const bytes = readFileSync(join(out, f));
      gzip += gzipSync(bytes, { level: 9 }).length;
      brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    }
    expect(gzip).toBeLessThanOrEqual(LIMIT);
    expect(brotli).toBeLessThanOrEqual(LIMIT);
    expect(report.firstPage.total.gzip).toBe(gzip);
  });

  it('leaves the validator out of the first page', () => {
    const files = firstPage(out);
    expect(files).not.toContain(report.validator);
    const validator = readFileSync(join(out, report.validator), 'utf8');
    // what only the workbook reader and the browser inflate hold
    const markers = ['sharedStrings', 'deflate-raw', 'EncryptedPackage'];
    for (const m of markers) expect(validator).toContain(m);
    for (const f of files) {
      const text = readFileSync(join(out, f), 'utf8');
      for (const m of markers) expect(text.includes(m), `${f} holds ${m}`).toBe(false);
    }
    // the app names the worker's file, to start it when a file is picked
    expect(readFileSync(join(out, report.app), 'utf8')).toContain(posix.basename(report.validator));
  });

  it('has no inline script or style in index.html', () => {
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.length).toBe(1);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/\bsrc="assets\/[^"]+\.js"/);
      expect(attrs).toMatch(/\btype="module"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/(?:src|href)="(?:https?:)?\/\//i); // nothing from elsewhere
    expect(html).toMatch(/<title>[^<]*[\u4e00-\u9fff][^<]* \/ [A-Za-z][^<]*<\/title>/);
  });

  it('builds nothing that needs eval (the CSP has no unsafe-eval)', () => {
    for (const f of report.files.filter((n) => n.endsWith('.js'))) {
      const code = readFileSync(join(out, f), 'utf8');
      expect(/\beval\s*\(|new\s+Function\s*\(/.test(code), f).toBe(false);
    }
  });

  it('never parses strings as markup in the portal sources (no innerHTML and kin)', () => {
    const sources = [...sourcesUnder(join(ROOT, 'portal/src')), ...sourcesUnder(join(ROOT, 'functions/adapters/browser'))];
    expect(sources.length).toBeGreaterThan(10);
    const hits: string[] = [];
    for (const path of sources) {
      // comments included: a sink is not even named
      readFileSync(path, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (MARKUP_SINKS.test(line)) hits.push(`${relative(ROOT, path)}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(hits).toEqual([]);
    // and the rule fires: a line that breaks it is caught
    for (const bad of ['el.innerHTML = name;', 'row.insertAdjacentHTML("beforeend", s)', 'document.write(x)', 'node.outerHTML = s', 'new DOMParser()']) expect(MARKUP_SINKS.test(bad), bad).toBe(true);
    for (const fine of ['el.textContent = name;', 'replace(parent, h("td", null, text))']) expect(MARKUP_SINKS.test(fine), fine).toBe(false);
    // nor in what the first page runs (dependencies included)
    for (const f of firstPage(out).filter((n) => n.endsWith('.js'))) expect(MARKUP_SINKS.test(readFileSync(join(out, f), 'utf8')), f).toBe(false);
  });

  it('type-checks the portal with its own tsconfig (DOM)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', 'portal'], { cwd: ROOT, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(r.status).toBe(0);
  });
});
