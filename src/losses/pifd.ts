/**
 * PIFD, the primal improved finite-difference loss (method.md §4). Keeps the true decision loss, estimates
 * its derivative w.r.t. the relaxed decisions z' by how far each row's score must move to flip its
 * decision, freezes that estimate d, and back-propagates through z'(θ) = softmax(a/τ).
 */
import { tf } from '../backend/index.js';
import {
  argmaxRows,
  decisionScores,
  lambdaList,
  rewardWeights,
  softDecisions,
  type Heads,
  type Lambdas,
  type RctBatch,
  type Reward,
} from './common.js';

export interface PifdOptions {
  /** λ* from the solver, or one λ* per training budget level (the loss is then averaged over them). */
  lambda: Lambdas;
  /** Softmax temperature τ > 0 of z'. */
  tau: number;
  /**
   * h_min > 0: every finite-difference step |h_ij| is clipped to at least h_min (sign kept), so a near-tie
   * cannot produce an exploding gradient (DFCL's released code uses a fixed 0.3 on its label scale).
   */
  hMin: number;
  /** 'revenue' (paper, default): g_i = u_i r_i; 'lagrangian': g_i = u_i (r_i − λ* c_i). */
  reward?: Reward;
}

/**
 * The frozen finite-difference estimate d = ∂(−L_DL)/∂z' (n×M row-major; −d is the gradient of L_DL).
 * a: scores r̂ − λĉ (n×M); t: logged arms; g_i: the row's contribution to the objective (u_i r_i).
 * With π(i) = argmax_j a_ij (ties to the lower index):
 *   matched (π(i) = t_i):  h_{i,t_i} = max_{j≠t_i} a_ij − a_{i,t_i} ≤ 0,  d_{i,t_i} = −g_i / h_{i,t_i};
 *                          for j ≠ t_i: h_ij = a_{i,t_i} − a_ij ≥ 0,      d_ij     = −g_i / h_ij
 *   mismatched (π(i) = j ≠ t_i): h_{i,t_i} = a_ij − a_{i,t_i} ≥ 0, h_ij = −h_{i,t_i},
 *                          d_{i,t_i} = g_i / h_{i,t_i},  d_ij = g_i / h_ij,  other arms 0.
 * Each h is the score change of that one entry at which the row's decision flips, so d_ij·h_ij is the
 * change in −L_DL across the flip (for the chosen arm of a mismatched row: when t_i is the runner-up).
 * |h| is clipped to at least hMin keeping the sign its case prescribes (a tie counts as that sign).
 */
export function pifdDirection(
  a: ArrayLike<number>,
  n: number,
  arms: number,
  t: ArrayLike<number>,
  g: ArrayLike<number>,
  hMin: number,
): Float32Array {
  if (!(hMin > 0)) throw new RangeError(`h_min must be > 0, got ${hMin}`);
  const pi = argmaxRows(a, n, arms);
  const d = new Float32Array(n * arms);
  // h with its case's sign, magnitude at least hMin.
  const clip = (h: number, sign: 1 | -1): number => sign * Math.max(Math.abs(h), hMin);
  for (let i = 0; i < n; i++) {
    const o = i * arms;
    const ti = t[i];
    const gi = g[i];
    if (gi === 0) continue;
    if (pi[i] === ti) {
      let bestOther = -Infinity;
      for (let j = 0; j < arms; j++) if (j !== ti && a[o + j] > bestOther) bestOther = a[o + j];
      d[o + ti] = -gi / clip(bestOther - a[o + ti], -1);
      for (let j = 0; j < arms; j++) if (j !== ti) d[o + j] = -gi / clip(a[o + ti] - a[o + j], 1);
    } else {
      const h = clip(a[o + pi[i]] - a[o + ti], 1);
      d[o + ti] = gi / h;
      d[o + pi[i]] = gi / -h;
    }
  }
  return d;
}

/**
 * One λ: Σ_i Σ_j stop_gradient(−d_ij) · z'_ij(θ), z' = softmax((r̂ − λĉ)/τ), d from pifdDirection with
 * g_i = u_i·r_i or u_i·(r_i − λc_i). pred r̂, ĉ [n, M]. Scalar. Reads the scores back to the CPU once.
 */
export function pifdTerm(pred: Heads, batch: RctBatch, lambda: number, tau: number, hMin: number, reward: Reward): tf.Scalar {
  return tf.tidy(() => {
    const [n, arms] = pred.r.shape;
    const a = decisionScores(pred, lambda).dataSync();
    const d = pifdDirection(a, n, arms, batch.host.t, rewardWeights(batch.host, reward, lambda), hMin);
    for (let k = 0; k < d.length; k++) d[k] = -d[k];
    return tf.sum(tf.mul(tf.tensor2d(d, [n, arms]), softDecisions(pred, lambda, tau)));
  });
}

/** L_PIFD = Σ_i Σ_j stop_gradient(−d_ij) · z'_ij(θ), averaged over the λ* list. Scalar. */
export function pifdLoss(pred: Heads, batch: RctBatch, opts: PifdOptions): tf.Scalar {
  const lambdas = lambdaList(opts.lambda);
  return tf.tidy(() => {
    const terms = lambdas.map((l) => pifdTerm(pred, batch, l, opts.tau, opts.hMin, opts.reward ?? 'revenue'));
    return tf.div(tf.addN(terms), lambdas.length);
  });
}
