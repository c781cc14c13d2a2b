import { CsvWriter, formatNumber } from '../csv-write.js';
import { log } from '../../log.js';
import type { ArmPolicy } from './logging-policy.js';
import type { OutcomeModel } from './outcomes.js';
import { stream } from './streams.js';
import { World } from './world.js';

/** One file of the benchmark (obs, rct_train, ...): how many rows, how arms are chosen. */
export interface SplitSpec {
  name: string;
  rows: number;
  /** Ids run on across files so that every row of the data set has its own. */
  firstId: number;
  policy: ArmPolicy;
  /** Known assignment probabilities, written in a `p` column; null = no column. */
  propensities: readonly number[] | null;
}

export interface SplitResult {
  name: string;
  file: string;
  rows: number;
  columns: string[];
  /** Rows per logged arm. */
  armCounts: number[];
}

const ROWS_PER_CHUNK = 4096;
const PROGRESS_EVERY = 100_000;

/** `id, f0..f{D-1}, t, r, c, [p,] r_0..r_{M-1}, c_0..c_{M-1}`. */
export function splitColumns(features: number, arms: number, withPropensity: boolean): string[] {
  return [
    'id',
    ...Array.from({ length: features }, (_, k) => `f${k}`),
    't',
    'r',
    'c',
    ...(withPropensity ? ['p'] : []),
    ...Array.from({ length: arms }, (_, j) => `r_${j}`),
    ...Array.from({ length: arms }, (_, j) => `c_${j}`),
  ];
}

/**
 * Streams one split to `dir/<name>.csv` (atomically). Its rows come from three streams of `seed` named after
 * the split (population, arms, noise), so a split's rows do not depend on the other splits' sizes.
 */
export async function writeSplit(
  dir: string,
  spec: SplitSpec,
  world: World,
  outcomes: OutcomeModel,
  seed: number,
): Promise<SplitResult> {
  const file = `${spec.name}.csv`;
  const columns = splitColumns(world.features, world.arms, spec.propensities !== null);
  const writer = await CsvWriter.open(`${dir}/${file}`, columns);
  const population = stream(seed, `${spec.name}/population`);
  const assignment = stream(seed, `${spec.name}/arms`);
  const noise = stream(seed, `${spec.name}/noise`);
  const M = world.arms;
  const ind = world.newIndividual();
  const m = new Float64Array(M);
  const q = new Float64Array(M);
  const rTrue = new Float64Array(M);
  const cTrue = new Float64Array(M);
  const factual = new Float64Array(2);
  const armCounts = new Array<number>(M).fill(0);
  const cells: string[] = new Array<string>(columns.length);
  let chunk: string[] = [];
  try {
    for (let i = 0; i < spec.rows; i++) {
      world.drawIndividual(population, ind);
      world.intensities(ind, m, q);
      outcomes.expect(m, q, rTrue, cTrue);
      const t = spec.policy(ind, assignment);
      outcomes.draw(rTrue[t], cTrue[t], noise, factual);
      armCounts[t]++;

      let n = 0;
      cells[n++] = String(spec.firstId + i);
      for (let k = 0; k < world.features; k++) cells[n++] = World.featureText(ind.x[k]);
      cells[n++] = String(t);
      cells[n++] = formatNumber(factual[0]);
      cells[n++] = formatNumber(factual[1]);
      if (spec.propensities !== null) cells[n++] = formatNumber(spec.propensities[t]);
      for (let j = 0; j < M; j++) cells[n++] = formatNumber(rTrue[j]);
      for (let j = 0; j < M; j++) cells[n++] = formatNumber(cTrue[j]);
      chunk.push(cells.join(',') + '\n');

      if (chunk.length === ROWS_PER_CHUNK) {
        await writer.raw(chunk.join(''));
        chunk = [];
      }
      if ((i + 1) % PROGRESS_EVERY === 0) log.debug({ file, rows: i + 1, of: spec.rows }, 'generating');
    }
    await writer.raw(chunk.join(''));
    await writer.close();
  } catch (e) {
    await writer.abort();
    throw e;
  }
  return { name: spec.name, file, rows: spec.rows, columns, armCounts };
}
