/**
 * The experiment runner, phase by phase:
 *   config → run directory → data → backend → train every method × seed (save model + train.json)
 *   → evaluate on the RCT test split → metrics.json + report.md
 * Ctrl-C stops the current method after its batch; what finished is saved and evaluated.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '../backend/index.js';
import { isBidfclMethod, type Config } from '../config/schema.js';
import { writeFileAtomic } from '../data/atomic.js';
import { loadSplits } from '../data/splits.js';
import { logToFile, log } from '../log.js';
import { costRange, perCapitaBudgets } from '../metrics/budget.js';
import { saveTrained, type TrainedModel } from '../nn/predictor.js';
import { createRunDir, modelDir, seedDir } from '../report/run-dir.js';
import type { TrainRecord } from '../report/metrics-json.js';
import { trainMethod } from '../train/method.js';
import { interruptRequested, watchInterrupt } from '../util/interrupt.js';
import { evaluateRun, type EvaluateResult } from './evaluate-run.js';

export interface RunOptions {
  out?: string;
  backend?: Config['backend'];
}

export interface RunResult extends EvaluateResult {
  runDir: string;
  interrupted: boolean;
}

export async function runExperiment(config: Config, resolvedYaml: string, opts: RunOptions = {}): Promise<RunResult> {
  const runDir = createRunDir(config.output, config.name, opts.out);
  writeFileSync(join(runDir, 'config.yaml'), resolvedYaml);
  logToFile(join(runDir, 'log.ndjson'));
  log.info({ run: runDir }, 'run directory');

  const splits = await loadSplits(config.data, { withObs: config.data.obs !== undefined });
  await initBackend(opts.backend ?? config.backend);
  watchInterrupt();

  const trainBudgets = perCapitaBudgets(config.budget, costRange(splits.rctTrain.t, splits.rctTrain.c, config.data.arms));
  const valBudgets = perCapitaBudgets(config.budget, costRange(splits.rctVal.t, splits.rctVal.c, config.data.arms));
  const columns = { ...config.data.columns, features: splits.rctTrain.featureNames };

  for (const seed of config.seeds) {
    const trained = new Map<string, TrainedModel>();
    for (const method of config.methods) {
      if (interruptRequested()) break;
      const warmStart = method.kind !== 'tsm-sl' && method.warm_start !== undefined ? trained.get(method.warm_start) : undefined;
      const teacher = isBidfclMethod(method) && method.teacher !== undefined ? trained.get(method.teacher) : undefined;
      const run = await trainMethod(method, { config, splits, seed, trainBudgets, valBudgets, warmStart, teacher });
      const record: TrainRecord = {
        epochs_run: run.loop.epochsRun,
        best_epoch: run.loop.bestEpoch,
        steps: run.loop.steps,
        seconds: run.loop.seconds,
        stopped: run.loop.stopped,
        rows_per_epoch: run.rows,
        ...(run.loop.error ? { error: run.loop.error } : {}),
      };
      await saveTrained(modelDir(runDir, method.id, seed), run.trained, columns, { method: method.id, kind: method.kind, seed });
      await writeFileAtomic(
        join(seedDir(runDir, method.id, seed), 'train.json'),
        JSON.stringify({ ...record, history: run.loop.history }, null, 2) + '\n',
      );
      log.info({ method: method.id, seed, ...record }, 'trained');
      trained.set(method.id, run.trained);
    }
    for (const tm of trained.values()) tm.model.dispose();
    if (interruptRequested()) break;
  }
  const result = await evaluateRun(runDir, config, splits.rctTest);
  return { ...result, runDir, interrupted: interruptRequested() };
}
