import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { weightedSelect } from '../../src/solver/select.js';

function reference(keys: number[], weights: number[], target: number): { key: number; above: number } {
  const order = keys.map((_, k) => k).sort((a, b) => keys[b] - keys[a]);
  let above = 0;
  for (let k = 0; k < order.length; ) {
    const key = keys[order[k]];
    let group = 0;
    for (; k < order.length && keys[order[k]] === key; k++) group += weights[order[k]];
    if (above + group > target) return { key, above };
    above += group;
  }
  return { key: -1, above };
}

describe('weightedSelect', () => {
  it('agrees with sorting on random inputs, ties included', () => {
    const rng = new Rng(2);
    for (let trial = 0; trial < 500; trial++) {
      const count = rng.int(60);
      const keys = Array.from({ length: count }, () => (trial % 2 === 0 ? rng.int(5) : rng.uniform()));
      const weights = Array.from({ length: count }, () => rng.int(4));
      const total = weights.reduce((a, b) => a + b, 0);
      const target = rng.uniform() * total * 1.2;
      const got = weightedSelect(Float64Array.from(keys), Float64Array.from(weights), count, target);
      assert.deepEqual(got, reference(keys, weights, target), `trial ${trial}`);
    }
  });

  it('crosses at the first key whose weight overshoots', () => {
    const keys = Float64Array.of(1, 3, 2, 3);
    const weights = Float64Array.of(5, 1, 2, 1);
    assert.deepEqual(weightedSelect(keys, weights, 4, 2), { key: 2, above: 2 });
    assert.deepEqual(weightedSelect(keys, weights, 4, 1.5), { key: 3, above: 0 });
    assert.deepEqual(weightedSelect(keys, weights, 4, 9), { key: -1, above: 9 });
  });

  it('handles one key repeated many times in one pass', () => {
    const n = 100_000;
    const got = weightedSelect(new Float64Array(n).fill(0.7), new Float64Array(n).fill(1), n, 500);
    assert.deepEqual(got, { key: 0.7, above: 0 });
  });
});
