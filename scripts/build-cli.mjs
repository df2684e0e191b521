#!/usr/bin/env node
// Builds the qtrack command line once, so that a call does not pay for
// transpiling TypeScript: `npm ci` runs this as `prepare` (and `npm run build`
// does it by hand). esbuild bundles functions/local/cli.ts into dist/qtrack.mjs,
// node_modules left outside; the modules a command loads with import() — the
// workbook code, the AWS SDK, the embedded servers — become chunks of their own,
// loaded only by the commands that need them.
//
// bin/qtrack.mjs uses `isFresh()` to never run a bundle older than the sources
// and `build()` to bring a stale one up to date. Several qtrack processes may
// rebuild at once: every file is written to a temporary name and renamed into
// place, chunks (named by their content hash) before the entry that imports
// them, dist/build-info.json last.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(ROOT, 'dist');
export const BUNDLE = join(OUT_DIR, 'qtrack.mjs');
const INFO = join(OUT_DIR, 'build-info.json');

/** What the bundle is built from: a change (or an added, removed or renamed file) in any of these makes it stale. */
const SOURCES = ['functions', 'schemas', 'package.json', 'scripts/build-cli.mjs'];

/** The newest modification time (ms) among the sources, directories included (they change when a file is added or removed). */
export function newestSource(sources = SOURCES) {
  let newest = 0;
  const visit = (path) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.mtimeMs > newest) newest = stat.mtimeMs;
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const s of sources) visit(join(ROOT, s));
  return newest;
}

/** The bundle exists and was built from sources no older than the ones on disk now. */
export function isFresh() {
  try {
    const info = JSON.parse(readFileSync(INFO, 'utf8'));
    return existsSync(BUNDLE) && typeof info.sources === 'number' && newestSource() <= info.sources;
  } catch {
    return false;
  }
}

/** Writes a file under a temporary name, then renames it into place (a reader never sees half a file). */
export function writeAtomic(path, contents) {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temp, contents);
  renameSync(temp, path);
}

/** The files a build wrote, as dist/build-info.json lists them. */
function builtFiles() {
  try {
    return JSON.parse(readFileSync(INFO, 'utf8')).files.map((f) => join(OUT_DIR, f));
  } catch {
    return [];
  }
}

/**
 * Chunks of neither this build nor the one before, unwritten for ten minutes: a
 * qtrack still running an older bundle may import a chunk of it late, so the
 * previous build's are kept.
 */
function dropOldChunks(keep) {
  const dir = join(OUT_DIR, 'chunks');
  const cutoff = Date.now() - 10 * 60_000;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const path = join(dir, name);
    try {
      if (!keep.has(path) && statSync(path).mtimeMs < cutoff) rmSync(path, { force: true });
    } catch {
      // another qtrack dropped it first
    }
  }
}

/**
 * Builds dist/. `clean`: start from an empty dist/ (npm run build, prepare);
 * otherwise the files of the previous build stay, for a qtrack still running them.
 * Returns false when esbuild is not installed (e.g. `npm ci --omit=dev`): the
 * command line then runs the TypeScript through tsx.
 */
export async function build({ clean = false, quiet = false } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    if (!quiet) console.warn('qtrack: esbuild is not installed; the command line runs through tsx (slower to start)');
    return false;
  }
  // stamped with what the sources were before reading them: an edit during the build makes the result stale
  const sources = newestSource();
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { qtrack: 'functions/local/cli.ts' },
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: true,
    legalComments: 'none',
    // error classes keep their names (messages show them) when bundling renames a clash
    keepNames: true,
    logLevel: quiet ? 'silent' : 'warning',
    write: false,
  });
  const previous = clean ? [] : builtFiles();
  if (clean) rmSync(OUT_DIR, { recursive: true, force: true });
  const files = [...result.outputFiles].sort((a, b) => Number(a.path === BUNDLE) - Number(b.path === BUNDLE));
  for (const f of files) writeAtomic(f.path, f.contents);
  if (!clean) dropOldChunks(new Set([...previous, ...files.map((f) => f.path)]));
  writeAtomic(INFO, `${JSON.stringify({ sources, files: files.map((f) => relative(OUT_DIR, f.path)) }, null, 2)}\n`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  if (await build({ clean: true })) console.log(`qtrack: built ${relative(process.cwd(), BUNDLE) || BUNDLE} in ${Date.now() - started} ms`);
}
