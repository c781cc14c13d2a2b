import type { SyntheticKnobs } from './knobs.js';
import type { SplitResult } from './split-file.js';
import { RANK_SUBGROUP } from './world.js';

/** Every knob with its dataset.json key and CLI flag, in the order both are written. */
const KNOB_FIELDS: readonly [keyof SyntheticKnobs, string, string][] = [
  ['seed', 'seed', '--seed'],
  ['arms', 'arms', '--arms'],
  ['features', 'features', '--features'],
  ['obs', 'obs', '--obs'],
  ['rct', 'rct', '--rct'],
  ['rctSplit', 'rct_split', '--rct-split'],
  ['bias', 'bias', '--bias'],
  ['biasKind', 'bias_kind', '--bias-kind'],
  ['biasSign', 'bias_sign', '--bias-sign'],
  ['baseComplexity', 'base_complexity', '--base-complexity'],
  ['upliftTail', 'uplift_tail', '--uplift-tail'],
  ['outcome', 'outcome', '--outcome'],
  ['baseRate', 'base_rate', '--base-rate'],
  ['noise', 'noise', '--noise'],
  ['costNoise', 'cost_noise', '--cost-noise'],
  ['rctPropensities', 'rct_propensities', '--rct-propensities'],
];

/**
 * The `bidfcl generate` options that regenerate this data set byte for byte (add `--out DIR`; the folder is
 * left out so that the same data set written to two places has identical manifests).
 */
export function commandLine(k: SyntheticKnobs): string {
  const parts = ['bidfcl generate'];
  for (const [field, , flag] of KNOB_FIELDS) {
    const v = k[field];
    if (v === null) continue;
    parts.push(`${flag} ${Array.isArray(v) ? v.join(',') : String(v)}`);
  }
  return parts.join(' ');
}

/**
 * The content of dataset.json: every knob, the seed, the command that regenerates the files, and per file
 * its rows, columns, design and arm counts. Nothing time- or machine-dependent, so it is reproducible too.
 */
export function manifest(k: SyntheticKnobs, splits: readonly SplitResult[]): object {
  const knobs: Record<string, unknown> = {};
  for (const [field, key] of KNOB_FIELDS) knobs[key] = k[field];
  const files: Record<string, unknown> = {};
  for (const s of splits) {
    const randomized = s.name !== 'obs';
    files[s.name] = {
      file: s.file,
      rows: s.rows,
      design: randomized ? 'randomized' : 'logged',
      propensities: randomized ? (k.rctPropensities ?? new Array<number>(k.arms).fill(1 / k.arms)) : null,
      arm_counts: s.armCounts,
      columns: s.columns,
    };
  }
  return {
    generator: 'bidfcl generate',
    format_version: 1,
    command: commandLine(k),
    seed: k.seed,
    knobs,
    rank_subgroup: RANK_SUBGROUP,
    truth:
      'r_j, c_j are the expected potential revenue and cost of arm j for the row (given its features and hidden ' +
      'traits); r, c are the factual noisy draws for the logged arm t; arm 0 is the control',
    files,
  };
}
