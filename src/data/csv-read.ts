/**
 * The one CSV reader: streams a CSV (or .csv.gz) file into columnar typed arrays without ever holding
 * the file as a string or rows as objects.
 *
 * Two paths share one contract. The fast path scans bytes and parses numbers in place (files written by
 * bidfcl and most exports have no quotes). The first double quote sends the file to csv-parse, the
 * reference for quoting rules and error positions. Both report problems as DataError with file:line and
 * the column name. Line numbers are 1-based file lines: the header is line 1.
 *
 * Memory: the columns' final size plus one read chunk; capacity is preallocated from the file size, so
 * plain files are not copied while growing. `streamCsvColumns` hands the same columns over in chunks of a
 * fixed number of rows instead, so files larger than memory (Criteo: 14M rows) pass in bounded memory.
 */
import { parse } from 'csv-parse';
import { DataError, didYouMean } from '../errors.js';
import { TextColumn } from './text-column.js';
import { parseNumber } from './parse-number.js';
import { openSource, openStream } from './byte-source.js';

export type ColumnKind = 'f32' | 'f64' | 'i32' | 'text';
export interface ColumnRequest {
  name: string;
  kind: ColumnKind;
  /** Default true: a missing required column is a DataError naming the file and a close header. */
  required?: boolean;
  /** Store this f32 column in the named row-major matrix (columns in request order) instead. */
  matrix?: string;
  /** Extra per-value check for numeric columns: returns a problem description, or null when fine. */
  check?: (value: number) => string | null;
}
/** Requests, or a function choosing them once the header is known (e.g. features by pattern). */
export type Requests = ColumnRequest[] | ((header: string[]) => ColumnRequest[]);
export type ColumnData = Float32Array | Float64Array | Int32Array | TextColumn;
export interface CsvColumns {
  file: string;
  rows: number;
  header: string[];
  /** Requested columns that were present, by name. */
  columns: Map<string, ColumnData>;
  /** Row-major matrices assembled from columns requested with `matrix`. */
  matrices: Map<string, { data: Float32Array; columns: string[] }>;
  /** Header columns that were not requested (ignored). */
  extra: string[];
}
export interface ReadOptions {
  /** Called now and then with rows and bytes read so far (for progress bars). */
  onProgress?: (rows: number, bytes: number, totalBytes: number) => void;
}

const KIND_CODE: Record<ColumnKind, number> = { f32: 1, f64: 2, i32: 3, text: 4 };
const COMMA = 44;
const LF = 10;
const CR = 13;
const QUOTE = 34;

type Storage = Float32Array | Float64Array | Int32Array | TextColumn;

function alloc(kind: number, n: number): Storage {
  return kind === 1 ? new Float32Array(n) : kind === 2 ? new Float64Array(n) : kind === 3 ? new Int32Array(n) : new TextColumn(n);
}

/**
 * Growable storage for one column, or for a row-major matrix shared by several columns (`stride` > 1),
 * so features land in their final layout without a second copy. Capacity starts at an estimate of the
 * row count.
 */
class Store {
  data: Storage;
  constructor(
    readonly kind: number,
    readonly stride: number,
    capacityRows: number,
  ) {
    this.data = alloc(kind, capacityRows * stride);
  }
  /** Fresh storage after a chunk was handed over (the consumer may keep the old arrays). */
  reset(capacityRows: number): void {
    this.data = alloc(this.kind, capacityRows * this.stride);
  }
  ensure(rows: number): void {
    if (this.data instanceof TextColumn || rows * this.stride <= this.data.length) return;
    const grown = alloc(this.kind, (Math.ceil(rows * 1.5) + 1024) * this.stride) as Float64Array;
    grown.set(this.data as Float64Array);
    this.data = grown;
  }
  finish(rows: number): Storage {
    if (this.data instanceof TextColumn) return this.data.trim();
    const used = rows * this.stride;
    // A view keeps at most 5% slack alive; copying would briefly double the column instead.
    return this.data.length <= used * 1.05 + 1024 ? this.data.subarray(0, used) : this.data.slice(0, used);
  }
}

/** Where one CSV field goes: a store and the offset within its row. */
class Sink {
  constructor(
    readonly name: string,
    readonly kind: number,
    readonly store: Store,
    readonly offset: number,
    readonly check?: (value: number) => string | null,
  ) {}
}

/** Thrown inside the fast path when the file needs the full CSV grammar. */
class NeedsFullParser extends Error {}

/** Parses the header line (may contain quotes) with csv-parse. */
async function parseHeaderLine(line: string): Promise<string[]> {
  const records: string[][] = [];
  for await (const rec of parse(line, { bom: true, trim: true })) records.push(rec as string[]);
  return records[0] ?? [];
}

function badValue(file: string, line: number, column: string, text: string, kind: number): DataError {
  const t = text.trim();
  const shown = t.length > 40 ? t.slice(0, 40) + '…' : t;
  const where = { file, line, column };
  if (t === '') return new DataError('empty value where a number is required', where);
  const asNumber = Number(t);
  if (/^[+-]?(nan|inf|infinity)$/i.test(t) || asNumber === Infinity || asNumber === -Infinity)
    return new DataError(`"${shown}" is not a finite number`, where);
  if (kind === 3 && Number.isFinite(asNumber)) return new DataError(`"${shown}" is not an integer`, where);
  return new DataError(`"${shown}" is not a number`, where);
}

/**
 * Streams `file` and returns the requested columns as typed arrays (f32/f64/i32) or strings (text).
 * Throws DataError for: unreadable file, empty file or no data rows, a missing required column (with a
 * "did you mean"), a row with the wrong number of fields, and a non-numeric, empty or non-finite value
 * (file:line and column). Unrequested columns are skipped and listed in `extra`.
 */
export async function readCsvColumns(
  file: string,
  requests: Requests,
  opts: ReadOptions = {},
): Promise<CsvColumns> {
  try {
    return await readFast(file, requests, opts, null);
  } catch (e) {
    if (e instanceof NeedsFullParser) return readWithCsvParse(file, requests, opts, null);
    throw e;
  }
}

/** Chunked delivery: `onChunk` gets every `rows` rows (the last chunk may be shorter). */
interface Chunking {
  rows: number;
  onChunk: (chunk: CsvColumns) => void | Promise<void>;
  /** Rows already handed over, so a switch to the full parser mid-file does not repeat them. */
  emitted: number;
}

/**
 * Streams `file` like readCsvColumns but hands the columns to `onChunk` every `chunkRows` rows, in file
 * order, and awaits it before reading on; each chunk's arrays are fresh, so the consumer may keep them.
 * Same validation and errors (file:line, column) as readCsvColumns. Returns the total rows and the header.
 */
export async function streamCsvColumns(
  file: string,
  requests: Requests,
  chunkRows: number,
  onChunk: (chunk: CsvColumns) => void | Promise<void>,
  opts: ReadOptions = {},
): Promise<{ rows: number; header: string[]; extra: string[] }> {
  if (!Number.isInteger(chunkRows) || chunkRows < 1) throw new RangeError(`chunkRows must be a positive integer, got ${chunkRows}`);
  const chunking: Chunking = { rows: chunkRows, onChunk, emitted: 0 };
  let result: CsvColumns;
  try {
    result = await readFast(file, requests, opts, chunking);
  } catch (e) {
    if (!(e instanceof NeedsFullParser)) throw e;
    result = await readWithCsvParse(file, requests, opts, chunking);
  }
  return { rows: result.rows, header: result.header, extra: result.extra };
}

interface Plan {
  header: string[];
  sinks: (Sink | null)[];
  stores: Store[];
  columns: Map<string, Store>;
  matrices: Map<string, { store: Store; columns: string[] }>;
  extra: string[];
}

function planColumns(file: string, header: string[], requested: Requests, capacity: number): Plan {
  if (header.length === 0 || (header.length === 1 && header[0] === '')) {
    throw new DataError('file is empty (no header line)', { file, line: 1 });
  }
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    if (index.has(h)) throw new DataError(`duplicate column "${h}" in the header`, { file, line: 1 });
    index.set(h, i);
  });
  const requests = typeof requested === 'function' ? requested(header) : requested;
  const present = requests.filter((r) => {
    if (index.has(r.name) || r.required === false) return true;
    throw new DataError(`missing column "${r.name}"${didYouMean(r.name, header)}`, { file, line: 1 });
  }).filter((r) => index.has(r.name));
  const sinks: (Sink | null)[] = header.map(() => null);
  const columns = new Map<string, Store>();
  const matrices = new Map<string, { store: Store; columns: string[] }>();
  for (const r of present) {
    if (r.matrix === undefined) {
      const store = new Store(KIND_CODE[r.kind], 1, capacity);
      sinks[index.get(r.name)!] = new Sink(r.name, KIND_CODE[r.kind], store, 0, r.check);
      columns.set(r.name, store);
      continue;
    }
    if (!matrices.has(r.matrix)) {
      const names = present.filter((q) => q.matrix === r.matrix).map((q) => q.name);
      matrices.set(r.matrix, { store: new Store(KIND_CODE.f32, names.length, capacity), columns: names });
    }
    const m = matrices.get(r.matrix)!;
    sinks[index.get(r.name)!] = new Sink(r.name, KIND_CODE.f32, m.store, m.columns.indexOf(r.name), r.check);
  }
  const used = new Set(present.map((r) => r.name));
  const extra = header.filter((h) => !used.has(h));
  const stores = [...columns.values(), ...[...matrices.values()].map((m) => m.store)];
  return { header, sinks, stores, columns, matrices, extra };
}

function finish(file: string, plan: Plan, rows: number): CsvColumns {
  if (rows === 0) throw new DataError('file has a header but no data rows', { file, line: 2 });
  return collect(file, plan, rows);
}

/** The stores' first `rows` rows as columns and matrices. */
function collect(file: string, plan: Plan, rows: number): CsvColumns {
  const columns = new Map<string, ColumnData>();
  for (const [name, store] of plan.columns) columns.set(name, store.finish(rows));
  const matrices = new Map<string, { data: Float32Array; columns: string[] }>();
  for (const [name, m] of plan.matrices) matrices.set(name, { data: m.store.finish(rows) as Float32Array, columns: m.columns });
  return { file, rows, header: plan.header, columns, matrices, extra: plan.extra };
}

/**
 * The fast path. One reusable work buffer holds the unfinished line plus the next block, so reading
 * allocates nothing per block (a 1M-row file would otherwise churn hundreds of MB of short-lived Buffers).
 */
async function readFast(file: string, requests: Requests, opts: ReadOptions, chunking: Chunking | null): Promise<CsvColumns> {
  const source = await openSource(file);
  let work = new Uint8Array(4 << 20);
  let have = 0;
  let plan: Plan | null = null;
  let line = 1;
  let rows = 0;
  // Rows handed over in earlier chunks: storage index = rows − base.
  let base = 0;
  let bytes = 0;
  let nFields = 0;
  let kinds = new Int8Array(0);
  let eof = false;
  const grow = (size: number): void => {
    const bigger = new Uint8Array(size);
    bigger.set(work);
    work = bigger;
  };
  try {
    while (!eof) {
      if (have === work.length) grow(work.length * 2);
      const n = await source.read(work, have, work.length - have);
      bytes += n;
      have += n;
      if (n === 0) {
        eof = true;
        // A last line without a newline: terminate it so the loop below sees it.
        if (have > 0 && work[have - 1] !== LF) {
          if (have === work.length) grow(work.length + 1);
          work[have++] = LF;
        }
      }
      const buf = work.subarray(0, have);
      let pos = 0;
      if (plan === null) {
        const nl = buf.indexOf(LF);
        if (nl < 0) continue;
        const header = await parseHeaderLine(Buffer.from(buf.buffer, buf.byteOffset, nl).toString('utf8'));
        const estimate = chunking
          ? chunking.rows
          : file.endsWith('.gz')
            ? 1024
            : Math.ceil((source.totalBytes / Math.max(1, averageLine(buf, nl + 1))) * 1.02) + 64;
        plan = planColumns(file, header, requests, estimate);
        nFields = header.length;
        kinds = Int8Array.from(plan.sinks, (sk) => (sk ? sk.kind : 0));
        pos = nl + 1;
        line = 2;
      }
      const sinks = plan.sinks;
      const stores = plan.stores;
      for (;;) {
        const nl = buf.indexOf(LF, pos);
        if (nl < 0) break;
        let end = nl;
        if (end > pos && buf[end - 1] === CR) end--;
        if (end > pos) {
          const at = rows - base;
          for (const st of stores) st.ensure(at + 1);
          let f = 0;
          let start = pos;
          for (let i = pos; i <= end; i++) {
            const b = i < end ? buf[i] : COMMA;
            if (b === QUOTE) throw new NeedsFullParser();
            if (b !== COMMA) continue;
            if (f >= nFields) throw fieldCountError(file, line, nFields, countFields(buf, pos, end));
            const k = kinds[f];
            if (k !== 0) storeField(file, line, sinks[f]!, k, buf, start, i, at);
            f++;
            start = i + 1;
          }
          if (f !== nFields) throw fieldCountError(file, line, nFields, f);
          rows++;
          if (chunking && rows - base === chunking.rows) base = await handOver(file, plan, chunking, rows, base);
        }
        line++;
        pos = nl + 1;
      }
      work.copyWithin(0, pos, have);
      have -= pos;
      opts.onProgress?.(rows, bytes, source.totalBytes);
    }
  } finally {
    await source.close();
  }
  if (plan === null) throw new DataError('file is empty (no header line)', { file, line: 1 });
  return chunking ? finishChunks(file, plan, chunking, rows, base) : finish(file, plan, rows);
}

/** Hands rows base..rows−1 to the consumer and starts fresh stores; returns the new base. */
async function handOver(file: string, plan: Plan, chunking: Chunking, rows: number, base: number): Promise<number> {
  await chunking.onChunk(collect(file, plan, rows - base));
  for (const st of plan.stores) st.reset(chunking.rows);
  chunking.emitted = rows;
  return rows;
}

/** The last, partial chunk; the result carries the totals and no column data. */
async function finishChunks(file: string, plan: Plan, chunking: Chunking, rows: number, base: number): Promise<CsvColumns> {
  if (rows === 0) throw new DataError('file has a header but no data rows', { file, line: 2 });
  if (rows > base) await handOver(file, plan, chunking, rows, base);
  return { file, rows, header: plan.header, columns: new Map(), matrices: new Map(), extra: plan.extra };
}

function averageLine(buf: Uint8Array, from: number): number {
  let count = 0;
  let pos = from;
  while (count < 200) {
    const nl = buf.indexOf(LF, pos);
    if (nl < 0) break;
    count++;
    pos = nl + 1;
  }
  return count > 0 ? (pos - from) / count : 64;
}

function countFields(buf: Uint8Array, s: number, e: number): number {
  let n = 1;
  for (let i = s; i < e; i++) if (buf[i] === COMMA) n++;
  return n;
}

function fieldCountError(file: string, line: number, expected: number, found: number): DataError {
  return new DataError(`expected ${expected} fields (as in the header), found ${found}`, { file, line });
}

function storeField(file: string, line: number, sink: Sink, kind: number, buf: Uint8Array, s: number, e: number, row: number): void {
  if (kind === 4) {
    (sink.store.data as TextColumn).pushBytes(buf, s, e);
    return;
  }
  const v = parseNumber(buf, s, e);
  if (!Number.isFinite(v) || (kind === 3 && !Number.isInteger(v))) {
    throw badValue(file, line, sink.name, Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString('utf8'), kind);
  }
  if (sink.check) checkValue(file, line, sink, v);
  (sink.store.data as Float64Array)[row * sink.store.stride + sink.offset] = v;
}

function checkValue(file: string, line: number, sink: Sink, v: number): void {
  const problem = sink.check!(v);
  if (problem !== null) throw new DataError(problem, { file, line, column: sink.name });
}

/** The reference path: csv-parse's full grammar (quotes, embedded commas and newlines). */
async function readWithCsvParse(file: string, requests: Requests, opts: ReadOptions, chunking: Chunking | null): Promise<CsvColumns> {
  const { stream, totalBytes } = openStream(file);
  const parser = stream.pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let plan: Plan | null = null;
  let rows = 0;
  // Rows the fast path already handed over are parsed again but not stored.
  const skip = chunking?.emitted ?? 0;
  let base = skip;
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = item;
      if (plan === null) {
        plan = planColumns(file, record.map((h) => h.trim()), requests, chunking ? chunking.rows : 1024);
        continue;
      }
      if (record.length !== plan.header.length) throw fieldCountError(file, info.lines, plan.header.length, record.length);
      if (rows < skip) {
        rows++;
        continue;
      }
      const at = rows - base;
      for (let f = 0; f < record.length; f++) {
        const sink = plan.sinks[f];
        if (!sink) continue;
        sink.store.ensure(at + 1);
        const text = record[f];
        if (sink.kind === 4) {
          (sink.store.data as TextColumn).push(text);
          continue;
        }
        const bytes = Buffer.from(text, 'utf8');
        const v = parseNumber(bytes, 0, bytes.length);
        if (!Number.isFinite(v) || (sink.kind === 3 && !Number.isInteger(v))) throw badValue(file, info.lines, sink.name, text, sink.kind);
        if (sink.check) checkValue(file, info.lines, sink, v);
        (sink.store.data as Float64Array)[at * sink.store.stride + sink.offset] = v;
      }
      rows++;
      if (chunking && rows - base === chunking.rows) base = await handOver(file, plan, chunking, rows, base);
      if ((rows & 0xffff) === 0) opts.onProgress?.(rows, 0, totalBytes);
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    const err = e as { message?: string; lines?: number };
    throw new DataError(`malformed CSV: ${(err.message ?? String(e)).split('\n')[0]}`, { file, line: err.lines });
  } finally {
    stream.destroy();
  }
  if (plan === null) throw new DataError('file is empty (no header line)', { file, line: 1 });
  return chunking ? finishChunks(file, plan, chunking, rows, base) : finish(file, plan, rows);
}
