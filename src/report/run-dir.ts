/** Run directories: `<output>/<name>-<UTC time>/` (or exactly `--out`), with per method × seed folders. */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { EpochRecord } from '../train/loop.js';
import type { TrainRecord } from './metrics-json.js';

/** Creates the run directory; `--out` must be new or empty so results never mix. */
export function createRunDir(output: string, name: string, out?: string): string {
  const dir = out ?? join(output, `${name}-${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}`);
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new UsageError(`run directory ${dir} already exists and is not empty; choose another --out`);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Folder of one method × seed. */
export function seedDir(run: string, method: string, seed: number): string {
  return join(run, method, `seed-${seed}`);
}

/** Folder of the saved model of one method × seed. */
export function modelDir(run: string, method: string, seed: number): string {
  return join(seedDir(run, method, seed), 'model');
}

/** A method × seed's train.json (its record and per-epoch history), or null when it has none. */
export function readTrainJson(run: string, method: string, seed: number): { record: TrainRecord; history: EpochRecord[] } | null {
  const file = join(seedDir(run, method, seed), 'train.json');
  if (!existsSync(file)) return null;
  const { history, ...record } = JSON.parse(readFileSync(file, 'utf8')) as TrainRecord & { history?: EpochRecord[] };
  return { record, history: history ?? [] };
}
