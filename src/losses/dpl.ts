/**
 * DPL, DFCL's dual policy-learning loss (method.md §4): PPL at each λ of a user-given list Λ (instead of
 * the solver's λ*), with the Lagrangian reward r_i − λc_i, summed over Λ.
 */
import { tf } from '../backend/index.js';
import { lambdaList, type Heads, type RctBatch } from './common.js';
import { pplTerm } from './ppl.js';

export interface DplOptions {
  /** The dual price list Λ (each ≥ 0). */
  lambdas: readonly number[];
  /** Softmax temperature τ > 0. */
  tau: number;
}

/**
 * L_DPL = − Σ_{λ∈Λ} Σ_i u_i (r_i − λc_i) · softmax_j((r̂_ij − λĉ_ij)/τ)|_{j=t_i}.
 * pred r̂, ĉ [n, M]; batch: RCT rows with u_i = 1/(n p_{t_i}). Scalar (a sum over Λ, as in DFCL).
 */
export function dplLoss(pred: Heads, batch: RctBatch, opts: DplOptions): tf.Scalar {
  const lambdas = lambdaList(opts.lambdas);
  return tf.tidy(() => tf.addN(lambdas.map((l) => pplTerm(pred, batch, l, opts.tau, 'lagrangian'))) as tf.Scalar);
}
