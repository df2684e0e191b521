// Remembers the first occurrence of each key of a sheet (batch ids: one per row,
// so 500k of them in a large submission) in typed arrays: 12 bytes a slot
// instead of a Map entry holding the key's string, so memory stays flat as rows
// grow. Keys compare without regard to ASCII case (a hash of the folded key).
//
// Keys are told apart by a 63-bit hash (two independent 32-bit hashes, one made
// odd). A false "duplicate" needs a collision: about 1 in 10^8 for 500,000 keys.

// the two hashes of the key last hashed (no array per call: one key a row)
let hashA = 0;
let hashB = 0;

function hashes(key: string): void {
  // FNV-1a and a multiply-rotate hash with another seed, over UTF-16 code units
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c >= 65 && c <= 90) c |= 32; // keys compare without regard to ASCII case
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
  hashA = (a | 1) >>> 0;
  hashB = (b ^ key.length) >>> 0;
}

export class SeenKeys {
  // slots of three: hash high, hash low, value; a slot is empty while both halves
  // are 0 (hashes are made odd, so a key's never is). One array: a probe touches
  // one cache line.
  private table: Uint32Array;
  private capacity: number;
  private count = 0;
  /** keys room was made for by reserve() */
  private reserved = 0;

  /** Values are whole numbers below 2^32 (a row reference). */
  constructor(capacity = 1024) {
    this.capacity = capacity;
    this.table = new Uint32Array(capacity * 3);
  }

  /** How many keys are stored. */
  get size(): number {
    return this.count;
  }

  /** The slot of (h, l): where it is, or the free slot where it belongs. */
  private slot(h: number, l: number): number {
    const t = this.table;
    const size = this.capacity;
    // any capacity, not only powers of two: the hash scaled to the table (growth by half, not double)
    let i = Math.floor((((h ^ Math.imul(l, 0x9e3779b1)) >>> 0) * size) / 4294967296) * 3;
    const end = size * 3;
    for (;;) {
      const th = t[i]!;
      if (th === h ? t[i + 1] === l : th === 0 && t[i + 1] === 0) return i;
      i += 3;
      if (i === end) i = 0;
    }
  }

  get(key: string): number | undefined {
    hashes(key);
    const i = this.slot(hashA, hashB);
    return this.table[i] !== 0 ? this.table[i + 2] : undefined;
  }

  set(key: string, value: number): void {
    hashes(key);
    const i = this.claim(hashA, hashB); // first: claiming may grow the table
    this.table[i + 2] = value;
  }

  /** The value stored for the key; when there is none, stores `value` and returns undefined. One probe. */
  getOrSet(key: string, value: number): number | undefined {
    hashes(key);
    const before = this.count;
    const i = this.claim(hashA, hashB);
    if (this.count === before) return this.table[i + 2];
    this.table[i + 2] = value;
    return undefined;
  }

  /** Makes room for this many keys in all, so that the table does not grow (and copy) while they come. */
  reserve(keys: number): void {
    // sized once for all of them, the table may end fuller than one that grows: 90%
    // (linear probing then takes some five probes a key on average)
    const want = Math.ceil((keys * 10) / 9) + 2;
    if (want > this.capacity && keys <= 1 << 24) {
      const old = this.capacity;
      this.capacity = want;
      this.reserved = keys;
      this.rehashFrom(this.table, old);
    }
  }

  /** The key's slot, taken for it when it was free. */
  private claim(h: number, l: number): number {
    // at most 70% full while growing (linear probing stays short); up to 90% within a reservation
    if ((this.count + 1) * 10 > this.capacity * 7 && this.count >= this.reserved) this.grow();
    const i = this.slot(h, l);
    if (this.table[i] === 0) {
      this.table[i] = h;
      this.table[i + 1] = l;
      this.count++;
    }
    return i;
  }

  private grow(): void {
    const old = this.capacity;
    this.capacity = Math.ceil(this.capacity * 1.5);
    this.rehashFrom(this.table, old);
  }

  private rehashFrom(old: Uint32Array, oldCapacity: number): void {
    this.table = new Uint32Array(this.capacity * 3);
    for (let k = 0; k < oldCapacity * 3; k += 3) {
      if (old[k] === 0) continue;
      const j = this.slot(old[k]!, old[k + 1]!);
      this.table[j] = old[k]!;
      this.table[j + 1] = old[k + 1]!;
      this.table[j + 2] = old[k + 2]!;
    }
  }
}
