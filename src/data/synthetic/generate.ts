import { join } from 'node:path';
import { writeFileAtomic } from '../atomic.js';
import { log } from '../../log.js';
import { rctCounts, resolveKnobs, type SyntheticKnobs } from './knobs.js';
import { loggingPolicy, randomizedPolicy } from './logging-policy.js';
import { manifest } from './manifest.js';
import { outcomeModel } from './outcomes.js';
import { writeSplit, type SplitResult, type SplitSpec } from './split-file.js';
import { World } from './world.js';

export interface GenerateResult {
  dir: string;
  knobs: SyntheticKnobs;
  splits: SplitResult[];
  manifestFile: string;
  seconds: number;
}

/**
 * Generates the synthetic benchmark into `dir`: obs.csv (logged by the biased policy), rct_train.csv,
 * rct_val.csv, rct_test.csv (randomized) and dataset.json. Missing knobs take their defaults; invalid ones
 * throw UsageError before anything is written. Same knobs (seed included) ⇒ byte-identical files.
 */
export async function generateSynthetic(dir: string, input: Partial<SyntheticKnobs>): Promise<GenerateResult> {
  const k = resolveKnobs(input);
  const started = performance.now();
  const world = new World(k.features, k.arms, k.baseComplexity, k.upliftTail, k.seed);
  const outcomes = outcomeModel(k);
  const randomized = randomizedPolicy(k.arms, k.rctPropensities);
  const [train, val, test] = rctCounts(k);
  const specs: Omit<SplitSpec, 'firstId'>[] = [
    { name: 'obs', rows: k.obs, policy: loggingPolicy(world, k.biasKind, k.bias, k.biasSign), propensities: null },
    { name: 'rct_train', rows: train, policy: randomized, propensities: k.rctPropensities },
    { name: 'rct_val', rows: val, policy: randomized, propensities: k.rctPropensities },
    { name: 'rct_test', rows: test, policy: randomized, propensities: k.rctPropensities },
  ];

  const splits: SplitResult[] = [];
  let firstId = 0;
  for (const spec of specs) {
    const t0 = performance.now();
    splits.push(await writeSplit(dir, { ...spec, firstId }, world, outcomes, k.seed));
    firstId += spec.rows;
    const seconds = (performance.now() - t0) / 1000;
    log.info({ file: `${spec.name}.csv`, rows: spec.rows, seconds }, 'wrote split');
  }

  const manifestFile = join(dir, 'dataset.json');
  await writeFileAtomic(manifestFile, JSON.stringify(manifest(k, splits), null, 2) + '\n');
  return { dir, knobs: k, splits, manifestFile, seconds: (performance.now() - started) / 1000 };
}
