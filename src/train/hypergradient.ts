/**
 * The bi-level hypergradient (method.md §5) on one OBS batch, given ∇_θ L_upper:
 *   implicit   v = (H + δI)⁻¹ ∇_θ L_upper by CG,   ∇_φ = −∇_φ (vᵀ ∇_θ P(φ, θ*))
 *   explicit   θ' = θ − α ∇_θ P(φ, θ),             ∇_φ = −α ∇_φ (gᵀ ∇_θ P(φ, θ)),  g = ∇_θ L_upper(θ')
 * (the explicit line is the chain rule through one unrolled SGD step: dθ'/dφ = −α ∂²P/∂φ∂θ).
 * P is the lower potential (lower.ts); H = ∇²_θθ P. Three interchangeable ways to get H·v and the mixed
 * derivative ∇_φ(vᵀ∇_θ P):
 *   exact              R-operator on the cached forward pass (curvature.ts); the mixed derivative is then
 *                      the first-order ∇_φ Σ ∂P/∂ŷ(φ) ⊙ (J v), as J v does not depend on φ;
 *   double-backprop    nested autodiff of the potential (secondorder.ts);
 *   finite-difference  central differences of first-order gradients only, for a backend that cannot
 *                      differentiate twice (inaccurate across ReLU kinks).
 * Also the k assumed steps on a copy of θ that approximate θ*(φ).
 */
import { tf } from '../backend/index.js';
import type { HYPERGRADIENT_MODES, INNER_OPTIMIZERS } from '../config/schema.js';
import { forward, splitHeads, type MlpSpec } from '../nn/mlp.js';
import { dot, gradients, hvp, hvpFiniteDifference, mixedSecondDerivative } from '../nn/secondorder.js';
import { conjugateGradient, type CgResult } from './cg.js';
import { WlsCurvature, type WlsProblem } from './curvature.js';
import { gatesOf, lowerPotential, wlsTargets, type LowerSpec, type ObsBatch } from './lower.js';

export type HypergradientMode = (typeof HYPERGRADIENT_MODES)[number];
export type InnerOptimizer = (typeof INNER_OPTIMIZERS)[number];

/** The lower level on one OBS batch, as a function of the bridge parameters φ and the target θ. */
export interface LowerLevel {
  spec: LowerSpec;
  target: MlpSpec;
  bridge: MlpSpec;
  batch: ObsBatch;
}

/** Ω(φ), Y(φ) of the WLS form, differentiable in φ. */
function targetsAt(lower: LowerLevel, phi: readonly tf.Tensor[]): { omega: tf.Tensor2D; y: tf.Tensor2D } {
  return wlsTargets(lower.spec, lower.batch, gatesOf(lower.spec, lower.bridge, phi, lower.batch, lower.target.arms));
}

/** The WLS problem at fixed φ (constants in θ). */
export function wlsProblem(lower: LowerLevel, phi: readonly tf.Tensor[]): WlsProblem {
  const { omega, y } = tf.tidy(() => targetsAt(lower, phi));
  return { spec: lower.target, x: lower.batch.x, omega, y };
}

/** P(φ, θ) as a tensor function (double-backprop and finite-difference modes). */
function potential(lower: LowerLevel, phi: readonly tf.Tensor[], theta: readonly tf.Tensor[]): tf.Scalar {
  const arms = lower.target.arms;
  const gates = gatesOf(lower.spec, lower.bridge, phi, lower.batch, arms);
  return lowerPotential(lower.spec, splitHeads(forward(lower.target, theta, lower.batch.x), arms), lower.batch, gates);
}

/** H·v and ∇_φ(vᵀ∇_θ P) at one (φ, θ). Results are owned by the caller; call dispose() when done. */
export interface Curvature {
  hvp(v: readonly tf.Tensor[]): tf.Tensor[];
  mixed(v: readonly tf.Tensor[]): tf.Tensor[];
  dispose(): void;
}

/** Central-difference ∇_φ(vᵀ∇_θ P) ≈ (∇_φP(φ, θ + εv) − ∇_φP(φ, θ − εv)) / 2ε, first-order gradients only. */
function mixedFiniteDifference(lower: LowerLevel, phi: readonly tf.Tensor[], theta: readonly tf.Tensor[], v: readonly tf.Tensor[], relStep = 1e-3): tf.Tensor[] {
  return tf.tidy(() => {
    const vNorm = Math.sqrt(dot(v, v).dataSync()[0]);
    if (vNorm === 0) return phi.map((p) => tf.zerosLike(p));
    const eps = (relStep * Math.max(Math.sqrt(dot(theta, theta).dataSync()[0]), 1)) / vNorm;
    const at = (s: number): tf.Tensor[] => {
      const th = theta.map((p, k) => tf.add(p, tf.mul(s * eps, v[k])));
      return gradients((ph) => potential(lower, ph, th), phi);
    };
    const plus = at(1);
    const minus = at(-1);
    return plus.map((g, k) => tf.div(tf.sub(g, minus[k]), 2 * eps));
  });
}

/** The curvature of the lower level at (φ, θ) in the chosen mode. */
export function curvatureAt(mode: HypergradientMode, lower: LowerLevel, phi: readonly tf.Tensor[], theta: readonly tf.Tensor[]): Curvature {
  if (mode === 'exact') {
    const problem = wlsProblem(lower, phi);
    const wls = WlsCurvature.at(problem, theta);
    return {
      hvp: (v) => wls.hvp(v),
      mixed: (v) =>
        tf.tidy(() => {
          const jv = wls.jvp(v);
          // vᵀ∇_θP = Σ ∂P/∂ŷ ⊙ Jv with ∂P/∂ŷ = −2Ω(φ)(Y(φ) − ŷ); ŷ and Jv are constants in φ.
          return gradients((ph) => {
            const { omega, y } = targetsAt(lower, ph);
            return tf.sum(tf.mul(tf.mul(-2, omega), tf.mul(tf.sub(y, wls.yHat), jv))) as tf.Scalar;
          }, phi);
        }),
      dispose: () => {
        wls.dispose();
        tf.dispose([problem.omega, problem.y]);
      },
    };
  }
  const thetaLoss = (th: readonly tf.Tensor[]): tf.Scalar => potential(lower, phi, th);
  if (mode === 'double-backprop') {
    return {
      hvp: (v) => hvp(thetaLoss, theta, v),
      mixed: (v) => mixedSecondDerivative((ph, th) => potential(lower, ph, th), phi, theta, v),
      dispose: () => {},
    };
  }
  return {
    hvp: (v) => hvpFiniteDifference(thetaLoss, theta, v),
    mixed: (v) => mixedFiniteDifference(lower, phi, theta, v),
    dispose: () => {},
  };
}

/**
 * k optimiser steps on a copy of θ: `grad(θ)` returns ∇_θ L_lower (new tensors). Adam starts from zero
 * moments (the target's own optimiser state is not copied); SGD is θ ← θ − lr·g. Returns new tensors.
 */
export function assumedSteps(
  theta: readonly tf.Tensor[],
  grad: (th: readonly tf.Tensor[]) => tf.Tensor[],
  k: number,
  optimizer: InnerOptimizer,
  lr: number,
): tf.Tensor[] {
  const [b1, b2, eps] = [0.9, 0.999, 1e-7];
  let th = theta.map((t) => tf.clone(t));
  let m = optimizer === 'adam' ? theta.map((t) => tf.zerosLike(t)) : [];
  let s = optimizer === 'adam' ? theta.map((t) => tf.zerosLike(t)) : [];
  for (let step = 1; step <= k; step++) {
    const g = grad(th);
    const next = tf.tidy(() => {
      if (optimizer === 'sgd') return { th: th.map((p, i) => tf.sub(p, tf.mul(lr, g[i]))), m: [], s: [] };
      const m1 = m.map((mi, i) => tf.add(tf.mul(b1, mi), tf.mul(1 - b1, g[i])));
      const s1 = s.map((si, i) => tf.add(tf.mul(b2, si), tf.mul(1 - b2, tf.square(g[i]))));
      const c1 = 1 - b1 ** step;
      const c2 = 1 - b2 ** step;
      const th1 = th.map((p, i) => tf.sub(p, tf.div(tf.mul(lr / c1, m1[i]), tf.add(tf.sqrt(tf.div(s1[i], c2)), eps))));
      return { th: th1, m: m1, s: s1 };
    });
    tf.dispose([...g, ...th, ...m, ...s]);
    ({ th, m, s } = next);
  }
  tf.dispose([...m, ...s]);
  return th;
}

export interface ImplicitOptions {
  nCg: number;
  tol: number;
  damping: number;
  /** Warm start of CG (the previous solution). */
  v0?: readonly tf.Tensor[];
}

export interface Hypergradient {
  /** −∇_φ(vᵀ∇_θ P), in the layout of φ; owned by the caller. */
  grads: tf.Tensor[];
  /** The CG solution v (implicit; owned by the caller), empty for explicit. */
  v: tf.Tensor[];
  cg: Omit<CgResult, 'x'> | null;
  /** Time spent in CG. */
  cgSeconds: number;
}

/** Implicit differentiation: v = (H + δI)⁻¹ g by CG, then −∇_φ(vᵀ∇_θ P) at θ*. */
export function implicitHypergradient(curv: Curvature, g: readonly tf.Tensor[], opts: ImplicitOptions): Hypergradient {
  // Plain CG through directions of negative curvature: this is a linear solve for the implicit function
  // theorem, not a trust-region model, and CG returns its best iterate either way (cg.ts).
  const t0 = performance.now();
  const { x: v, ...cg } = conjugateGradient((p) => curv.hvp(p), g, {
    maxIter: opts.nCg,
    tol: opts.tol,
    damping: opts.damping,
    x0: opts.v0,
    negativeCurvature: 'continue',
  });
  const cgSeconds = (performance.now() - t0) / 1000;
  const grads = tf.tidy(() => curv.mixed(v).map((t) => tf.neg(t)));
  return { grads, v, cg, cgSeconds };
}

/** Explicit one-step differentiation: −α ∇_φ(gᵀ∇_θ P) at the θ the step started from. */
export function explicitHypergradient(curv: Curvature, g: readonly tf.Tensor[], alpha: number): Hypergradient {
  const grads = tf.tidy(() => curv.mixed(g).map((t) => tf.mul(-alpha, t)));
  return { grads, v: [], cg: null, cgSeconds: 0 };
}
