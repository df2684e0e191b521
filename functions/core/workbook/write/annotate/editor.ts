// Editing a part as it streams: the PartEditor between the XML scanner and a
// part handler (SheetEdit, CommentsMerge, StylesEdit, …), the character data a
// handler collects, and the small helpers the handlers share.
//
// The scanner hands each complete token to the handler while the token is in
// its buffer; x.offset is then where the token starts in the part (a tag's
// '<'). Handlers name edits by those offsets: replace a range, insert, hold an
// element (its bytes wait until it ends, and the handler may still drop it or
// edit inside it), drop an element. After each piece, every byte the scanner
// has consumed and no hold covers goes out with its edits applied.
import { utf8 } from '../../shared-strings';
import { decodeText, NS_MAIN, NS_NONE, TEXT_AMP, TEXT_CDATA, TEXT_CR, type XmlHandler, XmlScanner } from '../../xml';

export interface Hold {
  start: number;
  depth: number;
  keep: boolean;
}

/** An element whose items may all be dropped (hyperlinks, defined names): then it goes too. */
interface Wrapper {
  hold: Hold;
  item: number;
  items: number;
  kept: number;
}

interface Edit {
  at: number;
  to: number;
  put: Uint8Array;
}

export interface PartHandler {
  readonly names: readonly string[];
  open(ed: PartEditor, name: number, ns: number): void;
  close?(ed: PartEditor, name: number, ns: number): void;
  text?(ed: PartEditor, start: number, end: number, flags: number): void;
}

const GT = 0x3e;
const SLASH = 0x2f;
const FEED = 1 << 16;
const EMPTY = new Uint8Array(0);
export const ENCODER = new TextEncoder();
const NAME_BYTE = new Uint8Array(256).map((_, c) => (c >= 0x80 || /[A-Za-z0-9._:-]/.test(String.fromCharCode(c)) ? 1 : 0));

export class PartEditor implements XmlHandler {
  readonly x: XmlScanner;
  /** whether any edit was made (in a dry run too) */
  changed = false;
  /** the part's offset of x.buf[0] during the current piece */
  private base = 0;
  /** consumed bytes not yet sent: the part's bytes from pendingAt on */
  private pending = new Uint8Array(FEED);
  private pendingAt = 0;
  private pendingLen = 0;
  private readonly edits: Edit[] = [];
  private readonly holds: Hold[] = [];
  private readonly wrappers: Wrapper[] = [];

  constructor(
    private readonly h: PartHandler,
    /** false: a dry run, nothing is sent */
    private readonly emit: boolean,
  ) {
    this.x = new XmlScanner(this, h.names);
  }

  // -- the scanner's handler

  open(_x: XmlScanner, name: number, ns: number): void {
    this.h.open(this, name, ns);
  }

  close(x: XmlScanner, name: number, ns: number): void {
    this.h.close?.(this, name, ns);
    const w = this.wrappers.at(-1);
    if (w && w.hold.depth === x.depth) {
      this.wrappers.pop();
      w.hold.keep = w.kept > 0 || w.items === 0;
    }
    let kept = true;
    const hold = this.holds.at(-1);
    if (hold && hold.depth === x.depth) {
      this.holds.pop();
      kept = hold.keep;
      if (!kept) this.edit(hold.start, this.tagEnd(), EMPTY);
    }
    const outer = this.wrappers.at(-1);
    if (outer && name === outer.item) {
      outer.items++;
      if (kept) outer.kept++;
    }
  }

  text(_x: XmlScanner, start: number, end: number, flags: number): void {
    this.h.text?.(this, start, end, flags);
  }

  detach(): void {}

  // -- the current tag

  /** Where the current tag starts in the part. */
  get start(): number {
    return this.x.offset;
  }

  /** Where it ends (after its '>'). */
  tagEnd(): number {
    const x = this.x;
    const from = x.attrCount > 0 ? x.valueEnd(x.attrCount - 1) + 1 : x.offset - this.base + 1;
    return this.base + x.buf.indexOf(GT, from) + 1;
  }

  selfClosing(): boolean {
    return this.x.buf[this.tagEnd() - this.base - 2] === SLASH;
  }

  isEndTag(): boolean {
    return this.x.buf[this.x.offset - this.base + 1] === SLASH;
  }

  /** 'x:' when the current element is written with a prefix, else ''. */
  prefix(): string {
    const b = this.x.buf;
    let i = this.x.offset - this.base + 1;
    if (b[i] === SLASH) i++;
    const from = i;
    while (NAME_BYTE[b[i]!]) i++;
    const qname = utf8(b, from, i);
    return qname.slice(0, qname.indexOf(':') + 1);
  }

  /** The part's offset of an index into x.buf. */
  abs(i: number): number {
    return this.base + i;
  }

  /** The current tag as written. */
  rawTag(): string {
    return utf8(this.x.buf, this.x.offset - this.base, this.tagEnd() - this.base);
  }

  /** An attribute as written: name="value". */
  rawAttr(i: number): string {
    return utf8(this.x.buf, this.x.attrNameStart(i), this.x.valueEnd(i) + 1);
  }

  /** The positions of attributes in the r: namespace (r:id, r:embed, …) whose value is one of the ids. */
  refsTo(ids: ReadonlySet<string>): number[] {
    const x = this.x;
    const out: number[] = [];
    if (ids.size === 0) return out;
    for (let i = 0; i < x.attrCount; i++) {
      const name = utf8(x.buf, x.attrNameStart(i), x.attrNameStart(i) + x.attrNameLength(i));
      if (name.includes(':') && !name.startsWith('xmlns') && ids.has(x.attrString(i))) out.push(i);
    }
    return out;
  }

  // -- edits

  edit(at: number, to: number, put: string | Uint8Array): void {
    this.changed = true;
    if (!this.emit) return;
    if (at < this.pendingAt) throw new Error(`annotate: an edit at ${at} after the bytes were sent`); // a bug
    const e = { at, to, put: typeof put === 'string' ? ENCODER.encode(put) : put };
    let i = this.edits.length;
    while (i > 0 && this.edits[i - 1]!.at > at) i--;
    this.edits.splice(i, 0, e);
  }

  insert(at: number, text: string): void {
    if (text) this.edit(at, at, text);
  }

  replaceTag(text: string): void {
    this.edit(this.start, this.tagEnd(), text);
  }

  setAttr(name: string, value: string): void {
    const i = this.x.attrIndex(name);
    if (i >= 0) this.edit(this.base + this.x.valueStart(i), this.base + this.x.valueEnd(i), value);
    else this.insert(this.tagEnd() - (this.selfClosing() ? 2 : 1), ` ${name}="${value}"`);
  }

  removeAttr(i: number): void {
    // with the white space before it (there is always some)
    this.edit(this.base + this.x.attrNameStart(i) - 1, this.base + this.x.valueEnd(i) + 1, EMPTY);
  }

  /** Holds the current element until it ends; the handler may set keep = false meanwhile. */
  hold(keep = true): Hold {
    const h = { start: this.start, depth: this.x.depth, keep };
    this.holds.push(h);
    return h;
  }

  drop(): void {
    this.hold(false);
  }

  /** The current element goes if every one of its `item` elements is dropped. */
  wrap(item: number): void {
    this.wrappers.push({ hold: this.hold(), item, items: 0, kept: 0 });
  }

  // -- streaming

  async *run(pieces: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const piece of pieces) {
      for (let at = 0; at < piece.length; at += FEED) {
        this.base = this.x.offset;
        this.x.push(piece.subarray(at, Math.min(at + FEED, piece.length)));
        const out = this.consumed();
        if (out) yield out;
      }
    }
    this.x.end();
    const out = this.consumed();
    if (out) yield out;
  }

  /** Takes what the scanner consumed of its buffer and returns what may go out. */
  private consumed(): Uint8Array | undefined {
    if (!this.emit) return undefined;
    const upTo = this.x.offset;
    const n = upTo - this.base;
    if (this.pendingLen + n > this.pending.length) {
      const grown = new Uint8Array(Math.max(this.pendingLen + n, this.pending.length * 2));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    this.pending.set(this.x.buf.subarray(0, n), this.pendingLen);
    this.pendingLen += n;
    const safe = this.holds.length ? Math.min(this.holds[0]!.start, upTo) : upTo;
    return this.send(safe);
  }

  /** The pending bytes before `safe`, with their edits applied. */
  private send(safe: number): Uint8Array | undefined {
    const at = this.pendingAt;
    if (safe <= at) return undefined;
    const out: Uint8Array[] = [];
    let p = at;
    let k = 0;
    for (; k < this.edits.length && this.edits[k]!.at < safe; k++) {
      const e = this.edits[k]!;
      if (e.at < p) continue; // inside a range already replaced
      if (e.at > p) out.push(this.pending.subarray(p - at, e.at - at));
      if (e.put.length) out.push(e.put);
      p = e.to;
    }
    this.edits.splice(0, k);
    if (safe > p) out.push(this.pending.subarray(p - at, safe - at));
    p = Math.max(p, safe);
    const bytes = concat(out.length === 1 ? [out[0]!.slice()] : out);
    this.pending.copyWithin(0, p - at, this.pendingLen);
    this.pendingLen -= p - at;
    this.pendingAt = p;
    return bytes.length ? bytes : undefined;
  }
}

/** Character data of one element as raw bytes, decoded when it ends (a piece may cut a character). */
export class TextBytes {
  private bytes = new Uint8Array(256);
  private len = 0;
  private flags = 0;
  /** more than `max` bytes: the text is not kept */
  overflow = false;

  constructor(private readonly max = 1 << 16) {}

  reset(): void {
    this.len = 0;
    this.flags = 0;
    this.overflow = false;
  }

  add(b: Uint8Array, from: number, to: number, flags: number): void {
    if (this.overflow) return;
    const cdata = (flags & TEXT_CDATA) !== 0;
    if (this.len + (to - from) * 5 > this.max) {
      this.overflow = true;
      return;
    }
    if (this.len + (to - from) * 5 > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.len + (to - from) * 5));
      grown.set(this.bytes.subarray(0, this.len));
      this.bytes = grown;
    }
    for (let i = from; i < to; i++) {
      // CDATA is literal: its '&' escaped, so that the whole text decodes in one go
      if (cdata && b[i] === 0x26) {
        this.bytes.set(AMP_ESCAPED, this.len);
        this.len += AMP_ESCAPED.length;
      } else this.bytes[this.len++] = b[i]!;
    }
    this.flags |= (flags & TEXT_CR) | (cdata ? TEXT_AMP : flags & TEXT_AMP);
  }

  text(): string {
    return this.len === 0 ? '' : decodeText(this.bytes, 0, this.len, this.flags);
  }
}
const AMP_ESCAPED = ENCODER.encode('&amp;');

export function nameIds<const T extends readonly string[]>(names: T): { [K in T[number]]: number } {
  return Object.fromEntries(names.map((n, i) => [n, i + 1])) as { [K in T[number]]: number };
}

export const mainNs = (ns: number) => ns === NS_MAIN || ns === NS_NONE;

/** The attribute's value as a whole number, -1 when absent or not one (no string made). */
export function intAttr(x: XmlScanner, name: string): number {
  const i = x.attrIndex(name);
  if (i < 0) return -1;
  const b = x.buf;
  const vs = x.valueStart(i);
  const ve = x.valueEnd(i);
  if (ve === vs || ve - vs > 9) return -1;
  let n = 0;
  for (let k = vs; k < ve; k++) {
    const d = b[k]! - 0x30;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
