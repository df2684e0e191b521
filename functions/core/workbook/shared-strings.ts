// The shared-string table of a workbook, kept compact: UTF-8 bytes in blocks
// and an offset per string, decoded when a cell uses it. With one distinct
// string per row (batch ids) the table is what grows with the rows, so it holds
// bytes, not a JS string per entry (which costs several times more), and it
// never copies itself while growing (blocks are added, offsets presized from
// the count the part declares). Strings used more than once (categories,
// enterprise names) are kept decoded in a small direct-mapped cache and come
// back as the same string; the many used once (batch ids) are never cached, so
// they die young.
import { decodeOoxmlEscapes } from './cells';
import { issues, WorkbookError } from './guard';
import { normaliseInto, XmlError } from './xml';

const CACHE = 1 << 16;
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes are kept in blocks of this size, one continuous run of text across them. */
const BLOCK = 1 << 20;
/** Excel keeps a cell's text under 32,767 characters; a shared string past 1 MB is not one. */
const MAX_STRING = 1 << 20;
/** One absolute position is kept per this many strings; the others are found from their lengths. */
const ANCHOR = 16;

export class SharedStrings {
  private readonly blocks: Uint8Array[] = [];
  /** bytes written so far: the position of the next one */
  private used = 0;
  /** where the string being added starts */
  private start = 0;
  /** the last piece ended in a CR: a LF opening the next one is the same line end */
  private pendingCR = false;
  /** per string its length in bytes (255: see longer), per ANCHOR strings the position of the first */
  private lengths: Uint8Array = new Uint8Array(1 << 10);
  private anchors: Uint32Array = new Uint32Array(1 << 6);
  private readonly longer = new Map<number, number>();
  count = 0;
  private readonly cacheIndex = new Int32Array(CACHE).fill(-1);
  private readonly cacheText: string[] = new Array<string>(CACHE);
  /** one bit per string: used once already (it is cached from its second use on) */
  private usedOnce = new Uint8Array(0);
  /** a string that runs across two blocks is put together here */
  private joined = new Uint8Array(1 << 12);

  /** The count the part declares (<sst uniqueCount>): room made at once when plausible for its size. */
  expect(count: number, partBytes: number): void {
    // an entry takes 16 bytes of XML at least (<si><t></t></si>): a larger count is not believed
    if (Number.isInteger(count) && count > this.lengths.length && count <= partBytes / 16 + 1) {
      this.lengths = grow(this.lengths, count);
      this.anchors = grow(this.anchors, Math.ceil(count / ANCHOR) + 1);
    }
  }

  begin(): void {
    this.start = this.used;
    this.pendingCR = false;
  }

  /** Appends raw character data (see xml.ts flags) to the string begun last, decoded. */
  add(src: Uint8Array, from: number, to: number, flags: number): void {
    if (this.pendingCR && from < to && src[from] === 0x0a) from++;
    this.pendingCR = false;
    if (from >= to) return;
    // decoded text is never longer than its raw bytes (an entity is longer than its character)
    const room = BLOCK - (this.used % BLOCK);
    if (this.used - this.start + (to - from) > MAX_STRING) throw new WorkbookError(issues.tooLargeInside({ zh: 'sharedStrings.xml 中有一个字符串超过 1 MB', en: 'sharedStrings.xml: one string runs past 1 MB' }));
    if (this.blocks.length === 0 || (this.used % BLOCK === 0 && this.used / BLOCK === this.blocks.length)) this.blocks.push(new Uint8Array(BLOCK));
    if (to - from <= room) {
      this.used += normaliseInto(src, from, to, flags, this.blocks[this.blocks.length - 1]!, this.used % BLOCK) - (this.used % BLOCK);
    } else {
      // across the end of the block: decode aside, then copy over in two parts
      const tmp = new Uint8Array(to - from);
      const n = normaliseInto(src, from, to, flags, tmp, 0);
      this.put(tmp, n);
    }
    this.pendingCR = src[to - 1] === 0x0d;
  }

  private put(bytes: Uint8Array, n: number): void {
    let done = 0;
    while (done < n) {
      if (this.used % BLOCK === 0 && this.used / BLOCK === this.blocks.length) this.blocks.push(new Uint8Array(BLOCK));
      const at = this.used % BLOCK;
      const take = Math.min(n - done, BLOCK - at);
      this.blocks[this.blocks.length - 1]!.set(bytes.subarray(done, done + take), at);
      done += take;
      this.used += take;
    }
  }

  end(): void {
    const i = this.count++;
    if (i >= this.lengths.length) this.lengths = grow(this.lengths, Math.ceil(this.lengths.length * 1.5));
    if (i % ANCHOR === 0) {
      if (i / ANCHOR >= this.anchors.length) this.anchors = grow(this.anchors, Math.ceil(this.anchors.length * 1.5));
      this.anchors[i / ANCHOR] = this.start;
    }
    const length = this.used - this.start;
    this.lengths[i] = length < 255 ? length : 255;
    if (length >= 255) this.longer.set(i, length);
  }

  /** The table is complete: trim what was made room for. */
  seal(): void {
    const last = this.blocks.length - 1;
    if (last >= 0) this.blocks[last] = this.blocks[last]!.slice(0, this.used - last * BLOCK);
    this.lengths = this.lengths.slice(0, this.count);
    this.anchors = this.anchors.slice(0, Math.ceil(this.count / ANCHOR));
    this.usedOnce = new Uint8Array((this.count >> 3) + 1);
  }

  private lengthOf(i: number): number {
    const l = this.lengths[i]!;
    return l < 255 ? l : this.longer.get(i)!;
  }

  get(i: number): string {
    const slot = i & (CACHE - 1);
    if (this.cacheIndex[slot] === i) return this.cacheText[slot]!;
    let pos = this.anchors[(i / ANCHOR) | 0]!;
    for (let k = i - (i % ANCHOR); k < i; k++) pos += this.lengthOf(k);
    const length = this.lengthOf(i);
    const block = Math.floor(pos / BLOCK);
    const at = pos % BLOCK;
    let text: string;
    if (at + length <= BLOCK) text = utf8(this.blocks[block]!, at, at + length);
    else {
      // the rare string across two blocks
      if (this.joined.length < length) this.joined = new Uint8Array(length);
      const first = BLOCK - at;
      this.joined.set(this.blocks[block]!.subarray(at), 0);
      this.joined.set(this.blocks[block + 1]!.subarray(0, length - first), first);
      text = utf8(this.joined, 0, length);
    }
    text = decodeOoxmlEscapes(text);
    const bit = 1 << (i & 7);
    if (this.usedOnce[i >> 3]! & bit) {
      this.cacheIndex[slot] = i;
      this.cacheText[slot] = text;
    } else this.usedOnce[i >> 3] = this.usedOnce[i >> 3]! | bit;
    return text;
  }
}

function grow<T extends Uint8Array | Uint32Array>(a: T, size: number): T {
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
