import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { ModelError } from '../../src/errors.js';
import { makeLoggedBatch } from '../../src/losses/common.js';
import { predictionLoss } from '../../src/losses/prediction.js';
import { forward, initParams, Mlp, paramCount, paramShapes, splitHeads, validateSpec, type MlpSpec } from '../../src/nn/mlp.js';
import { fitScaler, transformRows } from '../../src/nn/scaler.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('cpu');
});

const SPEC: MlpSpec = { inputDim: 5, hidden: [8, 4], activation: 'relu', output: 'softplus', arms: 3 };

function features(n: number, d: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length: n * d }, () => rng.normal() * 3 + 1);
}

describe('paramShapes / initParams', () => {
  it('lists [W, b] per layer with 2M outputs', () => {
    assert.deepEqual(paramShapes(SPEC), [[5, 8], [8], [8, 4], [4], [4, 6], [6]]);
    assert.equal(paramCount(SPEC), 5 * 8 + 8 + 8 * 4 + 4 + 4 * 6 + 6);
  });

  it('is deterministic for a seed, He/Glorot-bounded, with zero biases', () => {
    const a = initParams(SPEC, 42);
    assert.deepEqual(a, initParams(SPEC, 42));
    assert.notDeepEqual(a, initParams(SPEC, 43));
    const he0 = Math.sqrt(6 / 5);
    const glorotOut = Math.sqrt(6 / (4 + 6));
    assert.ok(a[0].every((w) => Math.abs(w) <= he0) && a[0].some((w) => Math.abs(w) > 0.8 * he0));
    assert.ok(a[4].every((w) => Math.abs(w) <= glorotOut));
    assert.ok([a[1], a[3], a[5]].every((b) => b.every((v) => v === 0)));
  });

  it('rejects invalid specs with the key at fault', () => {
    assert.throws(() => validateSpec({ ...SPEC, arms: 1 }), (e: unknown) => e instanceof ModelError && e.where.key === 'arms');
    assert.throws(() => validateSpec({ ...SPEC, hidden: [0] }), ModelError);
    assert.throws(() => validateSpec({ ...SPEC, activation: 'elu' as never }), ModelError);
  });
});

describe('forward / Mlp', () => {
  it('maps [n, D] to [n, 2M] with the output activation', () => {
    const m = Mlp.create(SPEC, 1);
    const bridge = Mlp.create({ ...SPEC, activation: 'sigmoid', output: 'sigmoid' }, 1);
    const [shape, minOut, gates] = tf.tidy(() => {
      const x = tf.tensor2d(features(7, 5, 2), [7, 5]);
      const out = m.apply(x);
      const g = bridge.apply(x).dataSync();
      return [out.shape, tf.min(out).dataSync()[0], Array.from(g)];
    });
    assert.deepEqual(shape, [7, 6]);
    assert.ok(minOut > 0, 'softplus outputs are positive');
    assert.ok(gates.every((g) => g > 0 && g < 1), 'sigmoid gates lie in (0, 1)');
    m.dispose();
    bridge.dispose();
  });

  it('is a pure function of the parameter list', () => {
    const m = Mlp.create(SPEC, 3);
    const same = tf.tidy(() => {
      const x = tf.tensor2d(features(4, 5, 9), [4, 5]);
      const params = initParams(SPEC, 3).map((v, k) => tf.tensor(v, paramShapes(SPEC)[k]));
      return tf.max(tf.abs(tf.sub(forward(SPEC, params, x), m.apply(x)))).dataSync()[0];
    });
    assert.equal(same, 0);
    m.dispose();
  });

  it('predicts in batches exactly like one forward pass, standardising when given a scaler', () => {
    const m = Mlp.create(SPEC, 5);
    const n = 23;
    const raw = features(n, 5, 4);
    const scaler = fitScaler(raw, n, 5);
    const z = transformRows(scaler, raw, n);
    const full = tf.tidy(() => splitHeads(m.apply(tf.tensor2d(z, [n, 5])), 3));
    const [rFull, cFull] = [full.r.dataSync(), full.c.dataSync()];
    tf.dispose([full.r, full.c]);
    const before = tf.memory().numTensors;
    const p = m.predict(raw, n, { batchSize: 5, scaler });
    assert.equal(tf.memory().numTensors, before, 'predict leaves no tensors behind');
    assert.deepEqual(p.r, rFull);
    assert.deepEqual(p.c, cFull);
    assert.throws(() => m.predict(raw, n + 1), ModelError);
    m.dispose();
  });

  it('gets and sets flat weights; copies of θ are independent', () => {
    const m = Mlp.create(SPEC, 6);
    const w = m.getWeights();
    assert.equal(w.length, paramCount(SPEC));
    const other = Mlp.fromWeights(SPEC, w);
    assert.deepEqual(other.getWeights(), w);
    const copy = m.copyVariables();
    tf.tidy(() => copy[0].assign(tf.zerosLike(copy[0])));
    assert.deepEqual(m.getWeights(), w, 'assigning to the copy leaves θ unchanged');
    m.setWeights(new Float32Array(w.length).fill(0.5));
    assert.ok(m.getWeights().every((v) => v === 0.5));
    m.setWeights(other.vars);
    assert.deepEqual(m.getWeights(), w);
    assert.throws(() => m.setWeights(new Float32Array(3)), ModelError);
    tf.dispose(copy);
    m.dispose();
    other.dispose();
  });
});

describe('training step bookkeeping', () => {
  it('keeps the live tensor count flat across 100 forward + backward + Adam steps, and the loss falls', () => {
    const spec: MlpSpec = { inputDim: 4, hidden: [16, 8], activation: 'tanh', output: 'softplus', arms: 2 };
    const m = Mlp.create(spec, 8);
    const rng = new Rng(12);
    const n = 32;
    const x = features(n, 4, 13);
    const t = Int32Array.from({ length: n }, () => rng.int(2));
    const r = Float32Array.from({ length: n }, (_, i) => 1 + 0.5 * x[4 * i] * 0.1 + t[i]);
    const c = Float32Array.from({ length: n }, (_, i) => 0.5 + 0.2 * t[i]);
    const opt = tf.train.adam(0.01);
    const step = (): number =>
      tf.tidy(() => {
        const batch = makeLoggedBatch(t, r, c, 2);
        const xs = tf.tensor2d(x, [n, 4]);
        const loss = opt.minimize(() => predictionLoss(splitHeads(m.apply(xs), 2), batch), true, m.vars);
        return loss!.dataSync()[0];
      });
    const first = step(); // creates Adam's moment variables
    const count = tf.memory().numTensors;
    let last = first;
    for (let k = 0; k < 100; k++) last = step();
    assert.equal(tf.memory().numTensors, count);
    assert.ok(last < 0.5 * first, `loss ${first} → ${last}`);
    opt.dispose();
    m.dispose();
  });
});
