// The layers, checked from the source text: the core is pure (no SDK, no
// process.env, no file system or network, no outer layer), the adapters know
// the core and not the layers that compose them, and imports never run back up
// (core ← adapters ← runtime ← handlers, local; nothing in functions/ imports
// infra/, test/ or bench/). Each rule is also run against a file that breaks
// it, so a rule that stops firing fails here too.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The packages the core may import: workbook and CSV parsing, and hashing. Nothing that reaches outside the process. */
const CORE_PACKAGES = new Set(['exceljs', 'papaparse', 'node:crypto']);

/**
 * What the adapters may import from runtime/: the table definition shared by the
 * stack, the local servers and the DynamoDB adapter (its TTL attribute). It is
 * the contract between cloud and code, not the composition.
 */
const ADAPTER_CONTRACTS = new Set(['functions/runtime/contract']);

/** The layer of a repository path (posix, from the root), or undefined outside functions/ and infra/. */
function layerOf(path: string): string | undefined {
  const m = /^functions\/([^/]+)\//.exec(path);
  if (m) return m[1];
  for (const top of ['infra', 'test', 'bench', 'schemas']) if (path.startsWith(`${top}/`)) return top;
  return undefined;
}

/** Comments removed (block, and line comments not inside a URL or string start), so a comment never counts as code. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Every module specifier a source imports: static and type imports, re-exports, side-effect and dynamic imports, require. */
export function importsOf(text: string): string[] {
  const code = stripComments(text);
  const specs: string[] = [];
  const patterns = [
    /^\s*(?:import|export)\b[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm,
    /^\s*import\s*['"]([^'"]+)['"]/gm,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) specs.push(m[1]!);
  return specs;
}

interface Source {
  /** posix path from the repository root */
  path: string;
  text: string;
}

/** The repository path an import resolves to (without extension), or undefined for a package. */
function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(from), spec)).replace(/\.(ts|js|mjs|mts)$/, '').replace(/\/index$/, '');
}

/** The package name of a bare specifier: `@scope/name` or `name` (node:fs/promises stays whole). */
function packageOf(spec: string): string {
  if (spec.startsWith('node:')) return spec;
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The layers each layer must not import (besides the core's own, stricter rules). */
const FORBIDDEN: Record<string, string[]> = {
  adapters: ['runtime', 'handlers', 'local', 'infra', 'test', 'bench'],
  runtime: ['handlers', 'local', 'infra', 'test', 'bench'],
  handlers: ['local', 'infra', 'test', 'bench'],
  local: ['infra', 'test', 'bench'],
};

/** Every broken rule, one line each. */
export function violations(sources: Source[]): string[] {
  const found: string[] = [];
  for (const { path, text } of sources) {
    const layer = layerOf(path);
    for (const spec of importsOf(text)) {
      const to = target(path, spec);
      if (layer === 'core') {
        if (to === undefined) {
          if (!CORE_PACKAGES.has(packageOf(spec))) found.push(`${path}: the core imports '${spec}' (allowed packages: ${[...CORE_PACKAGES].join(', ')})`);
        } else if (!to.startsWith('functions/core/') && !(to.startsWith('schemas/') && spec.endsWith('.json'))) {
          found.push(`${path}: the core imports '${spec}', which is ${to} (outside functions/core and the data in schemas/)`);
        }
      } else if (layer && to !== undefined) {
        const into = layerOf(`${to}/`);
        if (into && FORBIDDEN[layer]?.includes(into) && !(layer === 'adapters' && ADAPTER_CONTRACTS.has(to))) {
          found.push(`${path}: ${layer} imports '${spec}', which is in ${into}/`);
        }
      }
    }
    if (layer === 'core' && /\bprocess\s*(?:\.\s*env\b|\[\s*['"]env['"]\s*\])/.test(stripComments(text))) {
      found.push(`${path}: the core reads process.env (configuration comes in through the use case's deps)`);
    }
  }
  return found;
}

function sourcesUnder(dir: string): Source[] {
  const out: Source[] = [];
  for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourcesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.ts')) out.push({ path, text: readFileSync(join(ROOT, path), 'utf8') });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

describe('the layers of functions/', () => {
  const sources = sourcesUnder('functions');

  it('reads every source of every layer', () => {
    const layers = new Set(sources.map((s) => layerOf(s.path)));
    for (const l of ['core', 'adapters', 'runtime', 'handlers', 'local']) expect(layers).toContain(l);
    expect(sources.filter((s) => s.path.startsWith('functions/core/')).length).toBeGreaterThan(20);
  });

  it('the core is pure and the imports never run back up', () => {
    expect(violations(sources)).toEqual([]);
  });
});

describe('each rule fires when broken', () => {
  const core = (text: string): Source => ({ path: 'functions/core/use-cases/bad.ts', text });
  const cases: [string, Source][] = [
    ['an AWS SDK in the core', core(`import { S3Client } from '@aws-sdk/client-s3';`)],
    ['an SDK type in the core', core(`import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';`)],
    ['Lambda event types in the core', core(`import type { S3Event } from 'aws-lambda';`)],
    ['the file system in the core', core(`import { readFileSync } from 'node:fs';`)],
    ['the file system (promises, bare name) in the core', core(`import { readFile } from 'fs/promises';`)],
    ['a child process in the core', core(`export { spawn } from 'node:child_process';`)],
    ['the network in the core', core(`const http = await import('node:http');`)],
    ['process.env in the core', core(`export const table = process.env.QTRACK_TABLE_NAME;`)],
    ["process['env'] in the core", core(`export const env = process['env'];`)],
    ['an adapter in the core', core(`import { S3ObjectStore } from '../../adapters/s3/object-store';`)],
    ['the runtime in the core', core(`import { ENV } from '../../runtime/env';`)],
    ['a handler in the core', core(`import { handler } from '../../handlers/ingest';`)],
    ['the CLI in the core', core(`import '../../local/cli';`)],
    ['the stack in the core', core(`import { QtrackStack } from '../../../infra/qtrack-stack';`)],
    ['the composition in an adapter', { path: 'functions/adapters/s3/bad.ts', text: `import { lambdaDeps } from '../../runtime/lambda';` }],
    ['the CLI in an adapter', { path: 'functions/adapters/memory/bad.ts', text: `import { openLocalPipeline } from '../../local/runtime';` }],
    ['a handler in the runtime', { path: 'functions/runtime/bad.ts', text: `import { handler } from '../handlers/ingest';` }],
    ['the CLI in a handler', { path: 'functions/handlers/bad.ts', text: `import { main } from '../local/cli';` }],
  ];
  for (const [name, source] of cases) {
    it(name, () => {
      expect(violations([source])).toHaveLength(1);
    });
  }

  it('what is allowed stays allowed: core packages and data, the table contract in an adapter, comments and Buffer.from', () => {
    expect(
      violations([
        core(`import ExcelJS from 'exceljs';\nimport Papa from 'papaparse';\nimport { createHash } from 'node:crypto';\nimport plan from '../../../schemas/plan-15th.json';\nimport type { Plan } from '../model';`),
        core(`// never reads process.env or import('node:fs')\nconst needle = Buffer.from('EncryptedPackage', 'utf16le');`),
        { path: 'functions/adapters/dynamodb/x.ts', text: `import { TABLE } from '../../runtime/contract';` },
        { path: 'functions/local/x.ts', text: `import { uploadsOf } from '../handlers/ingest';` },
      ]),
    ).toEqual([]);
  });
});
