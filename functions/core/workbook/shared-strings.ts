// The shared-string table of a workbook, kept compact: one UTF-8 buffer and
// an offset per distinct string, decoded when a cell uses it. With one
// distinct string per row (batch ids) the table is what grows with the rows,
// so it holds bytes, not a JS string per entry (which costs several times
// more). Writers that do not deduplicate (exceljs's streaming writer, many
// exports) repeat a string once per cell: repeats are stored once, so a
// category or an enterprise name takes its bytes once, decodes once and comes
// back as the same string from a small direct-mapped cache.
import { decodeOoxmlEscapes } from './cells';
import { issues, WorkbookError } from './guard';
import { normaliseInto, XmlError } from './xml';

const CACHE = 1 << 16;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes are kept in blocks of this size (a string never spans two): growing never copies the table. */
const BLOCK = 1 << 20;
/** Excel keeps a cell's text under 32,767 characters; a shared string past 1 MB is not one. */
const MAX_STRING = BLOCK;

export class SharedStrings {
  private blocks: Uint8Array[] = [new Uint8Array(BLOCK)];
  private block: Uint8Array = this.blocks[0]!;
  /** write position in the current block */
  private used = 0;
  /** where the string being added starts in the current block */
  private start = 0;
  /** the last piece ended in a CR: a LF opening the next one is the same line end */
  private pendingCR = false;
  /** index in the part → distinct string */
  private readonly ids = new IdMap();
  count = 0;
  /**
   * per distinct string: where it starts (block × BLOCK + offset), and its hash while the table
   * is built. It ends where the next one starts, or at its block's end (blockEnds).
   */
  private starts: Uint32Array = new Uint32Array(1 << 10);
  private readonly blockEnds: number[] = [];
  private hashes: Int32Array | undefined = new Int32Array(1 << 10);
  private distinct = 0;
  /** open addressing over the hashes: distinct id + 1, 0 for an empty slot; dropped once built */
  private slots: Int32Array | undefined = new Int32Array(1 << 11);
  private readonly cacheId = new Int32Array(CACHE).fill(-1);
  private readonly cacheText: string[] = new Array<string>(CACHE);
  /** one bit per distinct string: used once already. A string enters the cache on its second use, so
   * the many used once (batch ids) are never kept and die young */
  private usedOnce = new Uint8Array(0);

  begin(): void {
    this.start = this.used;
    this.pendingCR = false;
  }

  /** Appends raw character data (see xml.ts flags) to the string begun last, decoded. */
  add(src: Uint8Array, from: number, to: number, flags: number): void {
    if (this.pendingCR && from < to && src[from] === 0x0a) from++;
    // decoding never makes text longer than its raw bytes (an entity is longer than its character)
    if (this.used + (to - from) > BLOCK) {
      const sofar = this.used - this.start;
      if (sofar + (to - from) > MAX_STRING) throw new WorkbookError(issues.tooLargeInside('sharedStrings.xml: one string runs past 1 MB'));
      // a new block, the string begun so far moved to its start
      const next = new Uint8Array(BLOCK);
      next.set(this.block.subarray(this.start, this.used));
      this.blockEnds.push(this.start);
      this.blocks.push(next);
      this.block = next;
      this.start = 0;
      this.used = sofar;
    }
    this.used = normaliseInto(src, from, to, flags, this.block, this.used);
    this.pendingCR = to > from && src[to - 1] === 0x0d;
  }

  end(): void {
    const d = this.distinct;
    if (d === this.starts.length) {
      const size = Math.ceil(d * 1.5);
      this.starts = grow(this.starts, size);
      this.hashes = grow(this.hashes!, size);
    }
    const b = this.block;
    const from = this.start;
    const to = this.used;
    let h = 0x811c9dc5;
    for (let k = from; k < to; k++) h = Math.imul(h ^ b[k]!, 0x01000193);
    h |= 0;
    if ((d + 1) * 4 >= this.slots!.length * 3) this.rehash();
    const slots = this.slots!;
    const mask = slots.length - 1;
    let slot = h & mask;
    for (let j = slots[slot]!; j !== 0; j = slots[(slot = (slot + 1) & mask)]!) {
      if (this.hashes![j - 1] === h && this.same(j - 1, b, from, to)) {
        this.used = from; // a repeat: drop its bytes, share the first one's
        this.ids.push(j - 1, false);
        this.count++;
        return;
      }
    }
    slots[slot] = d + 1;
    const base = (this.blocks.length - 1) * BLOCK;
    this.starts[d] = base + from;
    this.hashes![d] = h;
    this.distinct++;
    this.ids.push(d, true);
    this.count++;
  }

  /** The table is complete: drop what only building it needed. */
  seal(): void {
    this.slots = undefined;
    this.hashes = undefined;
    const last = this.blocks.length - 1;
    this.blocks[last] = this.block = this.block.slice(0, this.used);
    this.ids.seal();
    this.blockEnds.push(this.used);
    this.starts = this.starts.slice(0, this.distinct);
    this.usedOnce = new Uint8Array((this.distinct >> 3) + 1);
  }

  /** Where distinct string d ends (block × BLOCK + offset). */
  private endOf(d: number): number {
    const s = this.starts[d]!;
    const block = Math.floor(s / BLOCK);
    if (d + 1 < this.distinct && Math.floor(this.starts[d + 1]! / BLOCK) === block) return this.starts[d + 1]!;
    // the last of its block; the block being written ends at the write position
    return block * BLOCK + (block < this.blockEnds.length ? this.blockEnds[block]! : this.used);
  }

  private same(other: number, b: Uint8Array, from: number, to: number): boolean {
    const os = this.starts[other]!;
    if (this.endOf(other) - os !== to - from) return false;
    const ob = this.blocks[Math.floor(os / BLOCK)]!;
    const o = os % BLOCK;
    for (let k = 0; k < to - from; k++) if (ob[o + k] !== b[from + k]) return false;
    return true;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots!.length * 2);
    const mask = slots.length - 1;
    for (let i = 0; i < this.distinct; i++) {
      let slot = this.hashes![i]! & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = i + 1;
    }
    this.slots = slots;
  }

  get(index: number): string {
    const i = this.ids.get(index);
    const slot = i & (CACHE - 1);
    if (this.cacheId[slot] === i) return this.cacheText[slot]!;
    const s = this.starts[i]!;
    const o = s % BLOCK;
    const text = decodeOoxmlEscapes(utf8(this.blocks[Math.floor(s / BLOCK)]!, o, o + (this.endOf(i) - s)));
    const bit = 1 << (i & 7);
    if (this.usedOnce[i >> 3]! & bit) {
      this.cacheId[slot] = i;
      this.cacheText[slot] = text;
    } else this.usedOnce[i >> 3] = this.usedOnce[i >> 3]! | bit;
    return text;
  }
}

/**
 * Index in the part → distinct string, in about 2 bits an index plus 2 bytes a
 * repeat (a plain array would take 4 bytes an index: 14 MB for the 3.5 million
 * entries of a 500k-row export). A first occurrence's id is the count of first
 * occurrences before it, read from a bitmap and per-word ranks; a repeat's id
 * is kept in a compact array in the order repeats come (ids past 65,534 in a map).
 */
class IdMap {
  private firstBits = new Uint32Array(32);
  /** per 32-bit word of firstBits: the first occurrences before it */
  private ranks = new Uint32Array(32);
  private repeats = new Uint16Array(1024);
  private readonly farRepeats = new Map<number, number>();
  private n = 0;
  private firsts = 0;

  push(id: number, first: boolean): void {
    const w = this.n >>> 5;
    if (w === this.firstBits.length) {
      this.firstBits = grow(this.firstBits, Math.ceil(w * 1.5));
      this.ranks = grow(this.ranks, this.firstBits.length);
    }
    if ((this.n & 31) === 0) this.ranks[w] = this.firsts;
    if (first) {
      this.firstBits[w] = this.firstBits[w]! | (1 << (this.n & 31));
      this.firsts++;
    } else {
      const r = this.n - this.firsts;
      if (r === this.repeats.length) this.repeats = grow(this.repeats, Math.ceil(r * 1.5));
      if (id < 0xffff) this.repeats[r] = id;
      else {
        this.repeats[r] = 0xffff;
        this.farRepeats.set(r, id);
      }
    }
    this.n++;
  }

  get(i: number): number {
    const w = i >>> 5;
    const word = this.firstBits[w]!;
    const before = this.ranks[w]! + popcount(word & ((1 << (i & 31)) - 1));
    if (word & (1 << (i & 31))) return before;
    const r = i - before;
    const id = this.repeats[r]!;
    return id !== 0xffff ? id : this.farRepeats.get(r)!;
  }

  seal(): void {
    this.firstBits = this.firstBits.slice(0, (this.n >>> 5) + 1);
    this.ranks = this.ranks.slice(0, this.firstBits.length);
    this.repeats = this.repeats.slice(0, this.n - this.firsts);
  }
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

function grow<T extends Int32Array | Uint32Array | Uint16Array>(a: T, size: number): T {
  const grown = new (a.constructor as new (n: number) => T)(size);
  grown.set(a.subarray(0, Math.min(a.length, size)));
  return grown;
}

/** code units of the string being decoded (a plain array: String.fromCharCode.apply is fastest on one) */
const units: number[] = new Array<number>(64).fill(0);

/**
 * UTF-8 bytes as text. Short runs (codes, names, dates: nearly every cell) are
 * decoded here, which costs far less than a call into the platform's decoder;
 * long ones, and anything that is not well-formed UTF-8, go to the decoder.
 */
export function utf8(b: Uint8Array, from: number, to: number): string {
  if (to - from <= 64) {
    let n = 0;
    let i = from;
    while (i < to) {
      const c = b[i]!;
      if (c < 0x80) {
        units[n++] = c;
        i++;
      } else if (c >= 0xe0 && c < 0xf0 && i + 2 < to) {
        const c1 = b[i + 1]!;
        const c2 = b[i + 2]!;
        const u = ((c & 0x0f) << 12) | ((c1 & 0x3f) << 6) | (c2 & 0x3f);
        if ((c1 & 0xc0) !== 0x80 || (c2 & 0xc0) !== 0x80 || u < 0x800 || (u >= 0xd800 && u <= 0xdfff)) break;
        units[n++] = u;
        i += 3;
      } else if (c >= 0xc2 && c < 0xe0 && i + 1 < to) {
        const c1 = b[i + 1]!;
        if ((c1 & 0xc0) !== 0x80) break;
        units[n++] = ((c & 0x1f) << 6) | (c1 & 0x3f);
        i += 2;
      } else break; // four-byte sequences and anything malformed: the decoder's job
    }
    if (i === to) {
      units.length = n;
      return String.fromCharCode.apply(null, units);
    }
  }
  try {
    return UTF8.decode(b.subarray(from, to));
  } catch {
    throw new XmlError('a string that is not valid UTF-8');
  }
}
