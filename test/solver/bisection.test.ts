import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../src/util/rng.js';
import { AllocationError } from '../../src/errors.js';
import { algorithmA, bisectBudget, type LoggedRows } from '../../src/solver/bisection.js';
import { solveExact } from '../../src/solver/exact.js';
import { randomScores, scoresOf, spendOf } from './fixtures.js';

// Four users, a free control arm and one treatment whose predicted ROI r̂/ĉ is 2, 1, 3 and 0.5.
const s = scoresOf([
  [
    [0, 0],
    [2, 1],
  ],
  [
    [0, 0],
    [1, 1],
  ],
  [
    [0, 0],
    [3, 1],
  ],
  [
    [0, 0],
    [0.5, 1],
  ],
]);
// Logged RCT rows: arms 1, 0, 1, 0 (p_0 = p_1 = 1/2, so every matching row weighs 1 / (4 · 1/2) = 1/2).
const logged: LoggedRows = {
  t: Uint8Array.of(1, 0, 1, 0),
  r: Float64Array.of(4, 1, 2, 0),
  c: Float64Array.of(2, 0, 1, 0),
};

describe('algorithmA', () => {
  it('bisects on the IPW cost until the interval is narrower than ε (hand-computed)', () => {
    // λ_hi = 3. λ = 1.5: π = (1,0,1,0), all four rows match: c̄ = (2+0+1+0)/2 = 1.5 > 0.75 → λ_lo = 1.5.
    // λ = 2.25: π = (0,0,1,0), rows 2-4 match: c̄ = (0+1+0)/2 = 0.5 < 0.75 → λ_hi = 2.25.
    // λ = 1.875 → c̄ 1.5 → lo; λ = 2.0625 → c̄ 0.5 → hi; λ = 1.96875 → c̄ 1.5 → lo; width 0.094 < 0.1.
    // One more policy is evaluated first: λ_hi itself (everyone on arm 0, c̄ = 0 ≤ b), so no extension.
    const res = algorithmA(s, logged, 0.75, 0.1);
    assert.equal(res.lambda, 1.96875);
    assert.equal(res.iterations, 6);
    assert.equal(res.feasible, false, 'the last midpoint overspends: the paper returns it as λ*');
    assert.deepEqual([...res.allocation], [1, 0, 1, 0]);
    assert.equal(res.cost, 1.5);
    assert.equal(res.revenue, (4 + 1 + 2 + 0) / 2);
  });

  it('stops as soon as the IPW cost is within ε of the budget', () => {
    const res = algorithmA(s, logged, 0.5, 0.1);
    assert.equal(res.lambda, 2.25);
    assert.equal(res.iterations, 3);
    assert.equal(res.feasible, true);
    assert.deepEqual([...res.allocation], [0, 0, 1, 0]);
    assert.equal(res.cost, 0.5);
    assert.equal(res.revenue, (1 + 2 + 0) / 2);
  });

  it('raises λ beyond max r̂/ĉ when the IPW cost there still exceeds the budget', () => {
    // Predicted costs say arm 1 is cheaper, but the logged (real) costs of arm 1 are high: at λ_hi = 1
    // (r̂ 1, ĉ 1 for arm 1 vs r̂ 0, ĉ 2 for arm 0) every user is on arm 1, IPW cost (2 rows · 4 · ½) = 4 > 1.
    // At λ = 2: arm 0 scores −4, arm 1 scores −1 → still arm 1; no price fits, so λ* comes from the paper's
    // interval [0, 1] and the result is flagged.
    const flipped = scoresOf([
      [
        [0, 2],
        [1, 1],
      ],
      [
        [0, 2],
        [1, 1],
      ],
    ]);
    const rows: LoggedRows = { t: Uint8Array.of(0, 1), r: Float64Array.of(0, 1), c: Float64Array.of(0, 4) };
    const res = algorithmA(flipped, rows, 1, 1e-3);
    assert.equal(res.feasible, false);
    assert.deepEqual([...res.allocation], [1, 1]);
    assert.ok(res.lambda <= 1, `λ* ${res.lambda} stays in the paper's interval`);
    // Real costs ordered like the predicted ones: at λ = 4 (doubled twice from max r̂/ĉ = 1) arm 0 wins.
    const agree: LoggedRows = { t: Uint8Array.of(0, 1), r: Float64Array.of(0, 1), c: Float64Array.of(4, 1) };
    const ok = algorithmA(flipped, agree, 2.5, 1e-3);
    assert.equal(ok.feasible, true);
    assert.ok(ok.cost <= 2.5 + 1e-3);
  });

  it('uses a given propensity column', () => {
    // Weights 1 / (4 p) = 1, 0.5, 1, 0.5. λ = 1.5: c̄ = 2 + 1 = 3 → lo; λ = 2.25: π = (0,0,1,0),
    // c̄ = 1 → lo; then 2.625, 2.8125, 2.90625 all keep π and c̄ = 1; width 0.094 < 0.1.
    const res = algorithmA(s, { ...logged, p: Float64Array.of(0.25, 0.5, 0.25, 0.5) }, 0.5, 0.1);
    assert.equal(res.lambda, 2.90625);
    assert.equal(res.iterations, 6);
    assert.equal(res.cost, 1);
    assert.equal(res.revenue, 0.5 * 1 + 2 + 0.5 * 0);
  });

  it('returns the upper end when the interval is already narrower than ε', () => {
    const res = algorithmA(s, logged, 0.5, 10);
    assert.equal(res.lambda, 3);
    assert.equal(res.iterations, 1);
    assert.deepEqual([...res.allocation], [0, 0, 0, 0]); // at λ = 3 row 3 ties: the lower arm
  });

  it('rejects misaligned or invalid logged rows and a non-positive ε', () => {
    assert.throws(() => algorithmA(s, { ...logged, t: Uint8Array.of(1, 0, 1) }, 0.5, 0.1), AllocationError);
    assert.throws(() => algorithmA(s, { ...logged, t: Uint8Array.of(1, 0, 2, 0) }, 0.5, 0.1), /row 3: arm 2/);
    assert.throws(() => algorithmA(s, { ...logged, p: Float64Array.of(0, 1, 1, 1) }, 0.5, 0.1), /row 1: propensity/);
    assert.throws(() => algorithmA(s, logged, 0.5, 0), AllocationError);
  });
});

describe('bisectBudget', () => {
  it('stays within the budget and close to the exact solver', () => {
    const rng = new Rng(12);
    for (let trial = 0; trial < 30; trial++) {
      const r = randomScores(rng, 2000, 2 + rng.int(6));
      const budget = (0.2 + 0.6 * rng.uniform()) * r.n;
      const plain = bisectBudget(r, budget);
      const exact = solveExact(r, budget, { fill: false });
      assert.ok(plain.spend <= budget);
      assert.deepEqual(spendOf(r, plain.allocation), { spend: plain.spend, revenue: plain.revenue });
      assert.ok(Math.abs(plain.lambda - exact.lambda) <= 1e-9 * Math.max(1, exact.lambda), `trial ${trial}`);
      assert.ok(exact.revenue >= plain.revenue - 1e-9);
    }
  });

  it('rejects a budget below the cheapest spend', () => {
    assert.throws(() => bisectBudget(s, -1), /minimum possible spend 0/);
  });
});
