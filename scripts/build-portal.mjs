#!/usr/bin/env node
// Builds the web portal (portal/src) into static files, dist/portal/, that
// `qtrack serve` serves on 127.0.0.1 and CloudFront serves in AWS:
//
//   index.html                 no inline script or style (the CSP is script-src 'self', style-src 'self')
//   assets/app-[hash].js       the app, ESM, minified, split: the office's views and the
//   assets/chunk-[hash].js     alerts are chunks loaded when first shown
//   assets/style-[hash].css
//   assets/validator-[hash].js the validator: a module worker built on its own (the core's
//                              checkSubmission, the plan and registry data, the browser
//                              inflate), started by the app only when a file is picked
//
// Two esbuild runs: the worker first, then the app with the worker's hashed
// file name defined in it (__QTRACK_VALIDATOR__). Prints the compressed sizes
// (gzip and brotli) of what the first page loads — index.html's script and
// style and their static imports — and fails when that passes 150 KB.
//
//   node scripts/build-portal.mjs [--out-dir DIR] [--json] [--quiet]
//
// dist/portal-build.json (beside the output, not in it) records the files, the
// sizes and the sources' newest mtime; isPortalFresh() compares it with the
// sources, for `qtrack serve` to rebuild a stale portal.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestSource as newestCliSource, ROOT, writeAtomic } from './build-cli.mjs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

export { ROOT };
export const PORTAL_DIR = join(ROOT, 'dist', 'portal');
/** The first page's script and style, compressed (each of gzip and brotli): at most this. */
export const FIRST_PAGE_LIMIT = 150 * 1024;

/** What the portal is built from. */
const SOURCES = ['portal/src', 'functions/core', 'functions/adapters/browser', 'schemas', 'scripts/build-portal.mjs'];

/** The newest modification time (ms) among the portal's sources (build-cli's walk, over these). */
export const newestSource = () => newestCliSource(SOURCES);

const infoPath = (outDir) => join(dirname(outDir), `${relative(dirname(outDir), outDir) || 'portal'}-build.json`);

/** The portal in outDir was built from sources no older than those on disk now. */
export function isPortalFresh(outDir = PORTAL_DIR) {
  try {
    const info = JSON.parse(readFileSync(infoPath(outDir), 'utf8'));
    statSync(join(outDir, 'index.html'));
    return typeof info.sources === 'number' && newestSource() <= info.sources;
  } catch {
    return false;
  }
}

const COMMON = {
  absWorkingDir: ROOT,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022', 'chrome103', 'firefox113', 'safari16.4'],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'eof',
  charset: 'utf8',
  metafile: true,
  write: false,
  logLevel: 'warning',
};

const ASSETS = 'assets';

function compressed(bytes) {
  return {
    bytes: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The output files the first page loads: the entry, its static imports (transitively), the style. */
function firstPageFiles(metafile, outDir, entries) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const imp of metafile.outputs[file]?.imports ?? []) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  for (const e of entries) visit(e);
  return [...seen].map((f) => relative(outDir, join(ROOT, f)));
}

function indexHtml({ script, style }) {
  // every user-visible word Chinese first, English beside; no inline script or style
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>长宁区质量数据报送 / Changning quality data</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${style}">
<script type="module" src="${script}"></script>
</head>
<body>
<div id="app"><noscript>请启用浏览器的 JavaScript 后使用本门户 / Turn on JavaScript in your browser to use the portal</noscript></div>
</body>
</html>
`;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/**
 * Builds the portal into outDir. Files are written assets first, index.html
 * last; the assets of the build before are removed afterwards. Returns what was
 * built and its sizes; undefined when esbuild is not installed.
 */
export async function buildPortal({ outDir = PORTAL_DIR, quiet = false } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return undefined; // not installed (npm ci --omit=dev): no portal is built
  }
  const sources = newestSource();
  const assetsDir = join(outDir, ASSETS);
  const log = quiet ? 'silent' : 'warning';

  const worker = await esbuild.build({
    ...COMMON,
    logLevel: log,
    entryPoints: { validator: 'portal/src/validator/worker.ts' },
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    splitting: false,
  });
  const workerFile = worker.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!workerFile) throw new Error('build-portal: the validator produced no script');
  const validatorName = relative(assetsDir, workerFile.path);

  const app = await esbuild.build({
    ...COMMON,
    logLevel: log,
    entryPoints: { app: 'portal/src/main.ts', style: 'portal/src/style.css' },
    outdir: assetsDir,
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    splitting: true,
    define: { __QTRACK_VALIDATOR__: JSON.stringify(`./${validatorName}`) },
  });

  const outputs = Object.entries(app.metafile.outputs);
  const entryOf = (name) => outputs.find(([, o]) => o.entryPoint === name)?.[0];
  const appEntry = entryOf('portal/src/main.ts');
  const styleEntry = entryOf('portal/src/style.css');
  if (!appEntry || !styleEntry) throw new Error('build-portal: the app or its style produced no output');
  const rel = (f) => relative(outDir, join(ROOT, f));
  const html = indexHtml({ script: rel(appEntry), style: rel(styleEntry) });

  const files = [...worker.outputFiles, ...app.outputFiles];
  const bytesOf = new Map(files.map((f) => [relative(outDir, f.path), f.contents]));
  bytesOf.set('index.html', new TextEncoder().encode(html));

  const firstPage = firstPageFiles(app.metafile, outDir, [appEntry, styleEntry]);
  const sized = (names) => {
    const each = names.map((name) => ({ name, ...compressed(bytesOf.get(name)) }));
    const total = each.reduce((t, f) => ({ bytes: t.bytes + f.bytes, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { bytes: 0, gzip: 0, brotli: 0 });
    return { files: each, total };
  };
  const first = sized(firstPage);
  const scripts = [...bytesOf.keys()].filter((n) => n.endsWith('.js'));
  const lazy = sized(scripts.filter((n) => !firstPage.includes(n) && n !== `${ASSETS}/${validatorName}`));
  const validator = sized([`${ASSETS}/${validatorName}`]);

  // write: assets first, the page that names them last, then drop the previous build's assets
  const written = new Set();
  for (const f of files) {
    writeAtomic(f.path, f.contents);
    written.add(f.path);
  }
  writeAtomic(join(outDir, 'index.html'), html);
  written.add(join(outDir, 'index.html'));
  for (const name of readdirSync(assetsDir)) {
    const path = join(assetsDir, name);
    if (!written.has(path)) rmSync(path, { force: true });
  }

  const report = {
    outDir,
    index: 'index.html',
    app: rel(appEntry),
    style: rel(styleEntry),
    validator: `${ASSETS}/${validatorName}`,
    firstPage: { ...first, limit: FIRST_PAGE_LIMIT },
    lazy,
    validatorSize: validator.total,
    files: [...bytesOf.keys()].sort(),
  };
  writeAtomic(infoPath(outDir), `${JSON.stringify({ sources, ...report }, null, 2)}\n`);
  return report;
}

export function describe(report) {
  const f = report.firstPage.total;
  const lines = [
    `qtrack portal: built ${relative(process.cwd(), report.outDir) || report.outDir}`,
    `  first page (index.html's script + style and their static imports, ${report.firstPage.files.length} files): ${kb(f.bytes)} minified, ${kb(f.gzip)} gzip, ${kb(f.brotli)} brotli (limit ${kb(report.firstPage.limit)})`,
  ];
  for (const file of report.firstPage.files) lines.push(`    ${file.name}: ${kb(file.bytes)}, ${kb(file.gzip)} gzip, ${kb(file.brotli)} brotli`);
  lines.push(`  loaded when shown (office views, alerts): ${kb(report.lazy.total.bytes)}, ${kb(report.lazy.total.gzip)} gzip, ${kb(report.lazy.total.brotli)} brotli`);
  const v = report.validatorSize;
  lines.push(`  validator worker (when a file is picked) ${report.validator}: ${kb(v.bytes)}, ${kb(v.gzip)} gzip, ${kb(v.brotli)} brotli`);
  return lines.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out-dir');
  const outDir = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !outDir) {
    console.error('build-portal: --out-dir needs a folder');
    process.exit(2);
  }
  const json = args.includes('--json');
  const report = await buildPortal({ outDir: outDir ? resolve(outDir) : PORTAL_DIR, quiet: args.includes('--quiet') });
  if (!report) {
    console.warn('qtrack: esbuild is not installed; the web portal (dist/portal) was not built');
    process.exit(0);
  }
  if (json) console.log(JSON.stringify(report));
  else console.log(describe(report));
  const t = report.firstPage.total;
  if (t.gzip > FIRST_PAGE_LIMIT || t.brotli > FIRST_PAGE_LIMIT) {
    console.error(`build-portal: the first page is ${kb(t.gzip)} gzip / ${kb(t.brotli)} brotli, above the ${kb(FIRST_PAGE_LIMIT)} limit`);
    process.exit(1);
  }
}
