import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import type { MethodConfig } from '../../src/config/schema.js';
import type { DataTable } from '../../src/data/table.js';
import { Mlp } from '../../src/nn/mlp.js';
import { trainLoop } from '../../src/train/loop.js';
import { makeStep } from '../../src/train/objectives.js';
import { buildTrainSet, fitFeatureScaler, fitOutputScale } from '../../src/train/prepare.js';
import { Rng } from '../../src/util/rng.js';

/** A small RCT-like table: y depends on x and the arm. */
function table(n: number, seed: number): DataTable {
  const rng = new Rng(seed);
  const d = 3;
  const arms = 3;
  const x = new Float32Array(n * d);
  const t = new Int32Array(n);
  const r = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) x[i * d + k] = rng.normal();
    t[i] = rng.int(arms);
    r[i] = 1 + 0.5 * x[i * d] + t[i] * (0.5 + 0.3 * x[i * d + 1]) + 0.1 * rng.normal();
    c[i] = 0.2 * t[i] * (1 + 0.2 * Math.abs(x[i * d + 2]));
  }
  return { file: 'mem', n, d, arms, featureNames: ['f0', 'f1', 'f2'], x, t, r, c, extra: [] };
}

const base = { epochs: undefined, batch_size: undefined, lr: undefined };
const METHODS: MethodConfig[] = [
  { ...base, id: 'tsm', kind: 'tsm-sl', data: 'rct' },
  { ...base, id: 'ppl', kind: 'dfcl-ppl', alpha: 1, tau: 1, reward: 'revenue' },
  { ...base, id: 'pifd', kind: 'dfcl-pifd', alpha: 1, tau: 1, reward: 'lagrangian', h_min: 0.3 },
  { ...base, id: 'dpl', kind: 'dfcl-dpl', alpha: 1, tau: 1, lambdas: [0.5, 1] },
  { ...base, id: 'difd', kind: 'dfcl-difd', alpha: 0, tau: 1, lambdas: [1], h_min: 0.3 },
];

function setup(method: MethodConfig, lr = 0.01, batchSize = 64) {
  const tb = table(600, 5);
  const scale = fitOutputScale([tb]);
  const set = buildTrainSet([tb], [true], fitFeatureScaler([tb]), scale);
  const model = Mlp.create({ inputDim: 3, hidden: [8, 8], activation: 'relu', output: 'softplus', arms: 3 }, 1);
  const optimizer = tf.train.adam(lr);
  const step = makeStep(method, { model, optimizer, set, batchSize, budgets: [0.2], scale });
  return { set, model, optimizer, step };
}

describe('training steps', () => {
  before(async () => {
    await initBackend('cpu');
  });

  for (const method of METHODS) {
    it(`${method.kind}: the live tensor count is flat across 100 steps`, () => {
      const { model, optimizer, step } = setup(method);
      const rng = new Rng(2);
      const idx = () => rng.permutation(600).subarray(0, 64);
      for (let k = 0; k < 5; k++) step(idx()); // optimizer slots are created on the first steps
      const before = tf.memory().numTensors;
      for (let k = 0; k < 100; k++) assert.ok(Number.isFinite(step(idx())));
      assert.equal(tf.memory().numTensors, before);
      optimizer.dispose();
      model.dispose();
    });
  }

  it('tsm-sl: the prediction loss goes down on a tiny fixture', () => {
    const { model, optimizer, step } = setup(METHODS[0], 0.02, 600);
    const all = Uint32Array.from({ length: 600 }, (_, i) => i);
    const first = step(all);
    let last = first;
    for (let k = 0; k < 150; k++) last = step(all);
    assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
    optimizer.dispose();
    model.dispose();
  });
});

describe('trainLoop', () => {
  const weights = { w: new Float32Array([0]) };
  const common = {
    label: 'test',
    rows: 10,
    batchSize: 4,
    maxLoss: 100,
    rng: new Rng(1),
    getWeights: () => weights.w.slice(),
    setWeights: (w: Float32Array) => {
      weights.w = w.slice();
    },
  };

  it('stops early and restores the best validated weights', async () => {
    let epochVal = [0.5, 0.9, 0.7, 0.6, 0.4, 0.3];
    let calls = 0;
    const res = await trainLoop({
      ...common,
      initialCandidate: true,
      epochs: 50,
      patience: 3,
      step: () => {
        weights.w[0] += 1;
        return 1;
      },
      validate: () => epochVal[calls++] ?? 0,
    });
    assert.equal(res.stopped, 'early-stopping');
    assert.equal(res.bestEpoch, 1);
    assert.equal(res.epochsRun, 4);
    assert.equal(res.steps, 4 * 3, 'ceil(10 / 4) = 3 steps per epoch');
    assert.equal(weights.w[0], 3, 'weights after epoch 1 (3 steps)');
    epochVal = [];
  });

  it('keeps the untrained weights only for a warm start', async () => {
    weights.w = new Float32Array([0]);
    let calls = 0;
    const vals = [2, 1];
    const res = await trainLoop({
      ...common,
      epochs: 2,
      patience: 5,
      step: () => {
        weights.w[0] += 1;
        return 1;
      },
      validate: () => vals[calls++],
    });
    assert.equal(calls, 2, 'no validation before training: epoch 1 is the first candidate');
    assert.equal(res.bestEpoch, 1);
    assert.equal(weights.w[0], 3, 'weights after epoch 1 (3 steps)');
  });

  it('with checkpoint: last runs every epoch and keeps the final weights', async () => {
    weights.w = new Float32Array([0]);
    const vals = [0.9, 0.5, 0.4, 0.3, 0.2];
    let calls = 0;
    const res = await trainLoop({
      ...common,
      initialCandidate: true,
      checkpoint: 'last',
      epochs: 4,
      patience: 1,
      step: () => {
        weights.w[0] += 1;
        return 1;
      },
      validate: () => vals[calls++],
    });
    assert.equal(res.stopped, 'completed', 'patience does not stop it');
    assert.equal(res.epochsRun, 4);
    assert.equal(res.bestEpoch, 4, 'the kept epoch is reported');
    assert.equal(res.bestVal, 0.2);
    assert.equal(weights.w[0], 12, 'weights after 4 epochs of 3 steps, although the warm start validated best');
  });

  for (const checkpoint of ['best', 'last'] as const) {
    it(`stops on a NaN loss and keeps the last good checkpoint (checkpoint: ${checkpoint})`, async () => {
      weights.w = new Float32Array([0]);
      let k = 0;
      const res = await trainLoop({
        ...common,
        checkpoint,
        epochs: 10,
        patience: 10,
        step: () => {
          weights.w[0] += 1;
          return ++k > 5 ? NaN : 1;
        },
        validate: () => weights.w[0],
      });
      assert.equal(res.stopped, 'diverged');
      assert.match(res.error ?? '', /divergence guard/);
      assert.equal(res.bestEpoch, 1);
      assert.equal(weights.w[0], 3, 'the weights of epoch 1, not the diverged ones');
    });
  }
});
