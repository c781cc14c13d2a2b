/**
 * AUCC, the area under the cost curve for a binary treatment (method.md §7), and the Qini/AUUC area for
 * the revenue outcome. Pure functions on typed arrays. O(N log N) for the ranking.
 */

/** Rank order of rows by descending score; ties keep row order, so the result is deterministic. */
export function rankDescending(score: ArrayLike<number>): Uint32Array {
  const order = new Uint32Array(score.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  order.sort((a, b) => score[b] - score[a] || a - b);
  return order;
}

/** Predicted ROI (r̂_1 − r̂_0)/(ĉ_1 − ĉ_0), the denominator kept at least `minDenom` away from 0 (sign kept). */
export function roiScores(rhat: ArrayLike<number>, chat: ArrayLike<number>, n: number, minDenom = 1e-6): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let d = chat[2 * i + 1] - chat[2 * i];
    if (Math.abs(d) < minDenom) d = d < 0 ? -minDenom : minDenom;
    s[i] = (rhat[2 * i + 1] - rhat[2 * i]) / d;
  }
  return s;
}

export interface CostCurve {
  /** Incremental cost and revenue after each row of the ranking (prefix sums over whole group sizes). */
  cost: Float64Array;
  revenue: Float64Array;
  deltaR: number;
  deltaC: number;
}

/** The cost curve of a ranking on logged binary-treatment rows (t ∈ {0, 1}). */
export function costCurve(order: ArrayLike<number>, t: ArrayLike<number>, r: ArrayLike<number>, c: ArrayLike<number>): CostCurve {
  const n = order.length;
  let nT = 0;
  let rT = 0;
  let cT = 0;
  let rC = 0;
  let cC = 0;
  for (let i = 0; i < n; i++) {
    if (t[i] === 1) {
      nT++;
      rT += r[i];
      cT += c[i];
    } else {
      rC += r[i];
      cC += c[i];
    }
  }
  const nC = n - nT;
  const cost = new Float64Array(n);
  const revenue = new Float64Array(n);
  let accRT = 0;
  let accCT = 0;
  let accRC = 0;
  let accCC = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (t[i] === 1) {
      accRT += r[i];
      accCT += c[i];
    } else {
      accRC += r[i];
      accCC += c[i];
    }
    cost[k] = accCT / nT - accCC / nC;
    revenue[k] = accRT / nT - accRC / nC;
  }
  return { cost, revenue, deltaR: rT / nT - rC / nC, deltaC: cT / nT - cC / nC };
}

/**
 * AUCC with Q cost levels: record the incremental revenue the first time the incremental cost reaches
 * q·ΔC/Q (q = 1..Q−1), plus the final point, prepend 0, divide the sum by ΔR·(Q+1). Random ≈ 0.5.
 * NaN when a group is empty or ΔR or ΔC is not positive (the curve has no meaningful scale).
 */
export function aucc(order: ArrayLike<number>, t: ArrayLike<number>, r: ArrayLike<number>, c: ArrayLike<number>, Q = 200): number {
  const curve = costCurve(order, t, r, c);
  const { deltaR, deltaC } = curve;
  if (!(deltaR > 0) || !(deltaC > 0)) return NaN;
  let sum = 0;
  let k = 0;
  const n = order.length;
  for (let q = 1; q < Q; q++) {
    const level = (q * deltaC) / Q;
    while (k < n && curve.cost[k] < level) k++;
    sum += k < n ? curve.revenue[k] : curve.revenue[n - 1];
  }
  sum += curve.revenue[n - 1];
  return sum / (deltaR * (Q + 1));
}

/**
 * Normalised Qini/AUUC for revenue: the mean over rank positions of the incremental revenue curve,
 * divided by ΔR (so a random ranking ≈ 0.5 and a curve that gains everything at once → 1).
 */
export function auuc(order: ArrayLike<number>, t: ArrayLike<number>, r: ArrayLike<number>): number {
  const curve = costCurve(order, t, r, r);
  if (!(curve.deltaR > 0)) return NaN;
  let sum = 0;
  for (let k = 0; k < curve.revenue.length; k++) sum += curve.revenue[k];
  return sum / curve.revenue.length / curve.deltaR;
}
