/**
 * Exact first and second derivatives of the bi-level lower problem, written as weighted least squares in
 * the network's outputs:
 *     P(θ) = Σ_ij Ω_ij (Y_ij − F_θ(x)_ij)²,     Ω, Y: [n, 2M] constants in θ
 * (lower.ts builds Ω and Y from the gates; P is `pseudoLabelPotential` or the row-weighted L_PL).
 *
 * Why by hand: CG needs many Hessian-vector products at the same θ*. Nested autodiff rebuilds and
 * re-differentiates the whole first-order graph for each product (≈ 2–3 gradients on wasm, and a tfjs
 * gradient costs ≈ 13 forward passes in tape bookkeeping). Pearlmutter's R-operator on an explicitly
 * cached forward/backward pass reuses every first-order quantity, so one product is a handful of
 * matrix products with no tape. Tests compare it with double back-propagation and finite differences.
 *
 * Layers l = 1..L: z_l = h_{l−1}W_l + b_l, h_l = f_l(z_l), h_0 = x, ŷ = h_L.
 *   backward  g_L = ∂P/∂ŷ = −2Ω(Y − ŷ),  δ_l = g_l ⊙ f'_l(z_l),  ∂W_l = h_{l−1}ᵀδ_l,  ∂b_l = Σ_rows δ_l,
 *             g_{l−1} = δ_l W_lᵀ
 *   R-op along v = (V_l, c_l):
 *             Rz_l = Rh_{l−1}W_l + h_{l−1}V_l + c_l,  Rh_l = f'_l ⊙ Rz_l  (Rh_0 = 0),  Rg_L = 2Ω ⊙ Rh_L,
 *             Rδ_l = Rg_l ⊙ f'_l + g_l ⊙ f''_l ⊙ Rz_l,  R∂W_l = Rh_{l−1}ᵀδ_l + h_{l−1}ᵀRδ_l,
 *             R∂b_l = Σ_rows Rδ_l,  Rg_{l−1} = Rδ_l W_lᵀ + δ_l V_lᵀ;   H·v = (R∂W_l, R∂b_l).
 * Also J·v = Rh_L, which the mixed second derivative needs (hypergradient.ts).
 *
 * wasm note (measured, n = 512): a matMul with a transpose flag costs ≈ 7× the plain product and a
 * column sum ≈ 8× a product with a row of ones, so the cache holds hᵀ and Wᵀ and sums go through 1ᵀ·δ.
 */
import { tf } from '../backend/index.js';
import type { HiddenActivation, OutputActivation } from '../nn/activations.js';
import type { MlpSpec } from '../nn/mlp.js';

/** The lower problem on one batch: features and the WLS weights and labels, [n, 2M] each. */
export interface WlsProblem {
  spec: MlpSpec;
  x: tf.Tensor2D;
  omega: tf.Tensor2D;
  y: tf.Tensor2D;
}

interface Layer {
  /** Input h_{l−1} and its transpose; the weight W_l (the caller's) and its transpose. */
  h: tf.Tensor2D;
  hT: tf.Tensor2D;
  w: tf.Tensor2D;
  wT: tf.Tensor2D;
  /** f'(z_l) (null: 1) and g_l ⊙ f''(z_l) (null: 0). */
  d1: tf.Tensor2D | null;
  s: tf.Tensor2D | null;
  /** δ_l = ∂P/∂z_l. */
  delta: tf.Tensor2D;
}

/** Activation value with its first and second derivative (null where constant 1 resp. 0). */
function activate(name: HiddenActivation | OutputActivation, z: tf.Tensor2D): { h: tf.Tensor2D; d1: tf.Tensor2D | null; d2: tf.Tensor2D | null } {
  switch (name) {
    case 'identity':
      return { h: z, d1: null, d2: null };
    case 'relu':
      return { h: tf.relu(z), d1: tf.step(z), d2: null };
    case 'softplus': {
      const s = tf.sigmoid(z);
      return { h: tf.softplus(z), d1: s, d2: tf.mul(s, tf.sub(1, s)) as tf.Tensor2D };
    }
    case 'sigmoid': {
      const s = tf.sigmoid(z);
      const d1 = tf.mul(s, tf.sub(1, s)) as tf.Tensor2D;
      return { h: s, d1, d2: tf.mul(d1, tf.sub(1, tf.mul(2, s))) as tf.Tensor2D };
    }
    case 'tanh': {
      const t = tf.tanh(z);
      const d1 = tf.sub(1, tf.square(t)) as tf.Tensor2D;
      return { h: t, d1, d2: tf.mul(tf.mul(-2, t), d1) as tf.Tensor2D };
    }
  }
}

const times = (a: tf.Tensor2D, b: tf.Tensor2D | null): tf.Tensor2D => (b ? tf.mul(a, b) : a);

/**
 * The lower problem's first-order quantities at one θ, cached for any number of exact H·v and J·v.
 * Create with `WlsCurvature.at`, release with `dispose()`.
 */
export class WlsCurvature {
  private constructor(
    private readonly layers: Layer[],
    private readonly twoOmega: tf.Tensor2D,
    /** A [1, n] row of ones: column sums as products. */
    private readonly ones: tf.Tensor2D,
    /** ∇_θ P, in the order of the parameter list. */
    readonly grads: tf.Tensor[],
    /** ŷ = F_θ(x), [n, 2M]. */
    readonly yHat: tf.Tensor2D,
    /** P(θ). */
    readonly value: tf.Scalar,
  ) {}

  /** Forward and backward pass of P at θ = [W_1, b_1, …, W_L, b_L]. */
  static at(problem: WlsProblem, theta: readonly tf.Tensor[]): WlsCurvature {
    const { spec, x, omega, y } = problem;
    const L = theta.length / 2;
    // Everything not kept (z, residuals, g) is released when the scope ends.
    const keep = <T extends tf.Tensor | null>(t: T): T => (t ? tf.keep(t) : t);
    const layers: Layer[] = [];
    const grads: tf.Tensor[] = new Array(2 * L);
    let yHat!: tf.Tensor2D;
    let value!: tf.Scalar;
    let twoOmega!: tf.Tensor2D;
    const ones = tf.ones([1, x.shape[0]]) as tf.Tensor2D;
    tf.tidy(() => {
      let h: tf.Tensor2D = x;
      const d2s: (tf.Tensor2D | null)[] = [];
      for (let l = 0; l < L; l++) {
        const z = tf.add(tf.matMul(h, theta[2 * l] as tf.Tensor2D), theta[2 * l + 1]) as tf.Tensor2D;
        const a = activate(l === L - 1 ? spec.output : spec.activation, z);
        // `x` and the θ tensors stay the caller's; only the layer's own tensors belong to the cache.
        layers.push({
          h: l === 0 ? h : keep(h),
          hT: keep(tf.transpose(h)),
          w: theta[2 * l] as tf.Tensor2D,
          wT: keep(tf.transpose(theta[2 * l] as tf.Tensor2D)),
          d1: keep(a.d1),
          s: null,
          delta: null as unknown as tf.Tensor2D,
        });
        d2s.push(a.d2);
        h = a.h;
      }
      yHat = keep(h);
      const resid = tf.sub(y, yHat);
      value = keep(tf.sum(tf.mul(omega, tf.square(resid))) as tf.Scalar);
      twoOmega = keep(tf.mul(2, omega) as tf.Tensor2D);
      let g = tf.mul(tf.mul(-2, omega), resid) as tf.Tensor2D;
      for (let l = L - 1; l >= 0; l--) {
        const layer = layers[l];
        layer.delta = keep(times(g, layer.d1));
        layer.s = keep(d2s[l] ? (tf.mul(g, d2s[l]!) as tf.Tensor2D) : null);
        grads[2 * l] = keep(tf.matMul(layer.hT, layer.delta));
        grads[2 * l + 1] = keep(tf.reshape(tf.matMul(ones, layer.delta), [layer.delta.shape[1]]));
        if (l > 0) g = tf.matMul(layer.delta, layer.wT);
      }
    });
    return new WlsCurvature(layers, twoOmega, ones, grads, yHat, value);
  }

  /** Rz_l and Rh_l for all layers (the R-forward pass). */
  private rForward(v: readonly tf.Tensor[]): { rz: tf.Tensor2D[]; rh: tf.Tensor2D[] } {
    const rz: tf.Tensor2D[] = [];
    const rh: tf.Tensor2D[] = [];
    this.layers.forEach((layer, l) => {
      let z = tf.add(tf.matMul(layer.h, v[2 * l] as tf.Tensor2D), v[2 * l + 1]) as tf.Tensor2D;
      if (l > 0) z = tf.add(z, tf.matMul(rh[l - 1], layer.w)) as tf.Tensor2D;
      rz.push(z);
      rh.push(times(z, layer.d1));
    });
    return { rz, rh };
  }

  /** J·v = Rŷ, [n, 2M]: the first-order change of the outputs along v. */
  jvp(v: readonly tf.Tensor[]): tf.Tensor2D {
    return tf.tidy(() => {
      const { rh } = this.rForward(v);
      return rh[rh.length - 1];
    });
  }

  /** H·v, exact, in the layout of θ. */
  hvp(v: readonly tf.Tensor[]): tf.Tensor[] {
    return tf.tidy(() => {
      const L = this.layers.length;
      const { rz, rh } = this.rForward(v);
      const out: tf.Tensor[] = new Array(2 * L);
      let rg = tf.mul(this.twoOmega, rh[L - 1]) as tf.Tensor2D;
      for (let l = L - 1; l >= 0; l--) {
        const layer = this.layers[l];
        let rDelta = times(rg, layer.d1);
        if (layer.s) rDelta = tf.add(rDelta, tf.mul(layer.s, rz[l])) as tf.Tensor2D;
        let rW = tf.matMul(layer.hT, rDelta);
        if (l > 0) rW = tf.add(rW, tf.matMul(tf.transpose(rh[l - 1]), layer.delta));
        out[2 * l] = rW;
        out[2 * l + 1] = tf.reshape(tf.matMul(this.ones, rDelta), [rDelta.shape[1]]);
        if (l > 0) rg = tf.add(tf.matMul(rDelta, layer.wT), tf.matMul(layer.delta, tf.transpose(v[2 * l] as tf.Tensor2D))) as tf.Tensor2D;
      }
      return out;
    });
  }

  dispose(): void {
    for (const layer of this.layers.slice(1)) layer.h.dispose(); // layers[0].h is the caller's x
    for (const layer of this.layers) tf.dispose([layer.hT, layer.wT, layer.delta, ...(layer.d1 ? [layer.d1] : []), ...(layer.s ? [layer.s] : [])]);
    tf.dispose([this.twoOmega, this.ones, ...this.grads, this.yHat, this.value]);
  }
}

/** ∇_θ P alone (the assumed steps): the backward pass of `WlsCurvature` without keeping its cache. */
export function wlsGradient(problem: WlsProblem, theta: readonly tf.Tensor[]): tf.Tensor[] {
  const c = WlsCurvature.at(problem, theta);
  const grads = c.grads.map((g) => tf.clone(g));
  c.dispose();
  return grads;
}
