/**
 * The deployment solver: the budgeted multiple-choice knapsack of method.md §1 on predicted r̂, ĉ with a
 * total budget B, with the optimal Lagrange price found exactly rather than to an ε.
 *
 * Steps, each a pass over the users:
 *   1. hulls     each user's upper convex hull of (ĉ, r̂): the only arms a price can choose (hull.ts);
 *                the same pass validates the inputs, sums the minimum spend Σ_i min_j ĉ_ij and the spend
 *                of the best-revenue arms, and histograms the hull slopes for step 2.
 *   2. price     λ* = the smallest λ whose Lagrangian spend fits B, by radix selection over the hull
 *                slopes (breakpoint.ts): one more pass over the hulls for continuous scores, at most four.
 *   3. choose    every user's vertex at λ*, the cheaper one on ties, so the spend fits B.
 *   4. fill      (optional) upgrade users by incremental ROI while the leftover budget allows (fill.ts).
 *   5. certify   the dual bound G(λ*) = λ*B + Σ_i max_j (r̂_ij − λ* ĉ_ij) ≥ any feasible revenue.
 * G(λ*) is the LP optimum; with fill the gap G(λ*) − revenue is below one user's revenue step on
 * its hull, so at most max_ij r̂_ij − min_ij r̂_ij (max r̂ when r̂ ≥ 0).
 *
 * Complexity: O(N·M²) for the hulls (insertion sort of M arms, M ≤ 8 in practice), O(N·M) for every other
 * pass, plus O(K log K) for the K upgrades cheaper than the leftover budget in the fill. No full sort.
 * Memory: the score matrices plus N·(M + 2) bytes and the fill heap.
 */
import { AllocationError } from '../errors.js';
import { buildHulls, chooseOnHulls } from './hull.js';
import { allocationTotal, argmaxArms, dualValue } from './lagrangian.js';
import { selectPrice, SlopeHistogram } from './breakpoint.js';
import { fillBudget } from './fill.js';
import { checkShape, type Scores } from './scores.js';

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
}

/**
 * Solves for a total budget B. With B at least the spend of everyone's best-revenue arm (lowest index on
 * ties) that is the answer, at λ = 0. Throws ScoreValueError (an AllocationError) for a non-finite value
 * or negative cost, and AllocationError for a budget below Σ_i min_j ĉ_ij, naming that minimum.
 */
export function solveExact(s: Scores, budget: number, opts: ExactOptions = {}): ExactResult {
  checkShape(s);
  // Validation, the profile, the hulls and the first selection histogram share one pass over the scores.
  const firstHistogram = new SlopeHistogram();
  const hulls = buildHulls(s, firstHistogram);
  const { minSpend, bestRevenueSpend, maxRhat } = hulls;
  if (!Number.isFinite(budget)) throw new AllocationError(`budget must be a finite number, got ${budget}`);
  if (budget < minSpend) {
    const perCapita = s.n > 0 ? ` (${minSpend / s.n} per user)` : '';
    throw new AllocationError(
      `budget ${budget} is below the minimum possible spend ${minSpend}${perCapita}, every user on their cheapest arm`,
    );
  }
  const allocation = new Uint8Array(s.n);
  let lambda = 0;
  let spend: number;
  let revenue: number;
  let upgrades = 0;
  if (budget >= bestRevenueSpend) {
    argmaxArms(s, 0, allocation);
    spend = allocationTotal(s.chat, s.m, allocation);
    revenue = allocationTotal(s.rhat, s.m, allocation);
  } else {
    lambda = selectPrice(s, hulls, budget - minSpend, firstHistogram).lambda;
    const pos = new Uint8Array(s.n);
    ({ spend, revenue } = chooseOnHulls(s, hulls, lambda, pos, allocation));
    if (opts.fill ?? true) {
      const filled = fillBudget(s, hulls, pos, allocation, budget - spend);
      spend += filled.spend;
      revenue += filled.revenue;
      upgrades = filled.upgrades;
    }
  }
  const dualBound = dualValue(s, lambda, budget);
  return { lambda, allocation, spend, revenue, dualBound, gap: dualBound - revenue, minSpend, maxRhat, upgrades };
}
