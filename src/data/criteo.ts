/**
 * The paper's Criteo "hybrid" benchmark (method.md §8) from Criteo Uplift v2.1 (`f0..f11, treatment,
 * conversion, visit, exposure`; revenue = conversion, cost = visit, arm = treatment), in two streaming
 * passes with memory bounded by one chunk plus the 5% model part:
 *
 *   pass 1  each row draws a part — model 5%, policy 50%, RCT train 5%, validation 10%, test 30% — from a
 *           seeded stream in file order; RCT rows are written out, model rows kept
 *   fit     the targeting policy on the model part (criteo-policy.ts)
 *   pass 2  the same draws again; policy rows whose logged arm equals the policy's arm → obs.csv
 *
 * Drawing each row's part independently instead of shuffling and cutting the file gives every part a
 * uniformly random subset of the rows, like shuffle-then-split; only the part sizes are multinomial
 * around the stated shares instead of exact (a relative difference of ~0.03% on 14M rows). Rows inside a
 * part stay in file order, which training ignores (it shuffles every epoch) and no metric depends on.
 */
import { basename, join } from 'node:path';
import { statSync } from 'node:fs';
import { DataError } from '../errors.js';
import { log } from '../log.js';
import { progressBar } from '../util/progress.js';
import type { Rng } from '../util/rng.js';
import { writeFileAtomic } from './atomic.js';
import { CsvWriter } from './csv-write.js';
import { streamCsvColumns, type ColumnRequest, type CsvColumns } from './csv-read.js';
import { fitTargetingPolicy, policyArm, predictedRoi, type ModelRows, type TargetingPolicy } from './criteo-policy.js';
import { stream } from './synthetic/streams.js';

export const CRITEO_FEATURES = Array.from({ length: 12 }, (_, k) => `f${k}`);
const OUTPUT_COLUMNS = [...CRITEO_FEATURES, 't', 'r', 'c'];

/** Parts in the order of their cumulative share; RCT parts are written in pass 1, OBS in pass 2. */
export const CRITEO_PARTS = [
  { name: 'model', share: 0.05 },
  { name: 'policy', share: 0.5 },
  { name: 'rct_train', share: 0.05 },
  { name: 'rct_val', share: 0.1 },
  { name: 'rct_test', share: 0.3 },
] as const;
type PartName = (typeof CRITEO_PARTS)[number]['name'];
const MODEL = 0;
const POLICY = 1;
const CUMULATIVE = CRITEO_PARTS.map((_, k) => CRITEO_PARTS.slice(0, k + 1).reduce((s, p) => s + p.share, 0));

const CHUNK_ROWS = 1 << 16;

export interface CriteoFile {
  name: 'obs' | 'rct_train' | 'rct_val' | 'rct_test';
  file: string;
  rows: number;
  treated: number;
}

export interface CriteoHybridResult {
  dir: string;
  seed: number;
  /** Data rows in the input. */
  rows: number;
  parts: Record<PartName, number>;
  files: CriteoFile[];
  /** OBS rows / policy-part rows: how often the logged arm agreed with the simulated policy. */
  matchRate: number;
  /** Share of policy-part rows the simulated policy treats (≈ 0.5 by construction). */
  policyTreatedShare: number;
  manifestFile: string;
  seconds: number;
}

const binary = (v: number): string | null => (v === 0 || v === 1 ? null : `must be 0 or 1, got ${v}`);

/** Features as float64 (written back with the shortest round-trip text, i.e. as in the input). */
const REQUESTS: ColumnRequest[] = [
  ...CRITEO_FEATURES.map((name): ColumnRequest => ({ name, kind: 'f64' })),
  { name: 'treatment', kind: 'i32', check: binary },
  { name: 'conversion', kind: 'f64', check: binary },
  { name: 'visit', kind: 'f64', check: binary },
];

/** The part of the next row: one uniform draw against the cumulative shares. */
function drawPart(rng: Rng): number {
  const u = rng.uniform();
  let k = 0;
  while (k < CUMULATIVE.length - 1 && u >= CUMULATIVE[k]) k++;
  return k;
}

/** Columns of one chunk, typed. */
function chunkView(chunk: CsvColumns): { features: Float64Array[]; t: Int32Array; conversion: Float64Array; visit: Float64Array } {
  const col = (name: string): Float64Array => chunk.columns.get(name) as Float64Array;
  return {
    features: CRITEO_FEATURES.map(col),
    t: chunk.columns.get('treatment') as Int32Array,
    conversion: col('conversion'),
    visit: col('visit'),
  };
}

function csvLine(view: ReturnType<typeof chunkView>, i: number): string {
  let line = '';
  for (const f of view.features) line += `${f[i]},`;
  return `${line}${view.t[i]},${view.conversion[i]},${view.visit[i]}\n`;
}

/** Buffered rows of one output file (one write per chunk). */
class Output {
  rows = 0;
  treated = 0;
  private pending: string[] = [];
  constructor(
    readonly name: CriteoFile['name'],
    readonly writer: CsvWriter,
  ) {}
  add(line: string, t: number): void {
    this.pending.push(line);
    this.rows++;
    this.treated += t;
  }
  async flush(): Promise<void> {
    await this.writer.raw(this.pending.join(''));
    this.pending = [];
  }
}

/** Pass 1: RCT parts to their files, model part kept in memory. Returns the part counts and the model rows. */
async function firstPass(input: string, seed: number, rct: Map<number, Output>): Promise<{ rows: number; parts: number[]; model: ModelRows }> {
  const rng = stream(seed, 'criteo/parts');
  const parts = new Array<number>(CRITEO_PARTS.length).fill(0);
  const kept: { x: Float32Array; t: Uint8Array; conversion: Uint8Array; visit: Uint8Array }[] = [];
  const d = CRITEO_FEATURES.length;
  const bar = progressBar('criteo-hybrid pass 1/2');
  const { rows } = await streamCsvColumns(
    input,
    REQUESTS,
    CHUNK_ROWS,
    async (chunk) => {
      const view = chunkView(chunk);
      const modelRows: number[] = [];
      for (let i = 0; i < chunk.rows; i++) {
        const part = drawPart(rng);
        parts[part]++;
        if (part === MODEL) modelRows.push(i);
        else if (part !== POLICY) rct.get(part)!.add(csvLine(view, i), view.t[i]);
      }
      const x = new Float32Array(modelRows.length * d);
      modelRows.forEach((i, k) => view.features.forEach((f, j) => (x[k * d + j] = f[i])));
      kept.push({
        x,
        t: Uint8Array.from(modelRows, (i) => view.t[i]),
        conversion: Uint8Array.from(modelRows, (i) => view.conversion[i]),
        visit: Uint8Array.from(modelRows, (i) => view.visit[i]),
      });
      for (const out of rct.values()) await out.flush();
    },
    { onProgress: (_r, bytes, total) => bar.update(bytes, total) },
  );
  bar.end();
  const n = kept.reduce((s, k) => s + k.t.length, 0);
  const model: ModelRows = { n, d, x: new Float32Array(n * d), t: new Uint8Array(n), conversion: new Uint8Array(n), visit: new Uint8Array(n) };
  let at = 0;
  for (const k of kept) {
    model.x.set(k.x, at * d);
    model.t.set(k.t, at);
    model.conversion.set(k.conversion, at);
    model.visit.set(k.visit, at);
    at += k.t.length;
  }
  return { rows, parts, model };
}

/** Pass 2: the same part draws; policy rows whose logged arm matches the simulated policy → OBS. */
async function secondPass(input: string, seed: number, policy: TargetingPolicy, obs: Output, totalRows: number): Promise<number> {
  const rng = stream(seed, 'criteo/parts');
  const ties = stream(seed, 'criteo/policy-ties');
  const row = new Float64Array(policy.d);
  let treatedByPolicy = 0;
  const bar = progressBar('criteo-hybrid pass 2/2');
  await streamCsvColumns(
    input,
    REQUESTS,
    CHUNK_ROWS,
    async (chunk) => {
      const view = chunkView(chunk);
      for (let i = 0; i < chunk.rows; i++) {
        if (drawPart(rng) !== POLICY) continue;
        for (let j = 0; j < policy.d; j++) row[j] = view.features[j][i];
        const arm = policyArm(policy, predictedRoi(policy, row, 0), ties);
        treatedByPolicy += arm;
        if (arm === view.t[i]) obs.add(csvLine(view, i), arm);
      }
      await obs.flush();
    },
    // Rows, known from pass 1, are exact where bytes of a .gz input are not.
    { onProgress: (rows) => bar.update(rows, totalRows) },
  );
  bar.end();
  return treatedByPolicy;
}

function manifest(input: string, r: CriteoHybridResult, policy: TargetingPolicy, modelRows: number): object {
  return {
    generator: 'bidfcl data criteo-hybrid',
    format_version: 1,
    command: `bidfcl data criteo-hybrid --input ${basename(input)} --seed ${r.seed}`,
    seed: r.seed,
    input: { file: basename(input), bytes: statSync(input).size, rows: r.rows },
    columns: 'f0..f11 = features, t = treatment, r = conversion (revenue), c = visit (cost)',
    shares: Object.fromEntries(CRITEO_PARTS.map((p) => [p.name, p.share])),
    parts: r.parts,
    policy: {
      rule: 'treat the top half by predicted ROI = Δconversion/Δvisit of per-arm logistic regressions fitted on the model part',
      model_rows: modelRows,
      threshold: policy.threshold,
      tie_probability: policy.tieProbability,
      treated_share: r.policyTreatedShare,
      match_rate: r.matchRate,
    },
    files: Object.fromEntries(
      r.files.map((f) => [f.name, { file: f.file, rows: f.rows, design: f.name === 'obs' ? 'logged' : 'randomized', treated: f.treated, columns: OUTPUT_COLUMNS }]),
    ),
  };
}

/**
 * Builds obs.csv, rct_train.csv, rct_val.csv, rct_test.csv and dataset.json in `dir` from a Criteo Uplift
 * CSV (.csv or .csv.gz). Same input and seed ⇒ identical files. Throws DataError with file:line and column
 * for a missing column, a non-binary treatment/conversion/visit or any value the CSV reader rejects, and
 * when the input is too small for every output file to hold both arms. Nothing is published on error.
 */
export async function buildCriteoHybrid(input: string, dir: string, seed: number): Promise<CriteoHybridResult> {
  const started = performance.now();
  const open = async (name: CriteoFile['name']): Promise<Output> => new Output(name, await CsvWriter.open(join(dir, `${name}.csv`), OUTPUT_COLUMNS));
  const outputs: Output[] = [];
  try {
    const rct = new Map<number, Output>();
    for (const name of ['rct_train', 'rct_val', 'rct_test'] as const) {
      const out = await open(name);
      outputs.push(out);
      rct.set(CRITEO_PARTS.findIndex((p) => p.name === name), out);
    }
    const first = await firstPass(input, seed, rct);
    const policy = fitTargetingPolicy(first.model, input);
    log.info({ rows: first.model.n, threshold: policy.threshold, iterations: [...policy.conversion, ...policy.visit].map((m) => m.iterations) }, 'fitted the targeting policy');
    const obs = await open('obs');
    outputs.unshift(obs);
    const treatedByPolicy = await secondPass(input, seed, policy, obs, first.rows);
    for (const out of outputs) {
      if (out.treated === 0 || out.treated === out.rows) {
        throw new DataError(`${out.name}.csv would hold only one arm (${out.rows} rows); the input is too small`, { file: input });
      }
    }
    for (const out of outputs) await out.writer.close();
    const parts = Object.fromEntries(CRITEO_PARTS.map((p, k) => [p.name, first.parts[k]])) as Record<PartName, number>;
    const result: CriteoHybridResult = {
      dir,
      seed,
      rows: first.rows,
      parts,
      files: outputs.map((o) => ({ name: o.name, file: `${o.name}.csv`, rows: o.rows, treated: o.treated })),
      matchRate: obs.rows / Math.max(1, parts.policy),
      policyTreatedShare: treatedByPolicy / Math.max(1, parts.policy),
      manifestFile: join(dir, 'dataset.json'),
      seconds: 0,
    };
    await writeFileAtomic(result.manifestFile, JSON.stringify(manifest(input, result, policy, first.model.n), null, 2) + '\n');
    result.seconds = (performance.now() - started) / 1000;
    return result;
  } catch (e) {
    for (const out of outputs) await out.writer.abort();
    throw e;
  }
}
