import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aucc, auuc, costCurve, rankDescending, roiScores } from '../../src/metrics/aucc.js';
import { Rng } from '../../src/util/rng.js';

describe('aucc', () => {
  // t = [1, 1, 0, 0], r = [1, 0, 0, 0], c = [1, 1, 0, 0]: ΔR = 1/2 − 0, ΔC = 2/2 − 0 = 1.
  const t = [1, 1, 0, 0];
  const r = [1, 0, 0, 0];
  const c = [1, 1, 0, 0];

  it('matches a hand-computed case with Q = 4', () => {
    // Order 0,1,2,3: incremental (cost, revenue) = (.5,.5), (1,.5), (1,.5), (1,.5).
    // Levels .25, .5, .75 are first reached at rows 0, 0, 1 → .5, .5, .5; final .5. (0 + 2) / (.5·5) = 0.8.
    assert.equal(aucc([0, 1, 2, 3], t, r, c, 4), 0.8);
    // Order 1,0,2,3: (.5, 0), (1, .5), ... → 0, 0, .5 and final .5 → 1 / 2.5 = 0.4.
    assert.equal(aucc([1, 0, 2, 3], t, r, c, 4), 0.4);
  });

  it('cost curve ends at (ΔC, ΔR)', () => {
    const cc = costCurve([2, 0, 3, 1], t, r, c);
    assert.equal(cc.deltaR, 0.5);
    assert.equal(cc.deltaC, 1);
    assert.equal(cc.cost[3], 1);
    assert.equal(cc.revenue[3], 0.5);
  });

  it('is ≈ 0.5 for a random ranking and > 0.9 for a perfect one on large random data', () => {
    const rng = new Rng(11);
    const n = 100_000;
    const tt = new Int32Array(n);
    const rr = new Float64Array(n);
    const ccost = new Float64Array(n);
    const roi = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      tt[i] = rng.uniform() < 0.5 ? 1 : 0;
      roi[i] = rng.uniform() < 0.1 ? 1 + rng.uniform() : rng.uniform() * 0.01; // 10% hold nearly all uplift
      const p = 0.02 + (tt[i] === 1 ? 0.3 * Math.min(roi[i], 1) : 0);
      rr[i] = rng.uniform() < p ? 1 : 0;
      ccost[i] = tt[i] === 1 ? 1 : 0;
    }
    const random = rankDescending(Float64Array.from({ length: n }, () => rng.uniform()));
    const perfect = rankDescending(roi);
    const a = aucc(random, tt, rr, ccost);
    const b = aucc(perfect, tt, rr, ccost);
    assert.ok(Math.abs(a - 0.5) < 0.03, `random AUCC ${a}`);
    assert.ok(b > 0.9, `perfect AUCC ${b}`);
  });

  it('is NaN without a positive cost or revenue lift', () => {
    assert.ok(Number.isNaN(aucc([0, 1], [1, 0], [0, 1], [1, 0])));
  });
});

describe('roiScores', () => {
  it('divides uplifts and keeps the sign of a tiny denominator', () => {
    const s = roiScores([0, 2, 1, 1, 0, 1], [0, 1, 0, 0, 1, 1 - 1e-9], 3);
    assert.equal(s[0], 2);
    assert.equal(s[1], 0);
    assert.ok(s[2] < -1e5, 'tiny negative denominator keeps its sign');
  });
});

describe('auuc', () => {
  it('ranks a perfect ordering above a reversed one', () => {
    const tt = [1, 0, 1, 0, 1, 0];
    const rr = [1, 0, 1, 0, 0, 0];
    assert.ok(auuc([0, 2, 1, 3, 4, 5], tt, rr) > auuc([5, 4, 3, 1, 2, 0], tt, rr));
  });
});
