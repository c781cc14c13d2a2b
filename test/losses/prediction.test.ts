import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { makeLoggedBatch, type Heads } from '../../src/losses/common.js';
import { predictionLoss, pseudoLabelLoss, pseudoLabelPotential, pseudoLabels } from '../../src/losses/prediction.js';

before(async () => {
  await initBackend('cpu');
});

// The 3-row, 2-arm batch used below:
//   t = [0, 1, 1], r = [2, 1, 3], c = [0, 1, 2]
//   r̂ = [[1, 2], [0, 1], [2, 2]],  ĉ = [[0, 1], [0, 2], [1, 1]]
const T = [0, 1, 1];
const R = Float32Array.from([2, 1, 3]);
const C = Float32Array.from([0, 1, 2]);
const RHAT = [[1, 2], [0, 1], [2, 2]];
const CHAT = [[0, 1], [0, 2], [1, 1]];

function heads(r: number[][], c: number[][]): Heads {
  return { r: tf.tensor2d(r), c: tf.tensor2d(c) };
}

const close = (a: number, b: number, tol = 1e-6): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

describe('predictionLoss', () => {
  it('is the factual MSE on a hand-computed batch', () => {
    // row0 (t=0): (2−1)² + (0−0)² = 1; row1 (t=1): (1−1)² + (1−2)² = 1; row2 (t=1): (3−2)² + (2−1)² = 2
    // mean = 4/3
    const v = tf.tidy(() => predictionLoss(heads(RHAT, CHAT), makeLoggedBatch(T, R, C, 2)).dataSync()[0]);
    close(v, 4 / 3);
  });

  it('weights rows (IPW 1/p_t, normalised)', () => {
    // w = u = [1, 0.5, 0.5]; revenue errors [1, 0, 1] → (1 + 0 + 0.5)/2 = 0.75;
    // cost errors [0, 1, 1] → (0 + 0.5 + 0.5)/2 = 0.5; total 1.25. Scaling w (e.g. 1/p = 3·u) changes nothing.
    const [v, v3, vn] = tf.tidy(() => {
      const b = makeLoggedBatch(T, R, C, 2);
      const p = heads(RHAT, CHAT);
      return [
        predictionLoss(p, b, { weights: tf.tensor1d([1, 0.5, 0.5]) }).dataSync()[0],
        predictionLoss(p, b, { weights: tf.tensor1d([3, 1.5, 1.5]) }).dataSync()[0],
        // normalize false: mean(w·(e_r + e_c)) = (1·1 + 0.5·1 + 0.5·2)/3 = 2.5/3
        predictionLoss(p, b, { weights: tf.tensor1d([1, 0.5, 0.5]), normalize: false }).dataSync()[0],
      ];
    });
    close(v, 1.25);
    close(v3, 1.25);
    close(vn, 2.5 / 3);
  });

  it('has the gradient −2(r − r̂)/n on the logged column only', () => {
    const g = tf.tidy(() => {
      const b = makeLoggedBatch(T, R, C, 2);
      const c = tf.tensor2d(CHAT);
      return tf.grad((r: tf.Tensor) => predictionLoss({ r: r as tf.Tensor2D, c }, b))(tf.tensor2d(RHAT)).arraySync() as number[][];
    });
    // row0 logged 0: −2(2−1)/3; row1 logged 1: 0; row2 logged 1: −2(3−2)/3
    assert.deepEqual(g.map((row) => row.map((x) => Math.round(x * 1e6) / 1e6 + 0)), [[-0.666667, 0], [0, 0], [0, -0.666667]]);
  });
});

// Pseudo-label lower loss on the same batch, with
//   teacher r̂ψ = [[1.5, 3], [1, 1], [2, 4]], ĉψ = [[0.5, 1], [1, 1], [1, 3]]
//   gates   w^r = [[0.5, 0.5], [0.25, 0.75], [1, 0]], w^c = 0.5 everywhere
const TR = [[1.5, 3], [1, 1], [2, 4]];
const TC = [[0.5, 1], [1, 1], [1, 3]];
const WR = [[0.5, 0.5], [0.25, 0.75], [1, 0]];
const WC = [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]];

describe('pseudoLabels', () => {
  it('equals the gate mix w·teacher + (1 − w)·target', () => {
    const got = tf.tidy(() => {
      const pl = pseudoLabels(heads(RHAT, CHAT), heads(TR, TC), heads(WR, WC));
      return [pl.r.arraySync(), pl.c.arraySync()];
    });
    // r: [[.5·1.5+.5·1, .5·3+.5·2], [.25·1+.75·0, .75·1+.25·1], [1·2, 0·4+1·2]]
    assert.deepEqual(got[0], [[1.25, 2.5], [0.25, 1], [2, 2]]);
    // c: 0.5·(ĉψ + ĉ)
    assert.deepEqual(got[1], [[0.25, 1], [0.5, 1.5], [1, 2]]);
  });
});

describe('pseudoLabelLoss', () => {
  it('adds the pseudo-label errors of the non-logged arms to the factual MSE', () => {
    // non-logged entries: row0 arm1: r_cf = 2.5 → (2.5−2)² = 0.25, c_cf = 1 → 0
    //                     row1 arm0: r_cf = 0.25 → 0.0625,        c_cf = 0.5 → 0.25
    //                     row2 arm0: r_cf = 2 → 0,                c_cf = 1 → 0
    // factual [1, 1, 2]; rows [1.25, 1.3125, 2]; mean = 4.5625/3
    const v = tf.tidy(() =>
      pseudoLabelLoss(heads(RHAT, CHAT), heads(TR, TC), heads(WR, WC), makeLoggedBatch(T, R, C, 2)).dataSync()[0],
    );
    close(v, 4.5625 / 3);
  });

  it('detaches the Target part of the pseudo-labels and passes gradients to the gates', () => {
    const [gTarget, gGate] = tf.tidy(() => {
      const b = makeLoggedBatch(T, R, C, 2);
      const teacher = heads(TR, TC);
      const wc = tf.tensor2d(WC);
      const c = tf.tensor2d(CHAT);
      const gt = tf.grad((r: tf.Tensor) => pseudoLabelLoss({ r: r as tf.Tensor2D, c }, teacher, { r: tf.tensor2d(WR), c: wc }, b))(tf.tensor2d(RHAT));
      const gw = tf.grad((w: tf.Tensor) => pseudoLabelLoss(heads(RHAT, CHAT), teacher, { r: w as tf.Tensor2D, c: wc }, b))(tf.tensor2d(WR));
      return [gt.arraySync() as number[][], gw.arraySync() as number[][]];
    });
    // ∂/∂r̂_01 = −2(r_cf − r̂)/n = −2·0.5/3 (not −2·0.5·w/3: the target part is a constant)
    assert.ok(Math.abs(gTarget[0][1] + 1 / 3) < 1e-6, String(gTarget[0][1]));
    // ∂/∂w^r_01 = 2(r_cf − r̂)(r̂ψ − r̂)/n = 2·0.5·1/3; logged entries get no gradient
    assert.ok(Math.abs(gGate[0][1] - 1 / 3) < 1e-6, String(gGate[0][1]));
    assert.equal(gGate[0][0], 0);
    assert.equal(gGate[1][1], 0);
  });
});

describe('pseudoLabelPotential', () => {
  it('matches a hand-computed batch', () => {
    // non-logged entries ω(T − ŷ)² with ω = w (detached target):
    //   row0 arm1: 0.5·(3 − 2)² + 0.5·(1 − 1)² = 0.5;  row1 arm0: 0.25·(1 − 0)² + 0.5·(1 − 0)² = 0.75;
    //   row2 arm0: 1·(2 − 2)² + 0.5·(1 − 1)² = 0
    // factual [1, 1, 2] → rows [1.5, 1.75, 2], mean 1.75
    const v = tf.tidy(() =>
      pseudoLabelPotential(heads(RHAT, CHAT), heads(TR, TC), heads(WR, WC), makeLoggedBatch(T, R, C, 2)).dataSync()[0],
    );
    close(v, 1.75);
  });

  for (const detachTarget of [true, false]) {
    it(`has the θ-gradient of pseudoLabelLoss (detachTarget = ${detachTarget})`, () => {
      const [a, b] = tf.tidy(() => {
        const batch = makeLoggedBatch(T, R, C, 2);
        const teacher = heads(TR, TC);
        const gates = heads(WR, WC);
        const grad = (f: typeof pseudoLabelLoss) =>
          tf
            .grads((r: tf.Tensor, c: tf.Tensor) => f({ r: r as tf.Tensor2D, c: c as tf.Tensor2D }, teacher, gates, batch, { detachTarget }))([
              tf.tensor2d(RHAT),
              tf.tensor2d(CHAT),
            ])
            .map((g) => Array.from(g.dataSync()));
        return [grad(pseudoLabelLoss), grad(pseudoLabelPotential)];
      });
      a.flat().forEach((v, k) => close(v, b.flat()[k]));
      // not detached: ∂/∂r̂_01 = −2(r_cf − r̂)·w/n = −2·0.5·0.5/3; detached: −2·0.5/3
      close(a[0][1], detachTarget ? -1 / 3 : -1 / 6);
    });
  }
});
