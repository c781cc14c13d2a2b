/**
 * Training throughput, measured side by side in one process per backend:
 *   - the bare tfjs step (MSE + Adam on one fixed batch, no data pipeline) for the 12-64-32-32-(2·4) MLP;
 *   - end-to-end training (shuffling, batching, λ* searches, validation EOM each epoch) for TSM-SL,
 *     DFCL-PPL and DFCL-PIFD on the same architecture and batch size;
 *   - one λ* search (Algorithm A on a batch) relative to one training step.
 * Prints one JSON line per figure. Usage: scripts/bench-train [--backend cpu|wasm|native|gpu|all] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, type BackendChoice } from '../src/backend/index.js';
import { ConfigSchema, type Config, type MethodConfig } from '../src/config/schema.js';
import type { Splits } from '../src/data/splits.js';
import type { DataTable } from '../src/data/table.js';
import { makeLoggedBatch } from '../src/losses/common.js';
import { predictionLoss } from '../src/losses/prediction.js';
import { bisectionEps } from '../src/metrics/policy.js';
import { Mlp, splitHeads } from '../src/nn/mlp.js';
import { algorithmA } from '../src/solver/bisection.js';
import { trainMethod } from '../src/train/method.js';
import { Rng } from '../src/util/rng.js';

const D = 12;
const M = 4;
const HIDDEN = [64, 32, 32];
const BATCH = 4096;

function table(n: number, seed: number): DataTable {
  const rng = new Rng(seed);
  const x = new Float32Array(n * D);
  const t = new Int32Array(n);
  const r = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < D; k++) x[i * D + k] = rng.normal();
    t[i] = rng.int(M);
    const up = Math.exp(0.3 * x[i * D + 1]) * (1 - Math.exp(-t[i])) * 0.5;
    r[i] = Math.max(0, 1 + 0.3 * x[i * D] + up + 0.3 * rng.normal());
    c[i] = t[i] * (0.3 + 0.1 * Math.abs(x[i * D + 2]));
  }
  return { file: `memory-${seed}`, n, d: D, arms: M, featureNames: Array.from({ length: D }, (_, k) => `f${k}`), x, t, r, c, extra: [] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function bench(backend: BackendChoice, quick: boolean): Promise<void> {
  await initBackend(backend);
  const nTrain = quick ? 8192 : 40960;
  const splits: Splits = { rctTrain: table(nTrain, 1), rctVal: table(quick ? 2000 : 10000, 2), rctTest: table(100, 3) };
  const base = { backend, batch: BATCH, model: [D, ...HIDDEN, 2 * M].join('-'), quick };
  const emit = (o: object): void => console.log(JSON.stringify({ ...o, ...base }));

  // Bare step: the ceiling.
  const model = Mlp.create({ inputDim: D, hidden: HIDDEN, activation: 'relu', output: 'softplus', arms: M }, 1);
  const tr = splits.rctTrain;
  const xs = tf.tensor2d(tr.x.subarray(0, BATCH * D), [BATCH, D]);
  const batch = makeLoggedBatch(tr.t.subarray(0, BATCH), Float32Array.from(tr.r.subarray(0, BATCH)), Float32Array.from(tr.c.subarray(0, BATCH)), M);
  const opt = tf.train.adam(1e-3);
  const step = (): void =>
    tf.tidy(() => {
      const cost = opt.minimize(() => predictionLoss(splitHeads(model.apply(xs), M), batch), true, model.vars);
      cost!.dataSync();
    });
  for (let k = 0; k < 3; k++) step();
  const stepTimes: number[] = [];
  const tBare = performance.now();
  while (performance.now() - tBare < (quick ? 1000 : 6000) || stepTimes.length < 3) {
    const t0 = performance.now();
    step();
    stepTimes.push(performance.now() - t0);
  }
  const stepMs = median(stepTimes);
  const bare = (BATCH * 1000) / stepMs;
  emit({ bench: 'train.bare_step', value: Math.round(bare), unit: 'samples/s', ms_per_step: +stepMs.toFixed(2) });

  // One λ* search on a batch of predictions vs one step.
  const pred = model.predict(tr.x.subarray(0, BATCH * D), BATCH);
  const logged = { t: tr.t.subarray(0, BATCH), r: tr.r.subarray(0, BATCH), c: tr.c.subarray(0, BATCH) };
  const searchTimes: number[] = [];
  for (let k = 0; k < (quick ? 5 : 50); k++) {
    const t0 = performance.now();
    algorithmA({ n: BATCH, m: M, rhat: pred.r, chat: pred.c }, logged, 0.3, bisectionEps(0.3));
    searchTimes.push(performance.now() - t0);
  }
  const searchMs = median(searchTimes);
  emit({ bench: 'train.lambda_search_over_step', value: +(searchMs / stepMs).toFixed(3), unit: 'ratio', lambda_search_ms: +searchMs.toFixed(3), step_ms: +stepMs.toFixed(2) });
  opt.dispose();

  // End to end.
  const config = ConfigSchema.parse({
    name: 'bench',
    data: { arms: M, rct_train: 'x', rct_val: 'x', rct_test: 'x' },
    model: { hidden: HIDDEN },
    train: { batch_size: BATCH, epochs: quick ? 1 : 3, patience: 100, lr: 1e-3 },
    methods: [{ kind: 'tsm-sl' }],
  }) as unknown as Config;
  const methods: MethodConfig[] = [
    { id: 'tsm-sl-rct', kind: 'tsm-sl', data: 'rct' },
    { id: 'dfcl-ppl', kind: 'dfcl-ppl', alpha: 1, tau: 1, reward: 'revenue' },
    { id: 'dfcl-pifd', kind: 'dfcl-pifd', alpha: 1, tau: 1, reward: 'revenue', h_min: 0.3 },
  ];
  for (const method of methods) {
    const run = trainMethod(method, { config, splits, seed: 1, trainBudgets: [0.3], valBudgets: [0.3] });
    const sps = (run.rows * run.loop.epochsRun) / run.loop.seconds;
    emit({
      bench: `train.end_to_end.${method.id}`,
      value: Math.round(sps),
      unit: 'samples/s',
      ratio_to_bare_step: +(sps / bare).toFixed(3),
      epochs: run.loop.epochsRun,
      rows_per_epoch: run.rows,
      validation_rows: splits.rctVal.n,
      seconds: +run.loop.seconds.toFixed(2),
      ...(method.kind === 'tsm-sl' ? { target_ratio: 0.667 } : {}),
    });
    run.trained.model.dispose();
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const quick = argv.includes('--quick');
  const at = argv.indexOf('--backend');
  const backend = at >= 0 ? argv[at + 1] : 'all';
  if (backend !== 'all') return bench(backend as BackendChoice, quick);
  // One process per backend, so they do not share engine state.
  for (const b of ['wasm', 'cpu']) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--backend', b, ...(quick ? ['--quick'] : [])], {
      stdio: ['ignore', 'inherit', 'pipe'],
      encoding: 'utf8',
    });
    if (r.status !== 0) throw new Error(`bench-train --backend ${b} failed:\n${r.stderr}`);
  }
}

await main();
