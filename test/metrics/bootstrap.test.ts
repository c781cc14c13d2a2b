import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pairedBootstrap } from '../../src/metrics/bootstrap.js';
import { Rng } from '../../src/util/rng.js';

/** n logged rows with 2 arms and revenue r; `matchA(i)`, `matchB(i)` say whether each policy matched row i. */
function rows(n: number, seed: number, matchA: (i: number, rng: Rng) => boolean, matchB: (i: number, rng: Rng) => boolean) {
  const rng = new Rng(seed);
  const t = new Int32Array(n);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    t[i] = rng.uniform() < 0.5 ? 1 : 0;
    const r = rng.uniform() < 0.3 ? 1 + rng.uniform() : 0;
    a[i] = matchA(i, rng) ? r : 0;
    b[i] = matchB(i, rng) ? r : 0;
  }
  return { t, arms: 2, a, b };
}

describe('pairedBootstrap', () => {
  it('matches the hand-computed EOM difference (per-arm shares as propensities)', () => {
    // Arm 0: rows 0, 1; arm 1: rows 2, 3. EOM(a) = (1 + 0)/2 + (2 + 0)/2 = 1.5; EOM(b) = (0 + 1)/2 = 0.5.
    const res = pairedBootstrap({ t: [0, 0, 1, 1], arms: 2, a: [1, 0, 2, 0], b: [0, 1, 0, 0] }, { resamples: 50 });
    assert.equal(res.difference.estimate, 1);
    assert.equal(res.relative.estimate, 2);
  });

  it('weights rows by 1/(N p) when propensities are given', () => {
    // EOM(a) = (1/4)(1/0.5 + 2/0.25) = 2.5; EOM(b) = (1/4)(1/0.5) = 0.5.
    const res = pairedBootstrap({ t: [0, 0, 1, 1], arms: 2, a: [1, 0, 2, 0], b: [0, 1, 0, 0], p: [0.5, 0.5, 0.25, 0.25] }, { resamples: 50 });
    assert.equal(res.difference.estimate, 2);
  });

  it('excludes 0 when one policy is clearly better', () => {
    // a matches every row it should, b only half of them: EOM(a) ≈ 2·EOM(b).
    const res = pairedBootstrap(rows(5000, 3, () => true, (_i, rng) => rng.uniform() < 0.5));
    assert.ok(res.difference.low > 0, `interval ${res.difference.low} … ${res.difference.high}`);
    assert.ok(res.relative.low > 0.5 && res.relative.high < 1.6, `relative ${res.relative.low} … ${res.relative.high}`);
    assert.ok(res.difference.low <= res.difference.estimate && res.difference.estimate <= res.difference.high);
    assert.equal(res.share_not_better, 0);
  });

  it('includes 0 when the policies are equally good', () => {
    // Both match a random half of the rows, independently: the true difference is 0.
    const half = (_i: number, rng: Rng): boolean => rng.uniform() < 0.5;
    for (const seed of [1, 2, 3]) {
      const res = pairedBootstrap(rows(5000, seed, half, half), { seed });
      assert.ok(res.difference.low < 0 && res.difference.high > 0, `seed ${seed}: ${res.difference.low} … ${res.difference.high}`);
      assert.ok(res.share_not_better > 0.025 && res.share_not_better < 0.975);
    }
  });

  it('is narrower when the policies agree on most rows (the pairing)', () => {
    // b = a except on 5% of rows: the paired interval is far narrower than either policy's own noise.
    const data = rows(5000, 4, () => true, (i) => i % 20 !== 0);
    const paired = pairedBootstrap(data);
    const unpaired = pairedBootstrap({ ...data, b: new Float64Array(data.b.length) });
    assert.ok(paired.difference.high - paired.difference.low < 0.3 * (unpaired.difference.high - unpaired.difference.low));
  });

  it('is deterministic for a seed', () => {
    const data = rows(2000, 5, (_i, rng) => rng.uniform() < 0.6, (_i, rng) => rng.uniform() < 0.5);
    assert.deepEqual(pairedBootstrap(data, { seed: 9 }), pairedBootstrap(data, { seed: 9 }));
    assert.notDeepEqual(pairedBootstrap(data, { seed: 9 }).difference, pairedBootstrap(data, { seed: 10 }).difference);
  });

  it('takes 100k rows × 1000 resamples in seconds', (t) => {
    const data = rows(100_000, 6, (_i, rng) => rng.uniform() < 0.6, (_i, rng) => rng.uniform() < 0.5);
    const t0 = performance.now();
    pairedBootstrap(data, { resamples: 1000 });
    t.diagnostic(`100k rows × 1000 resamples: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  });

  it('rejects misaligned rows, arms out of range and bad options', () => {
    assert.throws(() => pairedBootstrap({ t: [0, 1], arms: 2, a: [1], b: [1, 2] }), RangeError);
    assert.throws(() => pairedBootstrap({ t: [0, 2], arms: 2, a: [1, 1], b: [1, 2] }), /arm 2/);
    assert.throws(() => pairedBootstrap({ t: [0, 1], arms: 2, a: [1, 1], b: [1, 2] }, { level: 1 }), RangeError);
  });
});
