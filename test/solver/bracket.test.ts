import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { SpendSample } from '../../src/solver/bracket.js';
import { randomScores, referencePrice } from './fixtures.js';

describe('SpendSample.bracket', () => {
  it('hugs λ* when every user is sampled', () => {
    const s = randomScores(new Rng(1), 5000, 4);
    const sample = new SpendSample(s);
    for (const budget of [500, 2000, 4000]) {
      const lambda = referencePrice(s, budget);
      const { lo, hi } = sample.bracket(budget, 6);
      assert.ok(lo < lambda && lambda <= hi, `budget ${budget}`);
      assert.ok(hi - lo < 1e-9 * lambda);
    }
  });

  it('holds λ* at six standard errors on a large sampled instance, and widens with z', () => {
    const s = randomScores(new Rng(2), 400_000, 4);
    const sample = new SpendSample(s);
    const budget = 0.4 * s.n;
    const lambda = referencePrice(s, budget);
    const narrow = sample.bracket(budget, 6);
    const wide = sample.bracket(budget, 48);
    assert.ok(narrow.lo < lambda && lambda <= narrow.hi);
    assert.ok(wide.lo <= narrow.lo && wide.hi >= narrow.hi);
  });

  it('answers 0 for an empty problem', () => {
    const sample = new SpendSample({ n: 0, m: 2, rhat: new Float32Array(0), chat: new Float32Array(0) });
    assert.deepEqual(sample.bracket(0, 6), { lo: 0, hi: 0 });
  });
});
