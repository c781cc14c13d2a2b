import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { armShares, ipwUnitWeights, makeRctBatch } from '../../src/losses/common.js';
import { dplLoss } from '../../src/losses/dpl.js';
import { pplLoss } from '../../src/losses/ppl.js';

before(async () => {
  await initBackend('cpu');
});

// 3 rows, 2 arms: t = [0, 1, 1] → u = [1, 0.5, 0.5]; r = [2, 1, 3], c = [0, 1, 2]
// r̂ = [[1, 2], [0, 1], [2, 2]], ĉ = [[0, 1], [0, 2], [1, 1]]
function setup() {
  const t = [0, 1, 1];
  const batch = makeRctBatch(t, Float32Array.from([2, 1, 3]), Float32Array.from([0, 1, 2]), ipwUnitWeights(t, armShares(t, 2)), 2);
  return { batch, pred: { r: tf.tensor2d([[1, 2], [0, 1], [2, 2]]), c: tf.tensor2d([[0, 1], [0, 2], [1, 1]]) } };
}

describe('dplLoss', () => {
  it('matches a hand-computed batch (sum over Λ of the Lagrangian-reward PPL)', () => {
    // λ = 0: reward u·r = [2, 0.5, 1.5], z' logged = [σ(−1), σ(1), ½] → −(0.5378828 + 0.3655293 + 0.75) = −1.6534121
    // λ = 1: reward u·(r − c) = [2, 0, 0.5], z' logged = [½, σ(−1), ½] → −(1 + 0 + 0.25) = −1.25
    // L_DPL = −2.9034121
    const v = tf.tidy(() => {
      const { batch, pred } = setup();
      return dplLoss(pred, batch, { lambdas: [0, 1], tau: 1 }).dataSync()[0];
    });
    assert.ok(Math.abs(v + 2.9034121) < 1e-6, String(v));
  });

  it('with one λ equals PPL with the Lagrangian reward', () => {
    const [a, b] = tf.tidy(() => {
      const { batch, pred } = setup();
      return [
        dplLoss(pred, batch, { lambdas: [0.6], tau: 0.5 }).dataSync()[0],
        pplLoss(pred, batch, { lambda: 0.6, tau: 0.5, reward: 'lagrangian' }).dataSync()[0],
      ];
    });
    assert.equal(a, b);
  });
});
