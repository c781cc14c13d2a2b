/**
 * Evaluates every saved model of a run directory on the RCT test split and writes metrics.json and
 * report.md. Used at the end of `train` and by `evaluate --run`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { writeFileAtomic } from '../data/atomic.js';
import { loadTable, requireAllArms, type DataTable } from '../data/table.js';
import { log } from '../log.js';
import { loadTrained } from '../nn/predictor.js';
import { markdownReport } from '../report/markdown.js';
import { METRICS_VERSION, runRecord, summarise, type MetricsFile, type RunRecord, type TrainRecord } from '../report/metrics-json.js';
import { modelDir, seedDir } from '../report/run-dir.js';
import { Evaluator } from './evaluate.js';

export interface EvaluateResult {
  metrics: MetricsFile;
  metricsFile: string;
  reportFile: string;
}

/** Loads the test split named by the config. */
export async function loadTestSplit(config: Config): Promise<DataTable> {
  const test = await loadTable(config.data.rct_test, config.data.arms, config.data.columns);
  requireAllArms(test);
  return test;
}

export async function evaluateRun(runDir: string, config: Config, test?: DataTable): Promise<EvaluateResult> {
  const split = test ?? (await loadTestSplit(config));
  const evaluator = new Evaluator(split, config.budget, config.evaluate.budgets);
  const runs: RunRecord[] = [];
  for (const method of config.methods) {
    for (const seed of config.seeds) {
      const dir = modelDir(runDir, method.id, seed);
      if (!existsSync(join(dir, 'model.json'))) continue;
      const tm = await loadTrained(dir);
      try {
        const trainFile = join(seedDir(runDir, method.id, seed), 'train.json');
        const train = existsSync(trainFile) ? (JSON.parse(readFileSync(trainFile, 'utf8')) as TrainRecord & { history?: unknown }) : null;
        if (train) delete train.history;
        runs.push(runRecord({ id: method.id!, kind: method.kind, data: method.kind === 'tsm-sl' ? method.data : 'rct' }, seed, evaluator.evaluate(tm), train));
      } finally {
        tm.model.dispose();
      }
    }
  }
  const reference = config.methods.find((m) => m.kind === 'tsm-sl' && m.data === 'rct')?.id ?? null;
  const metrics: MetricsFile = {
    version: METRICS_VERSION,
    name: config.name,
    created: new Date().toISOString(),
    test_file: split.file,
    budget: { spec: config.budget, per_capita: evaluator.levelBudgets },
    sweep_fractions: config.evaluate.budgets,
    reference: runs.some((r) => r.method === reference) ? reference : null,
    runs,
    summary: summarise(runs, reference),
  };
  const metricsFile = join(runDir, 'metrics.json');
  const reportFile = join(runDir, 'report.md');
  await writeFileAtomic(metricsFile, JSON.stringify(metrics, null, 2) + '\n');
  await writeFileAtomic(reportFile, markdownReport(metrics));
  log.info({ metrics: metricsFile, runs: runs.length }, 'evaluated');
  return { metrics, metricsFile, reportFile };
}
