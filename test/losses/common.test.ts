import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../src/backend/index.js';
import {
  argmaxRows,
  armShares,
  decisionScores,
  ipwUnitWeights,
  lambdaList,
  loggedColumn,
  makeRctBatch,
  disposeBatch,
  oneHotRows,
  rewardWeights,
  trueDecisionLoss,
} from '../../src/losses/common.js';

before(async () => {
  await initBackend('cpu');
});

describe('ipwUnitWeights', () => {
  it('gives u_i = 1/(n·p_{t_i})', () => {
    // t = [0, 1, 1], p = shares = [1/3, 2/3]: u = [1/(3·1/3), 1/(3·2/3), 1/(3·2/3)] = [1, 0.5, 0.5]
    const t = [0, 1, 1];
    const p = armShares(t, 2);
    assert.deepEqual(Array.from(p), [1 / 3, 2 / 3]);
    assert.deepEqual(Array.from(ipwUnitWeights(t, p)), [1, 0.5, 0.5]);
  });
  it('rejects a zero propensity', () => {
    assert.throws(() => ipwUnitWeights([0, 1], [1, 0]), RangeError);
  });
});

describe('oneHotRows', () => {
  it('marks the logged arm and rejects arms out of range', () => {
    assert.deepEqual(Array.from(oneHotRows([2, 0], 3)), [0, 0, 1, 1, 0, 0]);
    assert.throws(() => oneHotRows([3], 3), RangeError);
  });
});

describe('decisionScores / loggedColumn', () => {
  it('computes a = r̂ − λĉ and picks the logged column', () => {
    const out = tf.tidy(() => {
      const r = tf.tensor2d([[1, 2], [0, 1]]);
      const c = tf.tensor2d([[0, 1], [0, 2]]);
      const a = decisionScores({ r, c }, 0.5); // [[1, 1.5], [0, 0]]
      return [a.arraySync(), loggedColumn(a, tf.tensor2d([[0, 1], [1, 0]])).arraySync()];
    });
    assert.deepEqual(out, [[[1, 1.5], [0, 0]], [1.5, 0]]);
  });
});

describe('argmaxRows', () => {
  it('breaks ties towards the lower arm index', () => {
    assert.deepEqual(Array.from(argmaxRows([1, 1, 0, 0, 2, 2], 2, 3)), [0, 1]);
  });
});

describe('trueDecisionLoss', () => {
  it('is minus the sum of g over rows whose decision equals the logged arm', () => {
    // scores row0 [1, 2] → π=1, row1 [3, 0] → π=0, row2 [0, 0] → π=0 (tie); t = [1, 1, 0], g = [2, 5, 7]
    // matched rows 0 and 2: L = −(2 + 7) = −9
    assert.equal(trueDecisionLoss([1, 2, 3, 0, 0, 0], 3, 2, [1, 1, 0], [2, 5, 7]), -9);
  });
});

describe('rewardWeights / lambdaList', () => {
  it('uses u·r or u·(r − λc)', () => {
    const b = makeRctBatch([0, 1], Float32Array.from([2, 1]), Float32Array.from([1, 4]), Float32Array.from([0.5, 1]), 2);
    assert.deepEqual(Array.from(rewardWeights(b.host, 'revenue', 0.5)), [1, 1]);
    assert.deepEqual(Array.from(rewardWeights(b.host, 'lagrangian', 0.5)), [0.75, -1]);
    disposeBatch(b);
  });
  it('accepts one λ or a list, rejects empty and negative', () => {
    assert.deepEqual(lambdaList(0.3), [0.3]);
    assert.deepEqual(lambdaList([0, 1]), [0, 1]);
    assert.throws(() => lambdaList([]), RangeError);
    assert.throws(() => lambdaList(-1), RangeError);
  });
});
