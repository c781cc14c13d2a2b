/**
 * Feature standardisation x' = (x − mean) / std, fitted on the training features and saved with the
 * model so prediction applies exactly the same transform. Pure TypeScript on row-major n×D Float32Arrays.
 */
import { ModelError, type Where } from '../errors.js';

export interface Scaler {
  /** Per-feature mean, length D. */
  mean: Float32Array;
  /** Per-feature divisor, length D; always > 0. */
  std: Float32Array;
}

/** Default `minStd`: features whose training std is below this are treated as constant. */
export const DEFAULT_MIN_STD = 1e-6;

/**
 * Fits per-feature mean and (population) standard deviation on n rows of D features, accumulating in
 * float64 (two passes). Std floor: a feature whose std is below `minStd` (or not finite) is treated as
 * constant on the training data and gets divisor 1, so it is only centred; dividing by a tiny std would
 * turn any test-time variation of such a column into huge inputs.
 * Throws ModelError when n < 1 or the array length is not n·D or a value is not finite.
 */
export function fitScaler(x: Float32Array, n: number, d: number, minStd = DEFAULT_MIN_STD): Scaler {
  if (!(n >= 1) || x.length !== n * d) throw new ModelError(`fitScaler: expected ${n}×${d} values, got ${x.length}`);
  const sum = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) sum[j] += x[o + j];
  }
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    mean[j] = sum[j] / n;
    if (!Number.isFinite(mean[j])) throw new ModelError(`fitScaler: feature ${j} has non-finite values`);
  }
  const ss = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const e = x[o + j] - mean[j];
      ss[j] += e * e;
    }
  }
  const std = new Float32Array(d);
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(ss[j] / n);
    std[j] = Number.isFinite(s) && s >= minStd ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** Standardised copy of n rows (or writes into `out` when given, which may be `x` itself). */
export function transformRows(s: Scaler, x: Float32Array, n: number, out?: Float32Array): Float32Array {
  const d = s.mean.length;
  if (x.length !== n * d) throw new ModelError(`scaler: expected ${n}×${d} values, got ${x.length}`);
  const y = out ?? new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) y[o + j] = (x[o + j] - s.mean[j]) / s.std[j];
  }
  return y;
}

/** Plain-JSON form for model.json. */
export function scalerToJSON(s: Scaler): { mean: number[]; std: number[] } {
  return { mean: Array.from(s.mean), std: Array.from(s.std) };
}

/** Inverse of scalerToJSON; checks lengths (`dim` when given), finiteness and std > 0. */
export function scalerFromJSON(json: { mean: number[]; std: number[] }, dim?: number, where: Where = {}): Scaler {
  const { mean, std } = json;
  if (mean.length !== std.length) throw new ModelError(`scaler: mean has ${mean.length} entries but std has ${std.length}`, where);
  if (dim !== undefined && mean.length !== dim)
    throw new ModelError(`scaler has ${mean.length} features but the model expects ${dim}`, where);
  if (!mean.every(Number.isFinite) || !std.every((v) => Number.isFinite(v) && v > 0))
    throw new ModelError('scaler: mean must be finite and std positive', where);
  return { mean: Float32Array.from(mean), std: Float32Array.from(std) };
}
