import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AllocationError } from '../../src/errors.js';
import { checkShape, profileScores, ScoreValueError } from '../../src/solver/scores.js';
import { scoresOf } from './fixtures.js';

describe('profileScores', () => {
  it('sums the cheapest and the best-revenue spends and finds max r̂', () => {
    const s = scoresOf([
      [
        [2, 1],
        [2, 3], // ties arm 0 on r̂: the lower index is the best-revenue arm
      ],
      [
        [0, 0.5],
        [4, 2],
      ],
    ]);
    assert.deepEqual(profileScores(s), { minSpend: 1.5, bestRevenueSpend: 1 + 2, maxRhat: 4 });
  });

  it('names the 1-based data row, the arm and the problem', () => {
    const s = scoresOf([
      [
        [1, 1],
        [1, 1],
      ],
      [
        [1, 1],
        [Infinity, 1],
      ],
    ]);
    assert.throws(
      () => profileScores(s),
      (e: unknown) =>
        e instanceof ScoreValueError && e.message === 'data row 2, arm 1: revenue is not a finite number (Infinity)',
    );
  });
});

describe('checkShape', () => {
  it('rejects lengths that are not n·m and arm counts outside 1..256', () => {
    assert.throws(() => checkShape({ n: 2, m: 2, rhat: new Float32Array(4), chat: new Float32Array(3) }), AllocationError);
    assert.throws(() => checkShape({ n: 0, m: 0, rhat: new Float32Array(0), chat: new Float32Array(0) }), AllocationError);
    assert.throws(() => checkShape({ n: 1, m: 257, rhat: new Float32Array(257), chat: new Float32Array(257) }), /1\.\.256 arms/);
    checkShape({ n: 1, m: 256, rhat: new Float32Array(256), chat: new Float32Array(256) });
  });
});
