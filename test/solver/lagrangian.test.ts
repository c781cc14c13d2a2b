import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { allocationTotal, argmaxArms, armCounts, dualValue } from '../../src/solver/lagrangian.js';
import { randomScores, scoresOf } from './fixtures.js';

const s = scoresOf([
  [
    [0, 0],
    [2, 1],
    [3, 3],
  ],
  [
    [1, 0],
    [1, 2], // ties arm 0 at λ = 0: the lower index wins
    [4, 4],
  ],
]);

describe('argmaxArms', () => {
  it('maximises r̂ − λĉ with ties to the lower arm index', () => {
    assert.deepEqual([...argmaxArms(s, 0, new Uint8Array(2))], [2, 2]);
    // λ = 0.5: row 0 scores 0, 1.5, 1.5 → arm 1; row 1 scores 1, 0, 2 → arm 2.
    assert.deepEqual([...argmaxArms(s, 0.5, new Uint8Array(2))], [1, 2]);
    // λ = 1: row 0 scores 0, 1, 0; row 1 scores 1, −1, 0.
    assert.deepEqual([...argmaxArms(s, 1, new Int32Array(2))], [1, 0]);
    const equal = scoresOf([
      [
        [1, 1],
        [1, 1],
      ],
    ]);
    assert.deepEqual([...argmaxArms(equal, 0.3, new Uint8Array(1))], [0]);
  });

  it('spends no more as the price rises', () => {
    const rng = new Rng(4);
    for (let trial = 0; trial < 50; trial++) {
      const r = randomScores(rng, 200, 1 + rng.int(5), trial % 2 === 0 ? 3 : 0);
      const alloc = new Uint8Array(r.n);
      let previous = Infinity;
      for (let lambda = 0; lambda <= 5; lambda += 0.05) {
        const spend = allocationTotal(r.chat, r.m, argmaxArms(r, lambda, alloc));
        assert.ok(spend <= previous, `trial ${trial}, λ ${lambda}`);
        previous = spend;
      }
    }
  });
});

describe('allocationTotal', () => {
  it('sums the chosen entries', () => {
    const alloc = Uint8Array.of(1, 2);
    assert.equal(allocationTotal(s.chat, s.m, alloc), 5);
    assert.equal(allocationTotal(s.rhat, s.m, alloc), 6);
  });
});

describe('dualValue', () => {
  it('is λB + Σ_i max_j (r̂ − λĉ)', () => {
    assert.equal(dualValue(s, 0, 10), 7);
    assert.equal(dualValue(s, 1, 3), 3 + 1 + 1);
  });
});

describe('armCounts', () => {
  it('counts users per arm', () => {
    assert.deepEqual(armCounts(Uint8Array.of(2, 0, 2, 1), 4), [1, 1, 2, 0]);
  });
});
