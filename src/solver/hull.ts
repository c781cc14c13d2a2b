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
 * Complexity: O(N · M²) worst case (insertion sort of each row's M arms, M ≤ 8 in practice), one pass
 * over the matrices. Memory: N·M + N bytes.
 */
import type { Matrix, Scores } from './scores.js';

export interface Hulls {
  n: number;
  m: number;
  /** Hull vertices of user i: 1..m. */
  len: Uint8Array;
  /** Row-major n×m: user i's hull vertex arms, cheapest first, in arms[i*m .. i*m + len[i] − 1]. */
  arms: Uint8Array;
}

/**
 * Builds every user's hull. The first vertex is the cheapest arm (highest r̂ among equally cheap ones,
 * then the lowest index); later vertices strictly increase in cost and revenue; collinear points are
 * dropped (they tie with their neighbours at the same λ). Inputs must be finite (see `profileScores`).
 */
export function buildHulls(s: Scores): Hulls {
  const { n, m, rhat, chat } = s;
  const len = new Uint8Array(n);
  const arms = new Uint8Array(n * m);
  const order = new Int32Array(m);
  const cc = new Float64Array(m);
  const rr = new Float64Array(m);
  const slope = new Float64Array(m);
  for (let i = 0, base = 0; i < n; i++, base += m) {
    // Order arms by (cost ascending, revenue descending, index ascending): insertion sort, m is small.
    for (let j = 0; j < m; j++) {
      const c = chat[base + j];
      const r = rhat[base + j];
      let k = j;
      while (k > 0) {
        const o = order[k - 1];
        if (cc[o] < c || (cc[o] === c && rr[o] >= r)) break;
        order[k] = o;
        k--;
      }
      order[k] = j;
      cc[j] = c;
      rr[j] = r;
    }
    // Monotone chain over the upper-left part of the hull.
    let top = 0;
    for (let k = 0; k < m; k++) {
      const j = order[k];
      if (top > 0) {
        const last = arms[base + top - 1];
        // Dominated: no more revenue than a vertex that costs no more (this also skips equal costs).
        if (rr[j] <= rr[last]) continue;
      }
      let s = 0;
      while (top > 0) {
        const last = arms[base + top - 1];
        s = (rr[j] - rr[last]) / (cc[j] - cc[last]);
        // The last vertex lies on or under the chord from its predecessor to j: drop it.
        if (top >= 2 && s >= slope[top - 1]) top--;
        else break;
      }
      slope[top] = s;
      arms[base + top] = j;
      top++;
    }
    len[i] = top;
  }
  return { n, m, len, arms };
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
