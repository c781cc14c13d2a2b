/**
 * Evaluation of trained models on an RCT test split: EOM at the configured budget (the headline), a
 * budget sweep with its area, AUCC/AUUC and a sampled cost curve when M = 2, and true value and regret
 * when the split carries the true potential outcomes. Oracle values are computed once per budget and
 * shared by every model.
 */
import type { DataTable } from '../data/table.js';
import { aucc, auuc, costCurve, rankDescending, roiScores } from '../metrics/aucc.js';
import { budgetAtFraction, costRange, perCapitaBudgets, type BudgetSpec } from '../metrics/budget.js';
import { bisectionEps, oracleRevenue, policyMetrics, type PolicyMetrics } from '../metrics/policy.js';
import { normalisedArea } from '../metrics/stats.js';
import { predictOriginal, type TrainedModel } from '../nn/predictor.js';
import { algorithmA } from '../solver/bisection.js';

export interface SweepPoint extends PolicyMetrics {
  fraction: number;
}

export interface ModelEvaluation {
  /** Metrics at the configured budget (averaged over the levels when several are configured). */
  headline: PolicyMetrics;
  /** One entry per configured budget level. */
  levels: PolicyMetrics[];
  sweep: SweepPoint[];
  /** Average height of the EOM-revenue (and true revenue) vs budget-fraction curve. */
  sweep_area_eom: number;
  sweep_area_true?: number;
  aucc?: number;
  auuc?: number;
  /** M = 2: the AUCC cost curve at rank fractions 0, 1/P, …, 1 (P = COST_CURVE_POINTS), starting at (0, 0). */
  cost_curve?: { cost: number[]; revenue: number[] };
}

/** Segments of the sampled cost curve: enough for a smooth plot, small enough for metrics.json. */
export const COST_CURVE_POINTS = 100;

/** Per-capita value of giving everyone one arm, estimated on the test rows like EOM (IPW). */
export interface ArmValue {
  arm: number;
  rows: number;
  revenue: number;
  cost: number;
}

export class Evaluator {
  private readonly oracle = new Map<number, number>();
  readonly levelBudgets: number[];
  readonly sweepBudgets: { fraction: number; budget: number }[];

  constructor(
    readonly test: DataTable,
    budget: BudgetSpec,
    sweepFractions: number[],
  ) {
    const range = costRange(test.t, test.c, test.arms);
    this.levelBudgets = perCapitaBudgets(budget, range);
    this.sweepBudgets = sweepFractions.map((f) => ({ fraction: f, budget: budgetAtFraction(range, f) }));
  }

  private metricsAt(pred: { r: Float32Array; c: Float32Array }, budget: number): PolicyMetrics {
    const { test } = this;
    const truth = test.trueR && test.trueC ? { trueR: test.trueR, trueC: test.trueC } : undefined;
    let oracle: number | undefined;
    if (truth) {
      if (!this.oracle.has(budget)) {
        this.oracle.set(budget, oracleRevenue(test.n, test.arms, truth, { t: test.t, r: test.r, c: test.c, p: test.p }, budget));
      }
      oracle = this.oracle.get(budget);
    }
    return policyMetrics(
      { n: test.n, m: test.arms, rhat: pred.r, chat: pred.c },
      { t: test.t, r: test.r, c: test.c, p: test.p },
      budget,
      truth,
      oracle,
    );
  }

  evaluate(tm: TrainedModel): ModelEvaluation {
    return this.evaluatePredictions(this.predict(tm));
  }

  predict(tm: TrainedModel): { r: Float32Array; c: Float32Array } {
    return predictOriginal(tm, this.test.x, this.test.n);
  }

  /**
   * Adds 1 to `counts[i]` for every configured budget level at which the model's policy gives row i its
   * logged arm. Same Algorithm A call as the headline, so the same λ* and allocation. The counts, times
   * r_i, are the per-row contributions the paired bootstrap resamples.
   */
  addMatches(pred: { r: Float32Array; c: Float32Array }, counts: Uint16Array): void {
    const { test } = this;
    for (const budget of this.levelBudgets) {
      const res = algorithmA({ n: test.n, m: test.arms, rhat: pred.r, chat: pred.c }, test, budget, bisectionEps(budget));
      for (let i = 0; i < test.n; i++) if (res.allocation[i] === test.t[i]) counts[i]++;
    }
  }

  /** Value of "everyone gets arm j" for each arm: the origin and the feature-blind frontier of cost plots. */
  armValues(): ArmValue[] {
    const { t, r, c, p, n, arms } = this.test;
    const out = Array.from({ length: arms }, (_, arm): ArmValue => ({ arm, rows: 0, revenue: 0, cost: 0 }));
    for (let i = 0; i < n; i++) out[t[i]].rows++;
    for (let i = 0; i < n; i++) {
      const a = out[t[i]];
      const w = p ? 1 / (n * p[i]) : 1 / a.rows;
      a.revenue += w * r[i];
      a.cost += w * c[i];
    }
    return out;
  }

  evaluatePredictions(pred: { r: Float32Array; c: Float32Array }): ModelEvaluation {
    const levels = this.levelBudgets.map((b) => this.metricsAt(pred, b));
    const sweep = this.sweepBudgets.map(({ fraction, budget }) => ({ fraction, ...this.metricsAt(pred, budget) }));
    const out: ModelEvaluation = {
      headline: averageMetrics(levels),
      levels,
      sweep,
      sweep_area_eom: normalisedArea(
        sweep.map((s) => s.fraction),
        sweep.map((s) => s.eom_revenue),
      ),
    };
    if (sweep[0]?.true_revenue !== undefined) {
      out.sweep_area_true = normalisedArea(
        sweep.map((s) => s.fraction),
        sweep.map((s) => s.true_revenue!),
      );
    }
    if (this.test.arms === 2) {
      const order = rankDescending(roiScores(pred.r, pred.c, this.test.n));
      out.aucc = aucc(order, this.test.t, this.test.r, this.test.c);
      out.cost_curve = sampleCostCurve(order, this.test.t, this.test.r, this.test.c);
      const uplift = new Float64Array(this.test.n);
      for (let i = 0; i < this.test.n; i++) uplift[i] = pred.r[2 * i + 1] - pred.r[2 * i];
      out.auuc = auuc(rankDescending(uplift), this.test.t, this.test.r);
    }
    return out;
  }
}

/** The cost curve after the first round(k·N/P) rows of the ranking, k = 0..P; rank-aligned across seeds. */
function sampleCostCurve(order: Uint32Array, t: ArrayLike<number>, r: ArrayLike<number>, c: ArrayLike<number>): { cost: number[]; revenue: number[] } {
  const curve = costCurve(order, t, r, c);
  const cost = [0];
  const revenue = [0];
  for (let k = 1; k <= COST_CURVE_POINTS; k++) {
    const row = Math.max(0, Math.round((k * order.length) / COST_CURVE_POINTS) - 1);
    cost.push(curve.cost[row]);
    revenue.push(curve.revenue[row]);
  }
  return { cost, revenue };
}

/** Field-wise mean of metrics at several budget levels (identity for one level). */
function averageMetrics(levels: PolicyMetrics[]): PolicyMetrics {
  if (levels.length === 1) return levels[0];
  const keys = Object.keys(levels[0]) as (keyof PolicyMetrics)[];
  const out = {} as Record<keyof PolicyMetrics, number>;
  for (const k of keys) out[k] = levels.reduce((s, l) => s + (l[k] as number), 0) / levels.length;
  return out;
}
