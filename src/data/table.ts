/**
 * Columnar tables of logged data: features (row-major Float32Array n×D), logged arm, factual revenue and
 * cost, optional logged propensity, optional ids, and optional true expected potential outcomes (n×M,
 * synthetic data only). One function maps a CSV through the config's column mapping and validates it.
 */
import { DataError } from '../errors.js';
import { readCsvColumns, type ColumnRequest, type ReadOptions } from './csv-read.js';
import type { TextColumn } from './text-column.js';

export interface ColumnMapping {
  features: string | string[];
  arm: string;
  revenue: string;
  cost: string;
  propensity: string;
  id: string;
  true_revenue: string;
  true_cost: string;
}

export const DEFAULT_COLUMNS: ColumnMapping = {
  features: 'f*',
  arm: 't',
  revenue: 'r',
  cost: 'c',
  propensity: 'p',
  id: 'id',
  true_revenue: 'r_',
  true_cost: 'c_',
};

export interface DataTable {
  file: string;
  n: number;
  d: number;
  arms: number;
  featureNames: string[];
  /** n×d, row-major. */
  x: Float32Array;
  t: Int32Array;
  r: Float64Array;
  c: Float64Array;
  /** Logged propensity of the logged arm, when the file has the column. */
  p?: Float64Array;
  id?: TextColumn;
  /** True expected revenue / cost of every arm, n×M row-major, when the file carries them. */
  trueR?: Float64Array;
  trueC?: Float64Array;
  /** Header columns that were not used. */
  extra: string[];
}

export interface LoadOptions extends ReadOptions {
  /** Also read the id column (predict / allocate outputs). */
  withId?: boolean;
  /** Only features (and id): for scoring files without outcomes. */
  featuresOnly?: boolean;
}

/** Names of the feature columns: an explicit list, or a pattern where `*` matches digits. */
export function featureColumns(spec: string | string[], header: string[]): string[] {
  if (Array.isArray(spec)) return spec;
  const re = new RegExp('^' + spec.split('*').map(escapeRegex).join('\\d+') + '$');
  return header.filter((h) => re.test(h));
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Reads one split. Throws DataError (file:line, column) for anything the CSV reader rejects, an arm
 * outside 0..M-1, a negative cost, a propensity outside (0, 1], or no feature column.
 */
export async function loadTable(file: string, arms: number, columns: ColumnMapping, opts: LoadOptions = {}): Promise<DataTable> {
  let featureNames: string[] = [];
  let hasTruth = false;
  const truthNames = (prefix: string): string[] => Array.from({ length: arms }, (_, j) => `${prefix}${j}`);
  const requests = (header: string[]): ColumnRequest[] => {
    featureNames = featureColumns(columns.features, header);
    if (featureNames.length === 0) {
      throw new DataError(`no feature columns match ${JSON.stringify(columns.features)}`, { file, line: 1 });
    }
    const req: ColumnRequest[] = featureNames.map((name) => ({ name, kind: 'f32', matrix: 'x' }));
    if (opts.withId) req.push({ name: columns.id, kind: 'text', required: false });
    if (opts.featuresOnly) return req;
    req.push(
      {
        name: columns.arm,
        kind: 'i32',
        check: (v) => (v < 0 || v >= arms ? `arm ${v} is outside 0..${arms - 1} (data.arms is ${arms})` : null),
      },
      { name: columns.revenue, kind: 'f64' },
      { name: columns.cost, kind: 'f64', check: (v) => (v < 0 ? `negative cost ${v}` : null) },
      {
        name: columns.propensity,
        kind: 'f64',
        required: false,
        check: (v) => (v <= 0 || v > 1 ? `propensity ${v} is outside (0, 1]` : null),
      },
    );
    const tr = truthNames(columns.true_revenue);
    const tc = truthNames(columns.true_cost);
    hasTruth = [...tr, ...tc].every((h) => header.includes(h));
    if (hasTruth) for (const name of [...tr, ...tc]) req.push({ name, kind: 'f64' });
    return req;
  };
  const raw = await readCsvColumns(file, requests, opts);
  const n = raw.rows;
  const d = featureNames.length;
  const x = raw.matrices.get('x')!.data;
  const interleave = (prefix: string): Float64Array => {
    const out = new Float64Array(n * arms);
    truthNames(prefix).forEach((name, j) => {
      const col = raw.columns.get(name) as Float64Array;
      for (let i = 0; i < n; i++) out[i * arms + j] = col[i];
    });
    return out;
  };
  const table: DataTable = {
    file,
    n,
    d,
    arms,
    featureNames,
    x,
    t: (raw.columns.get(columns.arm) as Int32Array | undefined) ?? new Int32Array(n),
    r: (raw.columns.get(columns.revenue) as Float64Array | undefined) ?? new Float64Array(n),
    c: (raw.columns.get(columns.cost) as Float64Array | undefined) ?? new Float64Array(n),
    p: raw.columns.get(columns.propensity) as Float64Array | undefined,
    id: raw.columns.get(columns.id) as TextColumn | undefined,
    extra: raw.extra,
  };
  if (hasTruth) {
    table.trueR = interleave(columns.true_revenue);
    table.trueC = interleave(columns.true_cost);
  }
  return table;
}

/** Rows per arm. */
export function armCounts(t: Int32Array, arms: number): Float64Array {
  const counts = new Float64Array(arms);
  for (let i = 0; i < t.length; i++) counts[t[i]]++;
  return counts;
}

/** An RCT split must log every arm at least once (propensities and IPW estimates need it). */
export function requireAllArms(table: DataTable): void {
  const counts = armCounts(table.t, table.arms);
  for (let j = 0; j < table.arms; j++) {
    if (counts[j] === 0) throw new DataError(`arm ${j} has no rows in this RCT split (every arm needs rows for IPW estimates)`, { file: table.file });
  }
}
