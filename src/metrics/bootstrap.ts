/**
 * Paired bootstrap over test rows for the difference in EOM revenue between two policies evaluated on the
 * same logged RCT rows (method.md §7).
 *
 * A policy's EOM revenue is linear in per-row contributions: with x_i = 1[t_i = π(i)]·r_i it is
 * Σ_i w_i x_i, where w_i = 1/(N p_i) with a logged propensity column and otherwise 1/N_{t_i} (the arm's
 * share of rows estimates p_t, as in Algorithm A). A resample draws N row indices with replacement, the
 * same indices for both policies (the pairing), and re-estimates the arm shares from the resample. So a
 * resample costs O(N) whatever the number of seeds or budget levels: callers pass contributions already
 * averaged over them (the statistic is linear, so the average of differences is the difference of averages).
 *
 * Policies are held fixed (λ* from the full test set), so the interval reflects the noise of estimating
 * the value of these policies from a finite test set, not training noise (that is the ± std over seeds).
 */
import { Rng } from '../util/rng.js';

export interface PairedContributions {
  /** Logged arm of each row, 0..arms−1. */
  t: ArrayLike<number>;
  arms: number;
  /** Per-row contributions x_i of the candidate (a) and the reference (b), same length as t. */
  a: ArrayLike<number>;
  b: ArrayLike<number>;
  /** Logged propensity of each row's arm; absent: arm shares of the (re)sample. */
  p?: ArrayLike<number>;
}

export interface BootstrapOptions {
  resamples?: number;
  /** Two-sided coverage of the percentile interval (default 0.95). */
  level?: number;
  seed?: number;
}

export interface Interval {
  estimate: number;
  low: number;
  high: number;
}

export interface PairedBootstrap {
  /** EOM(a) − EOM(b) on the full rows, with its percentile interval. */
  difference: Interval;
  /** EOM(a) / EOM(b) − 1, with its percentile interval (NaN where EOM(b) is 0). */
  relative: Interval;
  /** Share of resamples in which a did not beat b (a one-sided bootstrap p-value for "a > b"). */
  share_not_better: number;
  resamples: number;
  level: number;
  seed: number;
}

/** The two EOM values from per-arm sums of a and b and arm counts (or from propensity-weighted sums). */
function values(sa: Float64Array, sb: Float64Array, counts: Float64Array, weighted: boolean, n: number): [number, number] {
  if (weighted) return [sa[0] / n, sb[0] / n];
  let va = 0;
  let vb = 0;
  for (let j = 0; j < counts.length; j++) {
    if (counts[j] === 0) continue;
    va += sa[j] / counts[j];
    vb += sb[j] / counts[j];
  }
  return [va, vb];
}

/** The q-quantile (0..1) of sorted values by linear interpolation. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/**
 * Percentile bootstrap of EOM(a) − EOM(b) and EOM(a)/EOM(b) − 1 over rows resampled with replacement.
 * Defaults: 1000 resamples, 95%, seed 1; the same inputs and seed give the same interval.
 * Cost: O(resamples · N) time, O(N + resamples) memory beyond the inputs.
 * Throws RangeError for misaligned inputs, no rows, an arm outside 0..arms−1 or a bad option.
 */
export function pairedBootstrap(rows: PairedContributions, opts: BootstrapOptions = {}): PairedBootstrap {
  const { t, a, b, p, arms } = rows;
  const n = t.length;
  const resamples = opts.resamples ?? 1000;
  const level = opts.level ?? 0.95;
  const seed = opts.seed ?? 1;
  if (n === 0 || a.length !== n || b.length !== n || (p && p.length !== n)) {
    throw new RangeError(`paired bootstrap needs aligned, non-empty rows (t ${n}, a ${a.length}, b ${b.length})`);
  }
  if (!Number.isInteger(resamples) || resamples < 2 || !(level > 0 && level < 1)) {
    throw new RangeError(`need an integer resamples ≥ 2 and 0 < level < 1, got ${resamples}, ${level}`);
  }
  const weighted = p !== undefined;
  // With propensities every row has its own weight and one "arm" bucket holds the weighted sums.
  const buckets = weighted ? 1 : arms;
  const arm = new Uint8Array(n);
  const xa = new Float64Array(n);
  const xb = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(t[i] >= 0 && t[i] < arms)) throw new RangeError(`row ${i + 1}: arm ${t[i]} is outside 0..${arms - 1}`);
    const w = weighted ? 1 / p![i] : 1;
    arm[i] = weighted ? 0 : t[i];
    xa[i] = a[i] * w;
    xb[i] = b[i] * w;
  }
  const sa = new Float64Array(buckets);
  const sb = new Float64Array(buckets);
  const counts = new Float64Array(buckets);
  for (let i = 0; i < n; i++) {
    sa[arm[i]] += xa[i];
    sb[arm[i]] += xb[i];
    counts[arm[i]]++;
  }
  const [fa, fb] = values(sa, sb, counts, weighted, n);

  const rng = new Rng(seed);
  const scale = n / 4294967296;
  const block = new Uint32Array(Math.min(n, 1 << 16));
  // How often each row was drawn. One byte per row keeps the random increments in cache for millions of
  // rows (reading the 17-byte rows at random instead was 4× slower at 1M rows); a count of 256 has
  // probability ~1/256! and cannot happen.
  const times = new Uint8Array(n);
  const diffs = new Float64Array(resamples);
  const rels = new Float64Array(resamples);
  let notBetter = 0;
  for (let k = 0; k < resamples; k++) {
    times.fill(0);
    for (let drawn = 0; drawn < n; drawn += block.length) {
      const draws = block.subarray(0, Math.min(block.length, n - drawn));
      rng.fillU32(draws);
      for (let d = 0; d < draws.length; d++) times[Math.floor(draws[d] * scale)]++;
    }
    sa.fill(0);
    sb.fill(0);
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const m = times[i];
      if (m === 0) continue;
      const j = arm[i];
      sa[j] += m * xa[i];
      sb[j] += m * xb[i];
      counts[j] += m;
    }
    const [va, vb] = values(sa, sb, counts, weighted, n);
    diffs[k] = va - vb;
    rels[k] = vb !== 0 ? va / vb - 1 : NaN;
    if (!(va > vb)) notBetter++;
  }
  diffs.sort();
  rels.sort();
  const tail = (1 - level) / 2;
  return {
    difference: { estimate: fa - fb, low: quantile(diffs, tail), high: quantile(diffs, 1 - tail) },
    relative: { estimate: fb !== 0 ? fa / fb - 1 : NaN, low: quantile(rels, tail), high: quantile(rels, 1 - tail) },
    share_not_better: notBetter / resamples,
    resamples,
    level,
    seed,
  };
}
