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

export interface PseudoLabelOptions {
  /**
   * Detach the Target part of the pseudo-labels (method.md §5 [choice], default true). When false the
   * pseudo-labels depend on θ and the loss is an ordinary function of (φ, θ).
   */
  detachTarget?: boolean;
}

/**
 * Counterfactual pseudo-labels (method.md §5), each [n, M]:
 *   r^cf_ij = w^r_ij · r̂^ψ_ij + (1 − w^r_ij) · stop_gradient(r̂^θ_ij),   c^cf likewise with w^c.
 * target: Target predictions r̂^θ, ĉ^θ; teacher: frozen Teacher predictions r̂^ψ, ĉ^ψ (constants);
 * gates: bridge outputs w^r, w^c ∈ (0, 1). With detachTarget (default) gradients reach the gates, never
 * the target part.
 */
export function pseudoLabels(target: Heads, teacher: Heads, gates: Heads, opts: PseudoLabelOptions = {}): Heads {
  const detach = opts.detachTarget ?? true;
  return tf.tidy(() => {
    const mix = (w: tf.Tensor2D, t: tf.Tensor2D, own: tf.Tensor2D): tf.Tensor2D =>
      tf.add(tf.mul(w, t), tf.mul(tf.sub(1, w), detach ? stopGradient(own) : own));
    return { r: mix(gates.r, teacher.r, target.r), c: mix(gates.c, teacher.c, target.c) };
  });
}

/** Σ_j (Y_ij − ŷ_ij)² per row, where Y is the factual value on the logged arm and `cf` elsewhere. */
function rowSquaredErrors(factual: tf.Tensor1D, cf: tf.Tensor2D, yHat: tf.Tensor2D, onehot: tf.Tensor2D): tf.Tensor1D {
  const labels = tf.add(tf.mul(onehot, tf.expandDims(factual, 1)), tf.mul(tf.sub(1, onehot), cf));
  return tf.sum(tf.square(tf.sub(labels, yHat)), 1);
}

/**
 * Bi-level lower loss on an OBS batch (method.md §5), a scalar:
 *   L_PL(φ, θ) = mean_i [ (r_i − r̂_{i,t_i})² + (c_i − ĉ_{i,t_i})²
 *                         + Σ_{j≠t_i} ( (r^cf_ij − r̂_ij)² + (c^cf_ij − ĉ_ij)² ) ]
 * target r̂, ĉ [n, M] (θ); teacher [n, M] (constant); gates w^r, w^c [n, M] (φ); batch: OBS rows.
 * For the "teacher-only" / "frozen bridge" controls pass constant gates (1 or 0.5).
 *
 * Use this for the θ steps and for logging. Do NOT take Hessians of it by double back-propagation when
 * the target part is detached: the stop_gradient makes the second derivative that of a loss with frozen
 * labels, which is not the Jacobian of the gradient field the θ steps follow (measured 30 % off). For
 * HVPs and mixed second derivatives use `pseudoLabelPotential`, which has the same θ-gradient.
 */
export function pseudoLabelLoss(target: Heads, teacher: Heads, gates: Heads, batch: LoggedBatch, opts: PseudoLabelOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const cf = pseudoLabels(target, teacher, gates, opts);
    const rows = tf.add(rowSquaredErrors(batch.r, cf.r, target.r, batch.onehot), rowSquaredErrors(batch.c, cf.c, target.c, batch.onehot));
    return tf.mean(rows);
  });
}

/**
 * A potential for the lower level: a scalar function of (φ, θ) whose θ-gradient equals that of
 * pseudoLabelLoss (same options) at every (φ, θ), so θ*(φ), the fixed point of the θ steps, is its
 * minimiser, and its second derivatives are the exact ones implicit differentiation needs:
 *   ∇²_θθ for the conjugate-gradient solve and ∇_φ(vᵀ∇_θ ·) for the hypergradient. With ω = w (detached
 * target) or ω = w² (not detached), and T the teacher:
 *   P(φ, θ) = mean_i [ (r_i − r̂_{i,t_i})² + (c_i − ĉ_{i,t_i})²
 *                      + Σ_{j≠t_i} ( ω^r_ij (r̂^ψ_ij − r̂_ij)² + ω^c_ij (ĉ^ψ_ij − ĉ_ij)² ) ]
 * (because r^cf − r̂ = w(r̂^ψ − r̂) in value, and the detached part contributes no θ-gradient).
 * Its value differs from L_PL; report pseudoLabelLoss instead.
 */
export function pseudoLabelPotential(target: Heads, teacher: Heads, gates: Heads, batch: LoggedBatch, opts: PseudoLabelOptions = {}): tf.Scalar {
  const detach = opts.detachTarget ?? true;
  return tf.tidy(() => {
    const other = tf.sub(1, batch.onehot);
    const term = (factual: tf.Tensor1D, yHat: tf.Tensor2D, teach: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor1D => {
      const fact = tf.square(tf.sub(factual, loggedColumn(yHat, batch.onehot)));
      const omega = detach ? w : tf.square(w);
      return tf.add(fact, tf.sum(tf.mul(tf.mul(other, omega), tf.square(tf.sub(teach, yHat))), 1));
    };
    return tf.mean(tf.add(term(batch.r, target.r, teacher.r, gates.r), term(batch.c, target.c, teacher.c, gates.c)));
  });
}
