/**
 * Bisection on the Lagrange multiplier λ.
 *
 * `algorithmA` is Algorithm A of method.md §1, the one used in training and evaluation: the argmax uses
 * the predictions, the budget check uses the IPW estimate of the policy's real cost on logged RCT rows.
 * `bisectBudget` is the plain deployment bisection on predicted spend, kept as the reference that the
 * exact solver (exact.ts) is measured against.
 *
 * Complexity: O(N·M) per step; Algorithm A takes at most ⌈log2(λ_hi / ε)⌉ steps, `bisectBudget` a
 * fixed number. Memory: the allocation plus one weight per row.
 */
import { AllocationError } from '../errors.js';
import { allocationTotal, argmaxArms } from './lagrangian.js';
import { profileScores, type Matrix, type Scores } from './scores.js';

/** Logged RCT rows, aligned with the score rows: arm t_i, factual revenue r_i and cost c_i. */
export interface LoggedRows {
  t: Uint8Array | Int32Array;
  r: Matrix;
  c: Matrix;
  /** Logged propensity of each row's arm; when absent p_t = N_t / N (the arm's share of rows). */
  p?: Matrix;
}

export interface AlgorithmAResult {
  lambda: number;
  /** π(i) = argmax_j (r̂_ij − λ ĉ_ij) at the returned λ, lowest arm on ties. */
  allocation: Uint8Array;
  /** IPW per-capita revenue (1/N) Σ_i 1[t_i = π(i)] r_i / p_{t_i}. */
  revenue: number;
  /** IPW per-capita cost, likewise. */
  cost: number;
  /** Policies evaluated. */
  iterations: number;
  /** Whether the IPW cost is within eps of the budget or below it (false: no price reaches the budget). */
  feasible: boolean;
}

/**
 * Algorithm A: bisection on λ in [0, max_{ĉ_ij > 0} r̂_ij / ĉ_ij] until the interval is narrower than
 * `eps` or the IPW cost is within `eps` of the per-capita budget; λ* is the last midpoint, as in the
 * paper. Where the interval is already narrower than `eps`, λ* is its upper end (the cautious side).
 * Stops early when the midpoint no longer moves in floating point, so any eps > 0 terminates.
 * When the IPW cost at that upper end still exceeds the budget (predicted costs ordered unlike the real
 * ones, or no free arm), the upper end is doubled until it does not (at most 64 times) before bisecting;
 * otherwise λ* would sit at an over-budget price and an overspending policy would look best. When no
 * price fits at all, it bisects the paper's interval and returns `feasible: false`.
 * Throws AllocationError for misaligned or invalid logged rows, eps ≤ 0 or a non-finite budget.
 */
export function algorithmA(s: Scores, logged: LoggedRows, perCapitaBudget: number, eps: number): AlgorithmAResult {
  profileScores(s);
  if (!(eps > 0) || !Number.isFinite(perCapitaBudget)) {
    throw new AllocationError(`need eps > 0 and a finite budget, got eps = ${eps}, budget = ${perCapitaBudget}`);
  }
  const { n } = s;
  const weights = ipwWeights(logged, n, s.m);
  const allocation = new Uint8Array(n);
  let lo = 0;
  let hi = lambdaUpper(s);
  let lambda = hi;
  let revenue = 0;
  let cost = 0;
  let iterations = 0;
  const evaluate = (): void => {
    argmaxArms(s, lambda, allocation);
    [revenue, cost] = ipwValue(logged, weights, allocation);
    iterations++;
  };
  if (hi > 0) {
    evaluate();
    const paperHi = hi;
    for (let k = 0; k < 64 && cost > perCapitaBudget + eps; k++) {
      lo = hi;
      hi *= 2;
      lambda = hi;
      evaluate();
    }
    if (cost > perCapitaBudget + eps) {
      // No price fits: fall back to the paper's interval, so λ* stays a usable price (training losses
      // need one) and the result says it overspends.
      lo = 0;
      hi = paperHi;
      lambda = hi;
    }
  }
  while (hi - lo > eps) {
    const mid = (lo + hi) / 2;
    if (mid <= lo || mid >= hi) break;
    lambda = mid;
    evaluate();
    if (Math.abs(perCapitaBudget - cost) < eps) break;
    if (cost < perCapitaBudget) hi = lambda;
    else lo = lambda;
  }
  if (iterations === 0) evaluate();
  return { lambda, allocation, revenue, cost, iterations, feasible: cost <= perCapitaBudget + eps };
}

/** max over ĉ_ij > 0 of r̂_ij / ĉ_ij, floored at 0: at this price no costly arm beats a free one. */
function lambdaUpper(s: Scores): number {
  let hi = 0;
  for (let k = 0; k < s.chat.length; k++) {
    const c = s.chat[k];
    if (c > 0 && s.rhat[k] / c > hi) hi = s.rhat[k] / c;
  }
  return hi;
}

/** w_i = 1 / (N p_{t_i}): the per-capita inverse-propensity weight of each logged row. */
function ipwWeights(logged: LoggedRows, n: number, m: number): Float64Array {
  const { t, r, c, p } = logged;
  if (t.length !== n || r.length !== n || c.length !== n || (p && p.length !== n)) {
    throw new AllocationError(`logged rows must align with the ${n} score rows`);
  }
  const counts = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const arm = t[i];
    if (!(arm >= 0 && arm < m)) throw new AllocationError(`logged row ${i + 1}: arm ${arm} is outside 0..${m - 1}`);
    if (!Number.isFinite(r[i]) || !Number.isFinite(c[i])) {
      throw new AllocationError(`logged row ${i + 1}: revenue and cost must be finite`);
    }
    counts[arm]++;
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const prop = p ? p[i] : counts[t[i]] / n;
    if (!(prop > 0 && prop <= 1)) throw new AllocationError(`logged row ${i + 1}: propensity ${prop} is outside (0, 1]`);
    w[i] = 1 / (n * prop);
  }
  return w;
}

/** [revenue, cost] per capita by IPW: only rows whose logged arm matches the policy count. */
function ipwValue(logged: LoggedRows, w: Float64Array, alloc: Uint8Array): [number, number] {
  let revenue = 0;
  let cost = 0;
  for (let i = 0; i < alloc.length; i++) {
    if (logged.t[i] === alloc[i]) {
      revenue += w[i] * logged.r[i];
      cost += w[i] * logged.c[i];
    }
  }
  return [revenue, cost];
}

export interface BisectResult {
  /** The feasible end of the final interval. */
  lambda: number;
  allocation: Uint8Array;
  spend: number;
  revenue: number;
}

/**
 * Plain bisection on λ over the predicted spend Σ_i ĉ_{i,π(i)} for a total budget: `steps` halvings
 * after doubling the upper end until it is feasible; returns the allocation at the feasible end.
 * Throws AllocationError when even the cheapest arms exceed the budget.
 */
export function bisectBudget(s: Scores, budget: number, steps = 60): BisectResult {
  const { minSpend } = profileScores(s);
  if (!(budget >= minSpend)) {
    throw new AllocationError(`budget ${budget} is below the minimum possible spend ${minSpend}`);
  }
  const alloc = new Uint8Array(s.n);
  const spendAt = (lambda: number): number => allocationTotal(s.chat, s.m, argmaxArms(s, lambda, alloc));
  let lo = 0;
  let hi = lambdaUpper(s) || 1;
  if (spendAt(0) <= budget) hi = 0;
  // max r̂/ĉ only makes costly arms lose to free ones; a user without a free arm may need a higher price.
  for (let k = 0; hi > 0 && spendAt(hi) > budget; k++) {
    if (k === 1000) throw new AllocationError(`no price λ brings the spend within the budget ${budget}`);
    lo = hi;
    hi *= 2;
  }
  for (let k = 0; k < steps && hi > 0; k++) {
    const mid = (lo + hi) / 2;
    if (spendAt(mid) <= budget) hi = mid;
    else lo = mid;
  }
  argmaxArms(s, hi, alloc);
  return {
    lambda: hi,
    allocation: alloc,
    spend: allocationTotal(s.chat, s.m, alloc),
    revenue: allocationTotal(s.rhat, s.m, alloc),
  };
}
