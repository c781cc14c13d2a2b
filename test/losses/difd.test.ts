import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import { makeRctBatch } from '../../src/losses/common.js';
import { difdLoss } from '../../src/losses/difd.js';
import { pifdLoss } from '../../src/losses/pifd.js';

before(async () => {
  await initBackend('cpu');
});

// 3 rows, 3 arms, t = [0, 1, 2], u = 1, r = [2, 1, 3], c = 1; r̂ = [[3, 1, 2], [0, 0.5, 2], [1, 1.1, 1.05]],
// ĉ = 1 everywhere (so every λ shifts all scores of a row equally: same decisions, same z').
function setup() {
  const batch = makeRctBatch([0, 1, 2], Float32Array.from([2, 1, 3]), Float32Array.from([1, 1, 1]), Float32Array.from([1, 1, 1]), 3);
  return { batch, pred: { r: tf.tensor2d([[3, 1, 2], [0, 0.5, 2], [1, 1.1, 1.05]]), c: tf.ones([3, 3]) as tf.Tensor2D } };
}

describe('difdLoss', () => {
  it('matches a hand-computed batch (sum over Λ of PIFD with reward r − λc)', () => {
    // λ = 0: g = [2, 1, 3]: −0.7509944 + 0.3812487 + 0.2049136 = −0.1648321 (worked out in pifd.test.ts)
    // λ = 1: g = [1, 0, 2]: row0 d halves → −0.3754972; row1 0; row2 d = ±2/0.25 = ±8 → 8·0.0170762 = 0.1366091
    //        → −0.2388881
    // L_DIFD = −0.4037202
    const v = tf.tidy(() => {
      const { batch, pred } = setup();
      return difdLoss(pred, batch, { lambdas: [0, 1], tau: 1, hMin: 0.25 }).dataSync()[0];
    });
    assert.ok(Math.abs(v + 0.4037202) < 1e-5, String(v));
  });

  it('with one λ equals PIFD with the Lagrangian reward', () => {
    const [a, b] = tf.tidy(() => {
      const { batch, pred } = setup();
      return [
        difdLoss(pred, batch, { lambdas: [0.4], tau: 0.7, hMin: 0.1 }).dataSync()[0],
        pifdLoss(pred, batch, { lambda: 0.4, tau: 0.7, hMin: 0.1, reward: 'lagrangian' }).dataSync()[0],
      ];
    });
    assert.equal(a, b);
  });
});
