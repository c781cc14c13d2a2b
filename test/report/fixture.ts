/** A metrics.json built from made-up evaluations, for report tests that need no training. */
import type { ModelEvaluation } from '../../src/experiment/evaluate.js';
import { METRICS_VERSION, runRecord, summarise, type MetricsFile } from '../../src/report/metrics-json.js';
import type { Histories } from '../../src/report/plots.js';

export const FRACTIONS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];

function evaluation(quality: number, seed: number, binary: boolean, truth: boolean): ModelEvaluation {
  const at = (f: number) => {
    const eom_revenue = quality * (1 + f) + 0.01 * seed;
    return {
      budget: 0.1 + f,
      lambda: 1 - f,
      eom_revenue,
      eom_cost: 0.1 + 0.9 * f,
      ...(truth ? { true_revenue: eom_revenue * 0.98, true_cost: 0.1 + f, oracle_revenue: 2.5, regret: 2.5 - eom_revenue * 0.98 } : {}),
    };
  };
  const sweep = FRACTIONS.map((fraction) => ({ fraction, ...at(fraction) }));
  const headline = { ...at(0.3), budget: 0.4, eom_cost: 0.39 };
  const steps = Array.from({ length: 101 }, (_, k) => k / 100);
  return {
    headline,
    levels: [headline],
    sweep,
    sweep_area_eom: quality * 1.55,
    ...(truth ? { sweep_area_true: quality * 1.5 } : {}),
    ...(binary
      ? {
          aucc: 0.5 + quality / 10,
          auuc: 0.5,
          cost_curve: { cost: steps.map((s) => 0.08 * s), revenue: steps.map((s) => 0.05 * Math.pow(s, 1 / (1 + quality))) },
        }
      : {}),
  };
}

/** Methods with a <&"> in one id, to exercise escaping. */
export const METHODS = ['tsm-sl-rct', 'tsm-sl-obs', 'dfcl-ppl', 'odd<&">name'];

export function fixtureMetrics(opts: { binary?: boolean; truth?: boolean } = {}): MetricsFile {
  const runs = METHODS.flatMap((id, k) =>
    [1, 2, 3].map((seed) =>
      runRecord({ id, kind: id.startsWith('tsm') ? 'tsm-sl' : 'dfcl-ppl', data: id === 'tsm-sl-obs' ? 'obs' : 'rct' }, seed, evaluation(1 + k / 10, seed, opts.binary ?? false, opts.truth ?? false), {
        epochs_run: 5,
        best_epoch: 3,
        steps: 50,
        seconds: 1.5,
        stopped: 'early-stopping',
        rows_per_epoch: 1000,
      }),
    ),
  );
  return {
    version: METRICS_VERSION,
    name: 'fixture',
    created: '2026-01-01T00:00:00.000Z',
    test_file: '/data/rct_test.csv',
    budget: { spec: { fraction: 0.3 }, per_capita: [0.4] },
    sweep_fractions: FRACTIONS,
    reference: 'tsm-sl-rct',
    test_arms: opts.binary
      ? [
          { arm: 0, rows: 500, revenue: 0.1, cost: 0.2 },
          { arm: 1, rows: 500, revenue: 0.15, cost: 0.28 },
        ]
      : [
          { arm: 0, rows: 250, revenue: 1, cost: 0.01 },
          { arm: 1, rows: 250, revenue: 1.1, cost: 0.4 },
          { arm: 2, rows: 250, revenue: 1.3, cost: 0.8 },
          { arm: 3, rows: 250, revenue: 1.2, cost: 1.1 },
        ],
    runs,
    summary: summarise(runs, 'tsm-sl-rct'),
    comparison: {
      method: 'odd<&">name',
      reference: 'tsm-sl-rct',
      metric: 'eom_revenue',
      test_rows: 1000,
      seconds: 0.1,
      difference: { estimate: 0.39, low: 0.2, high: 0.6 },
      relative: { estimate: 0.3, low: 0.15, high: 0.45 },
      share_not_better: 0,
      resamples: 1000,
      level: 0.95,
      seed: 1,
    },
  };
}

/** Per-epoch histories for every method but the last (as if its train.json were missing). */
export function fixtureHistories(): Histories {
  return new Map(
    METHODS.slice(0, -1).map((id, k) => [
      id,
      [1, 2].map((seed) => ({
        seed,
        history: Array.from({ length: 4 + seed }, (_, e) => ({ epoch: e + 1, loss: (1 + k) / (e + 1), val: 1 + 0.01 * e, steps: 10, samplesPerSecond: 1e4, seconds: 0.1 })),
      })),
    ]),
  );
}
