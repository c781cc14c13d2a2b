/**
 * PPL, the primal policy-learning loss (method.md §4): the argmax decision relaxed to a softmax at the
 * solver's λ* (held constant), scored by IPW on RCT rows.
 */
import { tf } from '../backend/index.js';
import { lambdaList, loggedColumn, rewardTensor, softDecisions, type Heads, type Lambdas, type RctBatch, type Reward } from './common.js';

export interface PplOptions {
  /** λ* from the solver, or one λ* per training budget level (the loss is then averaged over them). */
  lambda: Lambdas;
  /** Softmax temperature τ > 0. */
  tau: number;
  /** 'revenue' (paper, default): g_i = u_i r_i; 'lagrangian': g_i = u_i (r_i − λ* c_i). */
  reward?: Reward;
}

/**
 * One λ: −Σ_i g_i · z'_{i,t_i},  z'_ij = softmax_j((r̂_ij − λĉ_ij)/τ),  g_i = u_i·r_i or u_i·(r_i − λc_i).
 * pred r̂, ĉ [n, M]; batch: RCT rows with unit weights u_i = 1/(n p_{t_i}). Scalar.
 */
export function pplTerm(pred: Heads, batch: RctBatch, lambda: number, tau: number, reward: Reward): tf.Scalar {
  return tf.tidy(() => {
    const zLogged = loggedColumn(softDecisions(pred, lambda, tau), batch.onehot);
    return tf.neg(tf.sum(tf.mul(rewardTensor(batch, reward, lambda), zLogged))) as tf.Scalar;
  });
}

/**
 * L_PPL = −Σ_i u_i · reward_i · softmax_j((r̂_ij − λ*ĉ_ij)/τ)|_{j=t_i}, averaged over the λ* list.
 * Scalar; differentiable to any order (exact-gradient softmax).
 */
export function pplLoss(pred: Heads, batch: RctBatch, opts: PplOptions): tf.Scalar {
  const lambdas = lambdaList(opts.lambda);
  return tf.tidy(() => {
    const terms = lambdas.map((l) => pplTerm(pred, batch, l, opts.tau, opts.reward ?? 'revenue'));
    return tf.div(tf.addN(terms), lambdas.length);
  });
}
