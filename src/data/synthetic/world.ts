import type { Rng } from '../../util/rng.js';
import { stream } from './streams.js';

/**
 * The structural model of the synthetic benchmark: who the individuals are and what every arm would
 * bring in and cost for each of them. The logging policies (logging-policy.ts) and the outcome kinds
 * (outcomes.ts) build on it; nothing here depends on --bias or --outcome, so one seed is one world.
 *
 * Population, per individual i (independent draws):
 *   x_ik ~ N(0,1), rounded to 4 decimals and to float32, k = 0..D-1   the features written to the CSV
 *   h_i  ~ N(0,1)   hidden: raises base revenue and uplift (the confounder of --bias-kind hidden)
 *   u_i  ~ N(0,1)   hidden: spreads the uplift inside the subgroup G = {x_i0 > 0.5}, ≈ 31% of individuals
 *                   (the trait --bias-kind rank selects on)
 * World parameters, drawn once from the seed (they depend on D only): random unit vectors w_b, w_τ, w_k,
 * w_π; a feature pair (a, b), a ≠ b; K = 16 frequency vectors ω_q, each on 3 random features with N(0, 2²)
 * entries, and phases φ_q ~ U[0, 2π). Arm levels a_j = j / (M-1): 0 = control, 1 = the largest incentive.
 *
 * Base (arm 0) revenue intensity, κ = --base-complexity:
 *   ℓ_i  = (w_b·x_i + 0.6 h_i) / √1.36                        smooth in x, partly hidden, ~N(0,1)
 *   Q_i  = (√(2/K) Σ_q cos(ω_q·x_i + φ_q))²                   high-frequency interactions, mean ≈ 1
 *   m_i0 = exp(0.5 ℓ_i − 0.125) + κ Q_i                       mean ≈ 1 + κ
 * Uplift scale, σ = --uplift-tail (log-normal tail; z is clipped to ±4 so a large σ stays finite):
 *   z_i  = 0.8 w_τ·x_i + 0.6 x_ia x_ib                         non-linear, unit variance
 *   τ_i  = 0.5 · exp(σ z_i − σ²/2) · exp(0.3 h_i − 0.045) · (i ∈ G ? exp(0.8 u_i − 0.32) : 1)
 * Diminishing returns with an individual curvature k_i ∈ (0.5, 4):
 *   k_i  = 0.5 + 3.5 sigmoid(w_k·x_i),   d_ij = (1 − e^(−k_i a_j)) / (1 − e^(−k_i))   (d_i0 = 0, d_i,M-1 = 1)
 *   m_ij = m_i0 + τ_i d_ij                                    revenue intensity of arm j
 * Cost: an incentive refunds a share of what is bought; π_i is the share of purchases it is redeemed on:
 *   π_i  = sigmoid(w_π·x_i)
 *   q_ij = 0.02 + a_j (0.5 π_i m_ij + 0.05)                   cost intensity of arm j
 * The cost grows with the whole revenue m_ij, so heavy buyers (large m_i0) are paid for purchases they would
 * have made anyway: their ROI τ_i d_ij / (q_ij − q_i0) is low even when their uplift is high, and the ROI
 * ranking of individuals differs from the uplift ranking.
 *
 * All multiplicative factors are mean-one log-normals, so the knobs change shape, not the average scale.
 */

const BASE_SD = 0.5;
const HIDDEN_BASE = 0.6;
const ROUGH_TERMS = 16;
const ROUGH_FEATURES = 3;
const ROUGH_FREQUENCY = 2;
const MEAN_UPLIFT = 0.5;
const UPLIFT_CLIP = 4;
const HIDDEN_UPLIFT = 0.3;
const RANK_SPREAD = 0.8;
const SUBGROUP_THRESHOLD = 0.5;
const DISCOUNT_DEPTH = 0.5;
const DELIVERY_COST = 0.05;
const CONTROL_COST = 0.02;
const FEATURE_SCALE = 1e4;

/** One individual: observed features and the two hidden traits. Reused across rows to avoid allocation. */
export interface Individual {
  x: Float64Array;
  h: number;
  u: number;
}

/** The rank subgroup as a predicate on the written features, for dataset.json and readers. */
export const RANK_SUBGROUP = `f0 > ${SUBGROUP_THRESHOLD}`;

export class World {
  readonly level: Float64Array;
  private readonly wBase: Float64Array;
  private readonly wUplift: Float64Array;
  private readonly wCurve: Float64Array;
  private readonly wRedeem: Float64Array;
  private readonly pair: [number, number];
  private readonly freqIndex: Int32Array;
  private readonly freqWeight: Float64Array;
  private readonly phase: Float64Array;

  /**
   * @param features D ≥ 2, @param arms M ≥ 2, @param baseComplexity κ ≥ 0, @param upliftTail σ ≥ 0;
   * the parameters are drawn from `seed`'s "world" stream.
   */
  constructor(
    readonly features: number,
    readonly arms: number,
    private readonly baseComplexity: number,
    private readonly upliftTail: number,
    seed: number,
  ) {
    const rng = stream(seed, 'world');
    this.level = Float64Array.from({ length: arms }, (_, j) => j / (arms - 1));
    this.wBase = unitVector(rng, features);
    this.wUplift = unitVector(rng, features);
    this.wCurve = unitVector(rng, features);
    this.wRedeem = unitVector(rng, features);
    const a = rng.int(features);
    this.pair = [a, (a + 1 + rng.int(features - 1)) % features];
    const width = Math.min(ROUGH_FEATURES, features);
    this.freqIndex = new Int32Array(ROUGH_TERMS * width);
    this.freqWeight = new Float64Array(ROUGH_TERMS * width);
    this.phase = new Float64Array(ROUGH_TERMS);
    for (let q = 0; q < ROUGH_TERMS; q++) {
      const chosen = rng.permutation(features).subarray(0, width);
      for (let s = 0; s < width; s++) {
        this.freqIndex[q * width + s] = chosen[s];
        this.freqWeight[q * width + s] = ROUGH_FREQUENCY * rng.normal();
      }
      this.phase[q] = 2 * Math.PI * rng.uniform();
    }
  }

  newIndividual(): Individual {
    return { x: new Float64Array(this.features), h: 0, u: 0 };
  }

  /** Draws the next individual of a population stream into `ind`. */
  drawIndividual(rng: Rng, ind: Individual): void {
    for (let k = 0; k < this.features; k++) {
      ind.x[k] = Math.fround(Math.round(rng.normal() * FEATURE_SCALE) / FEATURE_SCALE);
    }
    ind.h = rng.normal();
    ind.u = rng.normal();
  }

  /**
   * The CSV text of a feature: the same text as formatNumber(x, true) gives for these 4-decimal float32
   * values (checked in the tests), several times faster, which matters at 12 features per row.
   */
  static featureText(x: number): string {
    return String(Math.round(x * FEATURE_SCALE) / FEATURE_SCALE);
  }

  inSubgroup(ind: Individual): boolean {
    return ind.x[0] > SUBGROUP_THRESHOLD;
  }

  /**
   * What a targeting model fitted on past logs would see: a standard-normal score of the observed features
   * that rises with both base revenue and uplift (the view of --bias-kind observed).
   */
  observedScore(ind: Individual): number {
    let s = 0;
    let norm = 0;
    for (let k = 0; k < this.features; k++) {
      const w = this.wBase[k] + this.wUplift[k];
      s += w * ind.x[k];
      norm += w * w;
    }
    return s / Math.sqrt(norm);
  }

  /** Fills the revenue intensities m_ij and cost intensities q_ij (length M) of one individual. */
  intensities(ind: Individual, m: Float64Array, q: Float64Array): void {
    const x = ind.x;
    const smooth = (dot(this.wBase, x) + HIDDEN_BASE * ind.h) / Math.sqrt(1 + HIDDEN_BASE * HIDDEN_BASE);
    const rough = this.rough(x);
    const base = Math.exp(BASE_SD * smooth - (BASE_SD * BASE_SD) / 2) + this.baseComplexity * rough * rough;

    const sigma = this.upliftTail;
    const z = clip(0.8 * dot(this.wUplift, x) + 0.6 * x[this.pair[0]] * x[this.pair[1]], UPLIFT_CLIP);
    let tau = MEAN_UPLIFT * Math.exp(sigma * z - (sigma * sigma) / 2);
    tau *= Math.exp(HIDDEN_UPLIFT * ind.h - (HIDDEN_UPLIFT * HIDDEN_UPLIFT) / 2);
    if (this.inSubgroup(ind)) tau *= Math.exp(RANK_SPREAD * ind.u - (RANK_SPREAD * RANK_SPREAD) / 2);

    const curve = 0.5 + 3.5 * sigmoid(dot(this.wCurve, x));
    const curveNorm = 1 - Math.exp(-curve);
    const redeem = sigmoid(dot(this.wRedeem, x));
    for (let j = 0; j < this.arms; j++) {
      const a = this.level[j];
      m[j] = base + (tau * (1 - Math.exp(-curve * a))) / curveNorm;
      q[j] = CONTROL_COST + a * (DISCOUNT_DEPTH * redeem * m[j] + DELIVERY_COST);
    }
  }

  /** √(2/K) Σ_q cos(ω_q·x + φ_q): ≈ N(0,1) across individuals, but wiggly and interaction-heavy in x. */
  private rough(x: Float64Array): number {
    const width = this.freqIndex.length / ROUGH_TERMS;
    let sum = 0;
    for (let q = 0; q < ROUGH_TERMS; q++) {
      let arg = this.phase[q];
      for (let s = 0; s < width; s++) arg += this.freqWeight[q * width + s] * x[this.freqIndex[q * width + s]];
      sum += Math.cos(arg);
    }
    return Math.sqrt(2 / ROUGH_TERMS) * sum;
  }
}

function unitVector(rng: Rng, n: number): Float64Array {
  const v = Float64Array.from({ length: n }, () => rng.normal());
  const norm = Math.sqrt(dot(v, v));
  for (let k = 0; k < n; k++) v[k] /= norm;
  return v;
}

function dot(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let k = 0; k < w.length; k++) s += w[k] * x[k];
  return s;
}

function sigmoid(v: number): number {
  return 1 / (1 + Math.exp(-v));
}

function clip(v: number, limit: number): number {
  return Math.max(-limit, Math.min(limit, v));
}
