/**
 * One user's upper convex hull of the points (ĉ_ij, r̂_ij), walked on demand.
 *
 * As λ falls from ∞ to 0 the Lagrangian choice argmax_j (r̂_ij − λ ĉ_ij) climbs the user's hull from the
 * cheapest vertex to the highest-revenue one; every other arm is never chosen. Stepping from vertex v to
 * the next one up is an upgrade that costs Δc > 0, gains Δr > 0 and pays off exactly when λ < slope =
 * Δr / Δc. Slopes fall strictly along the hull, so at price λ a user holds the vertex after its
 * segments with slope > λ.
 *
 * Ties, everywhere the same: at a price where two vertices tie the cheaper one is held (the spend is
 * the smallest among optimal choices); identical points go to the lower arm index; collinear points are
 * skipped (the step goes to the farthest one).
 *
 * Each function reads one row (`base` = i·m) and costs O(M); a whole walk O(M · hull size).
 */
import type { Scores } from './scores.js';

/** Slope Δr / Δc from arm `a` to arm `b` of the row at `base`: the single expression every pass uses. */
export function segmentSlope(s: Scores, base: number, a: number, b: number): number {
  return (s.rhat[base + b] - s.rhat[base + a]) / (s.chat[base + b] - s.chat[base + a]);
}

/** The choice at price λ ≥ 0 (λ = ∞: the cheapest arm, highest r̂ among equally cheap ones). */
export function choiceAt(s: Scores, base: number, lambda: number): number {
  const { m, rhat, chat } = s;
  let best = 0;
  let bestC = chat[base];
  if (lambda === Infinity) {
    let bestR = rhat[base];
    for (let j = 1; j < m; j++) {
      const c = chat[base + j];
      const r = rhat[base + j];
      if (c < bestC || (c === bestC && r > bestR)) {
        best = j;
        bestC = c;
        bestR = r;
      }
    }
    return best;
  }
  let bestScore = rhat[base] - lambda * bestC;
  for (let j = 1; j < m; j++) {
    const c = chat[base + j];
    const score = rhat[base + j] - lambda * c;
    if (score > bestScore || (score === bestScore && c < bestC)) {
      best = j;
      bestC = c;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The hull vertex above `v`: among arms costing and earning strictly more, the one with the largest slope
 * from v below `ceiling` (or equal to it when `inclusive`); the farthest on equal slopes. The ceiling
 * keeps the slopes of a walk strictly falling even where rounding would not. Returns −1 at the top.
 */
export function nextUp(s: Scores, base: number, v: number, ceiling: number, inclusive: boolean): number {
  const { m, rhat, chat } = s;
  const rv = rhat[base + v];
  const cv = chat[base + v];
  let best = -1;
  let bestSlope = 0;
  let bestC = 0;
  for (let j = 0; j < m; j++) {
    const c = chat[base + j];
    const r = rhat[base + j];
    if (!(c > cv && r > rv)) continue;
    const slope = (r - rv) / (c - cv);
    if (slope > ceiling || (slope === ceiling && !inclusive)) continue;
    if (best < 0 || slope > bestSlope || (slope === bestSlope && c > bestC)) {
      best = j;
      bestSlope = slope;
      bestC = c;
    }
  }
  return best;
}

/**
 * Climbs from vertex `from`, which is the choice at price `ceiling`, through the segments with slope
 * above `floor`. Writes the vertex reached by each step to `arms` and its slope to `slopes` (scratch
 * arrays of length ≥ m) and returns the number of steps. The choice at any price λ in [floor, ceiling)
 * is then the vertex after the steps with slope > λ.
 */
export function climb(
  s: Scores,
  base: number,
  from: number,
  ceiling: number,
  floor: number,
  arms: Uint8Array,
  slopes: Float64Array,
): number {
  let steps = 0;
  let v = from;
  let cap = ceiling;
  let inclusive = true; // a tie at the ceiling itself was resolved towards `from`, the cheaper vertex
  for (;;) {
    const u = nextUp(s, base, v, cap, inclusive);
    if (u < 0) return steps;
    const slope = segmentSlope(s, base, v, u);
    if (!(slope > floor)) return steps;
    arms[steps] = u;
    slopes[steps] = slope;
    steps++;
    v = u;
    cap = slope;
    inclusive = false;
  }
}
