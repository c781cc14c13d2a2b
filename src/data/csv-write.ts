import { AtomicWriter } from './atomic.js';

/** Quotes a CSV cell only when it needs it (comma, quote, newline). */
export function csvCell(v: string | number): string {
  if (typeof v === 'number') return formatNumber(v);
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Shortest text that parses back to the same float32 value when `float32` is set (features, predictions),
 * else the shortest round-trip text of the float64 value. Integers print without a decimal point.
 */
export function formatNumber(v: number, float32 = false): string {
  if (Number.isInteger(v)) return String(v);
  if (!float32) return String(v);
  const f = Math.fround(v);
  for (let p = 6; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

/**
 * Streams a CSV file row by row and publishes it atomically (temporary file + rename on `close`).
 * Rows must have as many cells as the header.
 */
export class CsvWriter {
  private constructor(
    private readonly out: AtomicWriter,
    readonly header: readonly string[],
  ) {}

  static async open(path: string, header: readonly string[]): Promise<CsvWriter> {
    const out = await AtomicWriter.open(path);
    const w = new CsvWriter(out, header);
    await out.write(header.map(csvCell).join(',') + '\n');
    return w;
  }

  get path(): string {
    return this.out.path;
  }

  /** Writes one row of already formatted or raw cells. */
  async row(cells: readonly (string | number)[]): Promise<void> {
    if (cells.length !== this.header.length) {
      throw new Error(`CsvWriter: row has ${cells.length} cells, header has ${this.header.length}`);
    }
    await this.out.write(cells.map(csvCell).join(',') + '\n');
  }

  /** Writes pre-joined CSV text (one or more complete lines), for hot loops that format themselves. */
  async raw(lines: string): Promise<void> {
    await this.out.write(lines);
  }

  async close(): Promise<void> {
    await this.out.commit();
  }

  async abort(): Promise<void> {
    await this.out.abort();
  }
}
