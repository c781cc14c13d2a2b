/**
 * Gradients, Hessian-vector products and mixed second derivatives of a scalar loss written as a
 * function of explicit parameter lists (method.md §5: H·p for conjugate gradient, and ∇_φ(vᵀ∇_θ L) for
 * the hypergradient). All work by double back-propagation, which is exact only when every smooth op in
 * the loss goes through the wrappers of `activations.ts` (see shared/docs/tfjs-notes.md).
 *
 * Lists are aligned: grads[k], v[k] and the result[k] have the shape of params[k]. A parameter the loss
 * does not depend on gets a zero gradient instead of an error. The returned tensors belong to the caller;
 * everything else created here is disposed.
 */
import { tf } from '../backend/index.js';

/** A scalar loss as a function of a parameter list. */
export type ParamLoss = (params: readonly tf.Tensor[]) => tf.Scalar;
/** A scalar loss of two parameter lists (bridge φ, target θ). */
export type PairLoss = (phi: readonly tf.Tensor[], theta: readonly tf.Tensor[]) => tf.Scalar;

/** Value and gradient of f w.r.t. xs; must run inside a tidy or a gradient. Zeros where f ignores x. */
function gradsOf(f: () => tf.Scalar, xs: readonly tf.Tensor[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  const { value, grads } = tf.engine().gradients(f, xs as tf.Tensor[], undefined, true);
  return { value, grads: grads.map((g, k) => g ?? tf.zerosLike(xs[k])) };
}

/** Σ_k ⟨a_k, b_k⟩ as a scalar tensor. */
export function dot(a: readonly tf.Tensor[], b: readonly tf.Tensor[]): tf.Scalar {
  return tf.tidy(() => tf.addN(a.map((ak, k) => tf.sum(tf.mul(ak, b[k])))) as tf.Scalar);
}

/** ∇_θ L and L(θ). */
export function valueAndGradients(loss: ParamLoss, params: readonly tf.Tensor[]): { value: tf.Scalar; grads: tf.Tensor[] } {
  return tf.tidy(() => gradsOf(() => loss(params), params));
}

/** ∇_θ L. */
export function gradients(loss: ParamLoss, params: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => gradsOf(() => loss(params), params).grads);
}

/** H·v with H = ∇²_θθ L, by double back-propagation: ∇_θ (vᵀ ∇_θ L). Costs about 3 gradients. */
export function hvp(loss: ParamLoss, params: readonly tf.Tensor[], v: readonly tf.Tensor[]): tf.Tensor[] {
  return tf.tidy(() => gradsOf(() => dot(gradsOf(() => loss(params), params).grads, v), params).grads);
}

/**
 * Central-difference H·v ≈ (∇L(θ + εv) − ∇L(θ − εv)) / 2ε, the fallback for a backend that cannot
 * differentiate twice (2 gradients). ε = relStep·max(‖θ‖, 1)/‖v‖, so the perturbation has norm relStep
 * relative to θ. Inaccurate across ReLU kinks; keep it as a cross-check where exact HVPs work.
 */
export function hvpFiniteDifference(loss: ParamLoss, params: readonly tf.Tensor[], v: readonly tf.Tensor[], relStep = 1e-3): tf.Tensor[] {
  return tf.tidy(() => {
    const vNorm = Math.sqrt(dot(v, v).dataSync()[0]);
    if (vNorm === 0) return params.map((p) => tf.zerosLike(p));
    const thetaNorm = Math.sqrt(dot(params, params).dataSync()[0]);
    const eps = (relStep * Math.max(thetaNorm, 1)) / vNorm;
    const shifted = (sign: number): tf.Tensor[] => params.map((p, k) => tf.add(p, tf.mul(sign * eps, v[k])));
    const plus = shifted(1);
    const minus = shifted(-1);
    const gp = gradsOf(() => loss(plus), plus).grads;
    const gm = gradsOf(() => loss(minus), minus).grads;
    return gp.map((g, k) => tf.div(tf.sub(g, gm[k]), 2 * eps));
  });
}

/**
 * The mixed second derivative ∇_φ (vᵀ ∇_θ L(φ, θ)) — the hypergradient's second term (method.md §5;
 * the hypergradient is its negative). v has the shapes of θ; the result has the shapes of φ.
 */
export function mixedSecondDerivative(
  loss: PairLoss,
  phi: readonly tf.Tensor[],
  theta: readonly tf.Tensor[],
  v: readonly tf.Tensor[],
): tf.Tensor[] {
  return tf.tidy(() => gradsOf(() => dot(gradsOf(() => loss(phi, theta), theta).grads, v), phi).grads);
}
