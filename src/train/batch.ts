/**
 * Mini-batch rows gathered out of a TrainSet, and what every decision loss needs from them: IPW unit
 * weights and λ* per training budget from Algorithm A on the batch's own predictions. Shared by the
 * single-level step (objectives.ts) and the bi-level upper and lower levels.
 */
import { bisectionEps } from '../metrics/policy.js';
import { algorithmA } from '../solver/bisection.js';
import type { TrainSet } from './prepare.js';

/** Gathered rows; only the first `n` entries are valid (buffers may be reused across batches). */
export interface BatchRows {
  n: number;
  /** n×d standardised features. */
  x: Float32Array;
  t: Int32Array;
  r: Float32Array;
  c: Float32Array;
  w: Float32Array;
  invP: Float32Array;
}

/** Buffers for batches of up to `maxRows` rows of `d` features. */
export function allocBatchRows(d: number, maxRows: number): BatchRows {
  return {
    n: 0,
    x: new Float32Array(maxRows * d),
    t: new Int32Array(maxRows),
    r: new Float32Array(maxRows),
    c: new Float32Array(maxRows),
    w: new Float32Array(maxRows),
    invP: new Float32Array(maxRows),
  };
}

/** Copies the rows `idx` of `set` into `into` (fresh buffers of the exact size by default). */
export function gatherRows(set: TrainSet, idx: Uint32Array, into: BatchRows = allocBatchRows(set.d, idx.length)): BatchRows {
  const d = set.d;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    into.x.set(set.x.subarray(i * d, i * d + d), k * d);
    into.t[k] = set.t[i];
    into.r[k] = set.r[i];
    into.c[k] = set.c[i];
    into.w[k] = set.w[i];
    into.invP[k] = set.invP[i];
  }
  into.n = idx.length;
  return into;
}

/** IPW unit weights u_i = 1/(n·p_i) of the gathered rows. */
export function unitWeights(rows: BatchRows): Float32Array {
  const u = new Float32Array(rows.n);
  for (let i = 0; i < rows.n; i++) u[i] = rows.invP[i] / rows.n;
  return u;
}

/**
 * λ* of Algorithm A for each per-capita budget, on the batch's predictions r̂, ĉ (n×M, row-major) and its
 * logged rows, all in the network's scaled units.
 */
export function batchLambdas(rhat: Float32Array, chat: Float32Array, rows: BatchRows, budgets: readonly number[]): number[] {
  const n = rows.n;
  const p = new Float32Array(n);
  for (let i = 0; i < n; i++) p[i] = 1 / rows.invP[i];
  const scores = { n, m: rhat.length / n, rhat, chat };
  const logged = { t: rows.t.subarray(0, n), r: rows.r.subarray(0, n), c: rows.c.subarray(0, n), p };
  return budgets.map((b) => algorithmA(scores, logged, b, bisectionEps(b)).lambda);
}
