/**
 * Value of a model's budgeted policy on logged RCT rows: EOM (Algorithm A at a per-capita budget, IPW
 * revenue and cost) and, when the rows carry the true expected outcomes, the true per-capita value of
 * the chosen arms and the regret against the oracle (the exact solver on the true outcomes at the same
 * budget). Pure functions on typed arrays.
 */
import { algorithmA, type LoggedRows } from '../solver/bisection.js';
import { solveExact } from '../solver/exact.js';
import type { Matrix } from '../solver/scores.js';

export interface PolicyInput {
  n: number;
  m: number;
  rhat: Matrix;
  chat: Matrix;
}

export interface Truth {
  trueR: Float64Array;
  trueC: Float64Array;
}

export interface PolicyMetrics {
  budget: number;
  lambda: number;
  eom_revenue: number;
  eom_cost: number;
  true_revenue?: number;
  true_cost?: number;
  oracle_revenue?: number;
  regret?: number;
}

/** Tolerance of Algorithm A: fine relative to the budget, so λ* is resolved well below noise. */
export function bisectionEps(budget: number): number {
  return 1e-6 * Math.max(1, Math.abs(budget));
}

/** Oracle per-capita true revenue at a per-capita budget (cached by callers across methods). */
export function oracleRevenue(n: number, m: number, truth: Truth, budget: number): number {
  const res = solveExact({ n, m, rhat: truth.trueR, chat: truth.trueC }, budget * n);
  return res.revenue / n;
}

/** EOM at one budget, plus true value and regret when `truth` is given. */
export function policyMetrics(pred: PolicyInput, logged: LoggedRows, budget: number, truth?: Truth, oracle?: number): PolicyMetrics {
  const res = algorithmA(pred, logged, budget, bisectionEps(budget));
  const out: PolicyMetrics = { budget, lambda: res.lambda, eom_revenue: res.revenue, eom_cost: res.cost };
  if (truth) {
    let tr = 0;
    let tc = 0;
    for (let i = 0; i < pred.n; i++) {
      tr += truth.trueR[i * pred.m + res.allocation[i]];
      tc += truth.trueC[i * pred.m + res.allocation[i]];
    }
    out.true_revenue = tr / pred.n;
    out.true_cost = tc / pred.n;
    out.oracle_revenue = oracle ?? oracleRevenue(pred.n, pred.m, truth, budget);
    out.regret = out.oracle_revenue - out.true_revenue;
  }
  return out;
}
