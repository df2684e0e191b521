// A streaming XML scanner over UTF-8 bytes, for the parts of a SpreadsheetML
// package. Bytes are pushed in pieces of any size; complete tokens are handed
// to a handler at once, an incomplete one waits for the next piece. Every byte
// is looked at a bounded number of times, so the time is linear in the size
// whatever the input (no backtracking regular expressions, no rescans of a long
// token), and memory holds one token, never the part.
//
// It checks what a conforming parser checks where it matters to reading a
// workbook: tags nest and match, the part has one root and ends, comments,
// CDATA sections and processing instructions are closed, entity references are
// the predefined ones or character references, prefixes are declared. Any
// breach is an XmlError; a part that does not parse is never read in part.
// DOCTYPE declarations are refused (no office program writes one; they are how
// entity-expansion bombs arrive).
import { QtrackError } from '../errors';

export class XmlError extends QtrackError {}

/** Namespaces the readers care about (transitional and strict spellings alike). */
export const NS_NONE = 0;
export const NS_MAIN = 1;
export const NS_REL = 2;
export const NS_OTHER = 3;

const NAMESPACES = new Map<string, number>([
  ['http://schemas.openxmlformats.org/spreadsheetml/2006/main', NS_MAIN],
  ['http://purl.oclc.org/ooxml/spreadsheetml/main', NS_MAIN],
  ['http://schemas.openxmlformats.org/officeDocument/2006/relationships', NS_REL],
  ['http://purl.oclc.org/ooxml/officeDocument/relationships', NS_REL],
]);

export interface XmlHandler {
  /** A start tag (and, right after, close() when it is empty: `<x/>`). Attributes: x.attr*(). */
  open(x: XmlScanner, name: number, ns: number): void;
  close(x: XmlScanner, name: number, ns: number): void;
  /** Character data in x.buf[start, end); TEXT_AMP/TEXT_CR/TEXT_CDATA tell what decoding it needs. */
  text(x: XmlScanner, start: number, end: number, flags: number): void;
  /** x.buf is about to be replaced: copy what is still needed of it. */
  detach(x: XmlScanner): void;
  /**
   * Optional fast path, tried at each '<' while x.depth is x.fastDepth or one more: read
   * one whole element of the usual shape from x.buf[p, x.limit) and return the
   * index after it, or -1 to leave it to the general path (anything unusual,
   * or an element cut by the buffer's end). It must accept only well-formed
   * XML, so the two paths read the same bytes the same way.
   */
  fast?(x: XmlScanner, p: number): number;
}

export const TEXT_AMP = 1; // holds entity references
export const TEXT_CR = 2; // holds a carriage return (line ends are normalised to LF)
export const TEXT_CDATA = 4; // inside CDATA: no entity references

const LT = 0x3c;
const GT = 0x3e;
const AMP = 0x26;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const COLON = 0x3a;
const CR = 0x0d;

/** Bytes that may stand in a name: letters, digits, . - _ : and every non-ASCII byte. */
const NAME = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  NAME[c] = c >= 0x80 || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2e || c === 0x2d || c === 0x5f || c === COLON ? 1 : 0;
}
/** The namespace of SpreadsheetML elements as written: the main namespace, or none (as some producers write them). */
export const isMainNs = (ns: number): boolean => ns === NS_MAIN || ns === NS_NONE;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === CR;

/** Longest tag, comment-free: far above any real one (a long sqref), far below the memory limits. */
const MAX_TAG = 1 << 20;
const MAX_DEPTH = 256;
const EMPTY = new Uint8Array(0);

function hashBytes(b: Uint8Array, from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h | 0;
}

type Skip = 0 | 1 | 2 | 3; // none, comment, processing instruction, CDATA
const TERMINATORS: Uint8Array[] = [EMPTY, new Uint8Array([0x2d, 0x2d, GT]), new Uint8Array([0x3f, GT]), new Uint8Array([0x5d, 0x5d, GT])];

export class XmlScanner {
  buf: Uint8Array = EMPTY;
  private own = new Uint8Array(1 << 17);
  private pos = 0;
  private len = 0;
  /** handler.fast is tried at this depth and the one below; -1: never */
  fastDepth = -1;
  /** the part's offset of buf[0] */
  private base = 0;
  private started = false;
  private rootDone = false;
  private skip: Skip = 0;
  /** an incomplete tag starts at pos: no '>' before this index (relative to buf) */
  private gtFrom = -1;

  // element stack: qualified-name hash, name id, namespace
  depth = 0;
  private readonly stackHash = new Int32Array(MAX_DEPTH);
  readonly stackName = new Int32Array(MAX_DEPTH);
  private readonly stackNs = new Int8Array(MAX_DEPTH);

  // namespaces in scope
  private defaultNs = NS_NONE;
  private readonly prefixNs = new Map<number, number>();
  private readonly scopes: { depth: number; prefix: number | null; previous: number | undefined }[] = [];

  // attributes of the current start tag: name start, name end, value start, value end (into buf)
  attrCount = 0;
  private attrs = new Int32Array(4 * 16);
  private attrFlags = new Uint8Array(16);

  /** direct-mapped: (local-name hash & mask) → id; the bytes of each id, to confirm a hit */
  private readonly nameSlots: Int32Array;
  private readonly nameMask: number;
  private readonly nameBytes: Uint8Array[];

  constructor(
    private readonly handler: XmlHandler,
    /** local element names of interest; a name's id is its index + 1, others are 0 */
    names: readonly string[],
  ) {
    this.nameBytes = names.map((n) => new TextEncoder().encode(n));
    const hashes = this.nameBytes.map((b) => hashBytes(b, 0, b.length));
    let size = 64;
    while (new Set(hashes.map((h) => h & (size - 1))).size < hashes.length) size *= 2;
    this.nameMask = size - 1;
    this.nameSlots = new Int32Array(size);
    hashes.forEach((h, i) => (this.nameSlots[h & this.nameMask] = i + 1));
  }

  /** End of the valid bytes in buf. */
  get limit(): number {
    return this.len;
  }

  /** The default namespace in scope (for a fast path: unprefixed names only). */
  get defaultNamespace(): number {
    return this.defaultNs;
  }

  /**
   * Where the scanner stands: a byte offset in the part. During open() and
   * close() it is where the tag being handed over starts (its '<'; for an
   * empty element's close(), the start tag's), at buf[offset - bufferOffset],
   * so that a handler can name the token's bytes. Once push() or end()
   * returns, every byte before it has been handed over; the bytes from it on
   * (a token still incomplete) are kept, and the next push() puts them first
   * in buf.
   */
  get offset(): number {
    return this.base + this.pos;
  }

  /**
   * The part's offset of buf[0]. push() sets it to the offset where the
   * scanner stood before, so that after it buf[0, offset - bufferOffset)
   * holds exactly the bytes it consumed: those kept from before and the new.
   */
  get bufferOffset(): number {
    return this.base;
  }

  /** The name id of the element at `up` levels above the current one (0: the current). */
  ancestor(up: number): number {
    const d = this.depth - 1 - up;
    return d >= 0 ? this.stackName[d]! : -1;
  }

  ancestorNs(up: number): number {
    const d = this.depth - 1 - up;
    return d >= 0 ? this.stackNs[d]! : -1;
  }

  push(piece: Uint8Array): void {
    if (piece.length === 0) return;
    const chunk = piece;
    {
      // Every piece is copied into the scanner's own buffer, reused from piece to piece,
      // behind what carries over of an incomplete token (bytes past len are stale). No
      // reference to the inflater's buffers is kept: they die young, and memory stays flat.
      if (this.buf !== EMPTY) this.handler.detach(this);
      const rest = this.len - this.pos;
      const need = rest + chunk.length;
      if (this.own.length < need) {
        const grown = new Uint8Array(Math.max(need, this.own.length * 2));
        grown.set(this.buf.subarray(this.pos, this.len));
        this.own = grown;
      } else if (this.buf === this.own) {
        if (rest > 0) this.own.copyWithin(0, this.pos, this.len);
      } else this.own.set(this.buf.subarray(this.pos, this.len));
      this.own.set(chunk, rest);
      if (this.gtFrom >= 0) this.gtFrom -= this.pos;
      this.base += this.pos;
      this.buf = this.own;
      this.len = need;
    }
    this.pos = 0;
    this.run(false);
  }

  /** The part is complete: anything still open is an error. */
  end(): void {
    this.run(true);
    const skip = this.skip as Skip;
    if (skip === 1) this.fail('a comment (<!--) is never closed');
    if (skip === 2) this.fail('a processing instruction (<?) is never closed');
    if (skip === 3) this.fail('a CDATA section is never closed');
    if (this.pos < this.len) this.fail('the part ends inside a tag');
    if (this.depth > 0) this.fail('the part ends before its elements are closed (the file is cut short?)');
    if (!this.rootDone) this.fail('the part holds no XML element');
  }

  fail(message: string): never {
    throw new XmlError(`${message} (at byte ${this.offset})`);
  }

  private run(final: boolean): void {
    const b = this.buf;
    const n = this.len;
    let p = this.pos;
    if (this.skipping()) {
      p = this.skipUntil(p, final);
      if (this.skipping()) {
        this.pos = p;
        return;
      }
    }
    if (!this.started) {
      if (n - p < 3 && !final) return;
      if (b[p] === 0xef && b[p + 1] === 0xbb && b[p + 2] === 0xbf) p += 3;
      this.started = true;
    }
    while (p < n) {
      this.pos = p; // where a failure is reported
      const c = b[p]!;
      if (c !== LT) {
        p = this.textRun(p, final);
        if (p < 0) {
          p = -p - 1; // incomplete entity: wait for more
          break;
        }
        continue;
      }
      if (this.gtFrom >= 0) {
        const gt = b.indexOf(GT, this.gtFrom);
        if (gt < 0 || gt >= n) {
          if (n - p > MAX_TAG) this.fail('a tag runs past 1 MB');
          this.gtFrom = n;
          break;
        }
        this.gtFrom = -1;
      }
      if (this.fastDepth >= 0 && (this.depth === this.fastDepth || this.depth === this.fastDepth + 1)) {
        const r = this.handler.fast!(this, p);
        if (r >= 0) {
          p = r;
          continue;
        }
      }
      if (p + 1 >= n) break;
      const d = b[p + 1]!;
      let q: number;
      if (d === SLASH) q = this.endTag(p);
      else if (d === 0x21) {
        q = this.markup(p, n, final);
        if (q >= 0 && this.skipping()) {
          q = this.skipUntil(q, final);
          if (this.skipping()) {
            p = q;
            break;
          }
        }
      } else if (d === 0x3f) {
        this.skip = 2;
        q = this.skipUntil(p + 2, final);
        if (this.skipping()) {
          p = q;
          break;
        }
      } else q = this.startTag(p);
      if (q < 0) {
        // incomplete: remember how far '>' was looked for
        if (n - p > MAX_TAG) this.fail('a tag runs past 1 MB');
        this.gtFrom = Math.max(p + 1, -q - 1);
        break;
      }
      p = q;
    }
    this.pos = p;
  }

  private skipping(): boolean {
    return this.skip !== 0;
  }

  /** Character data from p up to the next '<'. Returns the next index, or -(index+1) of an incomplete entity. */
  private textRun(p: number, final: boolean): number {
    const b = this.buf;
    const n = this.len;
    let flags = 0;
    let q = p;
    for (; q < n; q++) {
      const c = b[q]!;
      if (c === LT) break;
      if (c === AMP) {
        const e = this.entity(q, final);
        if (e < 0) {
          if (q > p) this.emitText(p, q, flags);
          return -q - 1;
        }
        flags |= TEXT_AMP;
        q = e - 1;
      } else if (c === CR) flags |= TEXT_CR;
    }
    if (q > p) this.emitText(p, q, flags);
    return q;
  }

  private emitText(p: number, q: number, flags: number): void {
    if (this.depth === 0) {
      for (let i = p; i < q; i++) if (!isSpace(this.buf[i]!)) this.fail('text outside the root element');
      return;
    }
    this.handler.text(this, p, q, flags);
  }

  /** Checks the reference at b[p] = '&'; returns the index after ';', -1 when cut off by the buffer's end. */
  private entity(p: number, final: boolean): number {
    const b = this.buf;
    const n = this.len;
    let q = p + 1;
    const max = Math.min(n, p + 16);
    while (q < max && b[q] !== 0x3b) q++;
    if (q >= max) {
      if (q >= n && !final) return -1;
      this.fail('a bare “&” or an unknown entity reference');
    }
    if (!validEntity(b, p + 1, q)) this.fail(`unknown entity reference &${latin1(b, p + 1, q)};`);
    return q + 1;
  }

  /** `<!--`, `<![CDATA[` or `<!DOCTYPE`. Returns the index after the opening, with this.skip set. */
  private markup(p: number, n: number, final: boolean): number {
    const b = this.buf;
    if (n - p < 9 && !(n - p >= 4 && b[p + 2] === 0x2d && b[p + 3] === 0x2d)) {
      // wait for the whole opener, unless it is already clearly a comment
      if (final) this.fail('the part ends inside a tag');
      return -(p + 1) - 1;
    }
    if (b[p + 2] === 0x2d && b[p + 3] === 0x2d) {
      this.skip = 1;
      return p + 4;
    }
    if (startsWith(b, p + 2, '[CDATA[')) {
      if (this.depth === 0) this.fail('CDATA outside the root element');
      this.skip = 3;
      return p + 9;
    }
    if (startsWith(b, p + 2, 'DOCTYPE')) this.fail('a DOCTYPE declaration (not allowed in a workbook)');
    this.fail('a malformed “<!” construct');
  }

  /** Skips a comment or PI, or streams a CDATA section, until its terminator. */
  private skipUntil(p: number, final: boolean): number {
    const b = this.buf;
    const n = this.len;
    const term = TERMINATORS[this.skip]!;
    const t0 = term[0]!;
    let i = p;
    for (;;) {
      i = b.indexOf(t0, i);
      if (i < 0 || i + term.length > n) {
        // keep the last bytes that could start the terminator
        const keep = Math.max(p, n - (term.length - 1));
        if (this.skip === 3 && keep > p) this.cdataText(p, keep);
        if (final) return n;
        return keep;
      }
      let k = 1;
      while (k < term.length && b[i + k] === term[k]) k++;
      if (k === term.length) {
        if (this.skip === 3 && i > p) this.cdataText(p, i);
        this.skip = 0;
        return i + term.length;
      }
      i++;
    }
  }

  private cdataText(p: number, q: number): void {
    let flags = TEXT_CDATA;
    for (let i = p; i < q; i++) if (this.buf[i] === CR) flags |= TEXT_CR;
    this.handler.text(this, p, q, flags);
  }

  /** Returns the index after the tag, or -(index+1) where '>' should be looked for next when incomplete. */
  private endTag(p: number): number {
    const b = this.buf;
    const n = this.len;
    let q = p + 2;
    const start = q;
    let h = 0x811c9dc5;
    while (q < n) {
      const c = b[q]!;
      if (!NAME[c]) break;
      h = Math.imul(h ^ c, 0x01000193);
      q++;
    }
    const nameEnd = q;
    while (q < n && isSpace(b[q]!)) q++;
    if (q >= n) return -(q + 1);
    if (b[q] !== GT || nameEnd === start) this.fail('a malformed end tag');
    if (this.depth === 0) this.fail('an end tag without a start tag');
    const d = this.depth - 1;
    if (this.stackHash[d] !== (h | 0)) this.fail(`the end tag </${utf8(b, start, nameEnd)}> does not match its start tag`);
    this.handler.close(this, this.stackName[d]!, this.stackNs[d]!);
    this.depth = d;
    if (this.scopes.length > 0) this.popScopes();
    if (d === 0) this.rootDone = true;
    return q + 1;
  }

  private startTag(p: number): number {
    const b = this.buf;
    const n = this.len;
    let q = p + 1;
    const start = q;
    let colon = -1;
    // one pass over the name: the hash of the qualified name (matched by the end tag) and of its local part
    let h = 0x811c9dc5;
    let lh = 0x811c9dc5;
    while (q < n) {
      const c = b[q]!;
      if (!NAME[c]) break;
      h = Math.imul(h ^ c, 0x01000193);
      if (c === COLON) {
        colon = q;
        lh = 0x811c9dc5;
      } else lh = Math.imul(lh ^ c, 0x01000193);
      q++;
    }
    if (q >= n) return -(q + 1);
    if (q === start) this.fail('“<” not followed by a tag name');
    const end = q;
    // attributes
    let count = 0;
    let empty = false;
    let xmlns = false;
    for (;;) {
      let c = b[q]!;
      const spaced = c === 0x20 || c === 0x0a || c === 0x09 || c === CR;
      while (c === 0x20 || c === 0x0a || c === 0x09 || c === CR) {
        if (++q >= n) return -(q + 1);
        c = b[q]!;
      }
      if (c === GT) {
        q++;
        break;
      }
      if (c === SLASH) {
        if (q + 1 >= n) return -(q + 1);
        if (b[q + 1] !== GT) this.fail('a malformed empty-element tag');
        q += 2;
        empty = true;
        break;
      }
      if (!spaced || !NAME[c]) this.fail(`a malformed attribute in <${utf8(b, start, end)}>`);
      const an = q;
      while (q < n && NAME[b[q]!]) q++;
      const ae = q;
      while (q < n && isSpace(b[q]!)) q++;
      if (q >= n) return -(q + 1);
      if (b[q] !== EQ) this.fail(`attribute ${utf8(b, an, ae)} has no value`);
      q++;
      while (q < n && isSpace(b[q]!)) q++;
      if (q >= n) return -(q + 1);
      const quote = b[q]!;
      if (quote !== QUOT && quote !== APOS) this.fail(`attribute ${utf8(b, an, ae)} is not quoted`);
      const vs = ++q;
      let flags = 0;
      for (; q < n; q++) {
        const v = b[q]!;
        if (v === quote) break;
        if (v === LT) this.fail(`“<” inside the value of attribute ${utf8(b, an, ae)}`);
        if (v === AMP) {
          const e = this.entity(q, false);
          if (e < 0) return -(q + 1);
          flags |= TEXT_AMP;
          q = e - 1;
        } else if (v === CR) flags |= TEXT_CR;
      }
      if (q >= n) return -(q + 1);
      if (count === this.attrFlags.length) this.growAttrs();
      const k = count * 4;
      const attrs = this.attrs;
      attrs[k] = an;
      attrs[k + 1] = ae;
      attrs[k + 2] = vs;
      attrs[k + 3] = q;
      this.attrFlags[count] = flags;
      if (b[an] === 0x78 && ae - an >= 5 && b[an + 1] === 0x6d && b[an + 2] === 0x6c && b[an + 3] === 0x6e && b[an + 4] === 0x73) xmlns = true;
      count++;
      if (++q >= n) return -(q + 1);
    }
    const depth = this.depth;
    if (depth === 0 && this.rootDone) this.fail('a second root element');
    if (depth >= MAX_DEPTH) this.fail(`elements nested deeper than ${MAX_DEPTH} levels`);
    this.attrCount = count;
    if (xmlns) this.declareNamespaces(depth);
    let ns: number;
    if (colon < 0) ns = this.defaultNs;
    else {
      const known = this.prefixNs.get(hashBytes(b, start, colon));
      if (known === undefined) this.fail(`the prefix of <${utf8(b, start, end)}> is not declared`);
      ns = known;
    }
    const name = this.lookup(b, colon < 0 ? start : colon + 1, end, lh | 0);
    this.stackHash[depth] = h | 0;
    this.stackName[depth] = name;
    this.stackNs[depth] = ns;
    this.depth = depth + 1;
    this.handler.open(this, name, ns);
    if (empty) {
      this.handler.close(this, name, ns);
      this.depth = depth;
      if (this.scopes.length > 0) this.popScopes();
      if (depth === 0) this.rootDone = true;
    }
    this.attrCount = 0;
    return q;
  }

  private lookup(b: Uint8Array, from: number, to: number, hash: number): number {
    const id = this.nameSlots[hash & this.nameMask]!;
    if (id === 0) return 0;
    const bytes = this.nameBytes[id - 1]!;
    if (bytes.length !== to - from) return 0;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== b[from + i]) return 0;
    return id;
  }

  private growAttrs(): void {
    const attrs = new Int32Array(this.attrs.length * 2);
    attrs.set(this.attrs);
    this.attrs = attrs;
    const flags = new Uint8Array(this.attrFlags.length * 2);
    flags.set(this.attrFlags);
    this.attrFlags = flags;
  }

  private declareNamespaces(depth: number): void {
    const b = this.buf;
    for (let i = 0; i < this.attrCount; i++) {
      const an = this.attrs[i * 4]!;
      const ae = this.attrs[i * 4 + 1]!;
      if (ae - an < 5 || b[an] !== 0x78 || !startsWith(b, an, 'xmlns') || (ae > an + 5 && b[an + 5] !== COLON)) continue;
      const ns = NAMESPACES.get(this.attrString(i)) ?? (this.attrs[i * 4 + 3] === this.attrs[i * 4 + 2] ? NS_NONE : NS_OTHER);
      if (ae === an + 5) {
        this.scopes.push({ depth, prefix: null, previous: this.defaultNs });
        this.defaultNs = ns;
      } else {
        const prefix = hashBytes(b, an + 6, ae);
        this.scopes.push({ depth, prefix, previous: this.prefixNs.get(prefix) });
        this.prefixNs.set(prefix, ns);
      }
    }
  }

  private popScopes(): void {
    const s = this.scopes;
    while (s.length > 0 && s[s.length - 1]!.depth >= this.depth) {
      const top = s.pop()!;
      if (top.prefix === null) this.defaultNs = top.previous ?? NS_NONE;
      else if (top.previous === undefined) this.prefixNs.delete(top.prefix);
      else this.prefixNs.set(top.prefix, top.previous);
    }
  }

  // ---- attributes of the current start tag, for handlers

  /** Index of the attribute with this local name (any prefix, or `prefixNs` only), -1 when absent. */
  attrIndex(local: string, prefixed = false): number {
    const b = this.buf;
    for (let i = 0; i < this.attrCount; i++) {
      const an = this.attrs[i * 4]!;
      const ae = this.attrs[i * 4 + 1]!;
      let from = an;
      for (let k = an; k < ae; k++) if (b[k] === COLON) from = k + 1;
      if (prefixed !== (from !== an)) continue;
      if (ae - from !== local.length) continue;
      let k = 0;
      while (k < local.length && b[from + k] === local.charCodeAt(k)) k++;
      if (k === local.length && !(from - an === 6 && startsWith(b, an, 'xmlns:'))) return i;
    }
    return -1;
  }

  attrNameStart(i: number): number {
    return this.attrs[i * 4]!;
  }

  attrNameLength(i: number): number {
    return this.attrs[i * 4 + 1]! - this.attrs[i * 4]!;
  }

  valueStart(i: number): number {
    return this.attrs[i * 4 + 2]!;
  }

  valueEnd(i: number): number {
    return this.attrs[i * 4 + 3]!;
  }

  /** An attribute's value as text: entities decoded, white space normalised as XML says. */
  attrString(i: number): string {
    const s = this.attrs[i * 4 + 2]!;
    const e = this.attrs[i * 4 + 3]!;
    let text = decodeText(this.buf, s, e, this.attrFlags[i]!);
    if (/[\t\n\r]/.test(text)) text = text.replace(/\r\n|[\t\n\r]/g, ' ');
    return text;
  }

  /** The named attribute's text, or undefined. */
  attr(local: string, prefixed = false): string | undefined {
    const i = this.attrIndex(local, prefixed);
    return i < 0 ? undefined : this.attrString(i);
  }
}

function startsWith(b: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > b.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

function latin1(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, from + 40); i++) s += String.fromCharCode(b[i]!);
  return s;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function utf8(b: Uint8Array, from: number, to: number): string {
  try {
    return UTF8.decode(b.subarray(from, Math.min(to, from + 200)));
  } catch {
    return latin1(b, from, to);
  }
}

/** `lt`, `gt`, `amp`, `quot`, `apos`, `#NNN` or `#xHHH` naming an XML character. */
function validEntity(b: Uint8Array, from: number, to: number): boolean {
  const len = to - from;
  if (len === 0) return false;
  if (b[from] === 0x23) {
    const code = charRef(b, from, to);
    return code >= 0;
  }
  return (
    (len === 2 && (b[from] === 0x6c || b[from] === 0x67) && b[from + 1] === 0x74) ||
    (len === 3 && b[from] === 0x61 && b[from + 1] === 0x6d && b[from + 2] === 0x70) ||
    (len === 4 && ((b[from] === 0x71 && startsWith(b, from, 'quot')) || (b[from] === 0x61 && startsWith(b, from, 'apos'))))
  );
}

/** The code point of `#NNN` / `#xHHH` in b[from, to), -1 when not an XML character. */
function charRef(b: Uint8Array, from: number, to: number): number {
  let code = 0;
  let i = from + 1;
  const hex = b[i] === 0x78;
  if (hex) i++;
  if (i >= to) return -1;
  for (; i < to; i++) {
    const c = b[i]!;
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (hex && ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66)) d = (c | 0x20) - 0x57;
    else return -1;
    code = code * (hex ? 16 : 10) + d;
    if (code > 0x10ffff) return -1;
  }
  const xmlChar = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
  return xmlChar ? code : -1;
}

const ENCODER = new TextEncoder();

/**
 * Decodes character data: entity references (already checked), line ends
 * normalised to LF as every XML parser does (CR LF and a lone CR; a CR written
 * as &#13; stays). Invalid UTF-8 throws.
 */
export function decodeText(b: Uint8Array, from: number, to: number, flags: number): string {
  if ((flags & (TEXT_AMP | TEXT_CR)) === 0) {
    try {
      return UTF8.decode(b.subarray(from, to));
    } catch {
      throw new XmlError('text that is not valid UTF-8');
    }
  }
  return UTF8decodeNormalised(b.subarray(from, to), flags);
}

function UTF8decodeNormalised(b: Uint8Array, flags: number): string {
  const out = new Uint8Array(b.length);
  let o = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === CR) {
      out[o++] = 0x0a;
      if (b[i + 1] === 0x0a) i++;
    } else if (c === AMP && !(flags & TEXT_CDATA)) {
      let j = i + 1;
      while (b[j] !== 0x3b) j++;
      const code = b[i + 1] === 0x23 ? charRef(b, i + 1, j) : entityCode(b, i + 1, j);
      if (code < 0) throw new XmlError(`unknown entity reference &${latin1(b, i + 1, j)};`);
      if (code < 0x80) out[o++] = code;
      else o += ENCODER.encodeInto(String.fromCodePoint(code), out.subarray(o)).written;
      i = j;
    } else out[o++] = c;
  }
  try {
    return UTF8.decode(out.subarray(0, o));
  } catch {
    throw new XmlError('text that is not valid UTF-8');
  }
}

function entityCode(b: Uint8Array, from: number, to: number): number {
  switch (latin1(b, from, to)) {
    case 'lt': return 0x3c;
    case 'gt': return 0x3e;
    case 'amp': return 0x26;
    case 'quot': return 0x22;
    case 'apos': return 0x27;
    default: return -1;
  }
}

/** The same decoding into bytes (for the shared-string table, which keeps UTF-8). */
export function normaliseInto(b: Uint8Array, from: number, to: number, flags: number, out: Uint8Array, at: number): number {
  if ((flags & (TEXT_AMP | TEXT_CR)) === 0) {
    if (to - from > 64) out.set(b.subarray(from, to), at);
    else for (let i = from; i < to; i++) out[at + i - from] = b[i]!;
    return at + (to - from);
  }
  let o = at;
  for (let i = from; i < to; i++) {
    const c = b[i]!;
    if (c === CR) {
      out[o++] = 0x0a;
      if (i + 1 < to && b[i + 1] === 0x0a) i++;
    } else if (c === AMP && !(flags & TEXT_CDATA)) {
      let j = i + 1;
      while (b[j] !== 0x3b) j++;
      const code = b[i + 1] === 0x23 ? charRef(b, i + 1, j) : entityCode(b, i + 1, j);
      if (code < 0x80) out[o++] = code;
      else o += ENCODER.encodeInto(String.fromCodePoint(code), out.subarray(o)).written;
      i = j;
    } else out[o++] = c;
  }
  return o;
}
