/**
 * Training throughput, measured side by side in one process per backend:
 *   - the bare tfjs step (MSE + Adam on one fixed batch, no data pipeline) for the 12-64-32-32-(2·4) MLP;
 *   - end-to-end training (shuffling, batching, λ* searches, validation EOM each epoch) for TSM-SL,
 *     DFCL-PPL and DFCL-PIFD on the same architecture and batch size;
 *   - one λ* search (Algorithm A on a batch) relative to one training step;
 *   - Bi-DFCL-PPL/PIFD end to end: seconds per epoch ÷ TSM-SL on pooled RCT+OBS in the same run (paper:
 *     6.3× and 7.0×; target ≤ 4×), with the CG statistics of the run (and the explicit ablation, full run);
 *   - one Hessian-vector product of the lower loss ÷ one gradient, for each HVP mode.
 * Prints one JSON line per figure. Usage: scripts/bench-train [--backend cpu|wasm|native|gpu|all] [--quick]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, type BackendChoice } from '../src/backend/index.js';
import { ConfigSchema, MethodSchema, type Config, type MethodConfig } from '../src/config/schema.js';
import type { Splits } from '../src/data/splits.js';
import type { DataTable } from '../src/data/table.js';
import { makeLoggedBatch } from '../src/losses/common.js';
import { predictionLoss, pseudoLabelLoss } from '../src/losses/prediction.js';
import { bisectionEps } from '../src/metrics/policy.js';
import { Mlp, splitHeads } from '../src/nn/mlp.js';
import type { TrainedModel } from '../src/nn/predictor.js';
import { algorithmA } from '../src/solver/bisection.js';
import { gradients } from '../src/nn/secondorder.js';
import type { BidfclEpochRecord } from '../src/train/bidfcl.js';
import { curvatureAt, type HypergradientMode } from '../src/train/hypergradient.js';
import { disposeObsBatch, gatesOf, type ObsBatch } from '../src/train/lower.js';
import { trainMethod } from '../src/train/method.js';
import { buildTrainSet, fitFeatureScaler, fitOutputScale } from '../src/train/prepare.js';
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

/** Median milliseconds of one call of f, after 3 untimed warm-up calls, over at least minMs and minRuns calls. */
function medianMs(f: () => void, minMs: number, minRuns: number): number {
  for (let k = 0; k < 3; k++) f();
  const ts: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || ts.length < minRuns) {
    const t1 = performance.now();
    f();
    ts.push(performance.now() - t1);
  }
  return median(ts);
}

async function bench(backend: BackendChoice, quick: boolean): Promise<void> {
  await initBackend(backend);
  const nTrain = quick ? 8192 : 40960;
  // OBS: 5 batches per epoch in the quick run, so each epoch has exactly one Bi-DFCL upper step (k = 5).
  const nObs = quick ? 5 * BATCH : 20 * BATCH;
  const splits: Splits = { rctTrain: table(nTrain, 1), rctVal: table(quick ? 2000 : 10000, 2), rctTest: table(100, 3), obs: table(nObs, 4) };
  const base = { backend, batch: BATCH, model: [D, ...HIDDEN, 2 * M].join('-'), quick };
  const emit = (o: object): void => console.log(JSON.stringify({ ...o, ...base }));

  // Bare step: the ceiling, on the same standardised rows the trainer sees (values affect the speed of
  // some kernels on the pure-JS backend).
  const model = Mlp.create({ inputDim: D, hidden: HIDDEN, activation: 'relu', output: 'softplus', arms: M }, 1);
  const tr = splits.rctTrain;
  const set = buildTrainSet([tr], [true], fitFeatureScaler([tr]), fitOutputScale([tr]));
  const xs = tf.tensor2d(set.x.subarray(0, BATCH * D), [BATCH, D]);
  const batch = makeLoggedBatch(set.t.subarray(0, BATCH), set.r.subarray(0, BATCH), set.c.subarray(0, BATCH), M);
  const opt = tf.train.adam(1e-3);
  const step = (): void =>
    tf.tidy(() => {
      const cost = opt.minimize(() => predictionLoss(splitHeads(model.apply(xs), M), batch), true, model.vars);
      cost!.dataSync();
    });
  const stepMs = medianMs(step, quick ? 1000 : 6000, 3);
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
    train: { batch_size: BATCH, epochs: quick ? 1 : 5, patience: 100, lr: 1e-3 },
    methods: [{ kind: 'tsm-sl' }],
  }) as unknown as Config;
  // One untimed epoch first: the first training in a process pays one-off costs (kernel set-up, JIT of
  // the data path) that would otherwise be charged to whichever method happens to run first.
  (await trainMethod({ id: 'warm-up', kind: 'tsm-sl', data: 'rct', epochs: 1 }, { config, splits, seed: 9, trainBudgets: [0.3], valBudgets: [0.3] })).trained.model.dispose();
  const methods: MethodConfig[] = [
    { id: 'tsm-sl-rct', kind: 'tsm-sl', data: 'rct' },
    { id: 'dfcl-ppl', kind: 'dfcl-ppl', alpha: 1, tau: 1, reward: 'revenue' },
    { id: 'dfcl-pifd', kind: 'dfcl-pifd', alpha: 1, tau: 1, reward: 'revenue', h_min: 0.3 },
  ];
  const trained = new Map<string, TrainedModel>();
  for (const method of methods) {
    const run = await trainMethod(method, { config, splits, seed: 1, trainBudgets: [0.3], valBudgets: [0.3] });
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
    trained.set(method.id, run.trained);
  }
  // Bi-level figures on wasm only: the pure-JS backend is ~5× slower and adds nothing to the ratio.
  if (backend === 'wasm') {
    await benchBilevel(config, splits, trained.get('tsm-sl-rct')!, quick, emit);
    benchSecondOrder(splits.obs!, trained.get('tsm-sl-rct')!, quick, emit);
  }
  for (const tm of trained.values()) tm.model.dispose();
}

/**
 * Bi-DFCL end to end against TSM-SL on pooled RCT+OBS for the same epochs in this process: seconds per
 * epoch (validation included for both), and the CG statistics of the run. Bi-DFCL starts from the pooled
 * model, as in the shipped configs: from a random start the predicted costs are ordered unlike the real
 * ones, Algorithm A finds no price within budget, λ* runs off and the upper gradient (and CG) vanish.
 */
async function benchBilevel(config: Config, splits: Splits, teacher: TrainedModel, quick: boolean, emit: (o: object) => void): Promise<void> {
  const ctx = { config, splits, seed: 1, trainBudgets: [0.3], valBudgets: [0.3], teacher };
  const pooledRun = await trainMethod({ id: 'tsm-sl-rct-obs', kind: 'tsm-sl', data: 'rct+obs' }, ctx);
  const warmStart = pooledRun.trained;
  const perEpoch = async (m: MethodConfig) => {
    const run = await trainMethod(m, { ...ctx, warmStart });
    run.trained.model.dispose();
    return { run, seconds: run.loop.seconds / Math.max(1, run.loop.epochsRun) };
  };
  const pooled = { run: pooledRun, seconds: pooledRun.loop.seconds / Math.max(1, pooledRun.loop.epochsRun) };
  emit({ bench: 'train.epoch_seconds.tsm-sl-rct-obs', value: +pooled.seconds.toFixed(3), unit: 's/epoch', rows_per_epoch: pooled.run.rows });
  const bilevel: MethodConfig[] = [
    { ...MethodSchema.parse({ kind: 'bidfcl-ppl', teacher: 'tsm-sl-rct', warm_start: 'tsm-sl-rct-obs' }), id: 'bidfcl-ppl' } as MethodConfig,
    { ...MethodSchema.parse({ kind: 'bidfcl-pifd', teacher: 'tsm-sl-rct', warm_start: 'tsm-sl-rct-obs' }), id: 'bidfcl-pifd' } as MethodConfig,
    ...(quick
      ? []
      : [{ ...MethodSchema.parse({ kind: 'bidfcl-ppl', teacher: 'tsm-sl-rct', warm_start: 'tsm-sl-rct-obs', implicit: false }), id: 'bidfcl-ppl-explicit' } as MethodConfig]),
  ];
  const paper: Record<string, string> = { 'bidfcl-ppl': '6.3', 'bidfcl-pifd': '7.0', 'bidfcl-ppl-explicit': '8-10' };
  for (const m of bilevel) {
    const { run, seconds } = await perEpoch(m);
    const epochs = (run.loop.history as BidfclEpochRecord[]).filter((h) => h.phase === 'bi-level');
    const sum = (f: (h: BidfclEpochRecord) => number | null | undefined) => epochs.reduce((a, h) => a + (f(h) ?? 0), 0);
    const upper = sum((h) => h.upper_steps);
    // Means over upper steps; null where no epoch has the figure (no CG in the explicit ablation).
    const weighted = (f: (h: BidfclEpochRecord) => number | null | undefined) =>
      epochs.some((h) => f(h) != null) ? sum((h) => (f(h) ?? 0) * (h.upper_steps ?? 0)) / upper : null;
    emit({
      bench: `train.bidfcl_over_tsm_rct_obs.${m.id}`,
      value: +(seconds / pooled.seconds).toFixed(2),
      unit: 'ratio (seconds per epoch)',
      paper: paper[m.id],
      target: 4,
      epoch_seconds: +seconds.toFixed(3),
      upper_steps: upper,
      cg_iterations_mean: weighted((h) => h.cg_iterations_mean),
      cg_residual_mean: weighted((h) => h.cg_residual_mean),
      cg_share_of_time: +(sum((h) => h.cg_seconds) / Math.max(1e-9, run.loop.seconds)).toFixed(3),
      upper_share_of_time: +(sum((h) => h.upper_seconds) / Math.max(1e-9, run.loop.seconds)).toFixed(3),
      hypergradient_norm: weighted((h) => h.hypergradient_norm),
    });
  }
  warmStart.model.dispose();
}

/** One HVP of the lower loss (pseudo-labels, learned gates) ÷ one autodiff gradient, on one OBS batch. */
function benchSecondOrder(obs: DataTable, teacher: TrainedModel, quick: boolean, emit: (o: object) => void): void {
  const spec = teacher.model.spec;
  const bridgeSpec = { ...spec, output: 'sigmoid' as const };
  const bridge = Mlp.create(bridgeSpec, 2);
  const n = Math.min(BATCH, obs.n);
  const rng = new Rng(9);
  const batch: ObsBatch = {
    n,
    x: tf.tensor2d(obs.x.subarray(0, n * D), [n, D]),
    logged: makeLoggedBatch(obs.t.subarray(0, n), Float32Array.from(obs.r.subarray(0, n)), Float32Array.from(obs.c.subarray(0, n)), M),
    teacher: { r: tf.randomUniform([n, M], 0, 2, 'float32', 1), c: tf.randomUniform([n, M], 0, 1, 'float32', 2) },
  };
  const lowerSpec = { bridge: 'pseudo-labels' as const, gates: 'learned' as const, detachTarget: true };
  const lower = { spec: lowerSpec, target: spec, bridge: bridgeSpec, batch };
  const theta = teacher.model.vars;
  const v = theta.map((p) => tf.tensor(Float32Array.from({ length: p.size }, () => rng.normal()), p.shape));
  const time = (f: () => void): number => medianMs(f, quick ? 150 : 1000, 5);
  const [gr, gc] = tf.tidy(() => {
    const g = gatesOf(lowerSpec, bridgeSpec, bridge.vars, batch, M);
    return [g.r, g.c];
  });
  const gates = { r: gr as tf.Tensor2D, c: gc as tf.Tensor2D };
  const gradMs = time(() =>
    tf.dispose(gradients((ps) => pseudoLabelLoss(splitHeads(teacher.model.apply(batch.x, ps), M), batch.teacher!, gates, batch.logged), theta)),
  );
  const modes: HypergradientMode[] = ['exact', 'double-backprop', 'finite-difference'];
  const out: Record<string, number> = {};
  for (const mode of modes) {
    const curv = curvatureAt(mode, lower, bridge.vars, theta);
    out[mode] = time(() => tf.dispose(curv.hvp(v)));
    curv.dispose();
  }
  const setupMs = time(() => curvatureAt('exact', lower, bridge.vars, theta).dispose());
  emit({
    bench: 'train.hvp_over_gradient',
    value: +(out.exact / gradMs).toFixed(3),
    unit: 'ratio (exact R-operator HVP on the cached pass ÷ autodiff gradient)',
    rows: n,
    gradient_ms: +gradMs.toFixed(2),
    hvp_exact_ms: +out.exact.toFixed(2),
    exact_cache_setup_ms: +setupMs.toFixed(2),
    double_backprop_over_gradient: +(out['double-backprop'] / gradMs).toFixed(3),
    finite_difference_over_gradient: +(out['finite-difference'] / gradMs).toFixed(3),
  });
  tf.dispose([...v, gates.r, gates.c]);
  disposeObsBatch(batch);
  bridge.dispose();
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
