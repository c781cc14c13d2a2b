import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { armShares, ipwUnitWeights, makeRctBatch, type Heads, type RctBatch } from '../../src/losses/common.js';
import { pplLoss, type PplOptions } from '../../src/losses/ppl.js';
import { forward, initParams, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { Rng } from '../../src/util/rng.js';

before(async () => {
  await initBackend('cpu');
});

// 3 rows, 2 arms: t = [0, 1, 1] → p = [1/3, 2/3], u = [1, 0.5, 0.5]; r = [2, 1, 3], c = [0, 1, 2]
// r̂ = [[1, 2], [0, 1], [2, 2]], ĉ = [[0, 1], [0, 2], [1, 1]]
function handBatch(): RctBatch {
  const t = [0, 1, 1];
  return makeRctBatch(t, Float32Array.from([2, 1, 3]), Float32Array.from([0, 1, 2]), ipwUnitWeights(t, armShares(t, 2)), 2);
}
const handHeads = (): Heads => ({ r: tf.tensor2d([[1, 2], [0, 1], [2, 2]]), c: tf.tensor2d([[0, 1], [0, 2], [1, 1]]) });
const value = (opts: PplOptions): number => tf.tidy(() => pplLoss(handHeads(), handBatch(), opts).dataSync()[0]);
const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe('pplLoss', () => {
  it('matches a hand-computed batch (revenue reward)', () => {
    // λ = 1, τ = 1: a = r̂ − ĉ = [[1, 1], [0, −1], [1, 1]]
    // z' at the logged arm: row0 ½, row1 softmax([0, −1])_1 = σ(−1) = 0.2689414, row2 ½
    // g = u·r = [2, 0.5, 1.5];  L = −(2·½ + 0.5·0.2689414 + 1.5·½) = −1.8844707
    close(value({ lambda: 1, tau: 1 }), -1.8844707);
  });

  it('matches a hand-computed batch (Lagrangian reward)', () => {
    // g = u·(r − λc) = [1·2, 0.5·0, 0.5·1] = [2, 0, 0.5];  L = −(2·½ + 0 + 0.5·½) = −1.25
    close(value({ lambda: 1, tau: 1, reward: 'lagrangian' }), -1.25);
  });

  it('averages over a list of λ* (budget levels)', () => {
    // λ = 0: a = r̂; z' logged: row0 softmax([1,2])_0 = σ(−1) = 0.2689414, row1 σ(1) = 0.7310586, row2 ½
    //        L0 = −(2·0.2689414 + 0.5·0.7310586 + 1.5·½) = −1.6534121
    // mean with L1 = −1.8844707 → −1.7689414
    close(value({ lambda: [0, 1], tau: 1 }), -1.7689414);
  });

  it('sharpens with a lower temperature', () => {
    // τ = 0.5 at λ = 1: row1 z' = σ(−2) = 0.1192029; ties stay ½: L = −(1 + 0.5·0.1192029 + 0.75)
    close(value({ lambda: 1, tau: 0.5 }), -1.8096015);
  });
});

/** Central differences of a scalar function of a Float32Array, per coordinate, with step h. */
function numericGrad(f: (x: Float32Array) => number, x: Float32Array, h: number): Float64Array {
  const g = new Float64Array(x.length);
  for (let k = 0; k < x.length; k++) {
    const xp = Float32Array.from(x);
    const xm = Float32Array.from(x);
    xp[k] += h;
    xm[k] -= h;
    g[k] = (f(xp) - f(xm)) / (xp[k] - xm[k]);
  }
  return g;
}

function randomBatch(rng: Rng, n: number, arms: number): RctBatch {
  const t = Int32Array.from({ length: n }, (_, i) => i % arms);
  const r = Float32Array.from({ length: n }, () => 0.5 + rng.uniform() * 2);
  const c = Float32Array.from({ length: n }, () => rng.uniform());
  return makeRctBatch(t, r, c, ipwUnitWeights(t, armShares(t, arms)), arms);
}

describe('pplLoss gradient', () => {
  for (const reward of ['revenue', 'lagrangian'] as const) {
    it(`w.r.t. predictions equals a central finite difference of the value (${reward})`, () => {
      const rng = new Rng(11);
      const n = 6;
      const arms = 3;
      const batch = randomBatch(rng, n, arms);
      const rh = Float32Array.from({ length: n * arms }, () => rng.normal());
      const ch = Float32Array.from({ length: n * arms }, () => 0.5 + rng.uniform());
      const opts: PplOptions = { lambda: [0.4, 1.3], tau: 0.7, reward };
      const loss = (r: Float32Array, c: Float32Array): number =>
        tf.tidy(() => pplLoss({ r: tf.tensor2d(r, [n, arms]), c: tf.tensor2d(c, [n, arms]) }, batch, opts).dataSync()[0]);
      const [gr, gc] = tf.tidy(() =>
        tf
          .grads((r: tf.Tensor, c: tf.Tensor) => pplLoss({ r: r as tf.Tensor2D, c: c as tf.Tensor2D }, batch, opts))([
            tf.tensor2d(rh, [n, arms]),
            tf.tensor2d(ch, [n, arms]),
          ])
          .map((g) => g.dataSync()),
      );
      const nr = numericGrad((r) => loss(r, ch), rh, 1e-2);
      const nc = numericGrad((c) => loss(rh, c), ch, 1e-2);
      for (let k = 0; k < nr.length; k++) {
        assert.ok(Math.abs(gr[k] - nr[k]) < 2e-4 + 1e-2 * Math.abs(nr[k]), `∂/∂r̂[${k}] ${gr[k]} vs ${nr[k]}`);
        assert.ok(Math.abs(gc[k] - nc[k]) < 2e-4 + 1e-2 * Math.abs(nc[k]), `∂/∂ĉ[${k}] ${gc[k]} vs ${nc[k]}`);
      }
    });
  }

  it('w.r.t. network parameters equals a central finite difference of the value', () => {
    const rng = new Rng(5);
    const spec: MlpSpec = { inputDim: 4, hidden: [6, 5], activation: 'tanh', output: 'softplus', arms: 3 };
    const n = 8;
    const batch = randomBatch(rng, n, spec.arms);
    const x = tf.tensor2d(Float32Array.from({ length: n * spec.inputDim }, () => rng.normal()), [n, spec.inputDim]);
    const opts: PplOptions = { lambda: 0.8, tau: 0.5 };
    const init = initParams(spec, 3);
    const lossAt = (ps: readonly tf.Tensor[]): tf.Scalar => pplLoss(splitHeads(forward(spec, ps, x), spec.arms), batch, opts);
    const shapes = init.map((p, k) => (k % 2 === 0 ? [p.length / init[k + 1].length, init[k + 1].length] : [p.length]));
    const asTensors = (vals: Float32Array[]): tf.Tensor[] => vals.map((v, k) => tf.tensor(v, shapes[k]));
    const grads = tf.tidy(() =>
      tf.grads((...ps: tf.Tensor[]) => lossAt(ps))(asTensors(init)).map((g) => Float32Array.from(g.dataSync())),
    );
    // Every coordinate of the first hidden layer's weights and the output bias, plus 3 random directions.
    const valueAt = (vals: Float32Array[]): number => tf.tidy(() => lossAt(asTensors(vals)).dataSync()[0]);
    for (const layer of [0, init.length - 1]) {
      const fd = numericGrad((w) => valueAt(init.map((p, k) => (k === layer ? w : p))), init[layer], 1e-2);
      for (let k = 0; k < fd.length; k++)
        assert.ok(Math.abs(grads[layer][k] - fd[k]) < 2e-4 + 1e-2 * Math.abs(fd[k]), `param ${layer}[${k}]: ${grads[layer][k]} vs ${fd[k]}`);
    }
    for (let trial = 0; trial < 3; trial++) {
      const dir = init.map((p) => Float32Array.from(p, () => rng.normal()));
      const h = 1e-2;
      const shifted = (s: number): Float32Array[] => init.map((p, k) => Float32Array.from(p, (v, i) => v + s * h * dir[k][i]));
      const fd = (valueAt(shifted(1)) - valueAt(shifted(-1))) / (2 * h);
      let exact = 0;
      grads.forEach((g, k) => g.forEach((v, i) => (exact += v * dir[k][i])));
      assert.ok(Math.abs(exact - fd) < 1e-3 + 1e-2 * Math.abs(fd), `direction ${trial}: ${exact} vs ${fd}`);
    }
    x.dispose();
  });
});
