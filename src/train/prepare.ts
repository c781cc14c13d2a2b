/**
 * Training rows as the trainers consume them: standardised features, outcomes divided by their scale,
 * logged arms, per-row inverse propensities and the L_PL row weights. Pure TypeScript.
 */
import type { DataTable } from '../data/table.js';
import { fitScaler, transformRows, type Scaler } from '../nn/scaler.js';
import type { OutputScale } from '../nn/predictor.js';

export interface TrainSet {
  n: number;
  d: number;
  arms: number;
  /** n×d standardised features. */
  x: Float32Array;
  t: Int32Array;
  /** Revenue and cost divided by the output scale. */
  r: Float32Array;
  c: Float32Array;
  /** 1 / p_i: the logged propensity when the file has one, else 1 / (share of the row's arm in its table). */
  invP: Float32Array;
  /** Row weight of the prediction loss: 1/p_i on RCT rows (arms count equally), 1 on OBS rows. */
  w: Float32Array;
}

/**
 * Output scale of each outcome: its root mean square over the training rows (1 when all zero). Dividing by
 * it puts revenue and cost on a common, data-independent scale without shifting zero, so non-negative
 * outputs (softplus) stay meaningful.
 */
export function fitOutputScale(tables: readonly DataTable[]): OutputScale {
  const rms = (pick: (t: DataTable) => Float64Array): number => {
    let ss = 0;
    let n = 0;
    for (const t of tables) {
      const v = pick(t);
      for (let i = 0; i < v.length; i++) ss += v[i] * v[i];
      n += v.length;
    }
    const s = Math.sqrt(ss / Math.max(1, n));
    return s > 0 && Number.isFinite(s) ? s : 1;
  };
  return { revenue: rms((t) => t.r), cost: rms((t) => t.c) };
}

/** Feature scaler fitted on the concatenated training tables. */
export function fitFeatureScaler(tables: readonly DataTable[]): Scaler {
  if (tables.length === 1) return fitScaler(tables[0].x, tables[0].n, tables[0].d);
  const n = tables.reduce((s, t) => s + t.n, 0);
  const x = new Float32Array(n * tables[0].d);
  let o = 0;
  for (const t of tables) {
    x.set(t.x, o);
    o += t.x.length;
  }
  return fitScaler(x, n, tables[0].d);
}

/** Per-row inverse propensity of one table. */
function inversePropensity(table: DataTable): Float32Array {
  const inv = new Float32Array(table.n);
  if (table.p) {
    for (let i = 0; i < table.n; i++) inv[i] = 1 / table.p[i];
    return inv;
  }
  const counts = new Float64Array(table.arms);
  for (let i = 0; i < table.n; i++) counts[table.t[i]]++;
  for (let i = 0; i < table.n; i++) inv[i] = table.n / counts[table.t[i]];
  return inv;
}

/**
 * Concatenates tables into one TrainSet. `ipw[k]` says whether table k is randomised (its rows get
 * L_PL weight 1/p, so every arm counts equally) or observational (weight 1).
 */
export function buildTrainSet(tables: readonly DataTable[], ipw: readonly boolean[], scaler: Scaler, scale: OutputScale): TrainSet {
  const n = tables.reduce((s, t) => s + t.n, 0);
  const { d, arms } = tables[0];
  const set: TrainSet = {
    n,
    d,
    arms,
    x: new Float32Array(n * d),
    t: new Int32Array(n),
    r: new Float32Array(n),
    c: new Float32Array(n),
    invP: new Float32Array(n),
    w: new Float32Array(n),
  };
  let o = 0;
  tables.forEach((table, k) => {
    set.x.set(transformRows(scaler, table.x, table.n), o * d);
    set.t.set(table.t, o);
    const inv = inversePropensity(table);
    for (let i = 0; i < table.n; i++) {
      set.r[o + i] = table.r[i] / scale.revenue;
      set.c[o + i] = table.c[i] / scale.cost;
      set.invP[o + i] = inv[i];
      set.w[o + i] = ipw[k] ? inv[i] : 1;
    }
    o += table.n;
  });
  return set;
}
