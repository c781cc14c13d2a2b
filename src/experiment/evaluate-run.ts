/**
 * Evaluates every saved model of a run directory on the RCT test split and writes, in this order,
 * metrics.json, report.md, plots/*.svg and report.html (each atomically). Used at the end of `train` and
 * by `evaluate --run`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isBidfclMethod, type Config, type MethodConfig } from '../config/schema.js';
import { writeFileAtomic } from '../data/atomic.js';
import { loadTable, requireAllArms, type DataTable } from '../data/table.js';
import { log } from '../log.js';
import { pairedBootstrap } from '../metrics/bootstrap.js';
import { loadTrained } from '../nn/predictor.js';
import { htmlReport } from '../report/html.js';
import { markdownReport } from '../report/markdown.js';
import { METRICS_VERSION, overBudget, runRecord, summarise, type Comparison, type MethodSummary, type MetricsFile, type RunRecord } from '../report/metrics-json.js';
import { buildPlots, type Histories } from '../report/plots.js';
import { modelDir, readTrainJson } from '../report/run-dir.js';
import { renderChart } from '../report/svg/chart.js';
import { Evaluator } from './evaluate.js';

export interface EvaluateResult {
  metrics: MetricsFile;
  metricsFile: string;
  reportFile: string;
  htmlFile: string;
  plotFiles: string[];
}

/** Resamples of the headline bootstrap: percentile limits of a 95% interval are stable to ~±0.1 std. */
const BOOTSTRAP_RESAMPLES = 1000;

/** Loads the test split named by the config. */
export async function loadTestSplit(config: Config): Promise<DataTable> {
  const test = await loadTable(config.data.rct_test, config.data.arms, config.data.columns);
  requireAllArms(test);
  return test;
}

function dataSource(method: MethodConfig): string {
  if (method.kind === 'tsm-sl') return method.data;
  return isBidfclMethod(method) ? 'rct+obs' : 'rct';
}

/** Per test row, how often (over seeds × budget levels) each method's policy picked the logged arm. */
interface Matches {
  counts: Uint16Array;
  /** Seeds × levels the counts add up over. */
  total: number;
}

/**
 * The non-reference method with the best mean EOM revenue among those within budget (an overspending
 * policy buys revenue with money the others did not spend) vs the reference, bootstrapped over test rows.
 */
function headlineComparison(
  summary: MethodSummary[],
  reference: string | null,
  matches: Map<string, Matches>,
  evaluator: Evaluator,
  seed: number,
): Comparison | undefined {
  const test = evaluator.test;
  const ref = reference === null ? undefined : matches.get(reference);
  const best = summary
    .filter((s) => s.method !== reference && s.metrics.eom_revenue !== undefined && matches.has(s.method))
    .filter((s) => !overBudget(s, evaluator.levelBudgets))
    .sort((a, b) => b.metrics.eom_revenue!.mean - a.metrics.eom_revenue!.mean)[0];
  if (!ref || !best) return undefined;
  const mine = matches.get(best.method)!;
  // Contribution x_i = r_i · (share of seeds × levels whose policy matched row i's logged arm).
  const contributions = (m: Matches): Float64Array => Float64Array.from(test.r, (r, i) => (r * m.counts[i]) / m.total);
  const t0 = performance.now();
  const boot = pairedBootstrap({ t: test.t, arms: test.arms, a: contributions(mine), b: contributions(ref), p: test.p }, { resamples: BOOTSTRAP_RESAMPLES, seed });
  const seconds = (performance.now() - t0) / 1000;
  log.info({ method: best.method, reference, seconds, ...boot.relative }, 'headline bootstrap');
  return { method: best.method, reference: reference!, metric: 'eom_revenue', test_rows: test.n, seconds, ...boot };
}

export async function evaluateRun(runDir: string, config: Config, test?: DataTable): Promise<EvaluateResult> {
  const split = test ?? (await loadTestSplit(config));
  const evaluator = new Evaluator(split, config.budget, config.evaluate.budgets);
  const runs: RunRecord[] = [];
  const histories: Histories = new Map();
  const matches = new Map<string, Matches>();
  for (const method of config.methods) {
    for (const seed of config.seeds) {
      const dir = modelDir(runDir, method.id, seed);
      if (!existsSync(join(dir, 'model.json'))) continue;
      const tm = await loadTrained(dir);
      try {
        const train = readTrainJson(runDir, method.id, seed);
        const pred = evaluator.predict(tm);
        runs.push(runRecord({ id: method.id, kind: method.kind, data: dataSource(method) }, seed, evaluator.evaluatePredictions(pred), train?.record ?? null));
        if (!matches.has(method.id)) matches.set(method.id, { counts: new Uint16Array(split.n), total: 0 });
        const mm = matches.get(method.id)!;
        evaluator.addMatches(pred, mm.counts);
        mm.total += evaluator.levelBudgets.length;
        if (train) histories.set(method.id, [...(histories.get(method.id) ?? []), { seed, history: train.history }]);
      } finally {
        tm.model.dispose();
      }
    }
  }
  const configured = config.methods.find((m) => m.kind === 'tsm-sl' && m.data === 'rct')?.id ?? null;
  const reference = runs.some((r) => r.method === configured) ? configured : null;
  const summary = summarise(runs, reference);
  const comparison = headlineComparison(summary, reference, matches, evaluator, config.seeds[0]);
  const metrics: MetricsFile = {
    version: METRICS_VERSION,
    name: config.name,
    created: new Date().toISOString(),
    test_file: split.file,
    budget: { spec: config.budget, per_capita: evaluator.levelBudgets },
    sweep_fractions: config.evaluate.budgets,
    reference,
    test_arms: evaluator.armValues(),
    runs,
    summary,
    ...(comparison ? { comparison } : {}),
  };
  const metricsFile = join(runDir, 'metrics.json');
  const reportFile = join(runDir, 'report.md');
  const htmlFile = join(runDir, 'report.html');
  await writeFileAtomic(metricsFile, JSON.stringify(metrics, null, 2) + '\n');
  const plots = buildPlots(metrics, histories);
  await writeFileAtomic(reportFile, markdownReport(metrics, plots));
  const plotFiles = plots.map((p) => join(runDir, 'plots', `${p.name}.svg`));
  for (const [k, p] of plots.entries()) await writeFileAtomic(plotFiles[k], renderChart(p.chart, { standalone: true }) + '\n');
  await writeFileAtomic(htmlFile, htmlReport(metrics, plots));
  log.info({ metrics: metricsFile, html: htmlFile, runs: runs.length }, 'evaluated');
  return { metrics, metricsFile, reportFile, htmlFile, plotFiles };
}
