/**
 * Bare tfjs training-step throughput and second-order cost for the quickstart architecture
 * (12 → 64 → 32 → 32 → 8, M = 4 arms, ReLU hidden, softplus output), factual MSE + Adam, batch 4096,
 * on the same batch over and over (no data pipeline): the ceiling a trainer's samples/s is compared with.
 *
 * Prints one JSON line per figure on stdout (logs go to stderr):
 *   {"bench":"train-step","backend":"wasm","samples_per_s":…,"value":…,"unit":"samples/s",…}
 *   {"bench":"hvp-cost","backend":"wasm","value":…,"unit":"x gradient",…}   one exact HVP ÷ one gradient
 *
 * Usage: scripts/bench-step [--backend cpu|wasm|native|gpu|all] [--quick] [--batch N]
 * `all` (default) runs cpu and wasm, each in its own process so the backends do not share state.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initBackend, tf, type BackendChoice } from '../src/backend/index.js';
import { makeLoggedBatch, type Heads } from '../src/losses/common.js';
import { predictionLoss, pseudoLabelPotential } from '../src/losses/prediction.js';
import { Mlp, splitHeads, type MlpSpec } from '../src/nn/mlp.js';
import { gradients, hvp, hvpFiniteDifference, type ParamLoss } from '../src/nn/secondorder.js';
import { Rng } from '../src/util/rng.js';

const SPEC: MlpSpec = { inputDim: 12, hidden: [64, 32, 32], activation: 'relu', output: 'softplus', arms: 4 };
const MODEL = [SPEC.inputDim, ...SPEC.hidden, 2 * SPEC.arms].join('-');

interface Args {
  backend: BackendChoice | 'all';
  quick: boolean;
  batch: number;
}

/** Parsed arguments, or null when --help was asked for. */
function parseArgs(argv: string[]): Args | null {
  const args: Args = { backend: 'all', quick: false, batch: 4096 };
  for (let k = 0; k < argv.length; k++) {
    const a = argv[k];
    if (a === '--quick') args.quick = true;
    else if (a === '--backend') args.backend = argv[++k] as Args['backend'];
    else if (a === '--batch') args.batch = Number(argv[++k]);
    else if (a === '--help' || a === '-h') {
      process.stderr.write('usage: bench-step [--backend cpu|wasm|native|gpu|all] [--quick] [--batch N]\n');
      return null;
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!['all', 'cpu', 'wasm', 'native', 'gpu'].includes(args.backend)) throw new Error(`unknown backend ${args.backend}`);
  if (!(Number.isInteger(args.batch) && args.batch > 0)) throw new Error('--batch must be a positive integer');
  return args;
}

/**
 * Median milliseconds of each function over `reps` rounds after one warm-up round. The functions run
 * interleaved, so a change in machine load hits all of them alike and their ratios stay meaningful.
 */
function timeMs(fns: Array<() => void>, reps: number): number[] {
  for (const fn of fns) fn();
  const samples = fns.map(() => [] as number[]);
  for (let k = 0; k < reps; k++)
    fns.forEach((fn, i) => {
      const t0 = performance.now();
      fn();
      samples[i].push(performance.now() - t0);
    });
  return samples.map((s) => s.sort((a, b) => a - b)[Math.floor(s.length / 2)]);
}

async function bench(backend: BackendChoice, quick: boolean, n: number): Promise<void> {
  await initBackend(backend);
  const rng = new Rng(1);
  const arms = SPEC.arms;
  const x = Float32Array.from({ length: n * SPEC.inputDim }, () => rng.normal());
  const t = Int32Array.from({ length: n }, () => rng.int(arms));
  const r = Float32Array.from({ length: n }, (_, i) => Math.max(0, 1 + 0.3 * x[i * SPEC.inputDim] + 0.2 * t[i] + 0.1 * rng.normal()));
  const c = Float32Array.from({ length: n }, (_, i) => 0.5 + 0.25 * t[i] + 0.05 * rng.uniform());
  const model = Mlp.create(SPEC, 1);
  const xs = tf.tensor2d(x, [n, SPEC.inputDim]);
  const batch = makeLoggedBatch(t, r, c, arms);
  const opt = tf.train.adam(1e-3);
  const step = (): void =>
    tf.tidy(() => {
      opt.minimize(() => predictionLoss(splitHeads(model.apply(xs), arms), batch), false, model.vars);
    });

  // Training steps: warm up, then run for a fixed wall time.
  for (let k = 0; k < (quick ? 1 : 3); k++) step();
  const budgetMs = quick ? 600 : 8000;
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs || steps < 3) {
    step();
    steps++;
  }
  model.vars[0].dataSync();
  const elapsed = (performance.now() - t0) / 1000;
  const samplesPerS = (steps * n) / elapsed;
  const base = { backend, batch: n, model: MODEL, quick };
  console.log(
    JSON.stringify({ bench: 'train-step', ...base, samples_per_s: Math.round(samplesPerS), value: Math.round(samplesPerS), unit: 'samples/s', steps, ms_per_step: +((1000 * elapsed) / steps).toFixed(2) }),
  );

  // Second order: one exact HVP (double back-prop) ÷ one gradient, for the MSE and for the bi-level
  // lower-level potential (teacher predictions and gates held constant), plus the finite-difference HVP.
  const reps = quick ? 1 : 10;
  const v = model.vars.map((p) => tf.randomNormal(p.shape, 0, 1, 'float32', 7));
  const mse: ParamLoss = (ps) => predictionLoss(splitHeads(model.apply(xs, ps), arms), batch);
  const teacher: Heads = tf.tidy(() => splitHeads(Mlp.create(SPEC, 2).apply(xs), arms));
  const gates: Heads = { r: tf.fill([n, arms], 0.5), c: tf.fill([n, arms], 0.5) };
  const lower: ParamLoss = (ps) => pseudoLabelPotential(splitHeads(model.apply(xs, ps), arms), teacher, gates, batch);
  const cost = (loss: ParamLoss, withFd: boolean): { grad: number; hvp: number; fd: number } => {
    const fns = [
      (): void => tf.dispose(gradients(loss, model.vars)),
      (): void => tf.dispose(hvp(loss, model.vars, v)),
      ...(withFd ? [(): void => tf.dispose(hvpFiniteDifference(loss, model.vars, v))] : []),
    ];
    const [grad, h, fd] = timeMs(fns, reps);
    return { grad, hvp: h, fd: fd ?? NaN };
  };
  const round = (x: number): number | null => (Number.isFinite(x) ? +x.toFixed(2) : null);
  const m = cost(mse, !quick);
  // --quick skips the finite-difference HVP and the lower-level potential to stay within a few seconds.
  const l = quick ? { grad: NaN, hvp: NaN } : cost(lower, false);
  console.log(
    JSON.stringify({
      bench: 'hvp-cost',
      ...base,
      value: round(m.hvp / m.grad),
      unit: 'x gradient',
      grad_ms: round(m.grad),
      hvp_ms: round(m.hvp),
      fd_hvp_ratio: round(m.fd / m.grad),
      lower_hvp_ratio: round(l.hvp / l.grad),
      lower_grad_ms: round(l.grad),
      lower_hvp_ms: round(l.hvp),
    }),
  );
  tf.dispose([xs, batch.onehot, batch.r, batch.c, teacher.r, teacher.c, gates.r, gates.c, ...v]);
  opt.dispose();
  model.dispose();
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (!args) return 0;
  if (args.backend !== 'all') {
    await bench(args.backend, args.quick, args.batch);
    return 0;
  }
  let rc = 0;
  for (const backend of ['cpu', 'wasm']) {
    const extra = [...(args.quick ? ['--quick'] : []), '--batch', String(args.batch)];
    const res = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--backend', backend, ...extra], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (res.status !== 0) rc = 1;
  }
  return rc;
}

main().then(
  (rc) => {
    process.exitCode = rc;
  },
  (e: unknown) => {
    process.stderr.write(`bench-step: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
