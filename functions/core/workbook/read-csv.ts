// The CSV reader: one sheet per upload, its kind taken from the file name
// (PRODUCT §5). Every cell is text; validation parses numbers and dates.
//
// papaparse guesses the delimiter (comma, tab, semicolon); records are then
// split by a small RFC 4180 scanner of our own because the row number must be
// the line where each record starts (quoted fields may span lines), papaparse
// has no per-row position that survives pause/resume, and mixed line endings
// (Excel exports with a stray LF inside CRLF files) must not merge records.
// Records are produced lazily, one at a time.
import Papa from 'papaparse';
import type { RawCell, RawRow, RawSheet, RawWorkbook, SheetKind } from '../model';
import { SHEETS } from '../sheet-specs';
import { normalizeKey } from '../text';
import { DEFAULT_LIMITS, issues, WorkbookError, type FileLimits } from './guard';

/** UTF-8 with/without BOM; GB18030 detected (invalid UTF-8 → gb18030); UTF-16 with a BOM. */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return new TextDecoder('utf-8').decode(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return stripBom(new TextDecoder('utf-16le').decode(bytes.subarray(2)));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return stripBom(new TextDecoder('utf-16be').decode(bytes.subarray(2)));
  try {
    return stripBom(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // Not UTF-8: Chinese Excel and WPS save "CSV" in the ANSI code page, GBK/GB18030.
    return stripBom(new TextDecoder('gb18030').decode(bytes));
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** 'inspections.csv', '抽查明细.csv', 'uploads/Inspections.CSV' → the sheet kind; undefined otherwise. */
export function csvKindFromFileName(fileName: string): SheetKind | undefined {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const m = /^(.*)\.csv$/i.exec(base);
  if (!m) return undefined;
  const key = normalizeKey(m[1]);
  for (const spec of SHEETS) {
    if (spec.kind === 'cover') continue;
    const names = [spec.kind, spec.zh, spec.en, ...spec.aliases].map(normalizeKey);
    if (names.includes(key)) return spec.kind;
  }
  return undefined;
}

/** A CSV upload holds one sheet; its kind comes from the file name (indicators.csv …). */
export function readCsv(bytes: Uint8Array, kind: SheetKind, limits: FileLimits = DEFAULT_LIMITS): RawWorkbook {
  return { format: 'csv', sheets: oneSheet(bytes, kind, limits) };
}

async function* oneSheet(bytes: Uint8Array, kind: SheetKind, limits: FileLimits): AsyncGenerator<RawSheet> {
  if (bytes.length > limits.maxFileBytes) throw new WorkbookError(issues.tooLargeFile(bytes.length, limits));
  const text = decodeText(bytes);
  yield { name: kind, csvKind: kind, state: 'visible', merges: [], mergesFirst: true, rows: rowsOf(text, kind, limits) };
}

const BATCH = 256;

async function* rowsOf(text: string, kind: SheetKind, limits: FileLimits): AsyncGenerator<RawRow[]> {
  const delimiter = guessDelimiter(text);
  let count = 0;
  let batch: RawRow[] = [];
  for (const { line, fields } of csvRecords(text, delimiter)) {
    const cells: (RawCell | undefined)[] = [];
    let any = false;
    for (let i = 0; i < fields.length; i++) {
      if (fields[i] !== '') {
        cells[i] = { kind: 'string', text: fields[i] };
        any = true;
      }
    }
    if (!any) continue;
    if (++count > limits.maxRowsPerSheet) throw new WorkbookError(issues.tooManyRows(kind, limits));
    batch.push({ index: line, cells });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function guessDelimiter(text: string): string {
  const sample = text.slice(0, 1 << 16);
  const guessed = Papa.parse<string[]>(sample, { preview: 20, skipEmptyLines: true, delimitersToGuess: [',', '\t', ';', '|'] }).meta.delimiter;
  return guessed && guessed.length === 1 ? guessed : ',';
}

/**
 * RFC 4180 records with the 1-based line each starts on. Quotes may hold
 * delimiters, line breaks and doubled quotes; CRLF, LF and lone CR all end a
 * line. A stray quote inside an unquoted field is kept as text.
 */
export function* csvRecords(text: string, delimiter = ','): Generator<{ line: number; fields: string[] }> {
  const n = text.length;
  const d = delimiter.charCodeAt(0);
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text.charCodeAt(i) === 34) {
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          const chunk = q < 0 ? text.slice(i) : text.slice(i, q);
          line += countBreaks(chunk);
          field += chunk;
          if (q < 0) {
            i = n; // unterminated quote: the rest is this field
            break;
          }
          if (text.charCodeAt(q + 1) === 34) {
            field += '"';
            i = q + 2;
          } else {
            i = q + 1;
            break;
          }
        }
        // text after the closing quote up to the delimiter is kept (malformed but not lost)
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          field += text[i++];
        }
      } else {
        const from = i;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === d || c === 10 || c === 13) break;
          i++;
        }
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === d) {
        i++;
        if (i >= n) {
          fields.push('');
          break;
        }
        continue;
      }
      // line break ends the record
      i += c === 13 && text.charCodeAt(i + 1) === 10 ? 2 : 1;
      line++;
      break;
    }
    yield { line: start, fields };
  }
}

function countBreaks(s: string): number {
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13) {
      count++;
      if (s.charCodeAt(i + 1) === 10) i++;
    }
  }
  return count;
}
