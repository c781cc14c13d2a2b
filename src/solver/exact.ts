/**
 * The deployment solver: the budgeted multiple-choice knapsack of method.md §1 on predicted r̂, ĉ with a
 * total budget B, with the optimal Lagrange price λ* found exactly rather than to an ε.
 *
 * λ* is the smallest price whose Lagrangian spend fits B: the spend falls in steps at the slopes of the
 * users' hulls (hull.ts), and λ* is the slope where it crosses B. Steps:
 *   1. bracket   estimate [lo, hi] ∋ λ* from the hulls of a 65,536-user sample (bracket.ts).
 *   2. sweep     one pass over all users: validate, profile, and settle every user whose choice is the
 *                same at lo and hi (sweep.ts). Check that the spend at hi fits and the spend at lo does
 *                not; on a miss, widen the bracket and sweep again (at most twice; the last is certain).
 *   3. select    walk the active users' hulls between lo and hi and pick λ* among their slopes by
 *                weighted selection (select.ts), not by sorting.
 *   4. choose    active users take the vertex after their steps with slope > λ*: the cheaper arm on
 *                ties, so the spend fits B.
 *   5. fill      (optional) spend the leftover budget on the best remaining upgrades (fill.ts).
 *   6. certify   the dual bound G(λ*) = λ*B + Σ_i max_j (r̂_ij − λ* ĉ_ij) ≥ the revenue of any allocation
 *                within B. Settled users' terms come from their sums (their arm is the maximiser).
 * G(λ*) is the LP optimum; with fill the gap G(λ*) − revenue is below one user's revenue step on its
 * hull, so at most max_ij r̂_ij − min_ij r̂_ij (max r̂ when r̂ ≥ 0).
 *
 * Complexity: O(N·M) for the sweep (usually one), O(A·M·h) for the A active users (a few percent) with
 * hulls of h vertices, O(N·M) to find the fill's candidates; no sort of N items. Memory: the score
 * matrices, the N-byte allocation, O(A·M) for the active users' steps and O(K) for the fill candidates.
 */
import { AllocationError } from '../errors.js';
import { SpendSample, type Bracket } from './bracket.js';
import { fillBudget } from './fill.js';
import { climb } from './hull.js';
import { allocationTotal, argmaxArms, dualValue } from './lagrangian.js';
import { checkShape, type Scores } from './scores.js';
import { weightedSelect } from './select.js';
import { sweep, type Sweep } from './sweep.js';

/** Standard errors of the sampled spend estimate on the first sweep, then after a miss. */
const Z_FIRST = 6;
const Z_RETRY = 48;

export interface ExactOptions {
  /** Spend the leftover budget on the best remaining upgrades (default true). */
  fill?: boolean;
}

export interface ExactResult {
  lambda: number;
  /** The chosen arm of every user. */
  allocation: Uint8Array;
  /** Σ_i ĉ_{i,arm}: at most the budget. */
  spend: number;
  /** Σ_i r̂_{i,arm}. */
  revenue: number;
  /** G(λ*): no allocation within the budget has more predicted revenue. */
  dualBound: number;
  /** dualBound − revenue ≥ 0. */
  gap: number;
  /** Σ_i min_j ĉ_ij, the smallest budget that has a solution. */
  minSpend: number;
  maxRhat: number;
  /** Upgrades made by the fill step. */
  upgrades: number;
  /** Passes over all users in step 2 (1 unless the sample's bracket missed). */
  sweeps: number;
}

/**
 * Solves for a total budget B. With B at least the spend of everyone's best-revenue arm (lowest index on
 * ties) that is the answer, at λ = 0. Throws ScoreValueError (an AllocationError) for a non-finite value
 * or negative cost, and AllocationError for a budget below Σ_i min_j ĉ_ij, naming that minimum.
 */
export function solveExact(s: Scores, budget: number, opts: ExactOptions = {}): ExactResult {
  checkShape(s);
  if (!Number.isFinite(budget)) throw new AllocationError(`budget must be a finite number, got ${budget}`);
  const sample = new SpendSample(s);
  const allocation = new Uint8Array(s.n);
  const known: Bracket = { lo: 0, hi: Infinity };
  for (let sweeps = 1; ; sweeps++) {
    const last = sweeps === 3;
    const { lo, hi } = last ? known : within(sample.bracket(budget, sweeps === 1 ? Z_FIRST : Z_RETRY), known);
    const sw = sweep(s, lo, hi, allocation);
    const base = { allocation, minSpend: sw.minSpend, maxRhat: sw.maxRhat, sweeps };
    if (sweeps === 1) {
      checkBudget(s, budget, sw.minSpend);
      if (budget >= sw.bestRevenueSpend) return { ...base, ...bestRevenue(s, budget, allocation) };
    }
    const spendHi = sw.settledSpend + sw.activeSpendHi;
    if (!last && spendHi > budget) {
      known.lo = hi; // λ* > hi
      continue;
    }
    const steps = activeSteps(s, sw.active, allocation, lo, hi);
    if (!last && lo > 0 && spendHi + steps.total <= budget) {
      known.hi = lo; // λ* ≤ lo
      continue;
    }
    const { key } = weightedSelect(steps.slopes, steps.dcs, steps.count, budget - spendHi);
    const lambda = key < 0 ? lo : key;
    const chosen = chooseActive(s, sw, allocation, hi, lambda);
    let spend = sw.settledSpend + chosen.spend;
    let revenue = sw.settledRevenue + chosen.revenue;
    let upgrades = 0;
    if ((opts.fill ?? true) && lambda > 0 && budget > spend) {
      const filled = fillBudget(s, lambda, lo, sw.active, allocation, budget - spend);
      spend += filled.spend;
      revenue += filled.revenue;
      upgrades = filled.upgrades;
    }
    const dualBound = lambda * budget + sw.settledRevenue - lambda * sw.settledSpend + chosen.dual;
    return { ...base, lambda, spend, revenue, dualBound, gap: dualBound - revenue, upgrades };
  }
}

function checkBudget(s: Scores, budget: number, minSpend: number): void {
  if (budget >= minSpend) return;
  const perCapita = s.n > 0 ? ` (${minSpend / s.n} per user)` : '';
  throw new AllocationError(
    `budget ${budget} is below the minimum possible spend ${minSpend}${perCapita}, every user on their cheapest arm`,
  );
}

/** Intersects a sampled bracket with what earlier sweeps proved; falls back to the proven range. */
function within(b: Bracket, known: Bracket): Bracket {
  const lo = Math.max(b.lo, known.lo);
  const hi = Math.min(b.hi, known.hi);
  return lo <= hi ? { lo, hi } : known;
}

/** Everyone on their highest-r̂ arm, lowest index on ties: the answer when the budget allows it. */
function bestRevenue(s: Scores, budget: number, allocation: Uint8Array) {
  argmaxArms(s, 0, allocation);
  const revenue = allocationTotal(s.rhat, s.m, allocation);
  const dualBound = dualValue(s, 0, budget);
  return { lambda: 0, spend: allocationTotal(s.chat, s.m, allocation), revenue, dualBound, gap: dualBound - revenue, upgrades: 0 };
}

/** The active users' hull steps with slopes in (lo, hi], climbing from their choice at hi. */
function activeSteps(s: Scores, active: Int32Array, allocation: Uint8Array, lo: number, hi: number) {
  const arms = new Uint8Array(s.m);
  const stepSlopes = new Float64Array(s.m);
  const slopes = new Float64Array(Math.max(1, active.length * (s.m - 1)));
  const dcs = new Float64Array(slopes.length);
  let count = 0;
  let total = 0;
  for (const i of active) {
    const base = i * s.m;
    let prev = allocation[i];
    const steps = climb(s, base, prev, hi, lo, arms, stepSlopes);
    for (let t = 0; t < steps; t++) {
      const dc = s.chat[base + arms[t]] - s.chat[base + prev];
      slopes[count] = stepSlopes[t];
      dcs[count++] = dc;
      total += dc;
      prev = arms[t];
    }
  }
  return { slopes, dcs, count, total };
}

/** Moves active users from their choice at hi to their choice at λ; sums their spend, revenue, dual terms. */
function chooseActive(s: Scores, sw: Sweep, allocation: Uint8Array, hi: number, lambda: number) {
  const { m, rhat, chat } = s;
  const arms = new Uint8Array(m);
  const slopes = new Float64Array(m);
  let spend = 0;
  let revenue = 0;
  let dual = 0;
  for (const i of sw.active) {
    const base = i * m;
    const steps = climb(s, base, allocation[i], hi, lambda, arms, slopes);
    const a = steps > 0 ? arms[steps - 1] : allocation[i];
    allocation[i] = a;
    spend += chat[base + a];
    revenue += rhat[base + a];
    let best = -Infinity;
    for (let j = 0; j < m; j++) best = Math.max(best, rhat[base + j] - lambda * chat[base + j]);
    dual += best;
  }
  return { spend, revenue, dual };
}
