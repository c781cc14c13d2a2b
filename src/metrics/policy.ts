/**
 * Value of a model's budgeted policy on logged RCT rows: EOM (Algorithm A at a per-capita budget, IPW
 * revenue and cost) and, when the rows carry the true expected outcomes, the true per-capita value of
 * the chosen arms and the regret against the oracle (Algorithm A on the true outcomes at the same
 * budget). Pure functions on typed arrays.
 */
import { algorithmA, type LoggedRows } from '../solver/bisection.js';
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

/**
 * Oracle per-capita true revenue at a per-capita budget: Algorithm A run on the true expected outcomes
 * instead of predictions, with the same IPW budget check on the same logged rows (method.md §7), so the
 * oracle and the model face the same budget-estimation noise. Cached by callers across methods.
 */
export function oracleRevenue(n: number, m: number, truth: Truth, logged: LoggedRows, budget: number): number {
  const res = algorithmA({ n, m, rhat: truth.trueR, chat: truth.trueC }, logged, budget, bisectionEps(budget));
  return trueValue(truth, res.allocation, m)[0];
}

/** Per-capita true revenue and cost of an allocation. */
function trueValue(truth: Truth, allocation: Uint8Array, m: number): [number, number] {
  let tr = 0;
  let tc = 0;
  for (let i = 0; i < allocation.length; i++) {
    tr += truth.trueR[i * m + allocation[i]];
    tc += truth.trueC[i * m + allocation[i]];
  }
  return [tr / allocation.length, tc / allocation.length];
}

/** EOM at one budget, plus true value and regret when `truth` is given. */
export function policyMetrics(pred: PolicyInput, logged: LoggedRows, budget: number, truth?: Truth, oracle?: number): PolicyMetrics {
  const res = algorithmA(pred, logged, budget, bisectionEps(budget));
  const out: PolicyMetrics = { budget, lambda: res.lambda, eom_revenue: res.revenue, eom_cost: res.cost };
  if (truth) {
    [out.true_revenue, out.true_cost] = trueValue(truth, res.allocation, pred.m);
    out.oracle_revenue = oracle ?? oracleRevenue(pred.n, pred.m, truth, logged, budget);
    out.regret = out.oracle_revenue - out.true_revenue;
  }
  return out;
}
