import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ScoreValueError } from '../../src/solver/scores.js';
import { IntList, sweep } from '../../src/solver/sweep.js';
import { scoresOf } from './fixtures.js';

const s = scoresOf([
  [
    [1, 0],
    [3, 1], // slope 2
  ],
  [
    [1, 0],
    [1.5, 1], // slope 0.5
  ],
  [
    [0, 2],
    [5, 1], // cheaper and better: always arm 1
  ],
]);

describe('sweep', () => {
  it('settles users whose choice is the same at both ends and profiles the scores', () => {
    const alloc = new Uint8Array(3);
    const sw = sweep(s, 1, 3, alloc);
    assert.deepEqual([...alloc], [0, 0, 1]); // choices at λ = 3
    assert.deepEqual([...sw.active], [0]); // user 0 switches at λ = 2
    assert.equal(sw.settledSpend, 0 + 1);
    assert.equal(sw.settledRevenue, 1 + 5);
    assert.equal(sw.activeSpendHi, 0);
    assert.equal(sw.minSpend, 1);
    assert.equal(sw.bestRevenueSpend, 1 + 1 + 1);
    assert.equal(sw.maxRhat, 5);
  });

  it('takes the cheapest arm at an infinite price', () => {
    const alloc = new Uint8Array(3);
    const sw = sweep(s, 0, Infinity, alloc);
    assert.deepEqual([...alloc], [0, 0, 1]);
    assert.deepEqual([...sw.active], [0, 1]);
  });

  it('throws for the first bad value in row order', () => {
    const bad = scoresOf([
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, -0.5],
        [NaN, 1],
      ],
    ]);
    assert.throws(
      () => sweep(bad, 0, 1, new Uint8Array(2)),
      (e: unknown) => e instanceof ScoreValueError && e.row === 2 && e.arm === 0 && e.what === 'cost',
    );
  });
});

describe('IntList', () => {
  it('grows past its first block', () => {
    const list = new IntList();
    for (let k = 0; k < 3000; k++) list.push(k * 2);
    const all = list.toArray();
    assert.equal(all.length, 3000);
    assert.equal(all[2999], 5998);
  });
});
