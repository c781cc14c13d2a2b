/** Run directories: `<output>/<name>-<UTC time>/` (or exactly `--out`), with per method × seed folders. */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

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
