/**
 * A column of text values packed into one UTF-8 byte buffer with end offsets: about the text's bytes
 * plus 4 per value, where an array of JS strings costs tens of bytes per value (10M ids: ~80 MB instead
 * of ~1 GB). Values are decoded on access.
 */
const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class TextColumn {
  private bytes: Uint8Array;
  private ends: Uint32Array;
  private used = 0;
  private count = 0;

  constructor(capacityValues = 1024, capacityBytes = capacityValues * 8) {
    this.bytes = new Uint8Array(Math.max(16, capacityBytes));
    this.ends = new Uint32Array(Math.max(4, capacityValues));
  }

  get length(): number {
    return this.count;
  }

  /** The i-th value. */
  get(i: number): string {
    const start = i === 0 ? 0 : this.ends[i - 1];
    return decoder.decode(this.bytes.subarray(start, this.ends[i]));
  }

  /** Appends the UTF-8 bytes src[s, e). */
  pushBytes(src: Uint8Array, s: number, e: number): void {
    this.reserve(e - s);
    this.bytes.set(src.subarray(s, e), this.used);
    this.used += e - s;
    this.ends[this.count++] = this.used;
  }

  push(value: string): void {
    const b = encoder.encode(value);
    this.pushBytes(b, 0, b.length);
  }

  private reserve(extra: number): void {
    if (this.used + extra > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.used + extra));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    if (this.count === this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    if (this.used + extra > 0xffffffff) throw new RangeError('text column larger than 4 GiB');
  }

  /** Releases unused capacity (copies only when more than a quarter is unused). */
  trim(): this {
    if (this.bytes.length > this.used * 1.25 + 1024) this.bytes = this.bytes.slice(0, this.used);
    if (this.ends.length > this.count * 1.25 + 1024) this.ends = this.ends.slice(0, this.count);
    return this;
  }

  static from(values: readonly string[]): TextColumn {
    const col = new TextColumn(values.length);
    for (const v of values) col.push(v);
    return col;
  }
}
