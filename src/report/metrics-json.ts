/**
 * metrics.json, version 1 (documented in README "metrics.json"):
 *   { version, name, created, test_file, budget: { spec, per_capita[] }, sweep_fractions[], reference,
 *     test_arms?, runs: RunRecord[], summary: MethodSummary[], comparison? }
 * A RunRecord is one method × seed; a MethodSummary has mean and std over seeds of every numeric metric
 * and, when the reference (TSM-SL on RCT) ran, each mean divided by the reference's mean.
 * `test_arms`, `runs[].cost_curve` and `comparison` were added later as optional fields: readers of the
 * first version 1 files keep working, and readers of new files must treat them as possibly absent.
 */
import type { ArmValue, ModelEvaluation } from '../experiment/evaluate.js';
import type { PairedBootstrap } from '../metrics/bootstrap.js';
import type { PolicyMetrics } from '../metrics/policy.js';
import { meanStd } from '../metrics/stats.js';

export const METRICS_VERSION = 1;

export interface TrainRecord {
  epochs_run: number;
  best_epoch: number;
  steps: number;
  seconds: number;
  stopped: string;
  error?: string;
  rows_per_epoch: number;
}

/** The headline policy metrics (without the budget, which metrics.json states once) plus the run's own. */
export interface RunRecord extends Omit<PolicyMetrics, 'budget'> {
  method: string;
  kind: string;
  data: string;
  seed: number;
  train: TrainRecord | null;
  aucc?: number;
  auuc?: number;
  sweep_area_eom: number;
  sweep_area_true?: number;
  levels: ModelEvaluation['levels'];
  sweep: ModelEvaluation['sweep'];
  cost_curve?: ModelEvaluation['cost_curve'];
}

/**
 * The headline comparison: the method with the best mean EOM revenue against the reference, with a paired
 * bootstrap interval over test rows (metrics/bootstrap.ts: policies fixed at their full-test λ*, each
 * method's EOM averaged over its seeds and the configured budget levels, as in the table).
 */
export interface Comparison extends PairedBootstrap {
  method: string;
  reference: string;
  metric: 'eom_revenue';
  test_rows: number;
  /** Seconds the resampling took. */
  seconds: number;
}

export const SUMMARY_METRICS = [
  'eom_revenue',
  'eom_cost',
  'true_revenue',
  'true_cost',
  'regret',
  'sweep_area_eom',
  'sweep_area_true',
  'aucc',
  'auuc',
  'lambda',
] as const;
export type SummaryMetric = (typeof SUMMARY_METRICS)[number];

export interface MethodSummary {
  method: string;
  kind: string;
  data: string;
  seeds: number;
  metrics: Partial<Record<SummaryMetric, { mean: number; std: number }>>;
  /** mean / reference mean, for the revenue-type metrics. */
  normalised: Partial<Record<SummaryMetric, number>>;
}

export interface MetricsFile {
  version: number;
  name: string;
  created: string;
  test_file: string;
  budget: { spec: unknown; per_capita: number[] };
  sweep_fractions: number[];
  reference: string | null;
  /** Per-arm rows and per-capita value of giving everyone that arm, on the test split. */
  test_arms?: ArmValue[];
  runs: RunRecord[];
  summary: MethodSummary[];
  comparison?: Comparison;
}

export function runRecord(
  method: { id: string; kind: string; data?: string },
  seed: number,
  evaluation: ModelEvaluation,
  train: TrainRecord | null,
): RunRecord {
  const h = evaluation.headline;
  return {
    method: method.id,
    kind: method.kind,
    data: method.data ?? 'rct',
    seed,
    train,
    lambda: h.lambda,
    eom_revenue: h.eom_revenue,
    eom_cost: h.eom_cost,
    ...(h.true_revenue !== undefined
      ? { true_revenue: h.true_revenue, true_cost: h.true_cost, oracle_revenue: h.oracle_revenue, regret: h.regret }
      : {}),
    ...(evaluation.aucc !== undefined ? { aucc: evaluation.aucc, auuc: evaluation.auuc } : {}),
    sweep_area_eom: evaluation.sweep_area_eom,
    ...(evaluation.sweep_area_true !== undefined ? { sweep_area_true: evaluation.sweep_area_true } : {}),
    levels: evaluation.levels,
    sweep: evaluation.sweep,
    ...(evaluation.cost_curve !== undefined ? { cost_curve: evaluation.cost_curve } : {}),
  };
}

/** Relative overspend above which a policy counts as over budget (IPW cost is a step function of λ). */
export const OVER_BUDGET_TOLERANCE = 0.01;

/** True when the method's mean EOM cost exceeds the mean per-capita budget by more than the tolerance. */
export function overBudget(s: MethodSummary, perCapita: readonly number[]): boolean {
  const budget = perCapita.reduce((a, b) => a + b, 0) / perCapita.length;
  const cost = s.metrics.eom_cost?.mean;
  return cost !== undefined && cost > budget * (1 + OVER_BUDGET_TOLERANCE);
}

const NORMALISED: SummaryMetric[] = ['eom_revenue', 'true_revenue', 'sweep_area_eom', 'sweep_area_true', 'aucc'];

/** Mean ± std over seeds per method (in first-appearance order), normalised to the reference method. */
export function summarise(runs: RunRecord[], reference: string | null): MethodSummary[] {
  const ids = [...new Set(runs.map((r) => r.method))];
  const out = ids.map((id): MethodSummary => {
    const mine = runs.filter((r) => r.method === id);
    const metrics: MethodSummary['metrics'] = {};
    for (const k of SUMMARY_METRICS) {
      const values = mine.map((r) => r[k]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      if (values.length === mine.length) {
        const { mean, std } = meanStd(values);
        metrics[k] = { mean, std };
      }
    }
    return { method: id, kind: mine[0].kind, data: mine[0].data, seeds: mine.length, metrics, normalised: {} };
  });
  const ref = out.find((s) => s.method === reference);
  if (ref) {
    for (const s of out) {
      for (const k of NORMALISED) {
        const a = s.metrics[k]?.mean;
        const b = ref.metrics[k]?.mean;
        if (a !== undefined && b !== undefined && b !== 0) s.normalised[k] = a / b;
      }
    }
  }
  return out;
}
