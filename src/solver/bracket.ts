/**
 * A price interval that very probably holds λ*, estimated from the hulls of a sample of users.
 *
 * The spend at price λ is Σ_i (cheapest cost of i + Σ of i's hull steps with slope > λ). On a systematic
 * sample of n_s users (every k-th, from the middle of the first stride) this sum, scaled by N / n_s,
 * estimates it with standard error σ·N/√n_s·√(1 − n_s/N), σ the spread of the per-user spend at the
 * estimated λ*. The bracket [lo, hi] are the prices where the estimate crosses B ± z standard errors;
 * the caller checks the real spend at both ends and widens (larger z) on a miss. With n_s = N the
 * estimate is exact and the bracket hugs λ*.
 *
 * Complexity: O(n_s · M · hull size) once, O(n_s · M) per bracket. Memory: O(n_s · M).
 */
import { choiceAt, climb } from './hull.js';
import type { Scores } from './scores.js';
import { weightedSelect } from './select.js';

const SAMPLE = 1 << 16;
/** Moves a bracket end a hair outwards, off the sample's own breakpoints (rounding ties). */
const NUDGE = 2 ** -40;

export interface Bracket {
  lo: number;
  hi: number;
}

/** The sampled users' hull steps, ready to estimate the spend at any price. */
export class SpendSample {
  /** Sampled users n_s, the scale-up N / n_s and the finite-population correction √(1 − n_s/N). */
  private readonly users: number;
  private readonly scale: number;
  private readonly fpc: number;
  /** Σ of the sampled users' cheapest costs. */
  private base = 0;
  private readonly slopes: Float64Array;
  private readonly dcs: Float64Array;
  /** Sampled user k owns steps [start[k], start[k+1]); `first` holds its cheapest cost. */
  private readonly start: Int32Array;
  private readonly first: Float64Array;

  /** Walks the hulls of every ⌈N / 65,536⌉-th user (all users when N ≤ 65,536). */
  constructor(s: Scores) {
    const { n, m } = s;
    const stride = Math.max(1, Math.ceil(n / SAMPLE));
    this.users = n === 0 ? 0 : Math.ceil((n - Math.floor((stride - 1) / 2)) / stride);
    this.scale = this.users > 0 ? n / this.users : 0;
    this.fpc = n > 0 ? Math.sqrt(Math.max(0, 1 - this.users / n)) : 0;
    this.slopes = new Float64Array(this.users * Math.max(1, m - 1));
    this.dcs = new Float64Array(this.slopes.length);
    this.start = new Int32Array(this.users + 1);
    this.first = new Float64Array(this.users);
    const arms = new Uint8Array(m);
    const slopes = new Float64Array(m);
    let at = 0;
    for (let k = 0, i = Math.floor((stride - 1) / 2); k < this.users; k++, i += stride) {
      const base = i * m;
      const v = choiceAt(s, base, Infinity);
      this.first[k] = s.chat[base + v];
      this.base += this.first[k];
      const steps = climb(s, base, v, Infinity, 0, arms, slopes);
      for (let t = 0, prev = v; t < steps; prev = arms[t], t++) {
        this.slopes[at] = slopes[t];
        this.dcs[at++] = s.chat[base + arms[t]] - s.chat[base + prev];
      }
      this.start[k + 1] = at;
    }
  }

  /** The bracket for total budget B at z standard errors (z = 0: the point estimate, both ends). */
  bracket(budget: number, z: number): Bracket {
    const centre = this.priceAt(budget);
    const margin = z * this.spread(centre) * this.scale * Math.sqrt(this.users) * this.fpc;
    const lo = this.priceAt(budget + margin);
    // Over budget even on the cheapest arms: λ* is at least the largest sampled slope.
    const floor = lo === Infinity ? this.maxSlope() : lo;
    return { lo: floor * (1 - NUDGE), hi: this.priceAt(budget - margin) * (1 + NUDGE) };
  }

  private maxSlope(): number {
    let max = 0;
    for (let t = 0; t < this.start[this.users]; t++) max = Math.max(max, this.slopes[t]);
    return max;
  }

  /** The smallest sampled breakpoint at which the estimated spend is at most `spend` (∞ if none). */
  private priceAt(spend: number): number {
    if (this.users === 0) return 0;
    const target = spend / this.scale - this.base;
    if (target < 0) return Infinity;
    const count = this.start[this.users];
    const { key } = weightedSelect(this.slopes.slice(0, count), this.dcs.slice(0, count), count, target);
    return key < 0 ? 0 : key;
  }

  /** Standard deviation of the sampled users' spend at price λ. */
  private spread(lambda: number): number {
    if (this.users < 2 || !Number.isFinite(lambda)) return 0;
    let sum = 0;
    let sumSq = 0;
    for (let k = 0; k < this.users; k++) {
      let spend = this.first[k];
      for (let t = this.start[k]; t < this.start[k + 1] && this.slopes[t] > lambda; t++) spend += this.dcs[t];
      sum += spend;
      sumSq += spend * spend;
    }
    const mean = sum / this.users;
    return Math.sqrt(Math.max(0, sumSq / this.users - mean * mean));
  }
}
