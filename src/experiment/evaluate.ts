/**
 * Evaluation of trained models on an RCT test split: EOM at the configured budget (the headline), a
 * budget sweep with its area, AUCC/AUUC when M = 2, and true value and regret when the split carries the
 * true potential outcomes. Oracle values are computed once per budget and shared by every model.
 */
import type { DataTable } from '../data/table.js';
import { aucc, auuc, rankDescending, roiScores } from '../metrics/aucc.js';
import { budgetAtFraction, costRange, perCapitaBudgets, type BudgetSpec } from '../metrics/budget.js';
import { oracleRevenue, policyMetrics, type PolicyMetrics } from '../metrics/policy.js';
import { normalisedArea } from '../metrics/stats.js';
import { predictOriginal, type TrainedModel } from '../nn/predictor.js';

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
      if (!this.oracle.has(budget)) this.oracle.set(budget, oracleRevenue(test.n, test.arms, truth, budget));
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
    const pred = predictOriginal(tm, this.test.x, this.test.n);
    return this.evaluatePredictions(pred);
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
      const uplift = new Float64Array(this.test.n);
      for (let i = 0; i < this.test.n; i++) uplift[i] = pred.r[2 * i + 1] - pred.r[2 * i];
      out.auuc = auuc(rankDescending(uplift), this.test.t, this.test.r);
    }
    return out;
  }
}

/** Field-wise mean of metrics at several budget levels (identity for one level). */
function averageMetrics(levels: PolicyMetrics[]): PolicyMetrics {
  if (levels.length === 1) return levels[0];
  const keys = Object.keys(levels[0]) as (keyof PolicyMetrics)[];
  const out = {} as Record<keyof PolicyMetrics, number>;
  for (const k of keys) out[k] = levels.reduce((s, l) => s + (l[k] as number), 0) / levels.length;
  return out;
}
