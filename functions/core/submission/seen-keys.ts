// Remembers the first occurrence of each key of a sheet (batch ids: one per row,
// so 500k of them in a large submission) in typed arrays: 16 bytes a key instead
// of a Map entry holding the key's string, so memory stays flat as rows grow.
//
// Keys are told apart by a 64-bit hash (two independent 32-bit hashes). A false
// "duplicate" needs a 64-bit collision: about 1 in 10^8 for 500,000 distinct keys.

function hashes(key: string): [number, number] {
  // FNV-1a and a multiply-rotate hash with another seed, over UTF-16 code units
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b = (b << 13) | (b >>> 19);
  }
  b = Math.imul(b ^ (b >>> 15), 0x2c1b3c6d);
  return [a >>> 0, (b ^ key.length) >>> 0];
}

export class SeenKeys {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private values: Float64Array;
  private used: Uint8Array;
  private count = 0;

  constructor(capacity = 1024) {
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  private slot(h: number, l: number): number {
    const mask = this.used.length - 1;
    let i = (h ^ Math.imul(l, 0x9e3779b1)) & mask;
    while (this.used[i] && (this.hi[i] !== h || this.lo[i] !== l)) i = (i + 1) & mask;
    return i;
  }

  get(key: string): number | undefined {
    const [h, l] = hashes(key);
    const i = this.slot(h, l);
    return this.used[i] ? this.values[i] : undefined;
  }

  set(key: string, value: number): void {
    const [h, l] = hashes(key);
    this.put(h, l, value);
  }

  private put(h: number, l: number, value: number): void {
    if ((this.count + 1) * 2 > this.used.length) this.grow();
    const i = this.slot(h, l);
    if (!this.used[i]) {
      this.used[i] = 1;
      this.hi[i] = h;
      this.lo[i] = l;
      this.count++;
    }
    this.values[i] = value;
  }

  private grow(): void {
    const { hi, lo, values, used } = this;
    const capacity = used.length * 2;
    this.hi = new Uint32Array(capacity);
    this.lo = new Uint32Array(capacity);
    this.values = new Float64Array(capacity);
    this.used = new Uint8Array(capacity);
    this.count = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.put(hi[i]!, lo[i]!, values[i]!);
  }
}
