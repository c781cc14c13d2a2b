/**
 * The solver's input: predicted revenue r̂ and cost ĉ of every arm for every user, as two row-major
 * N×M matrices (`rhat[i*m + j]`). Float32Array keeps a 10M × 8 problem at 640 MB; Float64Array is
 * accepted where precision matters more than memory.
 */
import { AllocationError } from '../errors.js';

export type Matrix = Float32Array | Float64Array;

export interface Scores {
  /** Users (rows). */
  n: number;
  /** Arms (columns), 1..256: arm indices are stored as bytes. */
  m: number;
  rhat: Matrix;
  chat: Matrix;
}

/** Arm indices are stored in Uint8Arrays, which bounds the number of arms. */
export const MAX_ARMS = 256;

/** A bad score value, with the 1-based data row and the arm, so callers can name the file's column. */
export class ScoreValueError extends AllocationError {
  constructor(
    readonly row: number,
    readonly arm: number,
    readonly what: 'revenue' | 'cost',
    problem: string,
  ) {
    super(`data row ${row}, arm ${arm}: ${what} ${problem}`);
  }
}

/** Facts about a score matrix that every solver needs, gathered in the single validating pass. */
export interface ScoreProfile {
  /** Σ_i min_j ĉ_ij: no allocation spends less. */
  minSpend: number;
  /** Spend of giving every user the arm with the highest r̂ (lowest index on ties): the λ = 0 policy. */
  bestRevenueSpend: number;
  /** max_ij r̂_ij (−Infinity when n = 0). */
  maxRhat: number;
}

/**
 * Checks the shape (lengths n·m, 1 ≤ m ≤ 256) and the values (finite r̂, finite non-negative ĉ) once, at
 * the entry of a solver, and returns the profile. Throws AllocationError for a bad shape and
 * ScoreValueError for the first bad value in row order.
 */
export function profileScores(s: Scores): ScoreProfile {
  checkShape(s);
  const { n, m, rhat, chat } = s;
  let minSpend = 0;
  let bestRevenueSpend = 0;
  let maxRhat = -Infinity;
  for (let i = 0, base = 0; i < n; i++, base += m) {
    let cMin = Infinity;
    let best = base;
    for (let k = base; k < base + m; k++) {
      const r = rhat[k];
      const c = chat[k];
      // One combined test keeps the hot loop cheap; the slow path says which value is wrong.
      if (!(c >= 0 && c < Infinity && r - r === 0)) throw badValue(i, k - base, r, c);
      if (c < cMin) cMin = c;
      if (r > rhat[best]) best = k;
    }
    minSpend += cMin;
    bestRevenueSpend += chat[best];
    if (rhat[best] > maxRhat) maxRhat = rhat[best];
  }
  return { minSpend, bestRevenueSpend, maxRhat };
}

/** Throws AllocationError unless 1 ≤ m ≤ 256, n ≥ 0 and both matrices hold n·m values. */
export function checkShape(s: Scores): void {
  const { n, m, rhat, chat } = s;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(m) || m < 1 || m > MAX_ARMS) {
    throw new AllocationError(`need n ≥ 0 users and 1..${MAX_ARMS} arms, got n = ${n}, m = ${m}`);
  }
  if (rhat.length !== n * m || chat.length !== n * m) {
    throw new AllocationError(`score matrices must hold n·m = ${n * m} values, got ${rhat.length} and ${chat.length}`);
  }
}

/** The error for a row that failed the combined check: user i (0-based), arm j. */
export function badValue(i: number, j: number, r: number, c: number): ScoreValueError {
  if (!Number.isFinite(r)) return new ScoreValueError(i + 1, j, 'revenue', `is not a finite number (${r})`);
  if (!Number.isFinite(c)) return new ScoreValueError(i + 1, j, 'cost', `is not a finite number (${c})`);
  return new ScoreValueError(i + 1, j, 'cost', `is negative (${c})`);
}
