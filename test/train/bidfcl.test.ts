import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, tf } from '../../src/backend/index.js';
import { loadConfig } from '../../src/config/load.js';
import { MethodSchema, type BidfclMethodConfig } from '../../src/config/schema.js';
import { generateSynthetic } from '../../src/data/synthetic/generate.js';
import { runExperiment } from '../../src/experiment/run.js';
import { configureLogging } from '../../src/log.js';
import { Mlp, type MlpSpec } from '../../src/nn/mlp.js';
import type { BidfclEpochRecord } from '../../src/train/bidfcl.js';
import { BilevelTrainer } from '../../src/train/bilevel-step.js';
import type { ObsRows } from '../../src/train/lower.js';
import type { TrainSet } from '../../src/train/prepare.js';
import { Rng } from '../../src/util/rng.js';
import { tempDir, writeTemp } from '../helpers/cli.js';
import { tinyConfigYaml } from '../helpers/tiny-config.js';

before(async () => {
  configureLogging({ level: 'warn' });
  await initBackend('cpu');
});

const D = 3;
const M = 3;
const NET: MlpSpec = { inputDim: D, hidden: [8, 8], activation: 'relu', output: 'softplus', arms: M };

/** Rows with a learnable signal; invP from the arm shares (uniform logging). */
function trainSet(n: number, seed: number): TrainSet {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * D }, () => rng.normal());
  const t = Int32Array.from({ length: n }, () => rng.int(M));
  const r = Float32Array.from({ length: n }, (_, i) => Math.max(0, 1 + 0.5 * x[i * D] + t[i] * (0.3 + 0.3 * x[i * D + 1]) + 0.2 * rng.normal()));
  const c = Float32Array.from({ length: n }, (_, i) => (0.1 + 0.2 * t[i]) * (1 + 0.3 * Math.abs(x[i * D + 2])));
  return { n, d: D, arms: M, x, t, r, c, invP: new Float32Array(n).fill(M), w: new Float32Array(n).fill(1) };
}

function method(over: Record<string, unknown>): BidfclMethodConfig {
  return { ...MethodSchema.parse({ kind: 'bidfcl-ppl', k: 2, n_cg: 10, lr: 0.01, batch_size: 64, rct_batch_size: 64, ...over }), id: 'test' } as BidfclMethodConfig;
}

function trainer(over: Record<string, unknown> = {}, poison = false) {
  const obs = trainSet(400, 1);
  const rct = trainSet(200, 2);
  const rng = new Rng(3);
  const teacher = {
    r: Float32Array.from({ length: obs.n * M }, () => (poison ? NaN : 1 + rng.uniform())),
    c: Float32Array.from({ length: obs.n * M }, () => 0.3 * rng.uniform()),
  };
  const m = method(over);
  const rows: ObsRows = { set: obs, teacher: m.bridge === 'pseudo-labels' ? teacher : null };
  const model = Mlp.create(NET, 4);
  // Budget 0.5 ≥ every arm's real cost: λ* stays finite even while the untrained model orders costs wrongly.
  const tr = new BilevelTrainer(m, model, rows, rct, { revenue: 1, cost: 1 }, [0.5], 5);
  const order = new Rng(6);
  const batch = () => order.permutation(obs.n).subarray(0, 64);
  return { tr, model, batch };
}

describe('BilevelTrainer.step', () => {
  it('the live tensor count stays flat across upper steps (implicit, CG warm start, trace damping)', () => {
    const { tr, model, batch } = trainer();
    for (let k = 0; k < 4; k++) tr.step(batch(), true); // optimiser slots and the CG warm start appear here
    const count = tf.memory().numTensors;
    for (let k = 0; k < 10; k++) assert.ok(Number.isFinite(tr.step(batch(), true)));
    assert.equal(tf.memory().numTensors, count);
    const s = tr.endEpoch();
    assert.equal(s.upper_steps, 7, 'every k = 2 batches over 14 batches');
    assert.ok(s.cg_iterations_mean! > 0 && s.cg_residual_mean! >= 0 && s.hypergradient_norm! > 0 && s.damping! > 0, JSON.stringify(s));
    assert.ok(s.gate_r! > 0 && s.gate_r! < 1);
    tr.dispose();
    model.dispose();
  });

  const variants: Record<string, unknown>[] = [
    { implicit: false },
    { implicit: false, bridge: 'row-weights' },
    { bridge: 'row-weights' },
    { gates: 'frozen-0.5' },
    { gates: 'teacher-only' },
    { hypergradient: 'double-backprop', damping_scale: 'absolute', damping: 0.1 },
    { hypergradient: 'finite-difference', inner_optimizer: 'sgd', inner_lr: 0.05 },
    { kind: 'bidfcl-pifd', detach_target: false },
  ];
  for (const v of variants) {
    it(`${JSON.stringify(v)}: runs with finite losses and diagnostics, without leaking tensors`, () => {
      const { tr, model, batch } = trainer(v);
      tr.step(batch(), true);
      tr.step(batch(), true);
      const count = tf.memory().numTensors;
      const w0 = model.getWeights();
      for (let k = 0; k < 4; k++) assert.ok(Number.isFinite(tr.step(batch(), true)));
      assert.equal(tf.memory().numTensors, count);
      assert.ok(model.getWeights().some((w, i) => w !== w0[i]), 'θ moves');
      const s = tr.endEpoch();
      const learned = v.gates === undefined;
      assert.equal(s.upper_steps, !learned ? 0 : v.implicit === false ? 6 : 3);
      if (learned) {
        assert.ok(Number.isFinite(s.hypergradient_norm!) && Number.isFinite(s.upper_loss!) && Number.isFinite(s.lambda!));
        assert.equal(s.cg_iterations_mean === null, v.implicit === false, 'CG only for implicit');
      } else {
        assert.equal(s.gate_r, v.gates === 'teacher-only' ? 1 : 0.5);
        assert.equal(tr.bridge, null);
      }
      tr.dispose();
      model.dispose();
    });
  }

  it('a NaN in the upper step stops the step with a clear error (CG NaNs: cg.test.ts)', () => {
    const { tr, model, batch } = trainer({}, true);
    assert.ok(Number.isNaN(tr.step(batch(), true)));
    assert.match(tr.failure ?? '', /assumed steps produced a non-finite θ\*.*OBS batch 1/);
    tr.dispose();
    model.dispose();
  });
});

describe('bidfcl methods in the runner', () => {
  it('train end to end on a small generated data set, with a named and an internal teacher', async () => {
    const dir = tempDir();
    await generateSynthetic(join(dir, 'data'), { seed: 3, arms: 3, features: 4, obs: 1200, rct: 1200 });
    const file = writeTemp(
      dir,
      'c.yaml',
      tinyConfigYaml({
        name: 'bidfcl-test',
        extra: `backend: cpu\noutput: ${join(dir, 'runs')}\nevaluate:\n  budgets: [0.3]`,
        epochs: 2,
        methods: `  - kind: tsm-sl
  - kind: bidfcl-ppl
    teacher: tsm-sl-rct
    warm_start: tsm-sl-rct
  - kind: bidfcl-pifd
    teacher_epochs: 1
    warm_start_epochs: 1
    implicit: false
`,
      }),
    );
    const { config, yaml } = loadConfig(file);
    const res = await runExperiment(config, yaml, { out: join(dir, 'run') });
    for (const id of ['bidfcl-ppl', 'bidfcl-pifd']) {
      const train = JSON.parse(readFileSync(join(res.runDir, id, 'seed-1', 'train.json'), 'utf8')) as { history: BidfclEpochRecord[]; error?: string };
      assert.equal(train.error, undefined);
      const bi = train.history.filter((h) => h.phase === 'bi-level');
      assert.equal(bi.length, 2);
      assert.ok(bi.every((h) => h.upper_steps! > 0 && Number.isFinite(h.hypergradient_norm!) && Number.isFinite(h.val)));
    }
    const pifd = JSON.parse(readFileSync(join(res.runDir, 'bidfcl-pifd', 'seed-1', 'train.json'), 'utf8')) as { history: BidfclEpochRecord[] };
    assert.equal(pifd.history.filter((h) => h.phase === 'warm-start').length, 1);
    const metrics = JSON.parse(readFileSync(join(res.runDir, 'metrics.json'), 'utf8')) as { summary: { method: string }[] };
    assert.deepEqual(
      metrics.summary.map((m) => m.method),
      ['tsm-sl-rct', 'bidfcl-ppl', 'bidfcl-pifd'],
    );
  });
});
