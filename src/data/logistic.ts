/**
 * Ridge-regularised logistic regression fitted by Newton's method (IRLS) on standardised features: the
 * small cross-entropy models of the Criteo hybrid builder (method.md §8, step 1). Pure TS on typed arrays.
 *
 * Cost: O(n·d²) per iteration for the Hessian, O(d³) for its Cholesky solve; a dozen iterations suffice
 * (Newton converges quadratically near the optimum), so 700k rows × 12 features take about a second.
 */

export interface Standardizer {
  mean: Float64Array;
  scale: Float64Array;
}

export interface LogisticModel {
  /** d feature weights on the standardised scale, then the intercept. */
  weights: Float64Array;
  iterations: number;
}

export interface FitOptions {
  /** L2 penalty on the feature weights (not the intercept): a N(0, 1/ridge) prior (default 1). */
  ridge?: number;
  maxIterations?: number;
  /** Stop when no weight moves more than this (default 1e-8). */
  tolerance?: number;
}

/** Mean and standard deviation (1 where a feature is constant) of each of the d columns of x (n×d). */
export function standardizer(x: ArrayLike<number>, n: number, d: number): Standardizer {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) mean[k] += x[i * d + k];
  for (let k = 0; k < d; k++) mean[k] /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) scale[k] += (x[i * d + k] - mean[k]) ** 2;
  for (let k = 0; k < d; k++) scale[k] = Math.sqrt(scale[k] / Math.max(1, n)) || 1;
  return { mean, scale };
}

/** Largest change of any weight in one Newton step (standardised scale). */
const MAX_STEP = 4;

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Linear score of row `i` of x (n×d) under `w` (weights then intercept), with features standardised. */
function score(x: ArrayLike<number>, i: number, d: number, std: Standardizer, w: Float64Array): number {
  let z = w[d];
  for (let k = 0; k < d; k++) z += w[k] * ((x[i * d + k] - std.mean[k]) / std.scale[k]);
  return z;
}

/** P(y = 1) for row `i` of x (n×d). */
export function predictLogistic(model: LogisticModel, std: Standardizer, x: ArrayLike<number>, i: number, d: number): number {
  return sigmoid(score(x, i, d, std, model.weights));
}

/** Solves A v = b in place (b becomes v) for a symmetric positive definite A (p×p, row-major). */
function choleskySolve(a: Float64Array, b: Float64Array, p: number): void {
  for (let j = 0; j < p; j++) {
    let diag = a[j * p + j];
    for (let k = 0; k < j; k++) diag -= a[j * p + k] ** 2;
    const l = Math.sqrt(Math.max(diag, 1e-300));
    a[j * p + j] = l;
    for (let i = j + 1; i < p; i++) {
      let v = a[i * p + j];
      for (let k = 0; k < j; k++) v -= a[i * p + k] * a[j * p + k];
      a[i * p + j] = v / l;
    }
  }
  for (let i = 0; i < p; i++) {
    let v = b[i];
    for (let k = 0; k < i; k++) v -= a[i * p + k] * b[k];
    b[i] = v / a[i * p + i];
  }
  for (let i = p - 1; i >= 0; i--) {
    let v = b[i];
    for (let k = i + 1; k < p; k++) v -= a[k * p + i] * b[k];
    b[i] = v / a[i * p + i];
  }
}

/**
 * Fits P(y = 1 | x) on the rows listed in `rows` (indices into x, n×d, and y ∈ {0, 1}). The ridge keeps
 * the Hessian positive definite and the weights finite even when a rare outcome is separable.
 */
export function fitLogistic(x: ArrayLike<number>, d: number, y: ArrayLike<number>, rows: ArrayLike<number>, std: Standardizer, opts: FitOptions = {}): LogisticModel {
  const ridge = opts.ridge ?? 1;
  const maxIterations = opts.maxIterations ?? 50;
  const tolerance = opts.tolerance ?? 1e-8;
  const p = d + 1;
  const w = new Float64Array(p);
  // Start at the base rate, so the first Newton step only has to learn the features.
  let positives = 0;
  for (let k = 0; k < rows.length; k++) positives += y[rows[k]];
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, rows.length)));
  w[d] = Math.log(rate / (1 - rate));
  const z = new Float64Array(p);
  const hessian = new Float64Array(p * p);
  const step = new Float64Array(p);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    hessian.fill(0);
    step.fill(0);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k];
      for (let f = 0; f < d; f++) z[f] = (x[i * d + f] - std.mean[f]) / std.scale[f];
      z[d] = 1;
      let s = w[d];
      for (let f = 0; f < d; f++) s += w[f] * z[f];
      const prob = sigmoid(s);
      const weight = prob * (1 - prob);
      const residual = y[i] - prob;
      for (let a = 0; a < p; a++) {
        step[a] += z[a] * residual;
        const wa = weight * z[a];
        for (let b = 0; b <= a; b++) hessian[a * p + b] += wa * z[b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hessian[b * p + a] = hessian[a * p + b];
    for (let f = 0; f < d; f++) {
      hessian[f * p + f] += ridge;
      step[f] -= ridge * w[f];
    }
    choleskySolve(hessian, step, p);
    let largest = 0;
    for (let a = 0; a < p; a++) largest = Math.max(largest, Math.abs(step[a]));
    // A capped step keeps Newton from overshooting far from the optimum; near it the cap is inactive.
    const shrink = largest > MAX_STEP ? MAX_STEP / largest : 1;
    for (let a = 0; a < p; a++) w[a] += shrink * step[a];
    if (largest < tolerance) {
      iterations++;
      break;
    }
  }
  return { weights: w, iterations };
}
