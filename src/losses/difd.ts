/**
 * DIFD, DFCL's dual improved finite-difference loss (method.md §4): PIFD at each λ of a user-given list Λ,
 * with reward r_i − λc_i, summed over Λ.
 */
import { tf } from '../backend/index.js';
import { lambdaList, type Heads, type RctBatch } from './common.js';
import { pifdTerm } from './pifd.js';

export interface DifdOptions {
  /** The dual price list Λ (each ≥ 0). */
  lambdas: readonly number[];
  /** Softmax temperature τ > 0 of z'. */
  tau: number;
  /** Minimum |h| of the finite-difference steps (see PifdOptions.hMin). */
  hMin: number;
}

/**
 * L_DIFD = Σ_{λ∈Λ} Σ_i Σ_j stop_gradient(−d^λ_ij) · softmax_j((r̂_ij − λĉ_ij)/τ), where d^λ is PIFD's
 * direction at scores r̂ − λĉ with g_i = u_i (r_i − λc_i). pred r̂, ĉ [n, M]. Scalar (a sum over Λ).
 */
export function difdLoss(pred: Heads, batch: RctBatch, opts: DifdOptions): tf.Scalar {
  const lambdas = lambdaList(opts.lambdas);
  return tf.tidy(() => tf.addN(lambdas.map((l) => pifdTerm(pred, batch, l, opts.tau, opts.hMin, 'lagrangian'))) as tf.Scalar);
}
