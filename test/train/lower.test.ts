import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { Mlp, splitHeads, type MlpSpec } from '../../src/nn/mlp.js';
import { gateStats, gatesOf, gatherObsBatch, lowerLoss, lowerPotential, wlsTargets, disposeObsBatch, type LowerSpec } from '../../src/train/lower.js';
import type { TrainSet } from '../../src/train/prepare.js';
import { lowerLevel, obsBatch } from './fixtures.js';

before(async () => {
  await initBackend('cpu');
});

const NET: MlpSpec = { inputDim: 3, hidden: [5], activation: 'relu', output: 'softplus', arms: 3 };
const approx = (a: number, b: number, tol = 1e-5): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('gatherObsBatch', () => {
  it('copies the rows and their teacher predictions in batch order', () => {
    const n = 5;
    const set: TrainSet = {
      n,
      d: 2,
      arms: 3,
      x: Float32Array.from({ length: 10 }, (_, k) => k),
      t: Int32Array.from([0, 1, 2, 0, 1]),
      r: Float32Array.from([10, 11, 12, 13, 14]),
      c: Float32Array.from([20, 21, 22, 23, 24]),
      invP: new Float32Array(n).fill(1),
      w: new Float32Array(n).fill(1),
    };
    const teacher = { r: Float32Array.from({ length: 15 }, (_, k) => 100 + k), c: Float32Array.from({ length: 15 }, (_, k) => 200 + k) };
    const b = gatherObsBatch({ set, teacher }, Uint32Array.from([3, 1]));
    assert.deepEqual(Array.from(b.x.dataSync()), [6, 7, 2, 3]);
    assert.deepEqual(Array.from(b.logged.r.dataSync()), [13, 11]);
    assert.deepEqual(Array.from(b.logged.onehot.dataSync()), [1, 0, 0, 0, 1, 0]);
    assert.deepEqual(Array.from(b.teacher!.r.dataSync()), [109, 110, 111, 103, 104, 105]);
    assert.deepEqual(Array.from(b.teacher!.c.dataSync()), [209, 210, 211, 203, 204, 205]);
    disposeObsBatch(b);
  });
});

describe('lowerLoss', () => {
  for (const gates of ['learned', 'frozen-0.5', 'teacher-only'] as const) {
    it(`pseudo-labels, ${gates} gates: the non-logged labels are the gate mix w·teacher + (1 − w)·target`, () => {
      const batch = obsBatch(12, 3, 3, 1);
      const lower = lowerLevel(NET, batch, { gates });
      const target = Mlp.create(NET, 2);
      const bridge = Mlp.create(lower.bridge, 3);
      const w = gatesOf(lower.spec, lower.bridge, bridge.vars, batch, 3);
      const pred = splitHeads(target.apply(batch.x), 3);
      const [wr, wc, tr, tc, pr, pc, oh] = [w.r, w.c, batch.teacher!.r, batch.teacher!.c, pred.r, pred.c, batch.logged.onehot].map((t) => t.dataSync());
      const fr = batch.logged.r.dataSync();
      const fc = batch.logged.c.dataSync();
      if (gates !== 'learned') assert.ok(Array.from(wr).every((v) => v === (gates === 'teacher-only' ? 1 : 0.5)));
      else assert.ok(Array.from(wr).every((v) => v > 0 && v < 1));
      let manual = 0;
      for (let i = 0; i < 12; i++) {
        for (let j = 0; j < 3; j++) {
          const k = i * 3 + j;
          const labelR = oh[k] ? fr[i] : wr[k] * tr[k] + (1 - wr[k]) * pr[k];
          const labelC = oh[k] ? fc[i] : wc[k] * tc[k] + (1 - wc[k]) * pc[k];
          manual += (labelR - pr[k]) ** 2 + (labelC - pc[k]) ** 2;
        }
      }
      assert.ok(approx(lowerLoss(lower.spec, pred, batch, w).dataSync()[0], manual / 12));
      target.dispose();
      bridge.dispose();
    });
  }

  it('row-weights: the factual MSE weighted by the logged arm’s gate, normalised per outcome', () => {
    const batch = obsBatch(10, 3, 3, 4);
    const lower = lowerLevel(NET, batch, { bridge: 'row-weights' });
    const target = Mlp.create(NET, 5);
    const bridge = Mlp.create(lower.bridge, 6);
    const w = gatesOf(lower.spec, lower.bridge, bridge.vars, batch, 3);
    const pred = splitHeads(target.apply(batch.x), 3);
    const [wr, wc, pr, pc, oh] = [w.r, w.c, pred.r, pred.c, batch.logged.onehot].map((t) => t.dataSync());
    const fr = batch.logged.r.dataSync();
    const fc = batch.logged.c.dataSync();
    let [sr, sc, nr, nc] = [0, 0, 0, 0];
    for (let i = 0; i < 10; i++) {
      const j = [0, 1, 2].find((a) => oh[i * 3 + a] === 1)!;
      const k = i * 3 + j;
      sr += wr[k] * (fr[i] - pr[k]) ** 2;
      nr += wr[k];
      sc += wc[k] * (fc[i] - pc[k]) ** 2;
      nc += wc[k];
    }
    assert.ok(approx(lowerLoss(lower.spec, pred, batch, w).dataSync()[0], sr / nr + sc / nc));
    target.dispose();
    bridge.dispose();
  });
});

describe('wlsTargets', () => {
  const specs: Partial<LowerSpec>[] = [{ detachTarget: true }, { detachTarget: false }, { bridge: 'row-weights' }];
  for (const s of specs) {
    it(`Σ Ω(Y − ŷ)² is the lower potential (${JSON.stringify(s)})`, () => {
      const batch = obsBatch(9, 3, 3, 7);
      const lower = lowerLevel(NET, batch, s);
      const target = Mlp.create(NET, 8);
      const bridge = Mlp.create(lower.bridge, 9);
      const w = gatesOf(lower.spec, lower.bridge, bridge.vars, batch, 3);
      const out = target.apply(batch.x);
      const { omega, y } = wlsTargets(lower.spec, batch, w);
      const wls = tf.sum(tf.mul(omega, tf.square(tf.sub(y, out)))).dataSync()[0];
      assert.ok(approx(wls, lowerPotential(lower.spec, splitHeads(out, 3), batch, w).dataSync()[0]));
      target.dispose();
      bridge.dispose();
    });
  }
});

describe('gateStats', () => {
  it('averages the gates that enter the loss and counts saturated ones', () => {
    const onehot = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const gates = { r: tf.tensor2d([0.9, 0.2, 0.99, 0.5], [2, 2]), c: tf.tensor2d([0.1, 0.6, 0.01, 0.5], [2, 2]) };
    const pl = gateStats({ bridge: 'pseudo-labels', gates: 'learned', detachTarget: true }, gates, onehot);
    assert.ok(approx(pl.r, 0.595) && approx(pl.c, 0.305) && approx(pl.saturated, 0.5));
    const rw = gateStats({ bridge: 'row-weights', gates: 'learned', detachTarget: true }, gates, onehot);
    assert.ok(approx(rw.r, 0.7) && approx(rw.c, 0.3) && approx(rw.saturated, 0));
  });
});
