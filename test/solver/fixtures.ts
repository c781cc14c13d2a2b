/** Random score matrices and brute-force references shared by the solver tests. */
import { Rng } from '../../src/util/rng.js';
import { choiceAt, climb } from '../../src/solver/hull.js';
import type { Scores } from '../../src/solver/scores.js';

/**
 * A random n×m instance. `grid` > 0 draws integers 0..grid (many ties); otherwise float32 values with
 * arm 0 free and cost/revenue rising with the arm (some arms losing revenue: negative uplift).
 */
export function randomScores(rng: Rng, n: number, m: number, grid = 0): Scores {
  const rhat = new Float32Array(n * m);
  const chat = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    const r0 = rng.uniform();
    const lift = 2 * rng.uniform();
    for (let j = 0; j < m; j++) {
      const k = i * m + j;
      if (grid > 0) {
        rhat[k] = rng.int(grid + 1);
        chat[k] = rng.int(grid + 1);
      } else {
        chat[k] = j === 0 ? 0 : j * (0.5 + rng.uniform());
        rhat[k] = Math.max(0, r0 + lift * Math.sqrt(j) + 0.6 * (rng.uniform() - 0.5));
      }
    }
  }
  return { n, m, rhat, chat };
}

/** The best revenue of any allocation within the budget, by enumerating all m^n of them. */
export function bruteForceOptimum(s: Scores, budget: number): number {
  const { n, m, rhat, chat } = s;
  const pick = new Array<number>(n).fill(0);
  let best = -Infinity;
  for (;;) {
    let spend = 0;
    let revenue = 0;
    for (let i = 0; i < n; i++) {
      spend += chat[i * m + pick[i]];
      revenue += rhat[i * m + pick[i]];
    }
    if (spend <= budget + 1e-9 && revenue > best) best = revenue;
    let i = 0;
    while (i < n && ++pick[i] === m) pick[i++] = 0;
    if (i === n) return best;
  }
}

/**
 * λ* from every user's full hull: sort all steps by slope and find where the spend crosses the budget.
 * The reference for the sampled, bracketed solver.
 */
export function referencePrice(s: Scores, budget: number): number {
  const steps: [number, number][] = [];
  const arms = new Uint8Array(s.m);
  const slopes = new Float64Array(s.m);
  let spend = 0;
  for (let i = 0; i < s.n; i++) {
    const base = i * s.m;
    let prev = choiceAt(s, base, Infinity);
    spend += s.chat[base + prev];
    const count = climb(s, base, prev, Infinity, 0, arms, slopes);
    for (let t = 0; t < count; t++) {
      steps.push([slopes[t], s.chat[base + arms[t]] - s.chat[base + prev]]);
      prev = arms[t];
    }
  }
  steps.sort((a, b) => b[0] - a[0]);
  for (let k = 0; k < steps.length; ) {
    const slope = steps[k][0];
    let group = 0;
    for (; k < steps.length && steps[k][0] === slope; k++) group += steps[k][1];
    if (spend + group > budget) return slope;
    spend += group;
  }
  return 0;
}

export function spendOf(s: Scores, alloc: ArrayLike<number>): { spend: number; revenue: number } {
  let spend = 0;
  let revenue = 0;
  for (let i = 0; i < s.n; i++) {
    spend += s.chat[i * s.m + alloc[i]];
    revenue += s.rhat[i * s.m + alloc[i]];
  }
  return { spend, revenue };
}

/** A Scores value from per-user rows of [r̂, ĉ] pairs. */
export function scoresOf(rows: [number, number][][], kind: 'f32' | 'f64' = 'f64'): Scores {
  const n = rows.length;
  const m = n > 0 ? rows[0].length : 1;
  const Arr = kind === 'f32' ? Float32Array : Float64Array;
  const rhat = new Arr(n * m);
  const chat = new Arr(n * m);
  rows.forEach((row, i) =>
    row.forEach(([r, c], j) => {
      rhat[i * m + j] = r;
      chat[i * m + j] = c;
    }),
  );
  return { n, m, rhat, chat };
}
