/**
 * The Lagrangian relaxation of the budgeted multiple-choice knapsack (method.md §1): at a price λ ≥ 0
 * each user independently takes argmax_j (r̂_ij − λ ĉ_ij). Every function here is one O(N·M) pass.
 */
import type { Matrix, Scores } from './scores.js';

/** An allocation: the chosen arm of every user. */
export type Allocation = Uint8Array | Int32Array;

/**
 * Fills `out[i]` with argmax_j (r̂_ij − λ ĉ_ij); ties go to the lower arm index (cheaper arms are
 * numbered first, and it makes results deterministic). `out` has length n.
 */
export function argmaxArms(s: Scores, lambda: number, out: Allocation): Allocation {
  const { n, m, rhat, chat } = s;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let best = 0;
    let bestScore = rhat[base] - lambda * chat[base];
    for (let j = 1; j < m; j++) {
      const score = rhat[base + j] - lambda * chat[base + j];
      if (score > bestScore) {
        bestScore = score;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Σ_i v[i, alloc[i]]: the spend of an allocation when `v` is ĉ, its predicted revenue when `v` is r̂. */
export function allocationTotal(v: Matrix, m: number, alloc: Allocation): number {
  let total = 0;
  for (let i = 0, base = 0; i < alloc.length; i++, base += m) total += v[base + alloc[i]];
  return total;
}

/**
 * The dual value G(λ) = λB + Σ_i max_j (r̂_ij − λ ĉ_ij). By weak duality it bounds the revenue of every
 * allocation that spends at most B, for every λ ≥ 0.
 */
export function dualValue(s: Scores, lambda: number, budget: number): number {
  const { n, m, rhat, chat } = s;
  let total = lambda * budget;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let best = rhat[base] - lambda * chat[base];
    for (let j = 1; j < m; j++) {
      const score = rhat[base + j] - lambda * chat[base + j];
      if (score > best) best = score;
    }
    total += best;
  }
  return total;
}

/** Users per arm of an allocation over m arms. */
export function armCounts(alloc: Allocation, m: number): number[] {
  const counts = new Array<number>(m).fill(0);
  for (let i = 0; i < alloc.length; i++) counts[alloc[i]]++;
  return counts;
}
