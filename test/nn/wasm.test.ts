import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { armShares, ipwUnitWeights, makeRctBatch } from '../../src/losses/common.js';
import { pplLoss } from '../../src/losses/ppl.js';
import { Mlp, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { gradients, hvp, type ParamLoss } from '../../src/nn/secondorder.js';
import { Rng } from '../../src/util/rng.js';

const SPEC: MlpSpec = { inputDim: 4, hidden: [8, 6], activation: 'sigmoid', output: 'softplus', arms: 3 };

/** Prediction, gradient and HVP of PPL through a sigmoid MLP, read back as plain arrays. */
function compute(): { pred: Float32Array; grad: Float32Array; hv: Float32Array } {
  const rng = new Rng(2);
  const n = 12;
  const xs = Float32Array.from({ length: n * 4 }, () => rng.normal());
  const t = Int32Array.from({ length: n }, (_, i) => i % 3);
  const r = Float32Array.from({ length: n }, () => rng.uniform() * 2);
  const c = Float32Array.from({ length: n }, () => rng.uniform());
  const model = Mlp.create(SPEC, 4);
  const flat = (ts: tf.Tensor[]): Float32Array => Float32Array.from(ts.flatMap((g) => Array.from(g.dataSync())));
  const out = tf.tidy(() => {
    const x = tf.tensor2d(xs, [n, 4]);
    const batch = makeRctBatch(t, r, c, ipwUnitWeights(t, armShares(t, 3)), 3);
    const loss: ParamLoss = (ps) => pplLoss(splitHeads(model.apply(x, ps), 3), batch, { lambda: 0.3, tau: 0.5 });
    const v = model.vars.map((p) => tf.onesLike(p));
    return { grad: flat(gradients(loss, model.vars)), hv: flat(hvp(loss, model.vars, v)) };
  });
  const pred = model.predict(xs, n).r;
  model.dispose();
  return { pred, ...out };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let scale = 0;
  let diff = 0;
  for (let k = 0; k < a.length; k++) {
    scale = Math.max(scale, Math.abs(b[k]));
    diff = Math.max(diff, Math.abs(a[k] - b[k]));
  }
  return diff / scale;
}

describe('wasm backend', () => {
  it('gives the cpu backend’s predictions, gradients and Hessian-vector products', async () => {
    await initBackend('cpu');
    const ref = compute();
    await initBackend('wasm');
    assert.equal(tf.getBackend(), 'wasm');
    const got = compute();
    await initBackend('cpu');
    assert.ok(maxRelDiff(got.pred, ref.pred) < 1e-5, 'predictions');
    assert.ok(maxRelDiff(got.grad, ref.grad) < 1e-4, 'gradients');
    assert.ok(maxRelDiff(got.hv, ref.hv) < 1e-3, `HVP ${maxRelDiff(got.hv, ref.hv)}`);
  });
});
