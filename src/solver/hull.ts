/**
 * Per-user upper convex hulls of the points (ĉ_ij, r̂_ij).
 *
 * Along λ = ∞ → 0 the Lagrangian choice argmax_j (r̂_ij − λ ĉ_ij) walks a user's hull from its cheapest
 * vertex to its highest-revenue one; every other arm is never chosen. Stepping from vertex t−1 to t is an
 * "upgrade" that costs Δc > 0, gains Δr > 0 and pays off exactly when λ < slope_t = Δr / Δc. Slopes fall
 * strictly along the hull, so at any λ a user holds the vertex after the prefix of segments with
 * slope > λ. Slopes are never stored: every caller recomputes them with `segmentSlope`, the same f64
 * expression, so all passes agree bit for bit.
 *
 * Complexity: O(N · M²) worst case (insertion sort of each row's M arms, M ≤ 8 in practice; O(N · M) when
 * costs already rise with the arm index), one pass over the matrices. Memory: N·M + N bytes.
 */
import { badValue, type Matrix, type ScoreProfile, type Scores } from './scores.js';

export interface Hulls {
  n: number;
  m: number;
  /** Hull vertices of user i: 1..m. */
  len: Uint8Array;
  /** Row-major n×m: user i's hull vertex arms, cheapest first, in arms[i*m .. i*m + len[i] − 1]. */
  arms: Uint8Array;
}

/** Receives every hull segment once, as it is built (the price selection's first histogram). */
export interface SegmentSink {
  add(slope: number, dc: number): void;
}

/**
 * Builds every user's hull, validating the inputs and profiling them in the same pass (see
 * `profileScores`: it throws the same ScoreValueError for the first bad value). The first vertex is the
 * cheapest arm (highest r̂ among equally cheap ones, then the lowest index); later vertices strictly
 * increase in cost and revenue; collinear points are dropped (they tie with their neighbours at the same
 * λ). Every final segment is handed to `sink`.
 */
export function buildHulls(s: Scores, sink: SegmentSink): Hulls & ScoreProfile {
  const { n, m, rhat, chat } = s;
  const len = new Uint8Array(n);
  const arms = new Uint8Array(n * m);
  const order = new Int32Array(m);
  const slope = new Float64Array(m);
  let minSpend = 0;
  let bestRevenueSpend = 0;
  let maxRhat = -Infinity;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    // Order arms by (cost ascending, revenue descending, index ascending): insertion sort, m is small.
    let best = base;
    for (let j = 0; j < m; j++) {
      const c = chat[base + j];
      const r = rhat[base + j];
      if (!(c >= 0 && c < Infinity && r - r === 0)) throw badValue(i, j, r, c);
      if (r > rhat[best]) best = base + j;
      let k = j;
      while (k > 0) {
        const o = order[k - 1];
        const co = chat[base + o];
        if (co < c || (co === c && rhat[base + o] >= r)) break;
        order[k] = o;
        k--;
      }
      order[k] = j;
    }
    // Monotone chain over the rising part of the upper hull.
    let top = 0;
    let lastR = -Infinity;
    let lastC = 0;
    for (let k = 0; k < m; k++) {
      const j = order[k];
      const r = rhat[base + j];
      const c = chat[base + j];
      // Dominated: no more revenue than a vertex that costs no more (this also skips equal costs).
      if (r <= lastR) continue;
      let sl = 0;
      while (top > 0) {
        sl = (r - lastR) / (c - lastC);
        // The last vertex lies on or under the chord from its predecessor to j: drop it.
        if (top < 2 || sl < slope[top - 1]) break;
        top--;
        const prev = arms[base + top - 1];
        lastR = rhat[base + prev];
        lastC = chat[base + prev];
      }
      slope[top] = sl;
      arms[base + top] = j;
      top++;
      lastR = r;
      lastC = c;
    }
    len[i] = top;
    let a = arms[base];
    for (let t = 1; t < top; t++) {
      const b = arms[base + t];
      sink.add(slope[t], chat[base + b] - chat[base + a]);
      a = b;
    }
    minSpend += chat[base + arms[base]];
    bestRevenueSpend += chat[best];
    if (rhat[best] > maxRhat) maxRhat = rhat[best];
  }
  return { n, m, len, arms, minSpend, bestRevenueSpend, maxRhat };
}

/**
 * Slope Δr / Δc of the segment from arm `a` (cheaper) to arm `b` on the hull of the row starting at
 * `base`. The single expression used by hull building, selection and allocation.
 */
export function segmentSlope(rhat: Matrix, chat: Matrix, base: number, a: number, b: number): number {
  return (rhat[base + b] - rhat[base + a]) / (chat[base + b] - chat[base + a]);
}

/**
 * The Lagrangian choice on the hulls at price λ: each user takes the vertex after its segments with
 * slope > λ, so at a tie (slope = λ) the cheaper vertex wins and the spend is the smallest among
 * optimal choices. Writes the hull position to `pos` and the arm to `alloc`; returns spend and revenue.
 */
export function chooseOnHulls(
  s: Scores,
  h: Hulls,
  lambda: number,
  pos: Uint8Array,
  alloc: Uint8Array,
): { spend: number; revenue: number } {
  const { n, m, rhat, chat } = s;
  const { len, arms } = h;
  let spend = 0;
  let revenue = 0;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let t = 0;
    let a = arms[base];
    while (t + 1 < len[i]) {
      const b = arms[base + t + 1];
      if (!(segmentSlope(rhat, chat, base, a, b) > lambda)) break;
      a = b;
      t++;
    }
    pos[i] = t;
    alloc[i] = a;
    spend += chat[base + a];
    revenue += rhat[base + a];
  }
  return { spend, revenue };
}
