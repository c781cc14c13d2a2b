/**
 * Prediction losses (method.md §4 and §5): the factual MSE L_PL, optionally row-weighted, and the
 * bi-level lower loss with counterfactual pseudo-labels from the bridge gates.
 */
import { tf } from '../backend/index.js';
import { stopGradient } from '../nn/activations.js';
import { loggedColumn, type Heads, type LoggedBatch } from './common.js';

export interface PredictionLossOptions {
  /**
   * [n] row weights for the revenue term (and the cost term unless `costWeights` is given). For IPW on
   * RCT pass 1/p_{t_i} (or u_i: normalisation makes the scale irrelevant). May depend on parameters
   * (the bridge's per-row weights ablation); gradients flow through them.
   */
  weights?: tf.Tensor1D;
  /** [n] row weights for the cost term; defaults to `weights`. */
  costWeights?: tf.Tensor1D;
  /** Divide each term by Σ w (weighted mean, default) instead of by n. */
  normalize?: boolean;
}

/**
 * Factual prediction loss, a scalar:
 *   unweighted  L_PL = mean_i [ (r_i − r̂_{i,t_i})² + (c_i − ĉ_{i,t_i})² ]
 *   weighted    L_PL = Σ_i w_i (r_i − r̂_{i,t_i})² / Σ_i w_i + Σ_i w^c_i (c_i − ĉ_{i,t_i})² / Σ_i w^c_i
 *               (or both divided by n when normalize = false).
 * pred: r̂, ĉ [n, M]; batch: logged arm one-hot [n, M], factual r, c [n].
 */
export function predictionLoss(pred: Heads, batch: LoggedBatch, opts: PredictionLossOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const er = tf.square(tf.sub(batch.r, loggedColumn(pred.r, batch.onehot))) as tf.Tensor1D;
    const ec = tf.square(tf.sub(batch.c, loggedColumn(pred.c, batch.onehot))) as tf.Tensor1D;
    if (!opts.weights) return tf.mean(tf.add(er, ec));
    const wr = opts.weights;
    const wc = opts.costWeights ?? wr;
    const term = (w: tf.Tensor1D, e: tf.Tensor1D): tf.Scalar =>
      opts.normalize === false ? tf.mean(tf.mul(w, e)) : tf.div(tf.sum(tf.mul(w, e)), tf.sum(w));
    return tf.add(term(wr, er), term(wc, ec));
  });
}

/**
 * Counterfactual pseudo-labels (method.md §5), each [n, M]:
 *   r^cf_ij = w^r_ij · r̂^ψ_ij + (1 − w^r_ij) · stop_gradient(r̂^θ_ij),   c^cf likewise with w^c.
 * target: Target predictions r̂^θ, ĉ^θ; teacher: frozen Teacher predictions r̂^ψ, ĉ^ψ (constants);
 * gates: bridge outputs w^r, w^c ∈ (0, 1). Gradients reach the gates, never the target part.
 */
export function pseudoLabels(target: Heads, teacher: Heads, gates: Heads): Heads {
  return tf.tidy(() => {
    const mix = (w: tf.Tensor2D, t: tf.Tensor2D, own: tf.Tensor2D): tf.Tensor2D =>
      tf.add(tf.mul(w, t), tf.mul(tf.sub(1, w), stopGradient(own)));
    return { r: mix(gates.r, teacher.r, target.r), c: mix(gates.c, teacher.c, target.c) };
  });
}

/**
 * Bi-level lower loss on an OBS batch (method.md §5), a scalar:
 *   L_PL(φ, θ) = mean_i [ (r_i − r̂_{i,t_i})² + (c_i − ĉ_{i,t_i})²
 *                         + Σ_{j≠t_i} ( (r^cf_ij − r̂_ij)² + (c^cf_ij − ĉ_ij)² ) ]
 * i.e. mean over rows of Σ_j (Y_ij − r̂_ij)² + (same for c), where Y is the factual value on the logged
 * arm and the pseudo-label elsewhere. Twice differentiable in θ (HVPs) and jointly in (φ, θ) (the mixed
 * second derivative). For the "teacher-only" / "frozen bridge" controls pass constant gates (1 or 0.5).
 */
export function pseudoLabelLoss(target: Heads, teacher: Heads, gates: Heads, batch: LoggedBatch): tf.Scalar {
  return tf.tidy(() => {
    const cf = pseudoLabels(target, teacher, gates);
    const other = tf.sub(1, batch.onehot);
    const labels = (factual: tf.Tensor1D, counterfactual: tf.Tensor2D): tf.Tensor2D =>
      tf.add(tf.mul(batch.onehot, tf.expandDims(factual, 1)), tf.mul(other, counterfactual));
    const sq = (y: tf.Tensor2D, yHat: tf.Tensor2D): tf.Tensor1D => tf.sum(tf.square(tf.sub(y, yHat)), 1);
    return tf.mean(tf.add(sq(labels(batch.r, cf.r), target.r), sq(labels(batch.c, cf.c), target.c)));
  });
}
