/**
 * Conjugate gradient for (H + δI) x = b using only products H·p (method.md §5), for the implicit-
 * differentiation step of Bi-DFCL.
 *
 * The recursion runs on the CPU in float64 over the flattened parameter vector; only the products H·p go
 * through tensors. Why: θ is small (thousands of numbers) while the per-op overhead of tensor code is not
 * (on wasm the ~90 small ops of one list-based CG iteration cost about as much as the product itself),
 * and float64 keeps the recursion's own rounding out of the float32 products' noise.
 *
 * The extras around textbook CG:
 *  - H (the lower-level Hessian of a ReLU network away from a minimum) need not be positive definite: δ
 *    damps it. A direction with pᵀ(H+δI)p ≤ 0 either stops the solve (truncated CG) or is stepped
 *    through (plain CG, which solves a symmetric indefinite system unless pᵀAp is exactly 0).
 *  - CG's residual is not monotone, and near-zero curvature can throw an iterate far: the iterate with the
 *    smallest residual is returned.
 *  - Successive solves see similar systems, so a warm start x0 (the previous solution) saves iterations;
 *    it is dropped when its residual is larger than ‖b‖ (worse than starting from 0).
 *  - float32 products stall the residual around 1e-4–1e-5 (tfjs-notes.md): stop at a realistic relative
 *    residual ‖b − (H+δI)x‖/‖b‖ or after maxIter products, and report the residual reached.
 *  - A non-finite number anywhere is a CgError naming what went wrong, not a silent NaN hypergradient.
 */
import { tf } from '../backend/index.js';

export interface CgOptions {
  /** Maximum iterations (products with H). */
  maxIter: number;
  /** Stop when ‖b − (H+δI)x‖ / ‖b‖ < tol. */
  tol: number;
  /** Damping δ ≥ 0. */
  damping: number;
  /** Warm start; not disposed. Ignored when its residual is larger than ‖b‖. */
  x0?: readonly tf.Tensor[];
  /** On pᵀ(H+δI)p < 0: 'stop' (truncated CG, default) or 'continue' (plain CG). */
  negativeCurvature?: 'stop' | 'continue';
}

export type CgStop = 'tolerance' | 'max-iterations' | 'negative-curvature' | 'zero-rhs';

export interface CgResult {
  /** The iterate with the smallest residual (usually the last), as tensors owned by the caller. */
  x: tf.Tensor[];
  /** Products with H taken (including the one for the warm start's residual). */
  products: number;
  /** CG iterations. */
  iterations: number;
  /** ‖b − (H+δI)x‖ / ‖b‖ of the returned x (the recursion's residual). */
  relResidual: number;
  stop: CgStop;
  /** Whether the warm start was used. */
  warm: boolean;
  /** Directions met with pᵀ(H+δI)p ≤ 0. */
  negativeDirections: number;
}

/** Thrown when the solve meets a non-finite number. */
export class CgError extends Error {
  constructor(message: string) {
    super(`conjugate gradient: ${message}`);
    this.name = 'CgError';
  }
}

/** The solve on flat float64 vectors; `apply(p)` returns H·p (undamped). Pure TypeScript. */
export function cgFlat(
  apply: (p: Float64Array) => Float64Array,
  b: Float64Array,
  opts: Omit<CgOptions, 'x0'> & { x0?: Float64Array },
): Omit<CgResult, 'x'> & { x: Float64Array } {
  const { maxIter, tol, damping } = opts;
  const n = b.length;
  const dot = (u: Float64Array, v: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < n; i++) s += u[i] * v[i];
    return s;
  };
  const damped = (p: Float64Array): Float64Array => {
    const hp = apply(p);
    if (damping > 0) for (let i = 0; i < n; i++) hp[i] += damping * p[i];
    return hp;
  };
  const bb = dot(b, b);
  if (!Number.isFinite(bb)) throw new CgError(`the right-hand side (the upper-level gradient) is not finite (‖b‖² = ${bb})`);
  const bNorm = Math.sqrt(bb);
  const done = (x: Float64Array, rr: number, stop: CgStop, more: { products: number; iterations: number; warm: boolean; negativeDirections: number }) => ({
    x,
    relResidual: bNorm > 0 ? Math.sqrt(rr) / bNorm : 0,
    stop,
    ...more,
  });
  if (bNorm === 0) return done(new Float64Array(n), 0, 'zero-rhs', { products: 0, iterations: 0, warm: false, negativeDirections: 0 });

  let x = new Float64Array(n);
  let r = Float64Array.from(b);
  let products = 0;
  let warm = false;
  if (opts.x0) {
    const ax = damped(opts.x0);
    products++;
    const r0 = b.map((bi, i) => bi - ax[i]);
    const rr0 = dot(r0, r0);
    if (!Number.isFinite(rr0)) throw new CgError('the product H·x0 of the warm start is not finite');
    if (rr0 < bb) {
      warm = true;
      x = Float64Array.from(opts.x0);
      r = r0;
    }
  }
  const p = Float64Array.from(r);
  let rr = dot(r, r);
  let best = Float64Array.from(x);
  let bestRR = rr;
  let iterations = 0;
  let negativeDirections = 0;
  let stop: CgStop = 'max-iterations';
  while (true) {
    if (Math.sqrt(rr) / bNorm < tol) {
      stop = 'tolerance';
      break;
    }
    if (iterations >= maxIter) break;
    const ap = damped(p);
    products++;
    const pAp = dot(p, ap);
    if (!Number.isFinite(pAp)) throw new CgError(`the Hessian-vector product is not finite at iteration ${iterations + 1} (pᵀ(H+δI)p = ${pAp})`);
    if (pAp <= 0) negativeDirections++;
    if (pAp === 0 || (pAp < 0 && opts.negativeCurvature !== 'continue')) {
      stop = 'negative-curvature';
      // Nothing solved yet: fall back to b itself (H ≈ I), the steepest-descent direction.
      if (iterations === 0 && !warm) return done(Float64Array.from(b), bb, stop, { products, iterations, warm, negativeDirections });
      break;
    }
    const alpha = rr / pAp;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    const rrNew = dot(r, r);
    iterations++;
    if (!Number.isFinite(rrNew)) throw new CgError(`the residual is not finite at iteration ${iterations}`);
    if (rrNew < bestRR) {
      best.set(x);
      bestRR = rrNew;
    }
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
  }
  return done(best, bestRR, stop, { products, iterations, warm, negativeDirections });
}

/** Flattens a tensor list into one float64 vector (one read-back per tensor). */
export function flattenTensors(ts: readonly tf.Tensor[]): Float64Array {
  const out = new Float64Array(ts.reduce((s, t) => s + t.size, 0));
  let o = 0;
  for (const t of ts) {
    out.set(t.dataSync() as Float32Array, o);
    o += t.size;
  }
  return out;
}

/** Splits a flat vector into float32 tensors of the given shapes (caller owns them). */
export function unflattenTensors(flat: Float64Array, like: readonly tf.Tensor[]): tf.Tensor[] {
  let o = 0;
  return like.map((t) => {
    const part = Float32Array.from(flat.subarray(o, o + t.size));
    o += t.size;
    return tf.tensor(part, t.shape);
  });
}

/**
 * Solves (H + δI) x = b for parameter lists. `apply(p)` returns H·p as new tensors; it may create any
 * intermediates (they are disposed here). Throws CgError when b, a product or a step is not finite.
 */
export function conjugateGradient(apply: (p: readonly tf.Tensor[]) => tf.Tensor[], b: readonly tf.Tensor[], opts: CgOptions): CgResult {
  const flatApply = (p: Float64Array): Float64Array => {
    let hp!: Float64Array;
    tf.tidy(() => {
      hp = flattenTensors(apply(unflattenTensors(p, b)));
    });
    return hp;
  };
  const res = cgFlat(flatApply, flattenTensors(b), { ...opts, x0: opts.x0 ? flattenTensors(opts.x0) : undefined });
  return { ...res, x: unflattenTensors(res.x, b) };
}
