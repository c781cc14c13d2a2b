/**
 * The simulated targeting policy of the Criteo hybrid benchmark (method.md §8, steps 1–2): a two-stage
 * model — one logistic regression per outcome (conversion, visit) per arm, cross-entropy — fitted on the
 * 5% model part, and the rule "treat the top half by predicted ROI = Δconversion / Δvisit".
 *
 * The half is cut at the median predicted ROI of the model part: its rows are a uniform sample of the
 * same population as the policy part, and the ROI is a fixed function of the features, so the median
 * carries over (up to sampling error of order 1/√n). Rows tied with the median are treated with the
 * probability that makes the expected treated share exactly one half (features of Criteo repeat a lot).
 */
import { DataError } from '../errors.js';
import type { Rng } from '../util/rng.js';
import { fitLogistic, predictLogistic, standardizer, type LogisticModel, type Standardizer } from './logistic.js';

/** The model part, row-major features (n×d) and binary outcomes. */
export interface ModelRows {
  n: number;
  d: number;
  x: Float32Array;
  t: Uint8Array;
  conversion: Uint8Array;
  visit: Uint8Array;
}

export interface TargetingPolicy {
  d: number;
  std: Standardizer;
  /** Index = arm (0 control, 1 treated). */
  conversion: [LogisticModel, LogisticModel];
  visit: [LogisticModel, LogisticModel];
  /** Median predicted ROI on the model part. */
  threshold: number;
  /** Probability of treating a row whose ROI equals the threshold. */
  tieProbability: number;
}

/** ROI denominators closer to 0 than this keep their sign (as the AUCC ranking in method.md §7). */
const MIN_DENOMINATOR = 1e-6;

/** Predicted ROI (p̂conv_1 − p̂conv_0) / (p̂visit_1 − p̂visit_0) of row i of x (n×d). */
export function predictedRoi(policy: TargetingPolicy, x: ArrayLike<number>, i: number): number {
  const { std, d } = policy;
  const dc = predictLogistic(policy.conversion[1], std, x, i, d) - predictLogistic(policy.conversion[0], std, x, i, d);
  let dv = predictLogistic(policy.visit[1], std, x, i, d) - predictLogistic(policy.visit[0], std, x, i, d);
  if (Math.abs(dv) < MIN_DENOMINATOR) dv = dv < 0 ? -MIN_DENOMINATOR : MIN_DENOMINATOR;
  return dc / dv;
}

/** The policy's arm for a row with predicted ROI `roi`; `rng` breaks ties at the threshold. */
export function policyArm(policy: TargetingPolicy, roi: number, rng: Rng): 0 | 1 {
  if (roi > policy.threshold) return 1;
  if (roi < policy.threshold) return 0;
  return rng.uniform() < policy.tieProbability ? 1 : 0;
}

/**
 * Fits the four outcome models and the median cut. Throws DataError (naming `file`) when an arm has no
 * rows in the model part, i.e. the input is too small for the 5% model part to learn from.
 */
export function fitTargetingPolicy(rows: ModelRows, file: string): TargetingPolicy {
  const { n, d, x, t } = rows;
  const byArm = [0, 1].map((arm) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (t[i] === arm) idx.push(i);
    if (idx.length === 0) throw new DataError(`the 5% model part has no ${arm === 1 ? 'treated' : 'control'} rows; the input is too small`, { file });
    return Uint32Array.from(idx);
  });
  const std = standardizer(x, n, d);
  const fit = (y: Uint8Array, arm: number): LogisticModel => fitLogistic(x, d, y, byArm[arm], std);
  const partial: TargetingPolicy = {
    d,
    std,
    conversion: [fit(rows.conversion, 0), fit(rows.conversion, 1)],
    visit: [fit(rows.visit, 0), fit(rows.visit, 1)],
    threshold: 0,
    tieProbability: 0,
  };
  const roi = new Float64Array(n);
  for (let i = 0; i < n; i++) roi[i] = predictedRoi(partial, x, i);
  const sorted = roi.slice().sort();
  const threshold = sorted[Math.floor(n / 2)];
  let above = 0;
  let equal = 0;
  for (const v of roi) {
    if (v > threshold) above++;
    else if (v === threshold) equal++;
  }
  return { ...partial, threshold, tieProbability: Math.min(1, Math.max(0, (n / 2 - above) / equal)) };
}
