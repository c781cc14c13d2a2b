/**
 * The report's plots, built from metrics.json and the per-epoch training histories (train.json):
 *   sweep-eom    EOM revenue vs budget fraction, mean ± std over seeds per method
 *   sweep-true   the same for the true revenue (synthetic data only)
 *   cost-curve   incremental revenue vs incremental cost per method, with the feature-blind frontier
 *   training     validation EOM per epoch (all methods) and training loss per epoch (a panel per method)
 * Pure: returns chart specs; the caller renders and writes them.
 */
import type { EpochRecord } from '../train/loop.js';
import { meanStd } from '../metrics/stats.js';
import type { MetricsFile, RunRecord } from './metrics-json.js';
import { seriesStyle, type Chart, type Point, type Series } from './svg/chart.js';

export interface Plot {
  /** File name stem under <run>/plots/. */
  name: string;
  title: string;
  /** One or two sentences on how to read it. */
  caption: string;
  chart: Chart;
}

/** Training histories of one method: one entry per seed that has a train.json. */
export type Histories = Map<string, { seed: number; history: EpochRecord[] }[]>;

const GUIDE = { colour: '#888888', dash: '5 4', width: 1.5 };

function methodRuns(m: MetricsFile, method: string): RunRecord[] {
  return m.runs.filter((r) => r.method === method);
}

/** Mean line and ±std band of y over seeds at each x (seeds missing a value are skipped there). */
function meanBand(x: readonly number[], perSeed: (number | undefined)[][]): Pick<Series, 'lines' | 'band'> {
  const line: Point[] = [];
  const band: Series['band'] = [];
  x.forEach((xv, j) => {
    const values = perSeed.map((ys) => ys[j]).filter((v): v is number => v !== undefined && Number.isFinite(v));
    if (values.length === 0) return;
    const { mean, std } = meanStd(values);
    line.push([xv, mean]);
    band.push({ x: xv, lo: mean - std, hi: mean + std });
  });
  return { lines: [line], band };
}

/** Budget fractions the models were trained for, marked on the sweep plots. */
function trainingFractions(m: MetricsFile): number[] {
  const spec = m.budget.spec as { fraction?: number | number[] } | null;
  const f = spec?.fraction;
  return f === undefined ? [] : Array.isArray(f) ? f : [f];
}

function sweepPlot(m: MetricsFile, key: 'eom_revenue' | 'true_revenue'): Plot {
  const eom = key === 'eom_revenue';
  const series = m.summary.map((s, k): Series => {
    const runs = methodRuns(m, s.method);
    return { name: s.method, ...seriesStyle(k), ...meanBand(m.sweep_fractions, runs.map((r) => r.sweep.map((p) => p[key]))) };
  });
  return {
    name: eom ? 'sweep-eom' : 'sweep-true',
    title: eom ? 'EOM revenue vs budget' : 'True revenue vs budget',
    caption:
      (eom
        ? 'IPW estimate of per-capita revenue of each model’s budgeted policy on the RCT test rows, '
        : 'True per-capita revenue of each policy from the stored potential outcomes, ') +
      'at each budget fraction of the cost range; line = mean over seeds, band = ± one standard deviation.',
    chart: {
      title: eom ? 'EOM revenue vs budget (mean ± std over seeds)' : 'True revenue vs budget (mean ± std over seeds)',
      panels: [
        {
          xLabel: 'budget fraction f (b = c_min + f·(c_max − c_min))',
          yLabel: eom ? 'EOM revenue per capita' : 'true revenue per capita',
          series,
          markers: trainingFractions(m).map((x) => ({ x, label: 'training budget' })),
        },
      ],
    },
  };
}

/** Upper concave hull of the points (sorted by x): the best that mixing the points' policies achieves. */
function upperHull(points: Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const hull: Point[] = [];
  for (const p of sorted) {
    while (hull.length >= 2) {
      const [o, a] = [hull[hull.length - 2], hull[hull.length - 1]];
      if ((a[0] - o[0]) * (p[1] - o[1]) - (a[1] - o[1]) * (p[0] - o[0]) < 0) break;
      hull.pop();
    }
    hull.push(p);
  }
  return hull;
}

/**
 * M = 2: the AUCC cost curve (runs[].cost_curve, rank-aligned, so seeds average point by point) and the
 * random-ranking line from (0, 0) to (ΔC, ΔR). M > 2: the budget sweep's (EOM cost, EOM revenue) points
 * minus the all-control policy's, from (0, 0), against the upper hull of the "everyone gets arm j"
 * points — what random mixtures of feature-blind policies reach (for M = 2 that is the random line).
 */
function costPlot(m: MetricsFile): Plot | null {
  const binary = m.runs.length > 0 && m.runs.every((r) => r.cost_curve !== undefined);
  const control = m.test_arms?.[0];
  if (!binary && (control === undefined || m.test_arms === undefined)) return null;
  const series = m.summary.map((s, k): Series => {
    const runs = methodRuns(m, s.method);
    const curves = binary
      ? runs.map((r) => r.cost_curve!)
      : runs.map((r) => ({ cost: [0, ...r.sweep.map((p) => p.eom_cost - control!.cost)], revenue: [0, ...r.sweep.map((p) => p.eom_revenue - control!.revenue)] }));
    const steps = curves[0].cost.length;
    const meanCost = Array.from({ length: steps }, (_, j) => meanStd(curves.map((c) => c.cost[j])).mean);
    return { name: s.method, ...seriesStyle(k), ...meanBand(meanCost, curves.map((c) => c.revenue)) };
  });
  let guide: Point[];
  if (binary) {
    const c = m.runs[0].cost_curve!;
    guide = [[0, 0], [c.cost[c.cost.length - 1], c.revenue[c.revenue.length - 1]]];
  } else {
    guide = upperHull(m.test_arms!.map((a) => [a.cost - control!.cost, a.revenue - control!.revenue] as Point));
  }
  return {
    name: 'cost-curve',
    title: 'Cost curve',
    caption: binary
      ? 'Incremental revenue vs incremental cost as users are treated in order of predicted ROI (the AUCC curve, ' +
        'mean over seeds ± std); the dashed line is a random ranking. Higher and further left is better.'
      : 'Incremental EOM revenue vs incremental EOM cost over the budget sweep, relative to treating nobody ' +
        '(mean over seeds ± std). Dashed: the best feature-blind policy (random mixtures of giving everyone one arm).',
    chart: {
      title: binary ? 'Cost curve (AUCC ranking)' : 'Incremental revenue vs incremental cost (budget sweep)',
      panels: [
        {
          xLabel: 'incremental cost per capita',
          yLabel: 'incremental revenue per capita',
          series,
          guides: [{ name: binary ? 'random ranking' : 'feature-blind frontier', ...GUIDE, lines: [guide] }],
        },
      ],
    },
  };
}

/** Thin per-seed lines, one group per method: seeds stop at different epochs, so no mean is drawn. */
function seedLines(m: MetricsFile, histories: Histories, pick: (e: EpochRecord) => number): Series[] {
  return m.summary
    .map((s, k): Series => ({
      name: s.method,
      ...seriesStyle(k),
      width: 1.5,
      lines: (histories.get(s.method) ?? []).map((h) => h.history.map((e): Point => [e.epoch, pick(e)])),
    }))
    .filter((s) => s.lines.some((l) => l.length > 0));
}

function trainingPlots(m: MetricsFile, histories: Histories): Plot[] {
  const val = seedLines(m, histories, (e) => e.val);
  if (val.length === 0) return [];
  const loss = seedLines(m, histories, (e) => e.loss);
  return [
    {
      name: 'training-val',
      title: 'Validation EOM per epoch',
      caption: 'Validation EOM at the training budget after each epoch, one panel per method and one line per seed; the checkpoint kept is the best epoch.',
      chart: {
        title: 'Validation EOM per epoch (one line per seed, same scale in every panel)',
        columns: 2,
        panelHeight: 230,
        sharedY: true,
        panels: val.map((s) => ({ title: s.name, xLabel: 'epoch', yLabel: 'validation EOM', series: [s] })),
      },
    },
    {
      name: 'training-loss',
      title: 'Training loss per epoch',
      caption: 'Mean training loss per epoch, one panel per method (the losses differ between methods, so their scales do too).',
      chart: {
        title: 'Training loss per epoch (one line per seed)',
        columns: 2,
        panelHeight: 230,
        panels: loss.map((s) => ({ title: s.name, xLabel: 'epoch', yLabel: 'loss', series: [s] })),
      },
    },
  ];
}

/** Every plot the data supports, in report order. */
export function buildPlots(m: MetricsFile, histories: Histories): Plot[] {
  const plots: Plot[] = [sweepPlot(m, 'eom_revenue')];
  if (m.runs.some((r) => r.true_revenue !== undefined)) plots.push(sweepPlot(m, 'true_revenue'));
  const cost = costPlot(m);
  if (cost) plots.push(cost);
  return [...plots, ...trainingPlots(m, histories)];
}
