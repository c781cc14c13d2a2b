/**
 * The one pass over every user: validate the scores, profile them, and classify each user against a
 * price bracket [lo, hi]. A user whose choice is the same at both ends is settled: by convexity it holds
 * that arm at every price in between, and that arm maximises r̂_ij − λ ĉ_ij there. Only the others
 * (active users) need their hulls walked.
 *
 * Complexity: O(N · M), reading each score once. Memory: 4 bytes per active user.
 */
import { badValue, type Scores } from './scores.js';

export interface Sweep {
  /** Σ_i min_j ĉ_ij: no allocation spends less. */
  minSpend: number;
  /** Spend of every user's highest-r̂ arm (lowest index on ties). */
  bestRevenueSpend: number;
  /** max_ij r̂_ij (−Infinity when there are no users). */
  maxRhat: number;
  /** Σ ĉ and Σ r̂ of the settled users' arms. */
  settledSpend: number;
  settledRevenue: number;
  /** Users whose choice differs between lo and hi, ascending. */
  active: Int32Array;
  /** Σ ĉ of the active users' choices at hi. */
  activeSpendHi: number;
}

/**
 * Writes every user's choice at `hi` (see hull.ts for the tie rule) to `alloc` and classifies users.
 * Throws ScoreValueError for the first non-finite value or negative cost in row order.
 */
export function sweep(s: Scores, lo: number, hi: number, alloc: Uint8Array): Sweep {
  const { n, m, rhat, chat } = s;
  const active = new IntList();
  const hiCheapest = hi === Infinity;
  let minSpend = 0;
  let bestRevenueSpend = 0;
  let maxRhat = -Infinity;
  let settledSpend = 0;
  let settledRevenue = 0;
  let activeSpendHi = 0;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let cMin = Infinity;
    let rBest = -Infinity;
    let best = 0;
    let aLo = 0;
    let aHi = 0;
    let scoreLo = -Infinity;
    let scoreHi = -Infinity;
    let cLo = Infinity;
    let cHi = Infinity;
    let rHi = -Infinity;
    for (let j = 0; j < m; j++) {
      const c = chat[base + j];
      const r = rhat[base + j];
      // One combined test keeps the loop cheap; badValue says which value is wrong.
      if (!(c >= 0 && c < Infinity && r - r === 0)) throw badValue(i, j, r, c);
      if (c < cMin) cMin = c;
      if (r > rBest) {
        rBest = r;
        best = j;
      }
      const sLo = r - lo * c;
      if (sLo > scoreLo || (sLo === scoreLo && c < cLo)) {
        scoreLo = sLo;
        cLo = c;
        aLo = j;
      }
      if (hiCheapest) {
        if (c < cHi || (c === cHi && r > rHi)) {
          cHi = c;
          rHi = r;
          aHi = j;
        }
      } else {
        const sHi = r - hi * c;
        if (sHi > scoreHi || (sHi === scoreHi && c < cHi)) {
          scoreHi = sHi;
          cHi = c;
          aHi = j;
        }
      }
    }
    minSpend += cMin;
    bestRevenueSpend += chat[base + best];
    if (rBest > maxRhat) maxRhat = rBest;
    alloc[i] = aHi;
    if (aLo === aHi) {
      settledSpend += cHi;
      settledRevenue += rhat[base + aHi];
    } else {
      active.push(i);
      activeSpendHi += cHi;
    }
  }
  return {
    minSpend,
    bestRevenueSpend,
    maxRhat,
    settledSpend,
    settledRevenue,
    active: active.toArray(),
    activeSpendHi,
  };
}

/** A growable list of int32 values. */
export class IntList {
  private data = new Int32Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = v;
  }

  toArray(): Int32Array {
    return this.data.slice(0, this.length);
  }
}
