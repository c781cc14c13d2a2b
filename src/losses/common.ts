/**
 * Shared pieces of the losses (method.md §4): batch tensors, IPW unit weights, decision scores
 * a = r̂ − λĉ, the logged arm's column, the λ list, and the true decision loss on the CPU.
 *
 * Shapes: n rows, M arms. Predictions r̂, ĉ are [n, M] tensors; per-row quantities are [n].
 */
import { tf } from '../backend/index.js';
import { softmax } from '../nn/activations.js';

import type { Reward } from './names.js';

export { REWARDS, type Reward } from './names.js';

/** One λ* or a list of them (one per training budget level; primal losses average over the list). */
export type Lambdas = number | readonly number[];

/** Per-arm heads of a network, each [n, M]: predictions r̂, ĉ (Target, Teacher) or gates w^r, w^c (bridge). */
export interface Heads {
  r: tf.Tensor2D;
  c: tf.Tensor2D;
}

/** Logged rows as tensors: what every loss needs. */
export interface LoggedBatch {
  /** [n, M] one-hot of the logged arm t_i. */
  onehot: tf.Tensor2D;
  /** [n] factual revenue r_i = r_{i,t_i}. */
  r: tf.Tensor1D;
  /** [n] factual cost c_i = c_{i,t_i}. */
  c: tf.Tensor1D;
}

/** RCT rows for the decision losses: tensors plus the same values on the CPU (PIFD's frozen d). */
export interface RctBatch extends LoggedBatch {
  /** [n] IPW unit weights u_i = 1/(n·p_{t_i}). */
  u: tf.Tensor1D;
  host: { t: Int32Array; r: Float32Array; c: Float32Array; u: Float32Array; arms: number };
}

/** Row-major n×M one-hot of the arms t (each in 0..M−1). */
export function oneHotRows(t: ArrayLike<number>, arms: number): Float32Array {
  const out = new Float32Array(t.length * arms);
  for (let i = 0; i < t.length; i++) {
    const a = t[i];
    if (!(Number.isInteger(a) && a >= 0 && a < arms)) throw new RangeError(`arm ${a} at row ${i} is outside 0..${arms - 1}`);
    out[i * arms + a] = 1;
  }
  return out;
}

/** Share of rows on each arm, p_t = N_t / N (Algorithm A's propensities for an RCT). */
export function armShares(t: ArrayLike<number>, arms: number): Float64Array {
  const p = new Float64Array(arms);
  for (let i = 0; i < t.length; i++) p[t[i]] += 1;
  for (let j = 0; j < arms; j++) p[j] /= Math.max(1, t.length);
  return p;
}

/**
 * IPW unit weights u_i = 1/(n·p_{t_i}) for a batch of n rows, from per-arm propensities p (length M,
 * each > 0). Σ_i u_i r_i is then the IPW estimate of per-capita revenue of "everyone gets their logged arm".
 */
export function ipwUnitWeights(t: ArrayLike<number>, propensity: ArrayLike<number>): Float32Array {
  const n = t.length;
  const u = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = propensity[t[i]];
    if (!(p > 0)) throw new RangeError(`propensity of arm ${t[i]} must be > 0, got ${p}`);
    u[i] = 1 / (n * p);
  }
  return u;
}

/** Tensors for a logged (e.g. OBS) batch. Create inside a tidy or dispose with `disposeBatch`. */
export function makeLoggedBatch(t: ArrayLike<number>, r: Float32Array, c: Float32Array, arms: number): LoggedBatch {
  const n = t.length;
  if (r.length !== n || c.length !== n) throw new RangeError(`batch: t, r, c must have the same length (${n}, ${r.length}, ${c.length})`);
  return { onehot: tf.tensor2d(oneHotRows(t, arms), [n, arms]), r: tf.tensor1d(r), c: tf.tensor1d(c) };
}

/** Tensors and host copies for an RCT batch with unit weights u (see ipwUnitWeights). */
export function makeRctBatch(t: ArrayLike<number>, r: Float32Array, c: Float32Array, u: Float32Array, arms: number): RctBatch {
  if (u.length !== t.length) throw new RangeError(`batch: u has ${u.length} entries for ${t.length} rows`);
  return {
    ...makeLoggedBatch(t, r, c, arms),
    u: tf.tensor1d(u),
    host: { t: Int32Array.from(t), r, c, u, arms },
  };
}

/** Disposes the tensors of a batch. */
export function disposeBatch(b: LoggedBatch | RctBatch): void {
  tf.dispose([b.onehot, b.r, b.c, ...('u' in b ? [b.u] : [])]);
}

/** Decision scores a = r̂ − λĉ, [n, M]. */
export function decisionScores(pred: Heads, lambda: number): tf.Tensor2D {
  return lambda === 0 ? pred.r : tf.sub(pred.r, tf.mul(lambda, pred.c));
}

/** Relaxed decisions z'_ij = softmax_j(a_ij / τ), [n, M], through the exact-gradient softmax. */
export function softDecisions(pred: Heads, lambda: number, tau: number): tf.Tensor2D {
  if (!(tau > 0)) throw new RangeError(`temperature τ must be > 0, got ${tau}`);
  return softmax(tf.div(decisionScores(pred, lambda), tau));
}

/** The logged arm's column x_{i,t_i}, [n], as Σ_j x_ij·onehot_ij (exact to any order of differentiation). */
export function loggedColumn(x: tf.Tensor2D, onehot: tf.Tensor2D): tf.Tensor1D {
  return tf.sum(tf.mul(x, onehot), 1);
}

/** λ values as a non-empty list; throws RangeError on a negative or non-finite λ. */
export function lambdaList(lambda: Lambdas): readonly number[] {
  const list = typeof lambda === 'number' ? [lambda] : lambda;
  if (list.length === 0) throw new RangeError('at least one λ is required');
  for (const l of list) if (!(Number.isFinite(l) && l >= 0)) throw new RangeError(`λ must be finite and ≥ 0, got ${l}`);
  return list;
}

/** Per-row reward weight g_i = u_i·r_i (revenue) or u_i·(r_i − λc_i) (lagrangian), on the CPU. */
export function rewardWeights(host: RctBatch['host'], reward: Reward, lambda: number): Float32Array {
  const g = new Float32Array(host.u.length);
  for (let i = 0; i < g.length; i++) g[i] = host.u[i] * (reward === 'revenue' ? host.r[i] : host.r[i] - lambda * host.c[i]);
  return g;
}

/** The same reward as a tensor, [n]. */
export function rewardTensor(batch: RctBatch, reward: Reward, lambda: number): tf.Tensor1D {
  const value = reward === 'revenue' ? batch.r : tf.sub(batch.r, tf.mul(lambda, batch.c));
  return tf.mul(batch.u, value);
}

/**
 * Decision of each row: π(i) = argmax_j a_ij, ties to the lower arm index (method.md §1).
 * `a` is row-major n×M.
 */
export function argmaxRows(a: ArrayLike<number>, n: number, arms: number): Int32Array {
  const pi = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < arms; j++) if (a[i * arms + j] > a[i * arms + best]) best = j;
    pi[i] = best;
  }
  return pi;
}

/**
 * The true (piecewise-constant) decision loss at fixed scores: L_DL = −Σ_i g_i·1[t_i = π(i)], with
 * g_i = u_i·r_i it is minus the IPW revenue of the policy (method.md §4). Pure CPU, float64.
 */
export function trueDecisionLoss(a: ArrayLike<number>, n: number, arms: number, t: ArrayLike<number>, g: ArrayLike<number>): number {
  const pi = argmaxRows(a, n, arms);
  let loss = 0;
  for (let i = 0; i < n; i++) if (pi[i] === t[i]) loss -= g[i];
  return loss;
}
